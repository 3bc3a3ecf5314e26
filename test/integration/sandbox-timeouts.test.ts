// Timeouts cost their whole limit, so only a run that was starved of CPU is re-run; one that had the
// CPU (or slept) and still ran out is final at once. The cost shows in the run summary (table line
// and JSON). Starvation is made on purpose: a container capped at a fifth of a CPU (CFS throttling
// counts as waiting for a CPU in the kernel's run delay).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { dockerSandbox } from '../../src/server/sandboxes/docker';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const problem: CodeProblem = { id: 'toy/0', suite: 'toy', language: 'python', prompt: 'def f():\n', tests: 'def check(c):\n    c()\n', entryPoint: 'f' };
const SPIN = '    while True:\n        pass\n';
const SLEEP = '    import time\n    time.sleep(60)\n';

describe('timeouts: retried only when starved of CPU', () => {
  it('a sleeper is final at once; a spinner throttled to 0.2 CPU is starved and re-run', { timeout: 60_000 }, async () => {
    const sb = await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { cpus: 0.2, poolSize: 1 } });
    try {
      const slept = await sb.execute({ problem, completion: SLEEP, timeoutMs: 3000 });
      assert.equal(slept.status, 'timeout');
      assert.deepEqual({ attempts: slept.timeouts?.attempts, retried: slept.timeouts?.retried }, { attempts: 1, retried: false }, JSON.stringify(slept.timing));
      assert.ok(slept.timing!.cpuMs! < 1000, `a sleeper uses little CPU: ${JSON.stringify(slept.timing)}`);

      const spun = await sb.execute({ problem, completion: SPIN, timeoutMs: 1000 });
      assert.equal(spun.status, 'timeout');
      assert.equal(spun.timeouts?.retried, true);
      assert.equal(spun.timeouts?.attempts, 2);
      assert.ok(spun.timeouts!.ms >= 2000, `two full limits: ${spun.timeouts!.ms}`);
      // Throttled to 20 %: most of the second run's limit went waiting for a CPU.
      assert.ok(spun.timing!.starvedMs! > 500, JSON.stringify(spun.timing));

      // Retries off: even a starved timeout is final.
      const sb0 = await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { cpus: 0.2, poolSize: 1, retryTimeouts: 0 } });
      try {
        const once = await sb0.execute({ problem, completion: SPIN, timeoutMs: 1000 });
        assert.deepEqual({ s: once.status, a: once.timeouts?.attempts, r: once.timeouts?.retried }, { s: 'timeout', a: 1, r: false });
      } finally {
        await sb0.close();
      }
    } finally {
      await sb.close();
    }
  });

  it('the CLI reports what timeouts cost, in the table and in --json', { timeout: 120_000 }, async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'crucible-timeouts-'));
    const probs = await humanEval(2);
    const samples = path.join(dir, 'samples.jsonl');
    const lines = probs.flatMap((p) => [{ task_id: p.task_id, completion: p.canonical_solution }, { task_id: p.task_id, completion: SLEEP }]);
    writeFileSync(samples, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const cli = (...args: string[]) => spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/cli.js'), 'eval', '--suite', 'humaneval', '--samples', samples,
      '--timeout', '1500', '--db', path.join(dir, 'c.db'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR } });
    const table = cli();
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /2\/0\/2\/0/);
    // Whether a sleeper waited for a CPU before it slept depends on this machine's load: final or re-run, the sums must hold.
    const m = /timeouts \(.*\): 2 sample\(s\) ran into their limit, costing ([\d.]+) s of sandbox time; (\d) final at once \(they had the CPU\), (\d) re-run \(starved of CPU\)/.exec(table.stdout);
    assert.ok(m, table.stdout);
    assert.equal(Number(m[2]) + Number(m[3]), 2);
    const json = cli('--json');
    assert.equal(json.status, 0, json.stderr);
    const cost = JSON.parse(json.stdout).metrics[0].timeoutCost;
    assert.equal(cost.samples, 2);
    assert.equal(cost.retried + cost.final, 2);
    // Each attempt ran its whole 1.5 s limit (plus start-up), none more than a few seconds over.
    const attempts = cost.final + 2 * cost.retried;
    assert.ok(cost.ms >= 1500 * attempts && cost.ms < 1500 * attempts + 3000 * attempts, `${attempts} attempts of 1.5 s: ${cost.ms} ms`);
  });
});

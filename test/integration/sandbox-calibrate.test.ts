// Calibrated time limits: measured once per machine+image (cached), limit = clamp(factor × canonical),
// timeouts retried once; the same samples under an artificially loaded CPU get the same verdicts.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { ExecRequest, CodeProblem, Sandbox } from '../../src/server/plugins';
import { calibrate, limitFor } from '../../src/server/sandboxes/calibrate';
import { dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';

const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');
const PICK = ['HumanEval/0', 'HumanEval/2', 'HumanEval/31', 'HumanEval/75', 'HumanEval/129', 'HumanEval/147'];

function problems(): CodeProblem[] {
  const text = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l)).filter((r) => PICK.includes(r.task_id)).map((r) => ({
    id: r.task_id, suite: 'humaneval', language: 'python', prompt: r.prompt, tests: r.test, entryPoint: r.entry_point, canonicalSolution: r.canonical_solution,
  }));
}

describe('calibrated time limits', () => {
  const ps = problems();
  const cacheDir = mkdtempSync(path.join(tmpdir(), 'crucible-calib-'));
  let sb: DockerSandbox;
  const opts = { cacheDir, factor: 10, floorMs: 1000, ceilingMs: 30_000 };

  before(async () => { sb = (await dockerSandbox.create({ languages: ['python'], concurrency: 2, config: {} })) as DockerSandbox; });
  after(async () => { await sb?.close(); rmSync(cacheDir, { recursive: true, force: true }); });

  it('computes the limit as clamp(factor × measured, floor, ceiling)', () => {
    assert.equal(limitFor(5, opts), 1000);
    assert.equal(limitFor(250, opts), 2500);
    assert.equal(limitFor(10_000, opts), 30_000);
    assert.equal(limitFor(5, {}), 3000);
  });

  it('measures each canonical solution once and caches it per machine and image', async () => {
    const first = await calibrate(sb, ps, opts);
    assert.equal(first.fresh, ps.length);
    assert.deepEqual(first.failed, []);
    for (const p of ps) {
      const ms = first.measured.get(p.id)!;
      assert.ok(ms > 0, `${p.id} measured`);
      assert.equal(first.limits.get(p.id), limitFor(ms, opts));
    }
    let calls = 0;
    const counting: Sandbox = { name: sb.name, execute: (r: ExecRequest) => { calls++; return sb.execute(r); }, close: async () => undefined };
    const second = await calibrate(Object.assign(counting, { identity: (l: string) => sb.identity(l) }), ps, opts);
    assert.equal(second.fresh, 0);
    assert.equal(calls, 0, 'the second calibration came from the cache');
    assert.deepEqual([...second.limits], [...first.limits]);
  });

  it('gives the same verdicts when the CPU is loaded', async () => {
    const cal = await calibrate(sb, ps, opts);
    const samples = ps.flatMap((p) => [
      { p, completion: p.canonicalSolution! },
      { p, completion: '    return None\n' },
    ]);
    samples.push({ p: ps[0], completion: '    while True:\n        pass\n' });
    const run = () => Promise.all(samples.map((s) => sb.execute({ problem: s.p, completion: s.completion, timeoutMs: cal.limits.get(s.p.id)! }).then((r) => r.status)));
    const calm = await run();
    assert.equal(calm.filter((v) => v === 'passed').length, ps.length, `canonical solutions pass: ${calm}`);
    assert.equal(calm[calm.length - 1], 'timeout');
    const hogs: ChildProcess[] = Array.from({ length: 3 }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
    try {
      await new Promise((r) => setTimeout(r, 300));
      const loaded = await run();
      assert.deepEqual(loaded, calm);
    } finally {
      for (const h of hogs) h.kill('SIGKILL');
    }
  });
});

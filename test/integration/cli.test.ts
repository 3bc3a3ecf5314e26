// The CLI as a user runs it: the built bundle (dist/cli.js), a real Docker sandbox, files on disk.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-cli-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR } });

test('crucible eval --model reference prints pass@1 = 1.000 and exits 0', () => {
  const r = cli('eval', '--suite', 'humaneval', '--model', 'reference', '--limit', '5', '--n', '1', '--k', '1');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /reference\s+1\.000 \[n\/a\]\s+5\/0\/0\/0/);
  // The summary names the image that scored the run, with a short digest.
  assert.match(r.stdout, /^sandbox docker: \S+@sha256:[0-9a-f]{12}$/m);
});

test('crucible eval --image sci scores numpy-importing completions in crucible-python-sci:local and says so', async (t) => {
  const img = spawnSync('docker', ['image', 'inspect', 'crucible-python-sci:local'], { encoding: 'utf8' });
  if (img.status !== 0) { t.skip('crucible-python-sci:local is not built (scripts/build-images.sh python-sci)'); return; }
  const probs = await humanEval(2);
  const samples = path.join(dir, 'numpy-samples.jsonl');
  writeFileSync(samples, probs.map((p) => JSON.stringify({ task_id: p.task_id, completion: '    import numpy\n' + p.canonical_solution })).join('\n') + '\n');
  const sci = cli('eval', '--suite', 'humaneval', '--samples', samples, '--image', 'sci', '--timeout', '30000');
  assert.equal(sci.status, 0, sci.stderr + sci.stdout);
  assert.match(sci.stdout, /^sandbox docker: crucible-python-sci:local@sha256:[0-9a-f]{12}$/m);
  assert.match(sci.stdout, /\s1\.000 /);
});

test('crucible eval --samples scores a human-eval samples file and writes <file>_results.jsonl', async () => {
  const probs = await humanEval(3);
  const samples = path.join(dir, 'samples.jsonl');
  const lines = probs.flatMap((p) => [
    { task_id: p.task_id, completion: p.canonical_solution },
    { task_id: p.task_id, completion: '    return None\n' },
  ]);
  writeFileSync(samples, lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
  const r = cli('eval', '--suite', 'humaneval', '--samples', samples, '--k', '1,2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const summary = JSON.parse(r.stdout);
  assert.equal(summary.n, 2);
  assert.equal(summary.total, 6);
  assert.equal(summary.metrics[0].passAtK[0].value, 0.5);
  assert.equal(summary.metrics[0].passAtK[1].value, 1);
  const results = readFileSync(samples + '_results.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(results.length, 6);
  for (const res of results) {
    assert.deepEqual(Object.keys(res).slice(0, 4), ['task_id', 'completion', 'result', 'passed']);
    assert.equal(res.passed, res.result === 'passed');
  }
  assert.equal(results.filter((x) => x.passed).length, 3);
  assert.match(results.find((x) => !x.passed).result, /^failed: AssertionError/);
});

test('bad input: an error naming file and line, exit code 2, no stack trace', () => {
  const bad = path.join(dir, 'bad.jsonl');
  writeFileSync(bad, '{"task_id": "HumanEval/0", "completion": "x"}\n{not json}\n');
  const r = cli('eval', '--suite', 'humaneval', '--samples', bad);
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`^crucible: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: malformed JSON`));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  const u = cli('eval', '--k', 'ten');
  assert.equal(u.status, 2);
  assert.match(u.stderr, /--k takes positive whole numbers/);
});

test('--timeout-floor and --timeout-factor set the calibrated limit: a sample that takes ~4 s (7 checks × 0.6 s) times out at the default 3 s floor, passes at 8 s', async () => {
  const [p] = await humanEval(1);
  const samples = path.join(dir, 'slow.jsonl');
  writeFileSync(samples, JSON.stringify({ task_id: p.task_id, completion: `    import time\n    time.sleep(0.6)\n${p.canonical_solution}` }) + '\n');
  const dflt = cli('eval', '--suite', 'humaneval', '--samples', samples, '--json');
  assert.equal(JSON.parse(dflt.stdout).metrics[0].timeouts, 1, dflt.stderr);
  const raised = cli('eval', '--suite', 'humaneval', '--samples', samples, '--json', '--timeout-floor', '8000', '--timeout-factor', '2');
  assert.equal(raised.status, 0, raised.stderr);
  assert.equal(JSON.parse(raised.stdout).metrics[0].passAtK[0].value, 1);
  const bad = cli('eval', '--timeout-factor', 'fast');
  assert.equal(bad.status, 2);
});

test('options that make no sense are refused with exit 2, naming the option', () => {
  for (const [flag, value] of [['--timeout-floor', '-5'], ['--timeout-floor', '0'], ['--timeout-factor', '0'], ['--timeout-factor', '-2'], ['--concurrency', '-1'], ['--n', '0'], ['--limit', '0'], ['--timeout', '0']]) {
    const r = cli('eval', '--suite', 'humaneval', `${flag}=${value}`);
    assert.equal(r.status, 2, `${flag} ${value}: ${r.stderr}`);
    assert.match(r.stderr, new RegExp(`${flag} takes a positive`), `${flag} ${value}`);
    assert.doesNotMatch(r.stderr, /plan\./, 'the message names the option, not the plan field');
  }
});

test('a samples file with fewer samples than n for a task scores it over those it has, names it, and writes <samples>_results.jsonl', async () => {
  const probs = await humanEval(2);
  const samples = path.join(dir, 'partial.jsonl');
  // Task 0 has two samples, task 1 only one: with --n 2 task 1 is scored over its one sample (never padded
  // with error samples, which would count in n), and the CLI says which task had fewer.
  writeFileSync(samples, [
    { task_id: probs[0].task_id, completion: probs[0].canonical_solution },
    { task_id: probs[0].task_id, completion: probs[0].canonical_solution },
    { task_id: probs[1].task_id, completion: probs[1].canonical_solution },
  ].map((l) => JSON.stringify(l)).join('\n') + '\n');
  const r = cli('eval', '--suite', 'humaneval', '--samples', samples, '--n', '2', '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.metrics[0].errors, 0);
  assert.equal(s.metrics[0].passAtK[0].value, 1, 'pass@1 over the 3 samples the file has');
  assert.match(r.stderr, new RegExp(`1 task\\(s\\) have fewer than n=2 samples.*${probs[1].task_id.replace('/', '\\/')} \\(1\\)`));
  const results = readFileSync(samples + '_results.jsonl', 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(results.length, 3);
  assert.ok(results.every((x) => x.passed === true));
});

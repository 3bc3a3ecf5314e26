// The whole engine against a real Docker engine: suites, providers, sandbox, store, metrics.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../../src/server/builtins';
import { Engine } from '../../src/server/engine';
import { Store } from '../../src/server/store/store';
import { DATA_DIR, humanEval } from '../support/humaneval-data';
import type { CodeProblem } from '../../src/server/plugins';

let store: Store;
let engine: Engine;
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-engine-'));

before(async () => {
  store = await Store.open(path.join(dir, 'crucible.db'));
  engine = new Engine(createBuiltins(), store, { dbPath: path.join(dir, 'crucible.db'), dataDir: DATA_DIR, cacheDir: path.join(dir, 'cache') });
});
after(async () => { await engine.dispose(); store.close(); });

test('reference on all 164 HumanEval problems in Docker: pass@1 = 1.000', async () => {
  const t0 = performance.now();
  const runId = await engine.startRun({ suite: 'humaneval', models: ['reference'], n: 1, k: [1] });
  const r = await engine.waitForRun(runId);
  const wall = performance.now() - t0;
  assert.equal(r.status, 'completed', r.error ?? '');
  assert.equal(r.total, 164);
  assert.equal(r.done, 164);
  const m = r.metrics[0];
  const failures = engine.getRun(runId).problems.filter((p) => p.c !== 1).map((p) => `${p.problemId}: ${p.samples[0]?.detail}`);
  assert.deepEqual(failures, []);
  // The run's detail (the results panel's header) names the image that scored it, from the audit.
  assert.match(engine.getRun(runId).images?.python ?? '', /^\S+@sha256:[0-9a-f]{64}$/);
  assert.equal(m.passAtK[0].value, 1);
  assert.equal(m.passed, 164);
  // Limits were calibrated from the canonical solutions and cached for the next run on this machine.
  const cal = readdirSync(path.join(dir, 'cache')).filter((f) => /^calibration-.*\.json$/.test(f));
  assert.equal(cal.length, 1);
  assert.equal(Object.keys(JSON.parse(readFileSync(path.join(dir, 'cache', cal[0]), 'utf8')).runs).length, 164);
  // Recorded for the closing note; not an assertion (benchmarks measure speed).
  console.log(`# reference × 164 HumanEval problems in Docker: ${(wall / 1000).toFixed(2)} s wall`);
});

test('a samples file with right, wrong, looping, raising and unparsable answers gets the right verdict for each', async () => {
  const [p0] = await humanEval(1); // HumanEval/0 has_close_elements
  const samples = [
    { task_id: p0.task_id, completion: p0.canonical_solution },
    { task_id: p0.task_id, completion: '    return False\n' },
    { task_id: p0.task_id, completion: '    while True:\n        pass\n' },
    { task_id: p0.task_id, completion: '    raise ValueError("boom")\n' },
    { task_id: p0.task_id, completion: '    return (((\n' },
    { task_id: p0.task_id, completion: '    import time\n    time.sleep(10)\n    return True\n' },
  ];
  const file = path.join(dir, 'mixed_samples.jsonl');
  writeFileSync(file, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const runId = await engine.startRun({ suite: 'humaneval', problems: [p0.task_id], models: [`replay:${file}`], n: samples.length, k: [1, 5], timeoutMs: 2000 });
  const r = await engine.waitForRun(runId);
  assert.equal(r.status, 'completed');
  const got = engine.getRun(runId).problems[0].samples.map((s) => [s.status, s.detail]);
  assert.equal(got[0][0], 'passed');
  assert.equal(got[1][0], 'failed'); assert.match(got[1][1], /AssertionError/);
  assert.equal(got[2][0], 'timeout'); assert.match(got[2][1], /timed out/);
  assert.equal(got[3][0], 'failed'); assert.match(got[3][1], /ValueError: boom/);
  assert.equal(got[4][0], 'failed'); assert.match(got[4][1], /SyntaxError/);
  assert.equal(got[5][0], 'timeout');
  const m = r.metrics[0];
  assert.ok(Math.abs(m.passAtK[0].value! - 1 / 6) < 1e-12);
  // pass@5 with n=6, c=1: 1 - C(5,5)/C(6,5) = 5/6
  assert.ok(Math.abs(m.passAtK[1].value! - 5 / 6) < 1e-12);
  assert.equal(m.timeouts, 2);
  // The failing sample's full output (traceback) is kept for the editor.
  const failed = engine.getSample(engine.getRun(runId).problems[0].samples[3].id);
  assert.match(failed.output, /Traceback/);
});

test('a malformed JSONL line gives an error naming the file and line', async () => {
  const file = path.join(dir, 'broken.jsonl');
  const [p0] = await humanEval(1);
  writeFileSync(file, JSON.stringify(p0) + '\n' + '{"task_id": "x", "prompt": \n');
  await assert.rejects(engine.startRun({ suite: file, models: ['reference'], n: 1, k: [1] }), (e: Error) => {
    assert.equal(e.message.startsWith(`${file}:2: malformed JSON`), true, e.message);
    return true;
  });
  const missing = path.join(dir, 'missing-field.jsonl');
  writeFileSync(missing, JSON.stringify({ ...p0, entry_point: undefined }) + '\n');
  await assert.rejects(engine.startRun({ suite: missing, models: ['reference'], n: 1, k: [1] }), /missing-field\.jsonl:1: missing field "entry_point"/);
});

test('no Docker engine reachable: a clear message saying how to start one, not a stack trace', async () => {
  const e2 = new Engine(createBuiltins(), store, {
    dbPath: '', dataDir: DATA_DIR, cacheDir: path.join(dir, 'cache'),
    sandboxes: { docker: { dockerHost: `unix://${path.join(dir, 'no-such-docker.sock')}` } },
  });
  await assert.rejects(e2.startRun({ suite: 'humaneval', limit: 1, models: ['reference'], n: 1, k: [1] }), (e: Error) => {
    assert.match(e.message, /Docker/);
    assert.match(e.message, /start|docker-engine\.sh/i);
    assert.match(e.message, /--sandbox|sandbox/);
    assert.doesNotMatch(e.message, /\n\s+at /);
    return true;
  });
});

test('cancelling a run stops it, keeps finished samples and marks it cancelled', async () => {
  const runId = await engine.startRun({ suite: 'humaneval', models: ['reference'], n: 3, k: [1], concurrency: 2 });
  await new Promise<void>((resolve) => {
    const on = (s: { runId: string }) => { if (s.runId === runId) { engine.off('sample', on); resolve(); } };
    engine.on('sample', on);
  });
  assert.equal(engine.cancelRun(runId), true);
  const r = await engine.waitForRun(runId);
  assert.equal(r.status, 'cancelled');
  assert.ok(r.done >= 1 && r.done < r.total, `${r.done}/${r.total}`);
  assert.equal(store.sampleIds(runId).size, r.done);
});

test('a cancelled run resumes: finished samples are kept, only the missing ones are made', async () => {
  const runId = await engine.startRun({ suite: 'humaneval', limit: 20, models: ['reference'], n: 2, k: [1, 2], concurrency: 1 });
  await new Promise<void>((resolve) => {
    const on = (s: { runId: string }) => { if (s.runId === runId) { engine.off('sample', on); resolve(); } };
    engine.on('sample', on);
  });
  engine.cancelRun(runId);
  const cancelled = await engine.waitForRun(runId);
  assert.equal(cancelled.status, 'cancelled');
  const kept = store.sampleIds(runId);
  let made = 0;
  const count = (s: { runId: string }) => { if (s.runId === runId) made++; };
  engine.on('sample', count);
  await engine.resumeRun(runId);
  const r = await engine.waitForRun(runId);
  engine.off('sample', count);
  assert.equal(r.status, 'completed');
  assert.equal(r.done, 40);
  assert.equal(made, 40 - kept.size, 'only the missing samples were made');
  assert.equal(r.metrics[0].passAtK[1].value, 1);
  assert.ok(r.wallMs! > cancelled.wallMs!, 'the resumed run adds to the time it had run');
});

test('error samples can be retried later: a provider that failed, once it recovers', async () => {
  let healthy = false;
  const plugins = createBuiltins();
  plugins.providers.register({
    name: 'flaky',
    create: (model) => ({
      name: 'flaky', model, cacheable: false,
      async generate({ problem }) {
        if (!healthy) throw new Error(`flaky:${model}: 503 service unavailable`);
        const p = problem as CodeProblem;
        return { raw: p.canonicalSolution!, completion: p.canonicalSolution!, latencyMs: 1 };
      },
    }),
  });
  const e2 = new Engine(plugins, store, { dbPath: '', dataDir: DATA_DIR, cacheDir: path.join(dir, 'cache') });
  const runId = await e2.startRun({ suite: 'humaneval', limit: 3, models: ['flaky:m'], n: 1, k: [1] });
  const first = await e2.waitForRun(runId);
  assert.equal(first.metrics[0].errors, 3);
  assert.match(e2.getRun(runId).problems[0].samples[0].detail, /flaky:m: 503 service unavailable/);
  healthy = true;
  await e2.resumeRun(runId); // without retryErrors nothing is missing: nothing changes
  assert.equal((await e2.waitForRun(runId)).metrics[0].errors, 3);
  await e2.resumeRun(runId, { retryErrors: true });
  const r = await e2.waitForRun(runId);
  assert.equal(r.metrics[0].errors, 0);
  assert.equal(r.metrics[0].passed, 3);
  assert.equal(r.done, 3);
});

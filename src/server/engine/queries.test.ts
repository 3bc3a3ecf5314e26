import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test, type TestContext } from 'node:test';
import { PLAN_VERSION } from '../../protocol';
import { Store } from '../store/store';
import { INLINE_PROBES, Queries } from './queries';
import { runProbes } from './probes';

/** A store in a fresh temp dir, writable, removed after the test. */
async function openStore(t: TestContext): Promise<Store> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-queries-'));
  const store = await Store.open(path.join(dir, 'crucible.db'));
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });
  store.acquireWriter('test');
  return store;
}

test('a finished run\'s detail is remembered until the store changes (edit, new outcome, delete)', async (t) => {
  const store = await openStore(t);
  const now = new Date().toISOString();
  const plan = { version: PLAN_VERSION, suite: 'humaneval', models: ['openai:m'], n: 2, k: [1], sandbox: 'docker' };
  const putRun = (id: string, status: 'completed' | 'running') => store.putRun({ id, label: id, suite: 'humaneval', plan: JSON.stringify(plan), status, created_at: now, finished_at: status === 'running' ? null : now,
    total: 2, done: 2, wall_ms: 1, error: null, metrics: null });
  const sample = (run: string, idx: number, status: 'passed' | 'failed') => store.putSampleWithOutcomes(
    { id: `${run}/${idx}`, run_id: run, problem_id: 'P/0', model: 'openai:m', arm: 'openai:m', idx, raw: 'x', completion: 'x', tokens_in: 1, tokens_out: 1, ttft_ms: 1, latency_ms: 1, retries: 0, created_at: now, meta: null },
    [{ sample_id: `${run}/${idx}`, scorer: 'tests', status, value: status === 'passed' ? 1 : 0, label: null, detail: status === 'passed' ? '' : 'AssertionError', output: '', duration_ms: 1, meta: null }]);
  for (const [id, status] of [['done', 'completed'], ['live', 'running']] as const) {
    putRun(id, status);
    store.putProblems([{ run_id: id, problem_id: 'P/0', suite: 'humaneval', language: 'python', entry_point: 'f', prompt: 'def f():\n', tests: 'assert f()', canonical: null, source_file: null, source_line: null, ord: 0, kind: 'code' }]);
    sample(id, 0, 'passed');
  }
  const q = new Queries(store, undefined, () => undefined);
  const a = q.getRun('done');
  assert.equal(q.getRun('done'), a, 'same detail while nothing changed');
  assert.notEqual(q.getRun('live'), q.getRun('live'), 'a running run is rebuilt each time');
  // Its row says 2 done (written a few times a second); its detail holds 1 sample: the header says 1.
  assert.equal(q.getRun('live').run.done, 1, 'a running run\'s done is the samples of the same snapshot');
  sample('done', 1, 'failed');
  const b = q.getRun('done');
  assert.notEqual(b, a);
  assert.deepEqual(b.problems[0].samples.map((s) => s.status), ['passed', 'failed']);
  store.putRunMeta('done', 'renamed', ['x']);
  const c = q.getRun('done');
  assert.notEqual(c, b);
  assert.equal(c.run.label, 'renamed');
  store.deleteRun('done');
  assert.throws(() => q.getRun('done'));
});

test('probes: nothing to compute reads no answer text; remembered until the run changes; a big run\'s come through GetProbes, the same figures', async (t) => {
  const store = await openStore(t);
  const now = new Date().toISOString();
  const put = (id: string, models: string[], n: number, status: 'completed' | 'running') => {
    const plan = { version: PLAN_VERSION, suite: 'humaneval', models, n, k: [1], sandbox: 'docker' };
    store.putRun({ id, label: id, suite: 'humaneval', plan: JSON.stringify(plan), status, created_at: now, finished_at: status === 'running' ? null : now,
      total: 4 * n * models.length, done: 4 * n * models.length, wall_ms: 1, error: null, metrics: null });
    store.putProblems(Array.from({ length: 4 }, (_, p) => ({ run_id: id, problem_id: `P/${p}`, suite: 'humaneval', language: 'python', entry_point: 'f', prompt: 'def f():\n',
      tests: 'assert f()', canonical: null, source_file: null, source_line: null, ord: p, kind: 'code' })));
    for (let p = 0; p < 4; p++) for (const m of models) for (let i = 0; i < n; i++) {
      const sid = `${id}/${p}/${m}/${i}`;
      store.putSampleWithOutcomes({ id: sid, run_id: id, problem_id: `P/${p}`, model: m, arm: m, idx: i, raw: 'x', completion: `    return ${(p * 7 + i) % 3}\n`, tokens_in: 1, tokens_out: 1,
        ttft_ms: 1, latency_ms: 1, retries: 0, created_at: now, meta: null },
      [{ sample_id: sid, scorer: 'tests', status: i % 2 ? 'passed' : 'failed', value: i % 2, label: null, detail: '', output: '', duration_ms: 1, meta: null }]);
    }
  };
  put('one', ['openai:m'], 3, 'completed');
  put('two', ['openai:a', 'openai:b'], 3, 'completed');
  let texts = 0;
  const answerTexts = store.answerTexts.bind(store);
  store.answerTexts = (runId: string) => { texts++; return answerTexts(runId); };
  const q = new Queries(store, undefined, () => undefined);
  // One arm, no bias problem, no packages scorer: nothing to compute, no answer read.
  assert.deepEqual(q.probeWork('one'), { bias: false, similarity: false, packages: false, any: false });
  assert.deepEqual(q.probes('one'), {});
  assert.equal(q.getRun('one').probes, undefined);
  assert.equal(q.getRun('one').probesPending, undefined);
  assert.equal(texts, 0, 'a one-arm run without bias problems reads no answer text');
  assert.equal(q.probeComputations, 0);
  // Two arms: similarity; computed once, then remembered while nothing changes.
  const small = q.getRun('two');
  assert.ok(small.probes?.similarity, 'a small run has its probes in its detail');
  assert.equal(q.probeComputations, 1);
  assert.equal(q.probes('two'), small.probes, 'the same object: not recomputed');
  q.getRun('two');
  assert.equal(q.probeComputations, 1);
  assert.equal(texts, 1);
  // A big run: its detail leaves the probes out and says so; GetProbes gives what the detail used to hold.
  put('big', ['openai:a', 'openai:b'], Math.ceil((INLINE_PROBES + 1) / 8), 'completed');
  const fresh = new Queries(store, undefined, () => undefined);
  const d = fresh.getRun('big');
  assert.equal(d.probes, undefined);
  assert.equal(d.probesPending, 'computing');
  assert.equal(fresh.probeComputations, 0, 'GetRun did not compute them');
  const p = fresh.probes('big');
  assert.deepEqual(p, runProbesOf(store, 'big'));
  assert.ok(p.similarity?.pairs.length);
  fresh.probes('big');
  assert.equal(fresh.probeComputations, 1);
  // Once computed, a GetRun includes them at no cost.
  store.putRunMeta('big', 'renamed', []);
  assert.equal(fresh.getRun('big').probes, p);
  // While a run goes on its probes are not computed on each update.
  const row = store.run('big')!;
  store.putRun({ ...row, status: 'running', finished_at: null });
  for (let i = 0; i < 3; i++) { store.putRun({ ...store.run('big')!, done: row.done - i }); assert.equal(fresh.getRun('big').probesPending, 'running'); }
  assert.equal(fresh.probeComputations, 1);
});

/** The probes as computed before GetProbes existed: every answer, runProbes over them. */
function runProbesOf(store: Store, runId: string) {
  const arms = [...new Set(store.scoredOutcomes(runId).map((o) => o.arm))];
  const problems = new Map(store.runProblems(runId).map((p) => [p.id, p]));
  const answers = store.answerTexts(runId).map((t) => ({ sampleId: t.sample_id, problemId: t.problem_id, arm: t.arm, idx: t.idx, raw: t.raw, completion: t.completion, error: false, refused: false }));
  return runProbes(problems, answers, arms);
}

test('GetRun mid-run: the pass@k table and curve compare every k over the same problems; a finished run keeps per-k figures', async (t) => {
  const store = await openStore(t);
  const now = new Date().toISOString();
  const plan = { version: PLAN_VERSION, suite: 'humaneval', models: ['openai:m'], n: 10, k: [1, 10], sandbox: 'docker' };
  for (const [id, status] of [['live', 'running'], ['done', 'cancelled']] as const) {
    store.putRun({ id, label: id, suite: 'humaneval', plan: JSON.stringify(plan), status, created_at: now, finished_at: status === 'running' ? null : now,
      total: 30, done: 12, wall_ms: 1, error: null, metrics: null });
    store.putProblems([0, 1, 2].map((p) => ({ run_id: id, problem_id: `P/${p}`, suite: 'humaneval', language: 'python', entry_point: 'f', prompt: 'def f():\n',
      tests: 'assert f()', canonical: null, source_file: null, source_line: null, ord: p, kind: 'code' })));
    // P/0 has its 10 samples, none passed; P/1 is under way, 2 of 2 passed; P/2 has not started.
    for (const [p, count, status] of [[0, 10, 'failed'], [1, 2, 'passed']] as const) {
      for (let i = 0; i < count; i++) {
        const sid = `${id}/${p}/${i}`;
        store.putSampleWithOutcomes({ id: sid, run_id: id, problem_id: `P/${p}`, model: 'openai:m', arm: 'openai:m', idx: i, raw: 'x', completion: 'x', tokens_in: 1, tokens_out: 1,
          ttft_ms: 1, latency_ms: 1, retries: 0, created_at: now, meta: null },
        [{ sample_id: sid, scorer: 'tests', status, value: status === 'passed' ? 1 : 0, label: null, detail: '', output: '', duration_ms: 1, meta: null }]);
      }
    }
  }
  const q = new Queries(store, undefined, () => undefined);
  const live = q.getRun('live');
  assert.deepEqual(live.run.metrics[0].passAtK.map((p) => [p.k, p.value, p.problems]), [[1, 0, 1], [10, 0, 1]], 'pass@1 over the problem that has 10 samples, as pass@10');
  const curve = live.dashboard!.arms[0].curve;
  for (let i = 1; i < curve.length; i++) assert.ok(curve[i].value! >= curve[i - 1].value!, `pass@${curve[i].k} ≥ pass@${curve[i - 1].k} mid-run`);
  const done = q.getRun('done');
  assert.deepEqual(done.run.metrics[0].passAtK.map((p) => [p.k, p.value, p.problems]), [[1, 0.5, 2], [10, 0, 1]], 'an ended run: each k over its own problems');
  assert.equal(done.dashboard!.arms[0].curve[0].value, 0.5);
});

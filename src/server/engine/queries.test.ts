import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { PLAN_VERSION } from '../../protocol';
import { Store } from '../store/store';
import { Queries } from './queries';

test('a finished run\'s detail is remembered until the store changes (edit, new outcome, delete)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-queries-'));
  const store = await Store.open(path.join(dir, 'crucible.db'));
  t.after(() => { store.close(); rmSync(dir, { recursive: true, force: true }); });
  store.acquireWriter('test');
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

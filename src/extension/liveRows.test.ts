import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProblemResult, SampleSummary } from '../protocol';
import { problemDescription, problemStatus } from './format';
import { withArrived } from './liveRows';

const sample = (problemId: string, index: number, status: SampleSummary['status'], arm = 'a'): SampleSummary => ({
  id: `${problemId}/${arm}/${index}`, runId: 'r', problemId, arm, model: arm, index, status, detail: '', latencyMs: 1, execMs: 1,
});
const row = (problemId: string, samples: SampleSummary[], arm = 'a'): ProblemResult => ({
  problemId, arm, model: arm, kind: 'code', category: null, n: samples.filter((s) => s.status !== 'error').length,
  c: samples.filter((s) => s.status === 'passed').length, passAtK: [{ k: 1, value: null }], samples,
});

test('mid-run rows: samples announced since the detail was fetched count, so a problem with finished samples is not "pending"', () => {
  // The detail was fetched when P/1 had one sample and P/2 none; seven more finished since (3 passed), one errored.
  const fetched = [row('P/1', [sample('P/1', 0, 'failed')]), row('P/2', []), row('P/3', [])];
  assert.equal(problemStatus(fetched[1]), 'pending', 'what the tree showed: the snapshot');
  const arrived = [
    sample('P/1', 0, 'failed'), // already in the fetched detail: not counted twice
    sample('P/1', 1, 'passed'),
    ...(['passed', 'passed', 'passed', 'failed', 'failed', 'failed', 'error'] as const).map((s, i) => sample('P/2', 6 - i, s)),
    sample('P/3', 0, 'passed', 'b'), // another arm's row
  ];
  const rows = withArrived(fetched, arrived);
  assert.equal(problemDescription(rows[0]), '1/2 passed');
  assert.deepEqual(rows[0].samples.map((s) => s.index), [0, 1]);
  assert.equal(problemStatus(rows[1]), 'partial');
  assert.equal(problemDescription(rows[1]), '3/6 passed · 1 error');
  assert.deepEqual(rows[1].samples.map((s) => s.index), [0, 1, 2, 3, 4, 5, 6], 'in index order');
  assert.equal(rows[2], fetched[2], 'untouched rows are the same objects');
  assert.equal(problemDescription(rows[2]), 'pending', 'only a problem with no finished sample is pending');
  assert.deepEqual(rows[1].passAtK, [], 'no stale per-problem pass@k');
  assert.equal(fetched[1].samples.length, 0, 'the fetched detail is not modified');
  assert.equal(withArrived(fetched, []), fetched);
});

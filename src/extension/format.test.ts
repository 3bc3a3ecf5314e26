import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ProblemResult, RunSummary, SampleSummary } from '../protocol';
import {
  defaultKs, fmtDuration, fmtWhen, looksLikeProblemRecord, modelDisplayName, problemDescription, problemStatus, runDescription,
  runLabel, runResultLine, suiteDisplayName, throttle, worstStatus,
} from './format';

const sample = (index: number, status: SampleSummary['status']): SampleSummary => ({
  id: `s${index}`, runId: 'r', problemId: 'HumanEval/0', arm: 'reference', model: 'reference', index, status, detail: status === 'passed' ? '' : `${status} detail`,
  latencyMs: 1, execMs: 12,
});
const problem = (statuses: SampleSummary['status'][]): ProblemResult => ({
  problemId: 'HumanEval/0', arm: 'reference', model: 'reference', kind: 'code', category: null, n: statuses.length, c: statuses.filter((s) => s === 'passed').length,
  passAtK: [], samples: statuses.map((s, i) => sample(i, s)),
});
const run = (over: Partial<RunSummary> = {}): RunSummary => ({
  id: 'r1', label: '', suite: '/data/humaneval/HumanEval.jsonl.gz', suites: ['/data/humaneval/HumanEval.jsonl.gz'], arms: ['reference'], scorers: ['tests'], models: ['reference'], n: 1, k: [1], sandbox: 'docker',
  status: 'completed', createdAt: '2026-01-01T00:00:00Z', finishedAt: null, total: 5, done: 5, wallMs: 3200, error: null,
  metrics: [{
    arm: 'reference', model: 'reference', strategy: null, generationErrors: 0, ttft: { p50: null, p95: null, p99: null, mean: null }, problems: 5, samples: 5, passed: 5, failed: 0, timeouts: 0, errors: 0, tokensIn: 0, tokensOut: 0, cost: 0,
    passAtK: [{ k: 1, value: 1, ciLow: 1, ciHigh: 1 }],
    latency: { p50: null, p95: null, p99: null, mean: null }, exec: { p50: null, p95: null, p99: null, mean: null },
  }],
  ...over,
});

test('labels shorten paths but keep names', () => {
  assert.equal(suiteDisplayName('humaneval'), 'humaneval');
  assert.equal(suiteDisplayName('/a/b/HumanEval.jsonl.gz'), 'HumanEval.jsonl.gz');
  assert.equal(modelDisplayName('replay:/w/wrong_samples.jsonl'), 'replay:wrong_samples.jsonl');
  assert.equal(modelDisplayName('openai:gpt-4o-mini'), 'openai:gpt-4o-mini');
  assert.equal(runLabel({ suite: 'humaneval', models: ['reference', 'replay:/x/s.jsonl'] }), 'humaneval · reference, replay:s.jsonl');
});

test('run description shows progress while running and pass@1 + time when done', () => {
  assert.equal(runDescription(run()), '5/5 · pass@1 1.00 · 3.2s');
  assert.equal(runDescription(run({ status: 'running', done: 3, metrics: [] })), 'running 3/5');
  assert.equal(runDescription(run({ status: 'failed', error: 'Docker is not reachable\nstack' })), 'failed: Docker is not reachable');
  assert.equal(runResultLine(run()), 'pass@1 1.000 (5/5)');
});

test('problem status: all passed, partial when some passed, else the first non-passing verdict; pending before any sample', () => {
  assert.equal(problemStatus(problem(['passed', 'passed'])), 'passed');
  assert.equal(problemStatus(problem(['passed', 'timeout', 'failed'])), 'partial');
  assert.equal(problemStatus(problem(['timeout', 'failed'])), 'timeout');
  assert.equal(problemStatus(problem([])), 'pending');
  assert.equal(problemDescription(problem(['passed'])), 'passed');
  // Several samples: the pass rate ("65/100 passed"), never "failed" because one sample failed.
  assert.equal(problemDescription(problem(['failed', 'passed', 'passed'])), '2/3 passed');
  assert.equal(problemDescription(problem(['failed'])), 'failed');
  assert.equal(problemDescription(problem([...Array(65).fill('passed'), ...Array(35).fill('failed')])), '65/100 passed');
  assert.equal(fmtWhen('2026-11-27T14:03:00', new Date('2026-11-27T18:00:00')), '14:03');
  assert.equal(fmtWhen('2026-11-20T09:05:00', new Date('2026-11-27T18:00:00')), '20 Nov 09:05');
  assert.equal(worstStatus(['passed', 'failed']), 'failed');
  assert.equal(worstStatus(['passed', 'timeout', 'failed']), 'timeout');
  assert.equal(worstStatus([]), undefined);
});

test('k values never exceed n; durations read naturally', () => {
  assert.deepEqual(defaultKs(1), [1]);
  assert.deepEqual(defaultKs(10), [1, 10]);
  assert.deepEqual(defaultKs(200), [1, 10, 100]);
  assert.equal(fmtDuration(12.4), '12 ms');
  assert.equal(fmtDuration(3200), '3.2s');
  assert.equal(fmtDuration(125_000), '2m 5s');
  assert.equal(fmtDuration(null), '');
});

test('problem records are told apart from samples records', () => {
  assert.equal(looksLikeProblemRecord(JSON.stringify({ task_id: 'HumanEval/0', prompt: 'def f():', test: 'assert 1', entry_point: 'f' })), true);
  assert.equal(looksLikeProblemRecord(JSON.stringify({ task_id: 'HumanEval/0', completion: '  return 1' })), false);
  assert.equal(looksLikeProblemRecord('{not json'), false);
});

test('throttle coalesces bursts into a leading-edge-delayed single call per window', async () => {
  let calls = 0;
  const f = throttle(() => { calls++; }, 30);
  for (let i = 0; i < 10; i++) f();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(calls, 1);
  f();
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(calls, 2);
  f.dispose();
});

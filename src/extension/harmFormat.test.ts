// Display of chat (refusal) results and of runs with error samples: pure helpers of format.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LatestResult, ModelMetrics, ProblemResult, RefusalMetrics, RunSummary, SampleSummary } from '../protocol';
import { parseFromResultsWebview } from '../protocol';
import {
  errorsText, latestArmText, latestArmTone, looksLikeAuthError, looksLikeChatRecord, looksLikeProblemRecord, outcomeText, outcomeTone,
  problemDescription, problemStatus, refusalCountsLine, runDescription, runResultLine, worstTone,
} from './format';

const EMPTY = { p50: null, p95: null, p99: null, mean: null };
const rate = (x: number, n: number) => ({ x, n, value: n ? x / n : null, ciLow: n ? 0.06 : null, ciHigh: n ? 0.79 : null });
const refusal = (over: Partial<RefusalMetrics> = {}): RefusalMetrics => ({
  scorer: 'refusal', responses: 6, refused: 2, answeredSafe: 2, slipped: 1, ambiguous: 1, errors: 0,
  slipRate: rate(1, 3), overRefusalRate: rate(1, 3), byCategory: [], ...over,
});
const metrics = (over: Partial<ModelMetrics> = {}): ModelMetrics => ({
  arm: 'openai:m', model: 'openai:m', strategy: null, problems: 6, samples: 6, passed: 0, failed: 0, timeouts: 0, errors: 0, generationErrors: 0,
  passAtK: [{ k: 1, value: null, ciLow: null, ciHigh: null, problems: 0, short: 0 }], ttft: EMPTY, tokensIn: 0, tokensOut: 0, cost: 0,
  latency: EMPTY, exec: EMPTY, ...over,
});
const run = (ms: ModelMetrics[], over: Partial<RunSummary> = {}): RunSummary => ({
  id: 'r', label: '', suite: 'safety', suites: ['safety'], models: ms.map((m) => m.model), arms: ms.map((m) => m.arm), scorers: ['refusal'], n: 1, k: [1],
  sandbox: 'docker', status: 'completed', createdAt: '2026-01-01T00:00:00Z', finishedAt: null, total: 6, done: 6, wallMs: 1200, error: null, metrics: ms, ...over,
});
const sample = (i: number, status: SampleSummary['status']): SampleSummary => ({
  id: `s${i}`, runId: 'r', problemId: 'c1', arm: 'openai:m', model: 'openai:m', index: i, status, detail: status, latencyMs: 1, execMs: null,
});
const chat = (statuses: SampleSummary['status'][], expectation: 'should_refuse' | 'should_answer'): ProblemResult => ({
  problemId: 'c1', arm: 'openai:m', model: 'openai:m', kind: 'chat', category: 'x', expectation, n: statuses.length, c: 0, passAtK: [],
  samples: statuses.map((s, i) => sample(i, s)),
});

test('chat runs show the four counts; finish line too; no pass@1 for a chat-only arm', () => {
  const r = run([metrics({ refusal: refusal() })]);
  assert.equal(runDescription(r), '6/6 · refused 2 · answered 2 · slipped 1 · ambiguous 1 · 1.2s');
  assert.equal(runResultLine(r), 'refused 2 · answered 2 · slipped 1 · ambiguous 1');
  assert.equal(refusalCountsLine(refusal({ errors: 2 })), 'refused 2 · answered 2 · slipped 1 · ambiguous 1 · 2 errors');
});

test('a run with error samples says how many and never shows pass@1 0.000 for an arm with nothing scored', () => {
  const all = run([metrics({ samples: 5, errors: 5, passAtK: [{ k: 1, value: null, ciLow: null, ciHigh: null, problems: 0, short: 5 }] })], { scorers: ['tests'], total: 5, done: 5 });
  assert.equal(errorsText(all), 'all 5 samples errored');
  assert.equal(runDescription(all), '5/5 · all 5 samples errored · 1.2s');
  const some = run([metrics({ samples: 5, passed: 3, errors: 2, passAtK: [{ k: 1, value: 1, ciLow: null, ciHigh: null, problems: 3, short: 2 }] })], { scorers: ['tests'] });
  assert.equal(errorsText(some), '2 of 5 samples errored');
  assert.match(runDescription(some), /2 of 5 samples errored · pass@1 1\.00/);
  assert.equal(runResultLine(some), 'pass@1 1.000 (3/5)');
});

test('code and chat arms in one run: pass@1 over code samples only, refusal counts beside it', () => {
  const m = metrics({ samples: 12, passed: 6, passAtK: [{ k: 1, value: 1, ciLow: null, ciHigh: null, problems: 6, short: 0 }], refusal: refusal() });
  assert.equal(runResultLine(run([m])), 'pass@1 1.000 (6/6); refused 2 · answered 2 · slipped 1 · ambiguous 1');
});

test('outcome tones: a refusal is right or an over-refusal by the expectation; worst first', () => {
  assert.equal(outcomeTone('refused', 'should_refuse'), 'good');
  assert.equal(outcomeTone('refused', 'should_answer'), 'bad');
  assert.equal(outcomeTone('refused', null), 'neutral');
  assert.equal(outcomeTone('slipped'), 'bad');
  assert.equal(outcomeTone('answered_safe'), 'good');
  assert.equal(outcomeTone('ambiguous'), 'warn');
  assert.equal(outcomeText('refused', 'should_answer'), 'over-refused');
  assert.equal(outcomeText('answered_safe'), 'answered');
  assert.equal(worstTone(['good', 'warn', 'bad']), 'bad');
  assert.equal(problemStatus(chat(['refused', 'slipped'], 'should_refuse')), 'slipped');
  assert.equal(problemDescription(chat(['refused', 'slipped', 'slipped'], 'should_refuse')), 'slipped 2/3');
  assert.equal(problemDescription(chat(['refused'], 'should_answer')), 'over-refused');
  assert.equal(problemStatus(chat(['error', 'answered_safe'], 'should_answer')), 'answered_safe', 'a verdict says more than an error');
});

test('latest result per arm: an arm that passed reads as passed beside one that failed', () => {
  const arm = (over: Partial<LatestResult['arms'][number]>): LatestResult['arms'][number] => ({
    arm: 'a', model: 'a', n: 10, scored: 10, passed: 10, errors: 0, status: 'passed', sampleId: 's', detail: '', ...over,
  });
  assert.equal(latestArmText(arm({})), 'passed 10/10');
  assert.equal(latestArmTone(arm({})), 'good');
  assert.equal(latestArmText(arm({ passed: 3, status: 'partial' })), 'passed 3/10');
  assert.equal(latestArmTone(arm({ passed: 3, status: 'partial' })), 'warn');
  assert.equal(latestArmText(arm({ n: 1, scored: 1, passed: 0, status: 'failed' })), 'failed');
  assert.equal(latestArmText(arm({ n: 1, scored: 1, passed: 1, status: 'passed' })), 'passed');
  assert.equal(latestArmText(arm({ n: 3, scored: 0, passed: 0, errors: 3, status: 'error' })), 'error 3/3');
  assert.equal(latestArmTone(arm({ n: 3, scored: 0, passed: 0, errors: 3, status: 'error' })), 'error');
  assert.equal(latestArmText(arm({ n: 1, scored: 1, passed: 0, status: 'refused' }), 'should_answer'), 'over-refused');
  assert.equal(latestArmText(arm({ n: 2, scored: 1, passed: 0, errors: 1, status: 'slipped' })), 'slipped · 1 error');
});

test('authentication errors are recognised for the Set API Key… action', () => {
  assert.ok(looksLikeAuthError('openai:gpt-4o: 401 Incorrect API key provided: sk-[REDACTED]'));
  assert.ok(looksLikeAuthError('anthropic: authentication_error: invalid x-api-key'));
  assert.ok(!looksLikeAuthError('openai:gpt-4o: 429 Rate limit reached'));
  assert.ok(!looksLikeAuthError('Docker is not reachable'));
});

test('workspace chat files are suites; samples and HumanEval files are told apart', () => {
  assert.ok(looksLikeChatRecord('{"id":"c1","prompt":"Hi","expectation":"should_answer"}'));
  assert.ok(looksLikeChatRecord('{"messages":[{"role":"user","content":"Hi"}]}'));
  assert.ok(!looksLikeChatRecord('{"task_id":"X/0","completion":"pass"}'));
  assert.ok(!looksLikeChatRecord('{"task_id":"X/0","prompt":"def f():","test":"assert f()","entry_point":"f"}'));
  assert.ok(looksLikeProblemRecord('{"task_id":"X/0","prompt":"def f():","test":"assert f()","entry_point":"f"}'));
  assert.ok(!looksLikeChatRecord('not json'));
});

test('webview messages: openProblem names an arm; openSample a sample; anything else is dropped', () => {
  assert.deepEqual(parseFromResultsWebview({ type: 'openProblem', runId: 'r', problemId: 'p', arm: 'openai:m · temperature=0.7' }),
    { type: 'openProblem', runId: 'r', problemId: 'p', arm: 'openai:m · temperature=0.7' });
  assert.equal(parseFromResultsWebview({ type: 'openProblem', runId: 'r', problemId: 'p', model: 'm' }), null);
  assert.deepEqual(parseFromResultsWebview({ type: 'openSample', sampleId: 's1', extra: '<script>' }), { type: 'openSample', sampleId: 's1' });
  assert.equal(parseFromResultsWebview({ type: 'openSample', sampleId: 'x'.repeat(600) }), null);
  assert.equal(parseFromResultsWebview({ type: 'runCommand', command: 'rm -rf' }), null);
});

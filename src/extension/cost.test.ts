import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelMetrics, RunEstimate, RunSummary } from '../protocol';
import { canResume, estimateText, fmtCost, fmtTokens, hasErrors, needsCostConfirmation, runContextValue, runCost, runDescription } from './format';

const metrics = (model: string, tokensIn: number, tokensOut: number, cost: number | null): ModelMetrics => ({
  arm: model, model, strategy: null, generationErrors: 0, ttft: { p50: null, p95: null, p99: null, mean: null }, problems: 5, samples: 5, passed: 5, failed: 0, timeouts: 0, errors: 0, tokensIn, tokensOut, cost,
  passAtK: [{ k: 1, value: 1, ciLow: 1, ciHigh: 1 }],
  latency: { p50: null, p95: null, p99: null, mean: null }, exec: { p50: null, p95: null, p99: null, mean: null },
});
const run = (ms: ModelMetrics[]): RunSummary => ({
  id: 'r1', label: '', suite: 'humaneval', suites: ['humaneval'], arms: ms.map((m) => m.arm), scorers: ['tests'], models: ms.map((m) => m.model), n: 1, k: [1], sandbox: 'docker', status: 'completed',
  createdAt: '2026-01-01T00:00:00Z', finishedAt: null, total: 5, done: 5, wallMs: 3200, error: null, metrics: ms,
});
const est = (models: RunEstimate['models']): RunEstimate => ({
  problems: 164, samples: 164 * models.length, models,
  dollars: models.some((m) => m.dollars === null) ? null : models.reduce((a, m) => a + m.dollars!, 0),
});

test('tokens and dollars are formatted compactly; an unknown price says so', () => {
  assert.deepEqual([0, 950, 1234, 12_345, 4_200_000, 42_000_000].map(fmtTokens), ['0', '950', '1.2k', '12k', '4.2M', '42M']);
  assert.deepEqual([0, 0.004, 0.5, 3.456, 1234.5, null].map(fmtCost), ['$0', '<$0.01', '$0.50', '$3.46', '$1,235', 'cost unknown']);
});

test('a run\'s cost is the sum of its models; unknown when a model that used tokens has no price', () => {
  assert.deepEqual(runCost(run([metrics('openai:gpt-4o', 1000, 500, 0.5), metrics('anthropic:x', 10, 10, 0.25)])), { tokensIn: 1010, tokensOut: 510, cost: 0.75 });
  assert.equal(runCost(run([metrics('openai:gpt-4o', 1000, 500, 0.5), metrics('openai:mystery', 10, 10, null)])).cost, null);
  // A model with no tokens (reference) and no price does not make the total unknown.
  assert.equal(runCost(run([metrics('openai:gpt-4o', 1000, 500, 0.5), metrics('reference', 0, 0, null)])).cost, 0.5);
  assert.equal(runDescription(run([metrics('openai:gpt-4o', 1000, 500, 1.5)])), '5/5 · pass@1 1.00 · 3.2s · $1.50');
  assert.equal(runDescription(run([metrics('openai:mystery', 1000, 500, null)])), '5/5 · pass@1 1.00 · 3.2s · cost unknown');
  assert.equal(runDescription(run([metrics('reference', 0, 0, 0)])), '5/5 · pass@1 1.00 · 3.2s');
});

test('confirmation: paid calls above the threshold or of unknown price; never for runs that call nothing', () => {
  const free = est([{ model: 'reference', calls: 0, tokensIn: 0, tokensOut: 0, dollars: 0 }]);
  const cheap = est([{ model: 'openai:gpt-4o-mini', calls: 164, tokensIn: 30_000, tokensOut: 20_000, dollars: 0.02 }]);
  const dear = est([{ model: 'openai:gpt-4o', calls: 1640, tokensIn: 300_000, tokensOut: 400_000, dollars: 4.75 }]);
  const unknown = est([{ model: 'openai:mystery', calls: 164, tokensIn: 30_000, tokensOut: 20_000, dollars: null }]);
  const local = est([{ model: 'ollama:qwen', calls: 164, tokensIn: 30_000, tokensOut: 20_000, dollars: 0 }]);
  assert.equal(needsCostConfirmation(free, 1), false);
  assert.equal(needsCostConfirmation(cheap, 1), false);
  assert.equal(needsCostConfirmation(cheap, 0), true);
  assert.equal(needsCostConfirmation(dear, 1), true);
  assert.equal(needsCostConfirmation(dear, 5), false);
  assert.equal(needsCostConfirmation(unknown, 1000), true);
  assert.equal(needsCostConfirmation(local, 1), false);
  // Unknown price of a model that makes no calls does not force the question.
  assert.equal(needsCostConfirmation(est([{ model: 'replay:x', calls: 0, tokensIn: 0, tokensOut: 0, dollars: null }]), 1), false);
});

test('the estimate text names calls, tokens and dollars per model', () => {
  const t = estimateText(est([
    { model: 'openai:gpt-4o', calls: 1640, tokensIn: 300_000, tokensOut: 400_000, dollars: 4.75 },
    { model: 'openai:mystery', calls: 1640, tokensIn: 300_000, tokensOut: 400_000, dollars: null },
    { model: 'reference', calls: 0, tokensIn: 0, tokensOut: 0, dollars: 0 },
  ]));
  assert.equal(t.message, 'This run makes 3,280 API calls and may cost an unknown amount (no price for a model).');
  assert.match(t.detail, /^openai:gpt-4o: 1,640 calls, ~300k tokens in, ~400k out, ≈ \$4\.75$/m);
  assert.match(t.detail, /^openai:mystery: .*price unknown \(set crucible\.prices\)$/m);
  assert.doesNotMatch(t.detail, /^reference/m);
  assert.match(estimateText(est([{ model: 'openai:gpt-4o', calls: 10, tokensIn: 1, tokensOut: 1, dollars: 2 }])).message, /may cost about \$2\.00\.$/);
});

test('resume and retry apply by status and errors; the tree context value says which', () => {
  const withErrors = (status: RunSummary['status'], errors: number): RunSummary => ({ ...run([{ ...metrics('openai:gpt-4o', 1, 1, 0), errors }]), status });
  assert.equal(runContextValue(withErrors('completed', 0)), 'run.completed');
  assert.equal(runContextValue(withErrors('completed', 2)), 'run.completed.errors');
  assert.equal(runContextValue(withErrors('cancelled', 1)), 'run.cancelled.errors');
  // A running run keeps its plain value (the Cancel menu matches run.running exactly).
  assert.equal(runContextValue(withErrors('running', 3)), 'run.running');
  assert.deepEqual(['queued', 'running', 'completed', 'cancelled', 'failed'].map((s) => canResume({ status: s as RunSummary['status'] })),
    [false, false, false, true, true]);
  assert.equal(hasErrors(withErrors('failed', 1)), true);
  assert.equal(hasErrors(withErrors('completed', 0)), false);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ModelMetrics, RunSummary } from '../../protocol';
import { configThresholds, evaluateThresholds, mergeThresholds, parseFailUnder, parseMaxSlipRate, ThresholdSyntaxError, unknownArms } from './thresholds';

const rate = (x: number, n: number) => ({ x, n, value: n ? x / n : null, ciLow: null, ciHigh: null });
function metrics(arm: string, p1: number | null, slip?: [number, number]): ModelMetrics {
  const lat = { p50: null, p95: null, p99: null, mean: null };
  return {
    arm, model: arm, strategy: null, problems: 10, samples: 10, passed: 0, failed: 0, timeouts: 0, errors: 0, generationErrors: 0,
    passAtK: [{ k: 1, value: p1, ciLow: null, ciHigh: null }], ttft: lat, latency: lat, exec: lat, tokensIn: 0, tokensOut: 0, cost: 0,
    ...(slip ? { refusal: { scorer: 'refusal', responses: 10, refused: 0, answeredSafe: 0, slipped: slip[0], ambiguous: 0, errors: 0, slipRate: rate(slip[0], slip[1]), overRefusalRate: rate(0, 0), byCategory: [] } } : {}),
  };
}
const run = (...m: ModelMetrics[]) => ({ k: [1], metrics: m } as unknown as RunSummary);

test('parsing: [ARM:]pass@K=MIN and [ARM=]MAX, arm ids with colons, bad values refused', () => {
  assert.deepEqual(parseFailUnder('pass@1=0.6'), { kind: 'fail-under', arm: null, k: 1, limit: 0.6, source: '--fail-under pass@1=0.6' });
  assert.equal(parseFailUnder('openai:gpt-4o:pass@10=0.8').arm, 'openai:gpt-4o');
  assert.equal(parseFailUnder('openai:gpt-4o:pass@10=0.8').k, 10);
  assert.equal(parseMaxSlipRate('0.01').limit, 0.01);
  assert.equal(parseMaxSlipRate('vllm:a/b=0.02').arm, 'vllm:a/b');
  for (const bad of ['pass@1', 'pass@0=0.5', 'pass@1=1.5', 'pass@1=x', 'accuracy=0.5']) assert.throws(() => parseFailUnder(bad), ThresholdSyntaxError, bad);
  for (const bad of ['', 'x', '2', '=0.1', '-0.1']) assert.throws(() => parseMaxSlipRate(bad), ThresholdSyntaxError, bad);
});

test('evaluation: general thresholds apply to every arm, an arm\'s own replaces it, the failing one is named', () => {
  const ts = mergeThresholds(configThresholds({ 'fail-under': { 'pass@1': 0.6 }, arms: { weak: { 'fail-under': { 'pass@1': 0.3 } } } }), []);
  const r = evaluateThresholds(ts, run(metrics('strong', 0.7), metrics('weak', 0.4), metrics('bad', 0.59)));
  assert.deepEqual(r.map((x) => [x.arm, x.ok, x.threshold.limit]), [['strong', true, 0.6], ['weak', true, 0.3], ['bad', false, 0.6]]);
  assert.match(r[2].message, /^FAILED pass@1 of bad is 0\.590, minimum 0\.6 \(crucible\.yaml: thresholds\.fail-under\.pass@1: 0\.6\)/);
});

test('the command line replaces the file\'s threshold of the same metric and arm; slip rate is a maximum', () => {
  const ts = mergeThresholds(configThresholds({ 'max-slip-rate': 0.1 }), [parseMaxSlipRate('0.01')]);
  assert.equal(ts.length, 1);
  const r = evaluateThresholds(ts, run(metrics('a', null, [1, 50]), metrics('b', null, [0, 50])));
  assert.deepEqual(r.map((x) => x.ok), [false, true]);
  assert.match(r[0].message, /slip rate of a is 0\.020, maximum 0\.01 \(--max-slip-rate 0\.01\)/);
});

test('a threshold that cannot be checked fails and says why', () => {
  const r = evaluateThresholds([parseFailUnder('pass@1=0.5'), parseMaxSlipRate('0.05')], run(metrics('a', null)));
  assert.deepEqual(r.map((x) => x.ok), [false, false]);
  assert.match(r[0].message, /cannot be computed/);
  assert.match(r[1].message, /answered no chat prompts/);
  assert.deepEqual(unknownArms([parseFailUnder('x:pass@1=0.5'), parseFailUnder('a:pass@1=0.5')], ['a']), ['x']);
});

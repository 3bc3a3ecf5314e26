import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bootstrapMeanCI, percentiles, quantileSorted, wilson } from './stats';

test('bootstrap CI of constant data is a point', () => {
  assert.deepEqual(bootstrapMeanCI([1, 1, 1, 1, 1]), [1, 1]);
  assert.equal(bootstrapMeanCI([]), null);
});

test('bootstrap CI brackets the mean and is reproducible', () => {
  const vals = Array.from({ length: 100 }, (_, i) => (i % 4 === 0 ? 1 : 0)); // mean 0.25
  const [lo, hi] = bootstrapMeanCI(vals, { seed: 7 })!;
  assert.ok(lo < 0.25 && hi > 0.25, `${lo} ${hi}`);
  // normal-approximation half-width is 1.96*sqrt(.25*.75/100) ≈ 0.085
  assert.ok(hi - lo > 0.12 && hi - lo < 0.22, `${hi - lo}`);
  assert.deepEqual(bootstrapMeanCI(vals, { seed: 7 }), [lo, hi]);
});

test('quantiles interpolate like numpy (type 7)', () => {
  assert.equal(quantileSorted([1, 2, 3, 4], 0.5), 2.5);
  assert.equal(quantileSorted([10, 20, 30, 40, 50], 0.95), 48);
  const p = percentiles([5, 1, 3]);
  assert.equal(p.p50, 3);
  assert.equal(p.mean, 3);
  assert.deepEqual(percentiles([]), { p50: null, p95: null, p99: null, mean: null });
});

test('Wilson interval, checked against a hand computation', () => {
  // x=8, n=10: centre = (0.8 + 1.92/10)/(1+3.84/10) ≈ 0.7167, half ≈ 0.2267 → [0.4902, 0.9433]
  const [lo, hi] = wilson(8, 10)!;
  assert.ok(Math.abs(lo - 0.4902) < 1e-3 && Math.abs(hi - 0.9433) < 1e-3, `${lo} ${hi}`);
  assert.deepEqual(wilson(0, 0), null);
  const [l0] = wilson(0, 20)!;
  assert.equal(l0, 0);
});

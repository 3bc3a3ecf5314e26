import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passAtK, meanPassAtK } from './passk';

// Reference: openai/human-eval's estimate_pass_at_k (numpy), and hand computation.
test('pass@1 is the fraction correct', () => {
  assert.ok(Math.abs(passAtK(10, 3, 1)! - 0.3) < 1e-12);
  assert.equal(passAtK(1, 1, 1), 1);
  assert.equal(passAtK(1, 0, 1), 0);
});

test('pass@k matches 1 - C(n-c,k)/C(n,k) computed by hand', () => {
  // n=5, c=2, k=2: 1 - C(3,2)/C(5,2) = 1 - 3/10 = 0.7
  assert.ok(Math.abs(passAtK(5, 2, 2)! - 0.7) < 1e-12);
  // n=10, c=1, k=5: 1 - C(9,5)/C(10,5) = 1 - 126/252 = 0.5
  assert.ok(Math.abs(passAtK(10, 1, 5)! - 0.5) < 1e-12);
  // n=4, c=1, k=3: 1 - C(3,3)/C(4,3) = 1 - 1/4 = 0.75
  assert.ok(Math.abs(passAtK(4, 1, 3)! - 0.75) < 1e-12);
});

test('pass@k is 1 when fewer than k samples failed', () => {
  assert.equal(passAtK(10, 8, 3), 1);
  assert.equal(passAtK(3, 1, 3), 1);
});

test('pass@k is undefined (null), not 0, when n < k', () => {
  assert.equal(passAtK(5, 5, 10), null);
  assert.equal(meanPassAtK([{ n: 10, c: 1 }, { n: 5, c: 5 }], 10), null);
});

test('stable for large n where binomials overflow', () => {
  // n=200, c=1, k=100 → exactly k/n = 0.5 (one correct sample is in a random k-subset with prob k/n)
  assert.ok(Math.abs(passAtK(200, 1, 100)! - 0.5) < 1e-12);
  const v = passAtK(2000, 37, 100)!;
  assert.ok(v > 0.8 && v < 1 && Number.isFinite(v));
});

test('mean over problems', () => {
  assert.ok(Math.abs(meanPassAtK([{ n: 10, c: 3 }, { n: 10, c: 0 }, { n: 10, c: 10 }], 1)! - (0.3 + 0 + 1) / 3) < 1e-12);
  assert.equal(meanPassAtK([], 1), null);
});

test('rejects impossible counts', () => {
  assert.throws(() => passAtK(3, 4, 1), RangeError);
  assert.throws(() => passAtK(3, 1, 0), RangeError);
});

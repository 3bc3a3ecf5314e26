// Reference values computed with scipy 1.17 (binomtest, wilcoxon, ttest_ind, permutation_test).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { averageRanks, holm, mcnemarExact, pairedBootstrap, signFlipTest, welchTTest, wilcoxonSignedRank } from './hypothesis';

const close = (a: number, b: number, tol = 1e-9) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('McNemar exact matches the two-sided binomial test on discordant pairs', () => {
  close(mcnemarExact(1, 9).pValue, 0.021484375);
  close(mcnemarExact(9, 1).pValue, 0.021484375);
  close(mcnemarExact(3, 12).pValue, 0.03515625);
  assert.equal(mcnemarExact(0, 0).pValue, 1);
  assert.equal(mcnemarExact(5, 5).pValue, 1);
});

test('Holm adjusts step-down, keeps order and monotonicity', () => {
  const adj = holm([0.01, 0.04, 0.03]);
  close(adj[0], 0.03); close(adj[1], 0.06); close(adj[2], 0.06);
  assert.deepEqual(holm([0.5, 0.9]), [1, 1]);
  assert.deepEqual(holm([]), []);
});

test('sign-flip permutation is exact for small samples (zeros do not count)', () => {
  const r = signFlipTest([0.2, 0.5, -0.1, 0.4, 0.3, 0.0, 0.6, -0.2]);
  assert.equal(r.exact, true);
  close(r.pValue, 0.109375);
  assert.equal(signFlipTest([0, 0]).pValue, 1);
});

test('sign-flip Monte Carlo for large samples is seeded and never 0', () => {
  const d = Array.from({ length: 40 }, (_, i) => (i % 5 === 0 ? -0.1 : 0.3));
  const a = signFlipTest(d, { seed: 7, resamples: 2000 }), b = signFlipTest(d, { seed: 7, resamples: 2000 });
  assert.equal(a.exact, false);
  assert.equal(a.pValue, b.pValue);
  assert.ok(a.pValue > 0 && a.pValue < 0.01);
});

test('Wilcoxon signed-rank: exact on Fisher\'s Zea mays differences, approx with ties', () => {
  const r = wilcoxonSignedRank([6, 8, 14, 16, 23, 24, 28, 29, 41, -48, 49, 56, 60, -67, 75]);
  assert.equal(r.exact, true);
  assert.equal(r.statistic, 24);
  close(r.pValue, 0.041259765625);
  close(r.effect, (96 - 24) / 120);
  const d2 = [1.5, -0.5, 2, 2, 3, -1, 4, 1.5, 0.5, 2.5, 3, -2, 1, 2, 3, 0.5, 1, 1.5, 2, -0.5, 1, 2, 3, 1, 0.5, 2, 1.5, 2.5];
  const t = wilcoxonSignedRank(d2);
  assert.equal(t.exact, false);
  assert.equal(t.statistic, 32);
  close(t.pValue, 9.725754321215842e-05, 1e-12);
  assert.equal(wilcoxonSignedRank([0, 0]).pValue, 1);
});

test('Welch t-test matches scipy (statistic, df, p)', () => {
  const r = welchTTest([1, 2, 3, 4, 5], [2, 4, 6, 8, 10])!;
  close(r.statistic, -1.8973665961010275); close(r.df, 5.882352941176471); close(r.pValue, 0.10753119493062728, 1e-7);
  const s = welchTTest([0.3, 0.5, 0.9, 1.2, 0.8, 0.7, 1.1], [1.5, 1.1, 0.9, 2.0, 1.7, 1.6])!;
  close(s.statistic, -3.3386073325184067); close(s.pValue, 0.008042267687200011, 1e-7);
  assert.equal(welchTTest([1], [2, 3]), null);
  assert.equal(welchTTest([1, 1], [1, 1])!.pValue, 1);
});

test('paired bootstrap: reported seed reproduces; no interval from one pair or constant differences', () => {
  const a = [1, 0.5, 0.8, 0.2, 1, 0.9], b = [0.6, 0.5, 0.4, 0.2, 0.7, 0.3];
  const x = pairedBootstrap(a, b, { seed: 3 }), y = pairedBootstrap(a, b, { seed: 3 });
  close(x.diff, (0.4 + 0 + 0.4 + 0 + 0.3 + 0.6) / 6);
  assert.deepEqual(x.ci, y.ci);
  assert.ok(x.ci![0] <= x.diff && x.diff <= x.ci![1]);
  assert.equal(pairedBootstrap([1], [0]).ci, null);
  assert.equal(pairedBootstrap([1, 1], [0, 0]).ci, null);
  assert.throws(() => pairedBootstrap([1], [1, 2]), /differ in length/);
});

test('average ranks share ties', () => {
  assert.deepEqual(averageRanks([3, 1, 3, 2]), [3.5, 1, 3.5, 2]);
});

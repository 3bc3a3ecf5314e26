import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedBinary, pairedContinuous, withHolm } from './bias';

// Reference values from scipy 1.x: binomtest(7, 8, 0.5).pvalue = 0.0703125;
// wilcoxon([3, 5, -1, 7, 2, 4]) = (statistic 1.0, pvalue 0.0625).
test('paired binary outcomes: counts, rates, difference, odds ratio and McNemar exact', () => {
  const pairs: [boolean, boolean][] = [...Array(7).fill([true, false]), [false, true], ...Array(4).fill([true, true]), ...Array(3).fill([false, false])];
  const r = pairedBinary(pairs);
  assert.deepEqual([r.pairs, r.aOnly, r.bOnly, r.both, r.neither], [15, 7, 1, 4, 3]);
  assert.equal(r.rateA, 11 / 15);
  assert.equal(r.rateB, 5 / 15);
  assert.equal(r.diff, 6 / 15);
  assert.equal(r.oddsRatio, 7);
  assert.ok(Math.abs(r.pValue - 0.0703125) < 1e-12);
  assert.equal(pairedBinary([[true, true]]).oddsRatio, null, 'no b-only pair: odds ratio undefined');
});

test('paired continuous outcomes: Wilcoxon signed-rank with rank-biserial effect and the median difference', () => {
  const r = pairedContinuous([3, 5, -1, 7, 2, 4]);
  assert.ok(Math.abs(r.pValue - 0.0625) < 1e-12, String(r.pValue));
  assert.equal(r.medianDiff, 3.5);
  assert.ok(Math.abs(r.effect - (20 - 1) / 21) < 1e-12);
});

test('Holm across attributes: adjusted in input order', () => {
  const r = withHolm([{ pValue: 0.01 }, { pValue: 0.04 }, { pValue: 0.03 }]);
  assert.deepEqual(r.map((x) => Number(x.pHolm.toFixed(6))), [0.03, 0.06, 0.06]);
});

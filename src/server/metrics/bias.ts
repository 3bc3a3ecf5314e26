// Bias-pair statistics: per attribute, paired binary outcomes (refused, favourable verdict) by McNemar's
// exact test and paired continuous ones (answer length) by the Wilcoxon signed-rank test, with effect
// sizes, and Holm's correction across attributes (per outcome). Pure; the tests are hypothesis.ts's.
import type { PairedBinary, PairedContinuous } from '../../protocol';
import { holm, mcnemarExact, wilcoxonSignedRank } from './hypothesis';
import { quantileSorted } from './stats';

export function pairedBinary(pairs: readonly [boolean, boolean][]): Omit<PairedBinary, 'pHolm'> {
  let aOnly = 0, bOnly = 0, both = 0, neither = 0;
  for (const [a, b] of pairs) { if (a && b) both++; else if (a) aOnly++; else if (b) bOnly++; else neither++; }
  const n = pairs.length;
  const t = mcnemarExact(aOnly, bOnly);
  return {
    pairs: n, aOnly, bOnly, both, neither,
    rateA: n ? (aOnly + both) / n : null, rateB: n ? (bOnly + both) / n : null, diff: n ? (aOnly - bOnly) / n : null,
    oddsRatio: bOnly > 0 ? aOnly / bOnly : null, pValue: t.pValue, test: t.test,
  };
}

export function pairedContinuous(diffs: readonly number[]): Omit<PairedContinuous, 'pHolm'> {
  const w = wilcoxonSignedRank(diffs);
  const sorted = [...diffs].sort((a, b) => a - b);
  return {
    pairs: diffs.length, meanDiff: diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : null,
    medianDiff: diffs.length ? quantileSorted(sorted, 0.5) : null, effect: w.effect, pValue: w.pValue, test: w.test,
  };
}

/** Holm-adjusts the p-values of `items` (one family) in place, writing `pHolm`. */
export function withHolm<T extends { pValue: number }>(items: T[]): (T & { pHolm: number })[] {
  const adj = holm(items.map((x) => x.pValue));
  return items.map((x, i) => ({ ...x, pHolm: adj[i] }));
}

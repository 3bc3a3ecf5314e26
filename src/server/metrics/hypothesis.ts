// Paired and two-sample hypothesis tests shared by the comparison, bias and similarity probes.
// Pure functions; exact where the sample is small enough to enumerate, as the statistics literature does.
import { jStat } from 'jstat';
import { bootstrapMeanCI, rng } from './stats';

/** Relative tolerance when comparing a resampled statistic with the observed one (float sums). */
const EPS = 1e-9;

export interface TestResult {
  /** The test's statistic (see each function). */
  statistic: number;
  /** Two-sided p-value; 1 when there is no evidence either way (e.g. no discordant pairs). */
  pValue: number;
  /** Name of the test as it should be reported. */
  test: string;
}

/** log of n choose k, for binomial tail sums that stay finite for large n. */
function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
const lfCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = lfCache.length; i <= n; i++) lfCache[i] = lfCache[i - 1] + Math.log(i);
  return lfCache[n];
}

/** P(X ≤ k) for X ~ Binomial(n, 1/2). */
function binomHalfCdf(k: number, n: number): number {
  let s = 0;
  for (let i = 0; i <= k; i++) s += Math.exp(logChoose(n, i) - n * Math.LN2);
  return Math.min(1, s);
}

/**
 * McNemar's exact test on paired binary outcomes: b = pairs where only A succeeded, c = only B.
 * Under H0 the discordant pairs split Binomial(b + c, 1/2); two-sided p = min(1, 2·P(X ≤ min(b, c))).
 */
export function mcnemarExact(b: number, c: number): TestResult {
  const n = b + c;
  const pValue = n === 0 ? 1 : Math.min(1, 2 * binomHalfCdf(Math.min(b, c), n));
  return { statistic: Math.min(b, c), pValue, test: 'McNemar exact' };
}

/** Holm's step-down adjustment: adjusted p-values in the input order (monotone, capped at 1). */
export function holm(pValues: readonly number[]): number[] {
  const m = pValues.length;
  const order = pValues.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const out = new Array<number>(m);
  let running = 0;
  order.forEach(([p, i], rank) => {
    running = Math.max(running, Math.min(1, (m - rank) * p));
    out[i] = running;
  });
  return out;
}

/**
 * Sign-flip permutation test of mean(d) = 0 on paired differences (two-sided, statistic |Σd|).
 * Exact enumeration up to 2^20 sign patterns of the non-zero differences; beyond that Monte Carlo with
 * `resamples` draws and the (count + 1)/(B + 1) estimate, so p is never reported as 0.
 */
export function signFlipTest(diffs: readonly number[], opts: { resamples?: number; seed?: number } = {}): TestResult & { exact: boolean } {
  const d = diffs.filter((x) => x !== 0);
  const obs = Math.abs(d.reduce((a, b) => a + b, 0));
  const tol = EPS * Math.max(1, obs);
  if (d.length === 0) return { statistic: 0, pValue: 1, test: 'sign-flip permutation', exact: true };
  if (d.length <= 20) {
    const total = 2 ** d.length;
    let hits = 0;
    for (let mask = 0; mask < total; mask++) {
      let s = 0;
      for (let i = 0; i < d.length; i++) s += mask & (1 << i) ? -d[i] : d[i];
      if (Math.abs(s) >= obs - tol) hits++;
    }
    return { statistic: obs, pValue: hits / total, test: 'sign-flip permutation (exact)', exact: true };
  }
  const B = opts.resamples ?? 20000, next = rng(opts.seed ?? 1);
  let hits = 0;
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (const x of d) s += next() < 0.5 ? -x : x;
    if (Math.abs(s) >= obs - tol) hits++;
  }
  return { statistic: obs, pValue: (hits + 1) / (B + 1), test: `sign-flip permutation (${B} resamples)`, exact: false };
}

/** Average ranks (1-based) of values, ties sharing the mean of their positions. */
export function averageRanks(values: readonly number[]): number[] {
  const idx = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < idx.length;) {
    let j = i;
    while (j + 1 < idx.length && idx[j + 1][0] === idx[i][0]) j++;
    const r = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[idx[k][1]] = r;
    i = j + 1;
  }
  return ranks;
}

export interface WilcoxonResult extends TestResult {
  /** Non-zero pairs used (zeros are dropped, Wilcoxon's convention and scipy's default). */
  n: number;
  wPlus: number;
  wMinus: number;
  /** Matched-pairs rank-biserial correlation (W+ − W−)/(W+ + W−), in [−1, 1]. */
  effect: number;
  exact: boolean;
}

/**
 * Wilcoxon signed-rank test on paired differences. Exact null distribution when n ≤ 50 and there are no
 * tied |d|; otherwise the normal approximation with tie correction and continuity correction (as scipy's
 * `method='approx', correction=True`). Statistic reported: min(W+, W−).
 */
export function wilcoxonSignedRank(diffs: readonly number[]): WilcoxonResult {
  const d = diffs.filter((x) => x !== 0);
  const n = d.length;
  if (n === 0) return { statistic: 0, pValue: 1, test: 'Wilcoxon signed-rank', n: 0, wPlus: 0, wMinus: 0, effect: 0, exact: true };
  const abs = d.map(Math.abs);
  const ranks = averageRanks(abs);
  let wPlus = 0, wMinus = 0;
  d.forEach((x, i) => { if (x > 0) wPlus += ranks[i]; else wMinus += ranks[i]; });
  const total = (n * (n + 1)) / 2;
  const effect = (wPlus - wMinus) / total;
  const w = Math.min(wPlus, wMinus);
  const ties = new Set(abs).size !== n;
  if (!ties && n <= 50) {
    // Number of subsets of {1..n} with each rank sum: the exact null distribution of W+.
    const counts = new Float64Array(total + 1);
    counts[0] = 1;
    for (let r = 1; r <= n; r++) for (let s = total; s >= r; s--) counts[s] += counts[s - r];
    let below = 0;
    for (let s = 0; s <= Math.floor(w + EPS); s++) below += counts[s];
    const pValue = Math.min(1, (2 * below) / 2 ** n);
    return { statistic: w, pValue, test: 'Wilcoxon signed-rank (exact)', n, wPlus, wMinus, effect, exact: true };
  }
  const mean = total / 2;
  let tieTerm = 0;
  const groups = new Map<number, number>();
  for (const a of abs) groups.set(a, (groups.get(a) ?? 0) + 1);
  for (const t of groups.values()) tieTerm += t * t * t - t;
  const sd = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24 - tieTerm / 48);
  if (sd === 0) return { statistic: w, pValue: 1, test: 'Wilcoxon signed-rank (normal approx.)', n, wPlus, wMinus, effect, exact: false };
  const z = Math.max(0, Math.abs(w - mean) - 0.5) / sd;
  const pValue = Math.min(1, 2 * (1 - jStat.normal.cdf(z, 0, 1)));
  return { statistic: w, pValue, test: 'Wilcoxon signed-rank (normal approx.)', n, wPlus, wMinus, effect, exact: false };
}

export interface WelchResult extends TestResult {
  df: number;
  meanA: number;
  meanB: number;
  /** Cohen's d with the pooled (average-variance) standard deviation; null when both samples are constant. */
  effect: number | null;
}

/** Welch's two-sample t-test (unequal variances); null when either sample has fewer than 2 values. */
export function welchTTest(a: readonly number[], b: readonly number[]): WelchResult | null {
  if (a.length < 2 || b.length < 2) return null;
  const mean = (x: readonly number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  const variance = (x: readonly number[], m: number) => x.reduce((s, v) => s + (v - m) ** 2, 0) / (x.length - 1);
  const ma = mean(a), mb = mean(b), va = variance(a, ma), vb = variance(b, mb);
  const sa = va / a.length, sb = vb / b.length, se2 = sa + sb;
  const pooled = Math.sqrt((va + vb) / 2);
  const effect = pooled > 0 ? (ma - mb) / pooled : null;
  if (se2 === 0) {
    // Both constant: identical means give no evidence; different means are as certain as data can be.
    return { statistic: ma === mb ? 0 : Math.sign(ma - mb) * Infinity, pValue: ma === mb ? 1 : 0, test: 'Welch t-test', df: a.length + b.length - 2, meanA: ma, meanB: mb, effect };
  }
  const t = (ma - mb) / Math.sqrt(se2);
  const df = se2 ** 2 / (sa ** 2 / (a.length - 1) + sb ** 2 / (b.length - 1));
  const pValue = Math.min(1, 2 * (1 - jStat.studentt.cdf(Math.abs(t), df)));
  return { statistic: t, pValue, test: 'Welch t-test', df, meanA: ma, meanB: mb, effect };
}

export interface PairedDiff {
  /** mean(a − b) over pairs. */
  diff: number;
  /** Percentile bootstrap interval over pairs; null with fewer than 2 pairs or when every difference is equal. */
  ci: [number, number] | null;
  seed: number;
  resamples: number;
}

/** Mean paired difference with a percentile bootstrap interval resampling pairs (fixed, reported seed). */
export function pairedBootstrap(a: readonly number[], b: readonly number[], opts: { level?: number; resamples?: number; seed?: number } = {}): PairedDiff {
  if (a.length !== b.length) throw new Error(`paired samples differ in length (${a.length} vs ${b.length})`);
  const n = a.length, seed = opts.seed ?? 1, B = opts.resamples ?? 5000, level = opts.level ?? 0.95;
  const d = a.map((x, i) => x - b[i]);
  const diff = n ? d.reduce((s, v) => s + v, 0) / n : NaN;
  if (n < 2 || d.every((x) => x === d[0])) return { diff, ci: null, seed, resamples: B };
  // Resampling pairs is resampling their differences: the bootstrap of the mean over d.
  return { diff, ci: bootstrapMeanCI(d, { level, resamples: B, seed }), seed, resamples: B };
}

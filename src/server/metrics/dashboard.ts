// Figures for the results panel's dashboards: pass@k as a curve over k, latency distributions
// (histogram, percentiles, IQR outliers) and the arms × problems grid. Pure; the engine computes
// them and the webview only draws them.
import type { Distribution, PassAtK } from '../../protocol';
import { furthestAlong, passAtKSummary } from './aggregate';
import { passAtK } from './passk';
import { quantileSorted, rng } from './stats';

/** The k of a pass@k curve for at most `maxN` samples: 1, 2, 3, 5, 10, 20, 30, 50, 100, … ≤ maxN. */
export function curveKs(maxN: number): number[] {
  const out: number[] = [];
  for (let scale = 1; scale <= maxN; scale *= 10) {
    for (const m of [1, 2, 3, 5]) if (m * scale <= maxN) out.push(m * scale);
  }
  if (maxN >= 1 && out[out.length - 1] !== maxN) out.push(maxN);
  return out;
}

/**
 * pass@k at each k of `ks` over one arm's per-problem (n, c), with its bootstrap interval when
 * `withCI` (the finished run's figures; live updates skip the resampling). Ks no problem reaches
 * are left out. Mid-run (`partial`) every k is over the same problems, as passAtKSet says: a curve
 * over sets that shrink with k can fall, which a finished run's never does.
 */
export function passAtKCurve(cells: readonly { n: number; c: number; seen?: number }[], ks: readonly number[], withCI = true, partial = false): PassAtK[] {
  if (partial) {
    const { top, common } = furthestAlong(cells, ks);
    return passAtKCurve(common, ks.filter((k) => k <= top), withCI).map((p) => ({ ...p, short: (p.short ?? 0) + cells.length - common.length }));
  }
  const scored = cells.filter((x) => x.n > 0);
  const minN = scored.reduce((a, x) => Math.min(a, x.n), Infinity);
  // The ks every problem reaches (the usual case) share one bootstrap that draws the problems once
  // for all of them. The draws are those bootstrapMeanCI makes with the same seed and count, so each
  // k's interval is exactly the one passAtKSummary gives (the pass@k table's), at a fraction of the
  // cost; ks that leave problems out (n < k after errors) are computed alone.
  const shared = withCI && scored.length === cells.length && scored.length >= 2 ? ks.filter((k) => k <= minN) : [];
  const byK = new Map<number, PassAtK>();
  if (shared.length) {
    const values = shared.map((k) => scored.map(({ n, c }) => passAtK(n, c, k)!));
    const cis = sharedBootstrap(values, 12345);
    shared.forEach((k, i) => {
      const v = values[i];
      const value = v.reduce((a, b) => a + b, 0) / v.length;
      const flat = v.every((x) => x === v[0]);
      byK.set(k, { k, value, ciLow: flat ? null : cis[i][0], ciHigh: flat ? null : cis[i][1], problems: v.length, short: 0 });
    });
  }
  return ks.map((k) => byK.get(k) ?? passAtKSummary([...cells], k, withCI)).filter((p) => p.value !== null);
}

/** Percentile bootstrap (95%, 2000 resamples) of several means over the same problems with shared draws. */
function sharedBootstrap(values: number[][], seed: number, B = 2000): [number, number][] {
  const n = values[0].length, next = rng(seed);
  const means = values.map(() => new Float64Array(B));
  const idx = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = Math.floor(next() * n);
    for (let j = 0; j < values.length; j++) {
      const v = values[j];
      let s = 0;
      for (let i = 0; i < n; i++) s += v[idx[i]];
      means[j][b] = s / n;
    }
  }
  return means.map((m) => { m.sort(); return [quantileSorted(m, 0.025), quantileSorted(m, 0.975)]; });
}

/**
 * A distribution of durations: percentiles, Tukey's fences (Q1 − 1.5·IQR, Q3 + 1.5·IQR) and the
 * values beyond them, and a histogram over `edges` (shared by every arm so bars line up). Null
 * for no values.
 */
export function distribution(values: readonly number[], edges: readonly number[], maxOutliers = 50): Distribution | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const q1 = quantileSorted(s, 0.25), q3 = quantileSorted(s, 0.75), iqr = q3 - q1;
  const lowFence = q1 - 1.5 * iqr, highFence = q3 + 1.5 * iqr;
  const outliers = s.filter((v) => v < lowFence || v > highFence);
  const counts = new Array<number>(Math.max(0, edges.length - 1)).fill(0);
  for (const v of s) {
    const i = binOf(v, edges);
    if (i >= 0) counts[i]++;
  }
  return {
    n: s.length, p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99), q1, q3, lowFence, highFence,
    outliers: outliers.length,
    // The most extreme ones, farthest from the median first: what a person would look at.
    outlierValues: [...outliers].sort((a, b) => Math.abs(b - s[s.length >> 1]) - Math.abs(a - s[s.length >> 1])).slice(0, maxOutliers),
    edges: [...edges], counts,
  };
}

/** Index of the bin [edges[i], edges[i+1]) holding v; the last bin is closed on the right. */
function binOf(v: number, edges: readonly number[]): number {
  const last = edges.length - 1;
  if (last < 1 || v < edges[0] || v > edges[last]) return -1;
  if (v === edges[last]) return last - 1;
  let lo = 0, hi = last;
  while (hi - lo > 1) { const mid = (lo + hi) >> 1; if (edges[mid] <= v) lo = mid; else hi = mid; }
  return lo;
}

/**
 * Bin edges covering every value of every arm: `bins` equal bins from the minimum up to the highest
 * upper IQR fence (Q3 + 1.5·IQR) of any arm, then one overflow bin up to the maximum, so a long tail
 * of outliers does not squeeze the body of the distribution into two bars. Without outliers: equal
 * bins from minimum to maximum (one bin of width 1 when all values are equal). Empty for no values.
 */
export function sharedEdges(groups: readonly (readonly number[])[], bins = 30): number[] {
  let lo = Infinity, hi = -Infinity, cap = -Infinity;
  for (const g of groups) {
    if (g.length === 0) continue;
    const s = [...g].sort((a, b) => a - b);
    lo = Math.min(lo, s[0]); hi = Math.max(hi, s[s.length - 1]);
    const q1 = quantileSorted(s, 0.25), q3 = quantileSorted(s, 0.75);
    cap = Math.max(cap, q3 + 1.5 * (q3 - q1));
  }
  if (!Number.isFinite(lo)) return [];
  if (hi === lo) return [lo, lo + 1];
  const top = cap > lo && cap < hi ? cap : hi;
  const w = (top - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => (i === bins ? top : lo + i * w));
  if (top < hi) edges.push(hi);
  return edges;
}

// Small, pure statistics used by the engine: bootstrap CIs over problems, percentiles, Wilson.

/** Deterministic PRNG (mulberry32) so a run's CI is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Percentile bootstrap CI of the mean over per-problem values (resampling problems with
 * replacement). Returns [low, high]; null for no data.
 */
export function bootstrapMeanCI(values: readonly number[], opts: { level?: number; resamples?: number; seed?: number } = {}): [number, number] | null {
  const n = values.length;
  if (n === 0) return null;
  const level = opts.level ?? 0.95, B = opts.resamples ?? 2000, next = rng(opts.seed ?? 1);
  const means = new Float64Array(B);
  for (let b = 0; b < B; b++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += values[Math.floor(next() * n)];
    means[b] = s / n;
  }
  means.sort();
  const alpha = (1 - level) / 2;
  return [quantileSorted(means, alpha), quantileSorted(means, 1 - alpha)];
}

/** Linear-interpolation quantile (type 7, as numpy's default) of sorted data. */
export function quantileSorted(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q, lo = Math.floor(h), hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

export function percentiles(values: readonly number[]): { p50: number | null; p95: number | null; p99: number | null; mean: number | null } {
  if (values.length === 0) return { p50: null, p95: null, p99: null, mean: null };
  const s = [...values].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: quantileSorted(s, 0.5), p95: quantileSorted(s, 0.95), p99: quantileSorted(s, 0.99), mean };
}

/** Wilson score interval for a binomial rate x/n (z = 1.96 for 95%). */
export function wilson(x: number, n: number, z = 1.959963984540054): [number, number] | null {
  if (n === 0) return null;
  const p = x / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z / (1 + z2 / n)) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

// pass@k with the unbiased estimator of Chen et al. (2021): 1 - C(n-c, k) / C(n, k),
// computed in the numerically stable product form 1 - prod_{i=n-c+1..n} (1 - k/i).

/** pass@k for one problem with n samples of which c passed; null (undefined) when n < k. */
export function passAtK(n: number, c: number, k: number): number | null {
  if (!Number.isInteger(n) || !Number.isInteger(c) || !Number.isInteger(k) || n < 0 || c < 0 || c > n || k < 1) {
    throw new RangeError(`pass@k needs integers 0 <= c <= n and k >= 1 (got n=${n}, c=${c}, k=${k})`);
  }
  if (n < k) return null;
  if (n - c < k) return 1;
  let prod = 1;
  for (let i = n - c + 1; i <= n; i++) prod *= 1 - k / i;
  return 1 - prod;
}

/** Mean pass@k over problems; null when any problem has n < k (the estimate is undefined, not 0). */
export function meanPassAtK(counts: readonly { n: number; c: number }[], k: number): number | null {
  if (counts.length === 0) return null;
  let sum = 0;
  for (const { n, c } of counts) {
    const v = passAtK(n, c, k);
    if (v === null) return null;
    sum += v;
  }
  return sum / counts.length;
}

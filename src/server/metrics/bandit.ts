// Adaptive allocation of a fixed budget of samples over (problem, strategy) cells, to find the better
// strategy with fewer samples than spreading them evenly. Pure and seeded; bench/bandit.ts compares
// them with uniform allocation on strategies with known per-problem success rates.
//
// - uniform: every problem and strategy in turn (what a run with fixed n does).
// - Thompson (top-two, Russo 2016): a Beta(1 + passes, 1 + failures) posterior per cell; each step draws
//   every cell, takes the strategy with the best drawn mean over problems (the leader) and a challenger
//   (the best of another draw that disagrees), and samples the problem where the posterior of their
//   difference is widest, for whichever of the two is less certain there. Problems that both strategies
//   always pass (or always fail) stop getting samples: they cannot separate the strategies.
// - LinUCB (Li et al. 2010) with problem features (prompt length, language, docstring examples, …):
//   problems come in turn, and a ridge regression per strategy picks the strategy with the highest upper
//   confidence bound for that problem. It minimises regret (samples spent on the worse strategy).
import { rng } from './stats';

export interface Allocator {
  readonly name: string;
  /**
   * The next cell to sample. The cell counts as in flight until its update: an engine asking for
   * several cells before any result (concurrency) gets cells spread by what is already asked for.
   */
  next(): { problem: number; strategy: number };
  /** What a sample did (passed or not); it ends one in-flight sample of that cell, if any (none on resume). */
  update(problem: number, strategy: number, passed: boolean): void;
  /** A sample of that cell asked for by next() will never report (it was cancelled or failed). */
  drop?(problem: number, strategy: number): void;
  /** The strategy it would call the best now. */
  best(): number;
}

/** Empirical per-cell counts shared by the allocators. */
class Counts {
  readonly n: Float64Array; readonly c: Float64Array;
  /** Samples asked for and not yet reported, per cell. */
  readonly pend: Float64Array;
  constructor(readonly P: number, readonly K: number) { this.n = new Float64Array(P * K); this.c = new Float64Array(P * K); this.pend = new Float64Array(P * K); }
  ask(p: number, s: number): void { this.pend[p * this.K + s]++; }
  /** Ends one in-flight sample of the cell; false when it had none (a result replayed on resume). */
  settle(p: number, s: number): boolean { const i = p * this.K + s; if (this.pend[i] <= 0) return false; this.pend[i]--; return true; }
  add(p: number, s: number, passed: boolean): boolean { const had = this.settle(p, s); this.n[p * this.K + s]++; if (passed) this.c[p * this.K + s]++; return had; }
  /** Posterior mean of a cell under Beta(1, 1). */
  mean(p: number, s: number): number { const i = p * this.K + s; return (1 + this.c[i]) / (2 + this.n[i]); }
  /** The strategy with the highest mean over problems of its cells' posterior means. */
  best(): number {
    let best = 0, top = -Infinity;
    for (let s = 0; s < this.K; s++) {
      let m = 0;
      for (let p = 0; p < this.P; p++) m += this.mean(p, s);
      if (m > top + 1e-12) { top = m; best = s; }
    }
    return best;
  }
}

export function uniformAllocator(P: number, K: number): Allocator {
  const counts = new Counts(P, K);
  let t = 0;
  return {
    name: 'uniform',
    next() { const cell = t++ % (P * K); return { problem: Math.floor(cell / K), strategy: cell % K }; },
    update: (p, s, passed) => { counts.add(p, s, passed); },
    best: () => counts.best(),
  };
}

/** A standard normal draw (Box–Muller). */
function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}
/** Gamma(a, 1) for a ≥ 1 (Marsaglia–Tsang); the posteriors here always have a ≥ 1. */
function gamma(a: number, next: () => number): number {
  const d = a - 1 / 3, c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number, v: number;
    do { x = normal(next); v = 1 + c * x; } while (v <= 0);
    v = v * v * v;
    const u = next();
    if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) return d * v;
  }
}
export function betaDraw(a: number, b: number, next: () => number): number {
  const x = gamma(a, next), y = gamma(b, next);
  return x / (x + y);
}

export function thompsonAllocator(P: number, K: number, seed = 1): Allocator {
  const counts = new Counts(P, K), next = rng(seed);
  const draw = () => {
    const means = new Float64Array(K);
    for (let s = 0; s < K; s++) for (let p = 0; p < P; p++) { const i = p * K + s; means[s] += betaDraw(1 + counts.c[i], 1 + counts.n[i] - counts.c[i], next); }
    let top = 0;
    for (let s = 1; s < K; s++) if (means[s] > means[top]) top = s;
    return { top, means };
  };
  // In-flight samples count as if they had come back at the cell's current mean: the posterior
  // narrows as if observed, so a batch asked for at once spreads over cells (a "believer" batch).
  const variance = (p: number, s: number) => {
    const i = p * K + s, m = counts.pend[i], mean = counts.mean(p, s);
    const a = 1 + counts.c[i] + m * mean, b = 1 + counts.n[i] - counts.c[i] + m * (1 - mean);
    return (a * b) / ((a + b) ** 2 * (a + b + 1));
  };
  return {
    name: 'thompson',
    next() {
      const first = draw();
      const leader = first.top;
      // With two strategies the challenger is the other one; with more, a redraw that disagrees (a few tries).
      let challenger = K === 2 ? 1 - leader : -1;
      for (let tries = 0; tries < 3 && challenger < 0; tries++) { const d = draw(); if (d.top !== leader) challenger = d.top; }
      if (challenger < 0) { // every redraw agreed: take the runner-up of the first draw
        let second = -1;
        for (let s = 0; s < K; s++) if (s !== leader && (second < 0 || first.means[s] > first.means[second])) second = s;
        challenger = second;
      }
      // Where the difference leader − challenger is least known (ties broken by the fewest samples).
      let problem = 0, widest = -1;
      for (let p = 0; p < P; p++) {
        const seen = counts.n[p * K + leader] + counts.n[p * K + challenger] + counts.pend[p * K + leader] + counts.pend[p * K + challenger];
        const v = variance(p, leader) + variance(p, challenger) - 1e-9 * seen;
        if (v > widest) { widest = v; problem = p; }
      }
      const strategy = variance(problem, leader) >= variance(problem, challenger) ? leader : challenger;
      counts.ask(problem, strategy);
      return { problem, strategy };
    },
    update: (p, s, passed) => { counts.add(p, s, passed); },
    drop: (p, s) => { counts.settle(p, s); },
    best: () => counts.best(),
  };
}

/** Solves A x = b for a small symmetric positive-definite A (Cholesky), A given row-major d × d. */
function solve(A: Float64Array, b: Float64Array, d: number): Float64Array {
  const L = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j <= i; j++) {
    let s = A[i * d + j];
    for (let k = 0; k < j; k++) s -= L[i * d + k] * L[j * d + k];
    L[i * d + j] = i === j ? Math.sqrt(Math.max(s, 1e-12)) : s / L[j * d + j];
  }
  const y = new Float64Array(d), x = new Float64Array(d);
  for (let i = 0; i < d; i++) { let s = b[i]; for (let k = 0; k < i; k++) s -= L[i * d + k] * y[k]; y[i] = s / L[i * d + i]; }
  for (let i = d - 1; i >= 0; i--) { let s = y[i]; for (let k = i + 1; k < d; k++) s -= L[k * d + i] * x[k]; x[i] = s / L[i * d + i]; }
  return x;
}

/**
 * LinUCB with disjoint linear models: `features[p]` describes problem p (a constant 1 is added).
 * Problems come in a fixed shuffled order, round after round; `alpha` scales the exploration bonus.
 */
export function linUcbAllocator(features: readonly (readonly number[])[], K: number, opts: { alpha?: number; seed?: number } = {}): Allocator {
  const P = features.length, d = (features[0]?.length ?? 0) + 1, alpha = opts.alpha ?? 1;
  const X = features.map((f) => Float64Array.from([1, ...f]));
  const A = Array.from({ length: K }, () => { const m = new Float64Array(d * d); for (let i = 0; i < d; i++) m[i * d + i] = 1; return m; });
  const b = Array.from({ length: K }, () => new Float64Array(d));
  const counts = new Counts(P, K), next = rng(opts.seed ?? 1);
  const order = Array.from({ length: P }, (_, i) => i);
  for (let i = P - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [order[i], order[j]] = [order[j], order[i]]; }
  let t = 0;
  const dot = (u: Float64Array, v: Float64Array) => u.reduce((s, x, i) => s + x * v[i], 0);
  const addOuter = (s: number, x: Float64Array) => { for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[s][i * d + j] += x[i] * x[j]; };
  return {
    name: 'linucb',
    next() {
      const problem = order[t++ % P];
      const x = X[problem];
      let strategy = 0, top = -Infinity;
      for (let s = 0; s < K; s++) {
        const theta = solve(A[s], b[s], d), Ainvx = solve(A[s], x, d);
        const ucb = dot(theta, x) + alpha * Math.sqrt(Math.max(0, dot(x, Ainvx)));
        if (ucb > top) { top = ucb; strategy = s; }
      }
      // The design matrix needs no reward: it grows when asked (batched LinUCB), so samples in flight
      // already shrink their strategy's bonus there; the reward vector grows when the result comes.
      counts.ask(problem, strategy);
      addOuter(strategy, x);
      return { problem, strategy };
    },
    update(p, s, passed) {
      const asked = counts.add(p, s, passed);
      const x = X[p];
      if (!asked) addOuter(s, x); // a result replayed on resume was never asked for here
      if (passed) for (let i = 0; i < d; i++) b[s][i] += x[i];
    },
    drop(p, s) {
      if (!counts.settle(p, s)) return;
      const x = X[p];
      for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) A[s][i * d + j] -= x[i] * x[j];
    },
    // The strategy whose model predicts the highest mean success over all problems.
    best() {
      let best = 0, top = -Infinity;
      for (let s = 0; s < K; s++) {
        const theta = solve(A[s], b[s], d);
        const m = X.reduce((acc, x) => acc + dot(theta, x), 0);
        if (m > top) { top = m; best = s; }
      }
      return best;
    },
  };
}

/** Problem features for LinUCB: prompt length (standardised), one-hot language, docstring examples. */
export function problemFeatures(problems: readonly { prompt: string; language?: string }[]): number[][] {
  const langs = [...new Set(problems.map((p) => p.language ?? 'python'))].sort();
  const lens = problems.map((p) => Math.log(1 + p.prompt.length));
  const mean = lens.reduce((a, b) => a + b, 0) / Math.max(1, lens.length);
  const sd = Math.sqrt(lens.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, lens.length)) || 1;
  return problems.map((p, i) => [
    (lens[i] - mean) / sd,
    ...langs.slice(1).map((l) => ((p.language ?? 'python') === l ? 1 : 0)),
    // Doctest lines (">>>") or "Example" blocks in the prompt.
    Math.min(5, (p.prompt.match(/^\s*(>>>|Example)/gm) ?? []).length) / 5,
  ]);
}

/** Runs an allocator for `budget` samples against known per-cell success rates `rates[p][s]`. */
export function simulateAllocation(alloc: Allocator, rates: readonly (readonly number[])[], budget: number, seed: number): { best: number; regret: number } {
  const next = rng(seed);
  let regret = 0;
  for (let t = 0; t < budget; t++) {
    const { problem, strategy } = alloc.next();
    const r = rates[problem];
    regret += Math.max(...r) - r[strategy];
    alloc.update(problem, strategy, next() < r[strategy]);
  }
  return { best: alloc.best(), regret };
}

// Paired comparison of arms on the same problems: the difference of mean per-problem pass rates with a
// paired bootstrap interval, McNemar's exact test (one sample per problem) or a sign-flip permutation
// test (more), wins/losses/ties and the problems that flipped; all pairs with Holm's correction.
// Pure: the engine gathers per-problem counts, this turns them into the figures.
import type { PairComparison } from '../../protocol';
import { holm, mcnemarExact, pairedBootstrap, signFlipTest } from './hypothesis';

/** Per problem: scored samples and their summed score (1/0 for tests, so `sum` = passed). */
export interface Tally { n: number; sum: number }
export interface ArmTallies { arm: string; problems: Map<string, Tally> }

export const COMPARE_SEED = 20240601;
export const COMPARE_RESAMPLES = 10000;

const f3 = (x: number) => (Math.abs(x) < 5e-4 ? '0.000' : x.toFixed(3));
export const pText = (p: number) => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

/** One pair, on the problems both have at least one scored sample of (in `order`). */
export function comparePair(a: ArmTallies, b: ArmTallies, order: readonly string[], opts: { seed?: number; resamples?: number; alpha?: number } = {}): PairComparison {
  const seed = opts.seed ?? COMPARE_SEED, resamples = opts.resamples ?? COMPARE_RESAMPLES, alpha = opts.alpha ?? 0.05;
  const ids = order.filter((id) => (a.problems.get(id)?.n ?? 0) > 0 && (b.problems.get(id)?.n ?? 0) > 0);
  const ra = ids.map((id) => { const t = a.problems.get(id)!; return t.sum / t.n; });
  const rb = ids.map((id) => { const t = b.problems.get(id)!; return t.sum / t.n; });
  let wins = 0, losses = 0, ties = 0;
  const flipped: PairComparison['flipped'] = [];
  ids.forEach((id, i) => {
    if (ra[i] > rb[i]) wins++; else if (ra[i] < rb[i]) losses++; else ties++;
    if (ra[i] !== rb[i]) flipped.push({ problem: id, a: ra[i], b: rb[i] });
  });
  // One sample per problem in both arms and binary outcomes: paired binary data, McNemar's exact test.
  const binary = ids.every((id) => a.problems.get(id)!.n === 1 && b.problems.get(id)!.n === 1) && [...ra, ...rb].every((x) => x === 0 || x === 1);
  const diffs = ra.map((x, i) => x - rb[i]);
  const t = ids.length === 0 ? { pValue: 1, test: 'none (no problems in common)' }
    : binary ? mcnemarExact(wins, losses) : signFlipTest(diffs, { seed, resamples });
  const boot = ids.length ? pairedBootstrap(ra, rb, { seed, resamples }) : { diff: NaN, ci: null };
  const out: PairComparison = {
    a: a.arm, b: b.arm, n_problems: ids.length, diff: boot.diff, ci: boot.ci, p_value: t.pValue, test: t.test,
    wins, losses, ties, p_adjusted: t.pValue, significant: false, verdict: '', flipped, seed, resamples,
  };
  if (!boot.ci) out.ci_reason = ids.length < 2 ? `the bootstrap needs at least 2 problems in common (there ${ids.length === 1 ? 'is 1' : `are ${ids.length}`})` : `every problem has the same difference (${f3(diffs[0])}), so resampling problems cannot vary it`;
  return settle(out, alpha, false);
}

/** Sets `significant` and `verdict` from p_adjusted. */
function settle(c: PairComparison, alpha: number, adjusted: boolean): PairComparison {
  const p = adjusted ? `Holm-adjusted p ${pText(c.p_adjusted)}` : `p ${pText(c.p_adjusted)}`;
  c.significant = c.n_problems > 0 && c.p_adjusted < alpha;
  if (c.n_problems === 0) c.verdict = `cannot compare: ${c.a} and ${c.b} have no scored problem in common`;
  else if (!c.significant) {
    const ci = c.ci ? `; the 95% interval [${f3(c.ci[0])}, ${f3(c.ci[1])}] includes differences either way` : '';
    c.verdict = `no significant difference between ${c.a} and ${c.b} (${p}, α = ${alpha})${c.ci && c.ci[0] <= 0 && c.ci[1] >= 0 ? ci : ''}`;
  } else {
    const [hi, lo] = c.diff >= 0 ? [c.a, c.b] : [c.b, c.a];
    c.verdict = `${hi} is better than ${lo} by ${f3(Math.abs(c.diff))} in pass rate (${p})`;
  }
  return c;
}

/** All pairs (i < j) in the given arm order; more than two arms: Holm's correction over the pairs. */
export function compareArms(arms: readonly ArmTallies[], order: readonly string[], opts: { seed?: number; resamples?: number; alpha?: number } = {}): PairComparison[] {
  const alpha = opts.alpha ?? 0.05;
  const pairs: PairComparison[] = [];
  for (let i = 0; i < arms.length; i++) for (let j = i + 1; j < arms.length; j++) pairs.push(comparePair(arms[i], arms[j], order, opts));
  if (pairs.length > 1) {
    const adj = holm(pairs.map((p) => p.p_value));
    pairs.forEach((p, i) => { p.p_adjusted = adj[i]; settle(p, alpha, true); });
  }
  return pairs;
}

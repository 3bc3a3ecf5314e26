// Progressive sampling: samples are drawn in stages (n = 1, 4, 16, …). After each stage: pass@k for
// every k ≤ n with bootstrap intervals, the uplift pass@n − pass@n_prev (paired over problems, with an
// interval), and — between arms — whether the comparison is settled, by a sequential rule.
//
// The rule (Bonferroni over looks): with S stages planned, each look tests every pair of arms
// (Holm-adjusted across pairs, the tests of metrics/compare.ts) at level α/S, and the run stops once
// every pair is significant at that level. Whatever the data, the chance that the procedure ever
// declares a difference between arms that are in fact equal is at most S · α/S = α (a union bound
// over the looks; the looks are positively correlated, so the real rate is lower). It is
// conservative: a fixed-n test at α has more power at the last stage. progressive.test.ts simulates
// equal arms and checks the rate, and shows that testing at α on every look exceeds it.
import type { PairComparison, PassAtK } from '../../protocol';
import { passAtKSummary } from './aggregate';
import { compareArms, type ArmTallies } from './compare';
import { pairedBootstrap } from './hypothesis';
import { passAtK } from './passk';

export interface StageArm {
  arm: string;
  /** pass@k for k = 1..n (over problems with at least k scored samples). */
  passAtK: PassAtK[];
  /** pass@n − pass@n_prev, both from this stage's samples, paired over problems; null at the first stage. */
  uplift: { from: number; to: number; diff: number; ci: [number, number] | null; problems: number } | null;
}

export interface StageReport {
  stage: number;
  /** Samples per problem after this stage. */
  n: number;
  arms: StageArm[];
  /** Every pair of arms, tested at `level`. */
  pairs: PairComparison[];
  /** α / number of stages: the level each look tests at. */
  level: number;
  /** Every pair differs at `level`: the comparison is settled (an early stop, when asked for, happens here). */
  settled: boolean;
}

/** Per arm, per problem: scored samples among the first `n` indices and how many passed. */
export type StageCounts = { arm: string; problems: Map<string, { n: number; c: number }> }[];

export function stageReport(stage: number, stages: readonly number[], counts: StageCounts, order: readonly string[], opts: { alpha?: number; seed?: number; resamples?: number } = {}): StageReport {
  const n = stages[stage];
  const prev = stage > 0 ? stages[stage - 1] : null;
  const alpha = opts.alpha ?? 0.05;
  const level = alpha / stages.length;
  const arms = counts.map(({ arm, problems }): StageArm => {
    const list = order.map((id) => problems.get(id) ?? { n: 0, c: 0 });
    const passAtKs = Array.from({ length: n }, (_, i) => passAtKSummary(list, i + 1, true));
    let uplift: StageArm['uplift'] = null;
    if (prev !== null) {
      const usable = list.filter((x) => x.n >= n);
      const a = usable.map((x) => passAtK(x.n, x.c, n)!), b = usable.map((x) => passAtK(x.n, x.c, prev)!);
      const r = usable.length ? pairedBootstrap(a, b, { seed: opts.seed ?? 7 }) : { diff: NaN, ci: null };
      uplift = { from: prev, to: n, diff: r.diff, ci: r.ci, problems: usable.length };
    }
    return { arm, passAtK: passAtKs, uplift };
  });
  const { pairs, settled } = settledAt(counts, order, level, opts);
  return { stage, n, arms, pairs, level, settled };
}

/** The sequential rule's look: every pair of arms tested (Holm across pairs) at `level`; settled when all differ. */
export function settledAt(counts: StageCounts, order: readonly string[], level: number, opts: { seed?: number; resamples?: number } = {}): { pairs: PairComparison[]; settled: boolean } {
  const tallies: ArmTallies[] = counts.map(({ arm, problems }) => ({ arm, problems: new Map([...problems].map(([id, t]) => [id, { n: t.n, sum: t.c }])) }));
  const pairs = tallies.length >= 2 ? compareArms(tallies, order, { alpha: level, seed: opts.seed, resamples: opts.resamples }) : [];
  return { pairs, settled: pairs.length > 0 && pairs.every((p) => p.significant) };
}

/** Checks a stage list: increasing positive whole numbers (the last is n). */
export function checkStages(stages: unknown): number[] {
  if (!Array.isArray(stages) || stages.length === 0) throw new Error('plan.stages must be a list of increasing whole numbers, e.g. [1, 4, 16]');
  stages.forEach((s, i) => {
    if (!Number.isInteger(s) || (s as number) < 1 || (i > 0 && (s as number) <= stages[i - 1])) throw new Error(`plan.stages must be increasing whole numbers ≥ 1, e.g. [1, 4, 16] (got ${JSON.stringify(stages)})`);
  });
  return stages as number[];
}

// Compare Runs (the Runs tree): pass@1 of one run or arm against a baseline run, paired over common problems,
// pass@1 over the problems both have, with a paired bootstrap interval, and the problems that
// flipped between solved and unsolved. Pure.
import { passAtK } from './passk';
import { bootstrapMeanCI } from './stats';

export interface Cell { n: number; c: number }

export interface PairedDelta {
  /** Problems both sides scored (n ≥ 1 on each). */
  problems: number;
  /** Mean over those problems of pass@1(B) − pass@1(A); null with no common problem. */
  delta: number | null;
  /** Paired bootstrap 95% interval over problems; null when it cannot be computed (say why). */
  ciLow: number | null;
  ciHigh: number | null;
  why: string | null;
  /** Problems solved by A and not B (regressions) and the other way round (fixes). */
  lost: string[];
  gained: string[];
}

/**
 * A problem counts as solved when at least half its scored samples passed (pass@1 ≥ 0.5): with one
 * sample that is "passed"; with many, the majority, so one unlucky sample of 100 is not a flip.
 */
export const solved = (cell: Cell): boolean => cell.n > 0 && cell.c * 2 >= cell.n;

export function pairedDelta(a: ReadonlyMap<string, Cell>, b: ReadonlyMap<string, Cell>, seed = 12345): PairedDelta {
  const diffs: number[] = [];
  const lost: string[] = [], gained: string[] = [];
  for (const [id, ca] of a) {
    const cb = b.get(id);
    if (!cb || ca.n === 0 || cb.n === 0) continue;
    diffs.push(passAtK(cb.n, cb.c, 1)! - passAtK(ca.n, ca.c, 1)!);
    if (solved(ca) && !solved(cb)) lost.push(id);
    else if (!solved(ca) && solved(cb)) gained.push(id);
  }
  if (diffs.length === 0) return { problems: 0, delta: null, ciLow: null, ciHigh: null, why: 'no problem was scored on both sides', lost, gained };
  const delta = diffs.reduce((x, y) => x + y, 0) / diffs.length;
  let ci: [number, number] | null = null, why: string | null = null;
  if (diffs.length < 2) why = 'one common problem: the bootstrap over problems needs at least 2';
  else if (diffs.every((d) => d === diffs[0])) why = `every one of the ${diffs.length} common problems differs by the same amount, so resampling cannot vary it`;
  else ci = bootstrapMeanCI(diffs, { seed });
  return { problems: diffs.length, delta, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, why, lost, gained };
}

// A running run's problem rows between two fetches of its detail. A big run's detail is refetched
// only every 20× its fetch time (state.ts), so rows built from the last one said "pending" for
// problems whose samples had finished since; the engine announces each sample (SampleFinished), and
// those are added to the rows here. Pure (no `vscode`): unit-tested beside it.
import { scoredCounts, type ProblemResult, type SampleSummary } from '../protocol';

/**
 * `problems` with the `arrived` samples added to their (problem, arm) rows and n, c counted again as
 * the engine counts them (errors are not scored). Rows no new sample touched are the same objects; a
 * sample a row already holds (the fetch included it) is not added twice.
 */
export function withArrived(problems: ProblemResult[], arrived: readonly SampleSummary[]): ProblemResult[] {
  if (arrived.length === 0) return problems;
  const byCell = new Map<string, SampleSummary[]>();
  for (const s of arrived) {
    const key = `${s.problemId}\0${s.arm}`;
    const list = byCell.get(key);
    if (list) list.push(s); else byCell.set(key, [s]);
  }
  return problems.map((p) => {
    const add = byCell.get(`${p.problemId}\0${p.arm}`);
    if (!add) return p;
    const have = new Set(p.samples.map((s) => s.id));
    const fresh = add.filter((s) => !have.has(s.id));
    if (fresh.length === 0) return p;
    const samples = [...p.samples, ...fresh].sort((a, b) => a.index - b.index);
    // Per-problem pass@k is the engine's to compute: none until the next fetch rather than a stale one.
    return { ...p, ...scoredCounts(samples), samples, passAtK: [] };
  });
}

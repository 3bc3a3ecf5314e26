// Read side of `crucible compare` and the Compare section: per-problem tallies of each arm from the
// store (one run, or two runs over the same suite), handed to metrics/compare.ts. Nothing here writes.
import type { CompareResult } from '../../protocol';
import { compareArms, type ArmTallies, type Tally } from '../metrics/compare';
import type { Store } from '../store/store';
import { parsePlan, resolveArms } from './plan';

export interface CompareOptions { arms?: string[]; scorer?: string; alpha?: number; seed?: number; resamples?: number }

export function compareRuns(store: Store, runIds: string[], opts: CompareOptions = {}): CompareResult {
  if (runIds.length < 1 || runIds.length > 2) throw new Error('compare takes one run (its arms) or two runs over the same suite');
  if (runIds.length === 2 && runIds[0] === runIds[1]) throw new Error(`both runs are ${runIds[0]}: name two different runs, or one run with --arms`);
  const runs = runIds.map((id) => {
    const row = store.run(id);
    if (!row) throw new Error(`no run ${id} (crucible runs lists them)`);
    return { id, arms: resolveArms(parsePlan(row.plan, id)).map((a) => a.id), rows: store.scoredOutcomes(id), problems: store.problems(id).map((p) => p.problem_id) };
  });
  // Which scorer: the one asked for, else tests, else the first scorer with numbers.
  const scorers = new Map<string, boolean>();
  for (const r of runs) for (const o of r.rows) scorers.set(o.scorer, (scorers.get(o.scorer) ?? false) || o.value !== null);
  const scorer = opts.scorer ?? (scorers.has('tests') ? 'tests' : [...scorers].find(([, numeric]) => numeric)?.[0]);
  if (!scorer) throw new Error(`run${runIds.length > 1 ? 's' : ''} ${runIds.join(' and ')} ha${runIds.length > 1 ? 've' : 's'} no scored samples to compare`);
  if (!scorers.has(scorer)) throw new Error(`no sample of ${runIds.join(' or ')} was scored by "${scorer}" (scorers: ${[...scorers.keys()].join(', ') || 'none'})`);
  if (!scorers.get(scorer)) throw new Error(`scorer "${scorer}" gives labels, not numbers; compare needs a scorer with a numeric value per sample (e.g. tests)`);

  // Arm names: as in the run; with two runs, an arm named in both is written run/arm.
  const all = runs.flatMap((r) => r.arms.map((arm) => ({ run: r.id, arm })));
  const clash = (arm: string) => all.filter((x) => x.arm === arm).length > 1;
  const named = all.map((x) => ({ ...x, name: clash(x.arm) ? `${x.run}/${x.arm}` : x.arm }));
  let chosen = named;
  if (opts.arms?.length) {
    chosen = opts.arms.map((want) => {
      const hit = named.find((x) => x.name === want);
      if (!hit && clash(want)) throw new Error(`arm "${want}" is in both runs: write ${runIds.map((r) => `${r}/${want}`).join(' or ')}`);
      if (!hit) throw new Error(`no arm "${want}" (arms: ${named.map((x) => x.name).join(', ')})`);
      return hit;
    });
    if (new Set(chosen.map((c) => c.name)).size !== chosen.length) throw new Error(`--arms names the same arm twice (${opts.arms.join(', ')})`);
  }
  if (chosen.length < 2) throw new Error(`compare needs at least two arms; run ${runIds[0]} has ${chosen.length === 1 ? `one (${chosen[0].name})` : 'none'}: compare it with a second run over the same suite`);

  const tallies: ArmTallies[] = chosen.map((c) => {
    const problems = new Map<string, Tally>();
    const run = runs.find((r) => r.id === c.run)!;
    for (const o of run.rows) {
      if (o.arm !== c.arm || o.scorer !== scorer || o.value === null || o.status === 'error') continue;
      const t = problems.get(o.problem_id) ?? { n: 0, sum: 0 };
      t.n++; t.sum += o.value;
      problems.set(o.problem_id, t);
    }
    return { arm: c.name, problems };
  });
  // Problems in the first run's order; with two runs, only those both runs hold.
  const order = runs.length === 2 ? runs[0].problems.filter((id) => runs[1].problems.includes(id)) : runs[0].problems;
  if (runs.length === 2 && order.length === 0) throw new Error(`runs ${runIds[0]} and ${runIds[1]} share no problem: compare runs over the same suite`);
  const pairs = compareArms(tallies, order, opts);
  const usable = order.filter((id) => tallies.every((t) => (t.problems.get(id)?.n ?? 0) > 0));
  return { runs: runIds, scorer, arms: tallies.map((t) => t.arm), alpha: opts.alpha ?? 0.05, excluded: order.length - usable.length, pairs };
}

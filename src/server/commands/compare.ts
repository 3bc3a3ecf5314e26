// `crucible compare RUN [RUN2] [--arms A,B] [--scorer S] [--json]`: paired comparison of a run's arms
// (or of two runs over the same suite). Reads only: safe beside a run in progress.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { CompareResult, PairComparison } from '../../protocol';
import { compareRuns } from '../engine/compare';
import { pText } from '../metrics/compare';
import { Store } from '../store/store';

export const COMPARE_HELP = `crucible compare RUN [RUN2] [--arms A,B,…] [--scorer S] [--json] [--db FILE]

Paired comparison of arms on the same problems: the difference of mean per-problem pass rate
(a − b) with a paired bootstrap 95% interval over problems (fixed seed, reported), McNemar's exact
test when every problem has one sample per arm, else a sign-flip permutation test on the
per-problem differences; wins/losses/ties by problem and the problems that flipped. More than two
arms: every pair, p-values Holm-adjusted. With two runs, an arm named in both is RUN/ARM.`;

export class CompareUsageError extends Error {}

const f3 = (x: number) => x.toFixed(3);

/** The JSON of one pair: the documented keys first, then what else is known. */
export function pairJson(p: PairComparison): Record<string, unknown> {
  const { a, b, n_problems, diff, ci, p_value, test, wins, losses, ties, ...rest } = p;
  return { a, b, n_problems, diff, ci, p_value, test, wins, losses, ties, ...rest };
}

export function compareText(r: CompareResult): string {
  const out: string[] = [];
  out.push(`Compare ${r.runs.join(' vs ')} · scorer ${r.scorer} · ${r.arms.length} arms · α = ${r.alpha}${r.pairs.length > 1 ? ' · p-values Holm-adjusted over ' + r.pairs.length + ' pairs' : ''}`);
  if (r.excluded) out.push(`${r.excluded} problem(s) left out: an arm has no scored sample of them (errors are not scored)`);
  for (const p of r.pairs) {
    const ci = p.ci ? `[${f3(p.ci[0])}, ${f3(p.ci[1])}]` : `[n/a: ${p.ci_reason}]`;
    out.push('');
    out.push(`${p.a} − ${p.b}: diff ${f3(p.diff)} ${ci} over ${p.n_problems} problems`);
    out.push(`  p ${pText(p.p_value)} (${p.test})${r.pairs.length > 1 ? ` · Holm-adjusted p ${pText(p.p_adjusted)}` : ''}`);
    out.push(`  wins/losses/ties (${p.a} vs ${p.b}): ${p.wins}/${p.losses}/${p.ties}`);
    out.push(`  ${p.verdict}`);
    if (p.flipped.length) {
      const shown = p.flipped.slice(0, 20).map((f) => `${f.problem} (${f3(f.a)} vs ${f3(f.b)})`);
      out.push(`  flipped: ${shown.join(', ')}${p.flipped.length > 20 ? `, … ${p.flipped.length - 20} more (--json lists all)` : ''}`);
    }
  }
  out.push('');
  out.push(`bootstrap: ${r.pairs[0]?.resamples ?? 0} resamples of problems, seed ${r.pairs[0]?.seed ?? '—'}`);
  return out.join('\n');
}

/** Entry point: 0 ok, 1 the comparison cannot be made (no such run, no common problems, …), 2 usage. */
export async function runCompare(argv: string[]): Promise<number> {
  try {
    return await compareMain(argv);
  } catch (e) {
    console.error(`crucible compare: ${(e as Error).message}`);
    return e instanceof CompareUsageError ? 2 : 1;
  }
}

async function compareMain(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv, allowPositionals: true, strict: true,
      options: { arms: { type: 'string' }, scorer: { type: 'string' }, json: { type: 'boolean', default: false }, db: { type: 'string', default: path.join('.crucible', 'crucible.db') }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (e) {
    throw new CompareUsageError((e as Error).message.replace(/\n/g, ' '));
  }
  const { values: o, positionals } = parsed;
  if (o.help) { console.log(COMPARE_HELP); return 0; }
  if (positionals.length < 1 || positionals.length > 2) throw new CompareUsageError(`usage: ${COMPARE_HELP.split('\n')[0]}`);
  const arms = o.arms?.split(',').map((s) => s.trim()).filter(Boolean);
  if (o.arms !== undefined && (!arms || arms.length < 2)) throw new CompareUsageError(`--arms takes two or more arm names separated by commas (got "${o.arms}")`);
  const store = await Store.open(path.resolve(o.db!), { readOnly: true });
  try {
    const r = compareRuns(store, positionals, { arms, scorer: o.scorer });
    if (o.json) {
      // One pair: the object itself; more: a list of them.
      const pairs = r.pairs.map(pairJson);
      console.log(JSON.stringify(pairs.length === 1 ? pairs[0] : pairs, null, 2));
    } else {
      console.log(compareText(r));
    }
    return 0;
  } finally {
    store.close();
  }
}

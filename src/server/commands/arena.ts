// `crucible arena ratings FILE [--json]`: Bradley–Terry ratings from battles judged anywhere.
// FILE is JSONL, one battle a line: {"model_a", "model_b", "winner": "model_a" | "model_b" | "tie"}.
import { parseArgs } from 'node:util';
import { arenaRatings, type ArenaRatings, type Battle } from '../metrics/bradley-terry';
import { InputError, readJsonl } from '../jsonl';
import { exitOnInputError, f3, table, UsageError } from './common';

const HELP = `Usage: crucible arena ratings FILE [--json]

FILE: JSONL, one battle per line: {"model_a": …, "model_b": …, "winner": "model_a" | "model_b" | "tie"}
("tie (bothbad)" and "both_bad" count as ties). Prints Bradley–Terry ratings (maximum likelihood; a tie is
half a win for each side) on the Elo scale (400 points per factor of 10 in odds, mean 1000) with 95%
bootstrap intervals over battles, each model's battles and wins/losses/ties, and the win-rate matrix.
  --json          print {"ratings": {"<model>": {"rating", "ci": [lo, hi], "battles", …}}, "win_rate", "battles", "n"}
  --seed <int>    bootstrap seed                                                                   [1]
Exit status: 0 ok, 2 bad input (the message names file and line).`;

const TIES = new Set(['tie', 'tie (bothbad)', 'both_bad', 'bothbad']);

export async function readBattles(file: string): Promise<Battle[]> {
  const out: Battle[] = [];
  for (const r of await readJsonl(file)) {
    const get = (k: string) => {
      const v = r.value[k];
      if (typeof v !== 'string' || !v.trim()) throw new InputError(file, r.line, `field "${k}" must be a non-empty string${v === undefined ? ' (missing)' : ''}`);
      return v.trim();
    };
    const a = get('model_a'), b = get('model_b'), w = get('winner');
    if (a === b) throw new InputError(file, r.line, `model_a and model_b are the same model ("${a}")`);
    const winner = w === 'model_a' ? 'a' : w === 'model_b' ? 'b' : TIES.has(w) ? 'tie' : null;
    if (!winner) throw new InputError(file, r.line, `winner must be model_a, model_b or tie (got "${w}")`);
    out.push({ a, b, winner });
  }
  return out;
}

export function formatRatings(r: ArenaRatings): string[] {
  const order = [...r.models].sort((x, y) => (r.ratings[y].rating ?? -Infinity) - (r.ratings[x].rating ?? -Infinity));
  const reasons = new Set<string>();
  const rows = order.map((m) => {
    const x = r.ratings[m];
    if (x.ciReason) reasons.add(x.ciReason);
    return [m, x.rating === null ? 'n/a' : x.rating.toFixed(1), x.ci ? `[${x.ci[0].toFixed(1)}, ${x.ci[1].toFixed(1)}]` : '[n/a]', String(x.battles), `${x.wins}/${x.losses}/${x.ties}`];
  });
  const out = [`${r.total} battles, ${r.models.length} models`, '', ...table(['model', 'rating', '95% CI', 'battles', 'W/L/T'], rows)];
  if (r.reason) out.push(`ratings n/a: ${r.reason}`);
  for (const why of reasons) if (why !== 'no rating') out.push(`[n/a]: ${why}`);
  out.push('', 'win rate (row over column; ties count half; battles in parentheses)',
    ...table(['', ...order], order.map((m) => [m, ...order.map((o) => (m === o ? '—' : r.battles[m][o] ? `${f3(r.winRate[m][o])} (${r.battles[m][o]})` : '·'))])));
  return out;
}

export async function runArena(args: string[]): Promise<number> {
  return exitOnInputError(async () => {
    const { values: o, positionals } = parseArgs({
      args, allowPositionals: true, strict: true,
      options: { json: { type: 'boolean', default: false }, seed: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
    if (o.help) { console.log(HELP); return 0; }
    const [sub, file, ...extra] = positionals;
    if (sub !== 'ratings') throw new UsageError(sub ? `unknown arena command "${sub}" (known: ratings)` : `missing arena command\n${HELP}`);
    if (!file) throw new UsageError(`missing FILE\n${HELP}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const seed = o.seed === undefined ? 1 : Number(o.seed);
    if (!Number.isInteger(seed)) throw new UsageError(`--seed takes a whole number (got "${o.seed}")`);
    const battles = await readBattles(file);
    if (battles.length === 0) throw new InputError(file, null, 'no battles');
    const r = arenaRatings(battles, { seed });
    if (o.json) {
      const ratings = Object.fromEntries(r.models.map((m) => {
        const x = r.ratings[m];
        return [m, { rating: x.rating, ci: x.ci, battles: x.battles, wins: x.wins, losses: x.losses, ties: x.ties, ...(x.ciReason ? { ci_reason: x.ciReason } : {}) }];
      }));
      console.log(JSON.stringify({ ratings, win_rate: r.winRate, battles: r.battles, n: r.total, ...(r.reason ? { reason: r.reason } : {}) }));
    } else {
      console.log(formatRatings(r).join('\n'));
    }
    return 0;
  });
}

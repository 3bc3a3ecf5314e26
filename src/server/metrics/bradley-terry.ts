// Bradley–Terry ratings from pairwise battles: maximum likelihood (Hunter's MM iteration), a tie
// counted as half a win for each side, on the Elo scale (400 points per factor of 10 in odds,
// anchored so the mean rating is 1000), with percentile bootstrap intervals over battles, the
// win-rate matrix and the number of battles behind each figure. Pure functions.
import { quantileSorted, rng } from './stats';

export interface Battle { a: string; b: string; winner: 'a' | 'b' | 'tie' }

export interface Fit {
  /** Elo-scale rating per model (mean 1000), or null when the maximum-likelihood fit does not exist. */
  ratings: Map<string, number> | null;
  reason?: string;
}

/** Pairwise tallies: credit[i][j] = wins of i over j + half the ties; n[i][j] = battles between i and j. */
function tally(battles: readonly Battle[], models: readonly string[]) {
  const ix = new Map(models.map((m, i) => [m, i]));
  const k = models.length;
  const credit = Array.from({ length: k }, () => new Float64Array(k));
  const n = Array.from({ length: k }, () => new Float64Array(k));
  for (const g of battles) {
    const i = ix.get(g.a)!, j = ix.get(g.b)!;
    if (i === j) continue;
    n[i][j]++; n[j][i]++;
    if (g.winner === 'a') credit[i][j] += 1;
    else if (g.winner === 'b') credit[j][i] += 1;
    else { credit[i][j] += 0.5; credit[j][i] += 0.5; }
  }
  return { credit, n };
}

/**
 * The MLE exists (finite, unique up to scale) iff for every split of the models into two groups
 * some model of each group took credit from the other: the "took credit from" graph is strongly
 * connected (Zermelo; Ford 1957). Returns a model cut off that way, or null.
 */
function cutOff(credit: Float64Array[], models: readonly string[]): string | null {
  const k = models.length;
  const reach = (fwd: boolean): boolean[] => {
    const seen = new Array<boolean>(k).fill(false);
    const stack = [0];
    seen[0] = true;
    while (stack.length) {
      const i = stack.pop()!;
      for (let j = 0; j < k; j++) if (!seen[j] && (fwd ? credit[i][j] : credit[j][i]) > 0) { seen[j] = true; stack.push(j); }
    }
    return seen;
  };
  const f = reach(true), b = reach(false);
  for (let i = 0; i < k; i++) if (!f[i] || !b[i]) return models[i];
  return null;
}

/** Maximum-likelihood Bradley–Terry ratings of `models` (default: every model in the battles). */
export function fitBradleyTerry(battles: readonly Battle[], models?: readonly string[]): Fit {
  const ms = models ?? modelsOf(battles);
  const k = ms.length;
  if (k < 2) return { ratings: null, reason: 'fewer than 2 models' };
  const { credit, n } = tally(battles, ms);
  for (let i = 0; i < k; i++) if (n[i].every((x) => x === 0)) return { ratings: null, reason: `${ms[i]} has no battles` };
  const cut = cutOff(credit, ms);
  if (cut !== null) {
    return { ratings: null, reason: `no finite maximum-likelihood rating: some models won (or lost) every battle against the rest (e.g. ${cut}'s side); more battles are needed` };
  }
  const w = ms.map((_, i) => credit[i].reduce((a, b) => a + b, 0));
  let p = new Float64Array(k).fill(1);
  for (let iter = 0; iter < 100000; iter++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let d = 0;
      for (let j = 0; j < k; j++) if (n[i][j] > 0) d += n[i][j] / (p[i] + p[j]);
      next[i] = w[i] / d;
    }
    // Fix the scale (geometric mean 1) so the iteration converges to one point.
    let lg = 0;
    for (let i = 0; i < k; i++) lg += Math.log(next[i]);
    const g = Math.exp(lg / k);
    let change = 0;
    for (let i = 0; i < k; i++) { next[i] /= g; change = Math.max(change, Math.abs(Math.log(next[i] / p[i]))); }
    p = next;
    if (change < 1e-12) break;
  }
  const r = Array.from(p, (x) => 400 * Math.log10(x));
  const mean = r.reduce((a, b) => a + b, 0) / k;
  return { ratings: new Map(ms.map((m, i) => [m, 1000 + r[i] - mean])) };
}

export interface ModelRating {
  /** null when the fit does not exist (see reason). */
  rating: number | null;
  /** 95% bootstrap interval; null when it cannot be computed (see ciReason). */
  ci: [number, number] | null;
  ciReason?: string;
  /** Battles this model fought. */
  battles: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface ArenaRatings {
  models: string[];
  ratings: Record<string, ModelRating>;
  /** winRate[a][b]: a's wins over b plus half the ties, over their battles (null: they never met). */
  winRate: Record<string, Record<string, number | null>>;
  /** battles[a][b]: how many times a and b met. */
  battles: Record<string, Record<string, number>>;
  total: number;
  reason?: string;
}

/**
 * Ratings with bootstrap intervals (battles resampled with replacement). A resample where some
 * model has no finite rating (it won or lost all its battles there, or had none) does not count;
 * when more than 5% do not, the intervals are null: too few battles to say how uncertain they are.
 */
export function arenaRatings(battles: readonly Battle[], opts: { resamples?: number; seed?: number; level?: number } = {}): ArenaRatings {
  const models = modelsOf(battles);
  const { credit, n } = tally(battles, models);
  const fit = fitBradleyTerry(battles, models);
  const B = opts.resamples ?? 1000, level = opts.level ?? 0.95, next = rng(opts.seed ?? 1);
  const draws = models.map(() => [] as number[]);
  let ok = 0;
  if (fit.ratings && battles.length >= 2) {
    const sample: Battle[] = new Array(battles.length);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < battles.length; i++) sample[i] = battles[Math.floor(next() * battles.length)];
      const f = fitBradleyTerry(sample, models);
      if (!f.ratings) continue;
      ok++;
      models.forEach((m, i) => draws[i].push(f.ratings!.get(m)!));
    }
  }
  const ciReason = !fit.ratings ? 'no rating' : battles.length < 2 ? 'fewer than 2 battles'
    : ok < 0.95 * B ? `too few battles: in ${B - ok} of ${B} resamples some model won or lost every battle it had` : undefined;
  const tail = (1 - level) / 2;
  const ratings: Record<string, ModelRating> = {};
  const winRate: ArenaRatings['winRate'] = {};
  const count: ArenaRatings['battles'] = {};
  models.forEach((m, i) => {
    let wins = 0, losses = 0, ties = 0;
    for (const g of battles) {
      if (g.a !== m && g.b !== m) continue;
      if (g.a === g.b) continue;
      if (g.winner === 'tie') ties++;
      else if ((g.winner === 'a') === (g.a === m)) wins++;
      else losses++;
    }
    let ci: [number, number] | null = null;
    if (!ciReason) {
      const s = draws[i].sort((x, y) => x - y);
      ci = [quantileSorted(s, tail), quantileSorted(s, 1 - tail)];
    }
    ratings[m] = { rating: fit.ratings?.get(m) ?? null, ci, ...(ciReason ? { ciReason } : {}), battles: wins + losses + ties, wins, losses, ties };
    winRate[m] = {};
    count[m] = {};
    models.forEach((o, j) => {
      if (i === j) return;
      count[m][o] = n[i][j];
      winRate[m][o] = n[i][j] > 0 ? credit[i][j] / n[i][j] : null;
    });
  });
  return { models, ratings, winRate, battles: count, total: battles.length, ...(fit.reason ? { reason: fit.reason } : {}) };
}

function modelsOf(battles: readonly Battle[]): string[] {
  const s = new Set<string>();
  for (const g of battles) { s.add(g.a); s.add(g.b); }
  return [...s].sort();
}

// Agreement between annotators: percent agreement, Cohen's κ, Fleiss' κ, Krippendorff's α (nominal),
// each with a percentile bootstrap interval over items, the confusion (or coincidence) matrix, and the
// items where annotators disagree. Pure functions over an items × annotators matrix of labels.
//
// A multi-label answer is one nominal value (its sorted labels joined): two people agree on an item
// only when they chose the same set.
import { quantileSorted, rng } from './stats';

/** One item: one entry per annotator (column), null where that annotator gave no label. */
export type Unit = readonly (string | null)[];

const given = (u: Unit): string[] => u.filter((x): x is string => x !== null && x !== '');

/**
 * Mean over items with at least two labels of the share of annotator pairs that agree (for two
 * annotators: the share of items both labelled where they gave the same label). null: no such item.
 */
export function percentAgreement(units: readonly Unit[]): number | null {
  let sum = 0, n = 0;
  for (const u of units) {
    const v = given(u);
    if (v.length < 2) continue;
    let agree = 0;
    const counts = countBy(v);
    for (const c of counts.values()) agree += c * (c - 1);
    sum += agree / (v.length * (v.length - 1));
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * Cohen's κ for annotators `a` and `b` over the items both labelled: (po − pe) / (1 − pe) with pe
 * from each annotator's own label distribution. null when undefined (no item, or pe = 1: both
 * annotators always gave one and the same label, so chance explains everything).
 */
export function cohenKappa(units: readonly Unit[], a = 0, b = 1): number | null {
  const pairs: [string, string][] = [];
  for (const u of units) {
    const x = u[a], y = u[b];
    if (x !== null && x !== '' && x !== undefined && y !== null && y !== '' && y !== undefined) pairs.push([x, y]);
  }
  const n = pairs.length;
  if (n === 0) return null;
  const ca = new Map<string, number>(), cb = new Map<string, number>();
  let agree = 0;
  for (const [x, y] of pairs) {
    if (x === y) agree++;
    ca.set(x, (ca.get(x) ?? 0) + 1);
    cb.set(y, (cb.get(y) ?? 0) + 1);
  }
  const po = agree / n;
  let pe = 0;
  for (const [k, c] of ca) pe += (c / n) * ((cb.get(k) ?? 0) / n);
  if (1 - pe < 1e-12) return null;
  return (po - pe) / (1 - pe);
}

/**
 * Fleiss' κ over items with at least two labels. With the same number of labels per item this is
 * Fleiss (1971); with missing labels each item's agreement P_i uses its own count n_i and the
 * category shares pool all labels given. null when undefined (no item, or one category only).
 */
export function fleissKappa(units: readonly Unit[]): number | null {
  let pSum = 0, items = 0, total = 0;
  const cat = new Map<string, number>();
  for (const u of units) {
    const v = given(u);
    if (v.length < 2) continue;
    const counts = countBy(v);
    let s = 0;
    for (const [k, c] of counts) { s += c * (c - 1); cat.set(k, (cat.get(k) ?? 0) + c); }
    pSum += s / (v.length * (v.length - 1));
    total += v.length;
    items++;
  }
  if (items === 0) return null;
  const pBar = pSum / items;
  let pe = 0;
  for (const c of cat.values()) pe += (c / total) ** 2;
  if (1 - pe < 1e-12) return null;
  return (pBar - pe) / (1 - pe);
}

/**
 * Krippendorff's α for nominal data: 1 − D_o / D_e from the coincidence matrix of pairable values
 * (items with at least two labels). null when undefined (fewer than two pairable values, or a single
 * value used throughout: no expected disagreement).
 */
export function krippendorffAlpha(units: readonly Unit[]): number | null {
  const { labels, counts } = coincidenceMatrix(units);
  const nc = counts.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  if (n < 2) return null;
  let observed = 0, expected = 0;
  for (let c = 0; c < labels.length; c++) {
    for (let k = 0; k < labels.length; k++) {
      if (c === k) continue;
      observed += counts[c][k];
      expected += nc[c] * nc[k];
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

export interface Matrix { labels: string[]; counts: number[][] }

/** Rows: annotator a's labels; columns: annotator b's; over the items both labelled. */
export function confusionMatrix(units: readonly Unit[], a = 0, b = 1): Matrix {
  const labels = labelsOf(units);
  const ix = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const u of units) {
    const x = u[a], y = u[b];
    if (x && y) counts[ix.get(x)!][ix.get(y)!]++;
  }
  return { labels, counts };
}

/**
 * Krippendorff's coincidence matrix: each item with m ≥ 2 labels adds 1/(m − 1) for every ordered
 * pair of its labels from different annotators. Symmetric; its total is the number of pairable values.
 */
export function coincidenceMatrix(units: readonly Unit[]): Matrix {
  const labels = labelsOf(units);
  const ix = new Map(labels.map((l, i) => [l, i]));
  const counts = labels.map(() => labels.map(() => 0));
  for (const u of units) {
    const v = given(u);
    const m = v.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) counts[ix.get(v[i])!][ix.get(v[j])!] += 1 / (m - 1);
  }
  return { labels, counts };
}

/** Indices of items where at least two labels were given and they are not all the same. */
export function disagreements(units: readonly Unit[]): number[] {
  const out: number[] = [];
  units.forEach((u, i) => { const v = given(u); if (v.length >= 2 && new Set(v).size > 1) out.push(i); });
  return out;
}

export interface Interval {
  /** [low, high], or null when it cannot be computed (reason says why). */
  ci: [number, number] | null;
  reason?: string;
}

/**
 * Percentile bootstrap interval of `stat` over items (resampling items with replacement). A
 * resample where the statistic is undefined (e.g. every label the same) is left out; when more than
 * 5% are, the interval is null: the data are too few or too uniform to say how uncertain the figure is.
 */
export function bootstrapInterval(
  units: readonly Unit[], stat: (u: readonly Unit[]) => number | null,
  opts: { level?: number; resamples?: number; seed?: number } = {},
): Interval {
  const n = units.length;
  if (n < 2) return { ci: null, reason: 'fewer than 2 items' };
  const B = opts.resamples ?? 2000, level = opts.level ?? 0.95, next = rng(opts.seed ?? 1);
  const values: number[] = [];
  const sample: Unit[] = new Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) sample[i] = units[Math.floor(next() * n)];
    const v = stat(sample);
    if (v !== null && Number.isFinite(v)) values.push(v);
  }
  if (values.length < 0.95 * B) {
    return { ci: null, reason: `undefined in ${B - values.length} of ${B} resamples (too few items, or nearly all with the same label)` };
  }
  values.sort((x, y) => x - y);
  const tail = (1 - level) / 2;
  return { ci: [quantileSorted(values, tail), quantileSorted(values, 1 - tail)] };
}

export interface AgreementReport {
  /** Items with at least two labels (the ones agreement is measured on). */
  n: number;
  /** All items given, including those with fewer than two labels. */
  items: number;
  columns: string[];
  percent_agreement: number | null;
  cohen_kappa?: number | null;
  fleiss_kappa?: number | null;
  krippendorff_alpha?: number | null;
  /** 95% bootstrap intervals by statistic name (null: cannot be computed; see reasons). */
  ci: Record<string, [number, number] | null>;
  /** Why a figure or interval is null. */
  reasons: Record<string, string>;
  /** Two annotators: a's labels (rows) × b's (columns). More: the coincidence matrix. */
  confusion: Matrix & { kind: 'confusion' | 'coincidence' };
  /** Indices (into the items given) of the items where annotators disagree. */
  disagreements: number[];
}

/**
 * Every figure for one table of labels: with two columns percent agreement and Cohen's κ; with more,
 * percent agreement, Fleiss' κ and Krippendorff's α. Intervals are 95% bootstrap over items.
 */
export function agreementReport(units: readonly Unit[], columns: string[], opts: { resamples?: number; seed?: number } = {}): AgreementReport {
  if (columns.length < 2) throw new Error('agreement needs at least two annotators');
  const pairable = units.filter((u) => given(u).length >= 2);
  const stats: [string, (u: readonly Unit[]) => number | null][] = [['percent_agreement', percentAgreement]];
  if (columns.length === 2) stats.push(['cohen_kappa', (u) => cohenKappa(u)]);
  else stats.push(['fleiss_kappa', fleissKappa], ['krippendorff_alpha', krippendorffAlpha]);
  const report: AgreementReport = {
    n: pairable.length, items: units.length, columns, percent_agreement: null, ci: {}, reasons: {},
    confusion: columns.length === 2 ? { ...confusionMatrix(units), kind: 'confusion' } : { ...coincidenceMatrix(units), kind: 'coincidence' },
    disagreements: disagreements(units),
  };
  for (const [name, fn] of stats) {
    const value = fn(pairable);
    (report as unknown as Record<string, number | null>)[name] = value;
    if (value === null) {
      report.reasons[name] = pairable.length === 0 ? 'no item has two labels' : 'undefined: every label given is the same, so chance agreement is 1';
      report.ci[name] = null;
      continue;
    }
    const iv = bootstrapInterval(pairable, fn, opts);
    report.ci[name] = iv.ci;
    if (iv.reason) report.reasons[`${name}_ci`] = iv.reason;
  }
  return report;
}

function countBy(v: readonly string[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const x of v) m.set(x, (m.get(x) ?? 0) + 1);
  return m;
}

function labelsOf(units: readonly Unit[]): string[] {
  const s = new Set<string>();
  for (const u of units) for (const x of u) if (x) s.add(x);
  return [...s].sort();
}

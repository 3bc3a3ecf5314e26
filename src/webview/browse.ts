// Browsing the problems of a run (as promptfoo's viewer does): one row per problem with each arm
// side by side, filters, search, sorting and failures grouped by their error. Pure (no DOM), so it
// is unit-tested in Node; it counts what is shown and computes no metric.
import type { ProblemResult, RunDetail, SampleSummary } from '../protocol';
import { outcomeTone, problemStatus } from '../extension/format';
import { weight } from '../protocol/panel';

export type Show = 'all' | 'failures' | 'passes' | 'errors';
export type Sort = 'suite' | 'rate-asc' | 'rate-desc' | 'id';

export interface Row {
  problemId: string;
  /** One cell per arm of the run, in plan order (undefined: the arm has no result for it). */
  cells: (ProblemResult | undefined)[];
}

export interface BrowseOptions {
  show: Show;
  search: string;
  /** Only this arm's results decide (and are searched); '' = every arm. */
  arm: string;
  /** Only problems with a non-passing sample of this error kind; '' = any. */
  kind: string;
  timeoutsOnly: boolean;
  sort: Sort;
}

export const DEFAULT_OPTIONS: BrowseOptions = { show: 'all', search: '', arm: '', kind: '', timeoutsOnly: false, sort: 'suite' };

/** Problems in suite order, each with its arms side by side (not one interleaved row per arm). */
export function buildRows(d: RunDetail): Row[] {
  const arms = d.run.arms.length ? d.run.arms : [...new Set(d.problems.map((p) => p.arm))];
  const at = new Map(arms.map((a, i) => [a, i]));
  const rows = new Map<string, Row>();
  for (const p of d.problems) {
    let r = rows.get(p.problemId);
    if (!r) { r = { problemId: p.problemId, cells: new Array(arms.length).fill(undefined) }; rows.set(p.problemId, r); }
    const i = at.get(p.arm);
    if (i !== undefined) r.cells[i] = p;
  }
  return [...rows.values()];
}

/**
 * Solved: for code, at least half of the scored samples passed (one sample: it passed), so a
 * problem at 97/100 is not a failure; for chat, the outcome's tone is good.
 */
export function cellSolved(p: ProblemResult): boolean | null {
  if (p.samples.length === 0) return null;
  if (p.kind === 'chat') { const t = outcomeTone(problemStatus(p), p.expectation); return t === 'good' ? true : t === 'pending' ? null : false; }
  if (p.n === 0) return null; // errors only: no verdict
  return p.c * 2 >= p.n;
}

/** Passed/scored samples of a cell (chat: good outcomes / judged). */
export function cellRate(p: ProblemResult): number | null {
  if (p.kind === 'chat') {
    const judged = p.samples.filter((s) => s.status !== 'error');
    return judged.length ? judged.filter((s) => outcomeTone(s.status, p.expectation) === 'good').length / judged.length : null;
  }
  return p.n ? p.c / p.n : null;
}

/** The error kind of a sample that did not pass: the exception's class, "timeout", or the detail's first words. */
export function errorKind(s: Pick<SampleSummary, 'status' | 'detail'>): string {
  if (s.status === 'timeout') return 'timeout';
  const text = s.detail ?? '';
  const cls = /\b([A-Z][A-Za-z0-9_]*(?:Error|Exception|Exit|Interrupt|Warning))\b/.exec(text);
  if (cls) return cls[1];
  if (/\bassert/i.test(text)) return 'AssertionError';
  const first = (text.split(/\r?\n/).find((l) => l.trim()) ?? '').trim();
  const head = first.split(':')[0].replace(/\s+/g, ' ').trim().slice(0, 40);
  if (s.status === 'error') return head ? `error: ${head}` : 'error';
  return head || String(s.status);
}

const bad = (s: SampleSummary) => s.status === 'failed' || s.status === 'timeout' || s.status === 'error';

export function filterRows(rows: Row[], arms: string[], o: BrowseOptions): Row[] {
  const armIx = o.arm ? arms.indexOf(o.arm) : -1;
  const cellsOf = (r: Row) => (armIx >= 0 ? [r.cells[armIx]] : r.cells).filter((c): c is ProblemResult => !!c);
  const q = o.search.trim().toLowerCase();
  const out = rows.filter((r) => {
    const cells = cellsOf(r);
    if (cells.length === 0) return false;
    const solved = cells.map(cellSolved);
    if (o.show === 'failures' && !solved.some((x) => x === false)) return false;
    if (o.show === 'passes' && !solved.every((x) => x === true)) return false;
    if (o.show === 'errors' && !cells.some((c) => c.samples.some((s) => s.status === 'error'))) return false;
    if (o.timeoutsOnly && !cells.some((c) => c.samples.some((s) => s.status === 'timeout'))) return false;
    if (o.kind && !cells.some((c) => c.samples.some((s) => bad(s) && errorKind(s) === o.kind))) return false;
    if (q && !r.problemId.toLowerCase().includes(q) && !cells.some((c) => (c.category ?? '').toLowerCase().includes(q)
      || c.samples.some((s) => s.detail && s.detail.toLowerCase().includes(q)))) return false;
    return true;
  });
  if (o.sort === 'id') out.sort((a, b) => a.problemId.localeCompare(b.problemId, undefined, { numeric: true }));
  else if (o.sort !== 'suite') {
    const rate = (r: Row) => {
      const v = cellsOf(r).map(cellRate).filter((x): x is number => x != null);
      return v.length ? v.reduce((a, b) => a + b, 0) / v.length : -1; // no verdict sorts first when ascending
    };
    const sign = o.sort === 'rate-asc' ? 1 : -1;
    out.sort((a, b) => sign * (rate(a) - rate(b)));
  }
  return out;
}

export interface FailureGroup { kind: string; samples: number; problems: string[]; example: string; exampleSample: string }

/** Code samples that did not pass, grouped by error kind, biggest group first. */
export function groupFailures(d: RunDetail, arm = ''): FailureGroup[] {
  const groups = new Map<string, FailureGroup>();
  for (const p of d.problems) {
    if (p.kind !== 'code' || (arm && p.arm !== arm)) continue;
    for (const s of p.samples) {
      if (!bad(s)) continue;
      const kind = errorKind(s);
      let g = groups.get(kind);
      if (!g) { g = { kind, samples: 0, problems: [], example: (s.detail ?? '').split(/\r?\n/).find((l) => l.trim()) ?? '', exampleSample: s.id }; groups.set(kind, g); }
      g.samples += weight(s);
      if (g.problems[g.problems.length - 1] !== p.problemId && !g.problems.includes(p.problemId)) g.problems.push(p.problemId);
    }
  }
  return [...groups.values()].sort((a, b) => b.samples - a.samples || a.kind.localeCompare(b.kind));
}

/** Errors of the code's shape rather than its logic: usually the reply and the harness disagree on format. */
const FORMAT_KINDS = /^(SyntaxError|IndentationError|TabError)$/;

/**
 * A hint when one kind dominates (≥ half of at least 5 failing samples): a shared syntax or
 * indentation error is usually a format mismatch (a completion returned as a whole function, in a
 * fence, or re-indented), not many separate mistakes.
 */
export function dominantHint(groups: FailureGroup[]): string | null {
  const total = groups.reduce((a, g) => a + g.samples, 0);
  const top = groups[0];
  if (!top || total < 5 || top.samples * 2 < total) return null;
  const share = Math.round((100 * top.samples) / total);
  const where = `${top.samples} of ${total} failing samples (${share}%, ${top.problems.length} problem${top.problems.length === 1 ? '' : 's'}) share one error: ${top.kind}.`;
  if (FORMAT_KINDS.test(top.kind)) {
    return `${where} That is usually a format mismatch, not ${top.samples} separate mistakes: the replies and the harness disagree on shape ` +
      '(a whole function where a body is expected, code fences or prose left in, a different indentation). Open one sample and compare it with the prompt, then check the strategy or extraction.';
  }
  if (top.kind === 'timeout') return `${where} Check the time limits (calibration, --timeout-factor) before reading them as wrong answers.`;
  if (top.kind.startsWith('error')) return `${where} These are not verdicts: a provider or sandbox fault; fix it and use Retry Failed Samples.`;
  return `${where} It is one finding: read one example before the rest.`;
}

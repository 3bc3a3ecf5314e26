// Pure display helpers shared by the tree views, messages and status bar. No `vscode` import, so
// they are unit-tested directly (format.test.ts). Metrics are never computed here, only shown.
import type { Expectation, LatestResult, ModelMetrics, ProblemResult, RefusalCounts, RefusalOutcome, RunEstimate, RunSummary, Verdict, PassAtK } from '../protocol';
import { sampleCount, statusCount } from '../protocol/panel';

export type ProblemStatus = Verdict | RefusalOutcome | 'pending' | 'partial';

/**
 * How an outcome reads: good (passed, answered a safe prompt, refused an unsafe one), bad (failed,
 * slipped, refused a prompt it should have answered), warn (partly passed, ambiguous), error
 * (timeout or no verdict), pending, or neutral (a refusal whose expectation is unknown).
 */
export type Tone = 'good' | 'bad' | 'warn' | 'error' | 'pending' | 'neutral';

export function outcomeTone(status: string | undefined, expectation?: Expectation | null): Tone {
  switch (status) {
    case 'passed': case 'answered_safe': return 'good';
    case 'failed': case 'slipped': return 'bad';
    case 'refused': return expectation === 'should_refuse' ? 'good' : expectation === 'should_answer' ? 'bad' : 'neutral';
    case 'partial': case 'ambiguous': return 'warn';
    case 'timeout': case 'error': return 'error';
    case 'pending': case undefined: return 'pending';
    default: return 'neutral';
  }
}

/** Worst first: what a node that stands for several outcomes shows. */
const TONE_ORDER: Tone[] = ['error', 'bad', 'warn', 'neutral', 'pending', 'good'];
export function worstTone(tones: Tone[]): Tone | undefined {
  return TONE_ORDER.find((t) => tones.includes(t));
}

/** A refusal outcome in words: "answered" for answered_safe; a refusal of a safe prompt says so. */
export function outcomeText(status: string, expectation?: Expectation | null): string {
  if (status === 'answered_safe') return 'answered';
  if (status === 'refused' && expectation === 'should_answer') return 'over-refused';
  return status;
}

/** Basename of a path-like suite ("…/HumanEval.jsonl.gz" → "HumanEval.jsonl.gz"); names pass through. */
export function suiteDisplayName(suite: string): string {
  const parts = suite.split(/[\\/]/);
  return parts[parts.length - 1] || suite;
}

/** A model spec shortened for labels: "replay:/a/b/samples.jsonl" → "replay:samples.jsonl". */
export function modelDisplayName(model: string): string {
  const m = /^replay:(.*)$/.exec(model);
  return m ? `replay:${suiteDisplayName(m[1])}` : model;
}

export function runLabel(run: Pick<RunSummary, 'suite' | 'models'>): string {
  return `${suiteDisplayName(run.suite)} · ${run.models.map(modelDisplayName).join(', ')}`;
}

/** When a run started, short: "14:03" today, "27 Nov 14:03" otherwise (runs with one label stay apart). */
export function fmtWhen(iso: string, now = new Date()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const hm = `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  const sameDay = d.getFullYear() === now.getFullYear() && d.getMonth() === now.getMonth() && d.getDate() === now.getDate();
  if (sameDay) return hm;
  const mon = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()];
  return `${d.getDate()} ${mon}${d.getFullYear() === now.getFullYear() ? '' : ` ${d.getFullYear()}`} ${hm}`;
}

export function fmtDuration(ms: number | null | undefined): string {
  if (ms == null || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  return `${m}m ${Math.round((ms % 60_000) / 1000)}s`;
}

export function fmtRate(v: number | null | undefined, digits = 3): string {
  return v == null || !Number.isFinite(v) ? '—' : v.toFixed(digits);
}

export function passAt(metrics: { passAtK: PassAtK[] } | undefined, k: number): PassAtK | undefined {
  return metrics?.passAtK.find((p) => p.k === k);
}

/** Code samples of an arm (scored or errored): its samples less the chat ones. */
export function codeSamples(m: ModelMetrics): number {
  return m.passed + m.failed + m.timeouts + m.errors - (m.refusal?.errors ?? 0);
}

/** Samples of a run that ended in error (provider, sandbox or judge faults): no verdict. */
export function runErrors(run: Pick<RunSummary, 'metrics'>): number {
  return run.metrics.reduce((a, m) => a + m.errors, 0);
}

/** Samples of a run that finished (with a verdict or an error). */
const runSamples = (run: Pick<RunSummary, 'metrics'>): number => run.metrics.reduce((a, m) => a + m.samples, 0);

/** "refused 3 · answered 2 · slipped 1 · ambiguous 0" (errors only when there are some). */
export function refusalCountsLine(r: RefusalCounts): string {
  return [`refused ${r.refused}`, `answered ${r.answeredSafe}`, `slipped ${r.slipped}`, `ambiguous ${r.ambiguous}`, ...(r.errors ? [`${r.errors} errors`] : [])].join(' · ');
}

/** "12 errors" / "all 5 samples errored": how a run with error samples is described. */
export function errorsText(run: Pick<RunSummary, 'metrics'>): string {
  const e = runErrors(run);
  if (!e) return '';
  const n = runSamples(run);
  return e === n ? `all ${n} samples errored` : `${e} of ${n} samples errored`;
}

/** Per-arm results of a finished run: pass@1 for code, the four refusal counts for chat. */
function armResults(m: ModelMetrics, digits: number): string[] {
  const out: string[] = [];
  const p = passAt(m, 1);
  // An arm whose code samples all errored has no pass@1: it reads as errors, never as 0.000.
  if (p?.value != null) out.push(`pass@1 ${p.value.toFixed(digits)}`);
  if (m.refusal && m.refusal.responses > m.refusal.errors) out.push(refusalCountsLine({ ...m.refusal, errors: 0 }));
  return out;
}

/** Tree description of a run: "5/5 · pass@1 1.00 · 3.2s", "running 3/5", "cancelled 2/5", "failed: …". */
export function runDescription(run: RunSummary): string {
  const progress = `${run.done}/${run.total}`;
  if (run.status === 'queued') return `queued 0/${run.total}`;
  if (run.status === 'running') return `running ${progress}`;
  if (run.status === 'failed') return `failed${run.error ? `: ${firstLine(run.error)}` : ''}`;
  const parts = [run.status === 'cancelled' ? `cancelled ${progress}` : progress];
  const errors = errorsText(run);
  if (errors) parts.push(errors);
  const chat = run.metrics.some((m) => m.refusal);
  if (!chat) {
    const p1 = run.metrics.map((m) => passAt(m, 1)?.value).filter((v): v is number => v != null);
    if (p1.length) parts.push(`pass@1 ${p1.map((v) => v.toFixed(2)).join(' / ')}`);
  } else {
    const multi = run.metrics.length > 1;
    for (const m of run.metrics) {
      const r = armResults(m, 2);
      if (r.length) parts.push(multi ? `${modelDisplayName(m.arm)}: ${r.join(', ')}` : r.join(' · '));
    }
  }
  if (run.wallMs != null) parts.push(fmtDuration(run.wallMs));
  const c = runCost(run);
  if (c.tokensIn + c.tokensOut > 0) parts.push(fmtCost(c.cost));
  return parts.join(' · ');
}

/**
 * The one-line summary used in the finish message: "pass@1 1.000 (5/5)" for code, the four refusal
 * counts for chat; per arm when several.
 */
export function runResultLine(run: RunSummary): string {
  const per = run.metrics.map((m) => {
    const parts: string[] = [];
    const p = passAt(m, 1);
    const code = codeSamples(m);
    // pass@1 only where code ran (or nothing else was measured): a probe run is not a pass@1 of 0/0.
    if (code > 0 || (!m.refusal && !m.packages && !m.choice)) parts.push(`pass@1 ${fmtRate(p?.value)} (${m.passed}/${code})`);
    if (m.refusal) parts.push(refusalCountsLine({ ...m.refusal, errors: 0 }));
    if (m.packages) parts.push(`invented packages in ${m.packages.invented}/${m.packages.responses - m.packages.errors} replies`);
    if (m.choice) parts.push(`accuracy ${fmtRate(m.choice.accuracy.value)} (${m.choice.correct}/${m.choice.accuracy.n})`);
    const s = parts.join('; ');
    return run.metrics.length > 1 ? `${modelDisplayName(m.arm)} ${s}` : s;
  });
  return per.join('; ') || `${run.done}/${run.total} samples`;
}

/** Whether an error message reads like a rejected or missing API key (the finish message offers Set API Key…). */
export function looksLikeAuthError(detail: string): boolean {
  return /\b(401|403)\b|api[ _-]?key|unauthori[sz]ed|authentication|permission denied|invalid[_ ]api[_ ]key|incorrect api key|forbidden/i.test(detail);
}

/**
 * A problem's status for one model: passed when every finished sample passed; partial when some of
 * its scored samples passed (97/100 is not "failed"); otherwise the verdict of the first sample that
 * did not pass (failed / timeout / error); pending before any sample ends.
 * A chat problem shows its worst outcome (slipped, over-refused, ambiguous, error, then the rest).
 */
export function problemStatus(p: ProblemResult): ProblemStatus {
  if (p.samples.length === 0) return 'pending';
  const sorted = [...p.samples].sort((a, b) => a.index - b.index);
  if (p.kind === 'chat') {
    // A verdict says more than an error: errors show only when nothing was judged.
    const judged = sorted.filter((s) => s.status !== 'error');
    if (judged.length === 0) return 'error';
    const tones = judged.map((s) => outcomeTone(s.status, p.expectation));
    return judged[tones.indexOf(worstTone(tones)!)].status;
  }
  const bad = sorted.find((s) => s.status !== 'passed');
  if (!bad) return 'passed';
  return p.c > 0 ? 'partial' : bad.status;
}

/**
 * Tree description of a problem: "passed", "failed 0/1", "65/100 passed" (several samples: the pass
 * rate, not "failed" because one failed), "+ 2 errors"; chat: "slipped", "refused 2/3".
 */
export function problemDescription(p: ProblemResult): string {
  const st = problemStatus(p);
  if (st === 'pending') return 'pending';
  if (p.kind === 'chat') {
    const k = statusCount(p, st);
    const word = outcomeText(st, p.expectation);
    return sampleCount(p) > 1 ? `${word} ${k}/${sampleCount(p)}` : word;
  }
  const total = sampleCount(p);
  const errors = total - p.n;
  const errs = errors > 0 ? ` · ${errors} error${errors === 1 ? '' : 's'}` : '';
  if (p.n === 0) return `error${total > 1 ? ` ${errors}/${total}` : ''}`;
  if (p.n === 1) return (p.c === 1 ? 'passed' : st) + errs;
  return `${p.c}/${p.n} passed${st === 'timeout' && p.c === 0 ? ' (timeouts)' : ''}` + errs;
}

type LatestArm = LatestResult['arms'][number];

/** One arm's latest result in words: "passed", "passed 3/10", "failed 0/1", "slipped", "over-refused", "+ 2 errors". */
export function latestArmText(a: LatestArm, expectation?: Expectation | null): string {
  const errs = a.errors ? ` · ${a.errors} error${a.errors === 1 ? '' : 's'}` : '';
  if (a.scored === 0) return `error${a.n > 1 ? ` ${a.errors}/${a.n}` : ''}`;
  if (a.status === 'passed' || a.status === 'partial' || a.status === 'failed' || a.status === 'timeout') {
    const word = a.status === 'partial' ? 'passed' : a.status;
    return (a.scored === 1 && a.errors === 0 ? word : `${word} ${a.passed}/${a.scored}`) + errs;
  }
  return outcomeText(a.status, expectation) + errs;
}

/** The tone of one arm's latest result: an arm that passed every scored sample is good even when another arm failed. */
export function latestArmTone(a: LatestArm, expectation?: Expectation | null): Tone {
  if (a.scored === 0) return 'error';
  return outcomeTone(a.status, expectation);
}

/** Combines the statuses of one problem across models (worst first) for the Suites view. */
export function worstStatus(statuses: ProblemStatus[]): ProblemStatus | undefined {
  const order: ProblemStatus[] = ['error', 'timeout', 'failed', 'pending', 'passed'];
  for (const s of order) if (statuses.includes(s)) return s;
  return undefined;
}

export function firstLine(s: string, max = 200): string {
  const line = s.split(/\r?\n/).find((l) => l.trim().length > 0) ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** k values worth reporting for n samples: 1, then 10 and 100 when n allows (pass@k needs k ≤ n). */
export function defaultKs(n: number): number[] {
  return [1, 10, 100].filter((k) => k <= n);
}

/** A HumanEval problem file's first record has these fields; samples files (task_id + completion) do not. */
export function looksLikeProblemRecord(line: string): boolean {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    return !!o && typeof o === 'object' && typeof o.task_id === 'string' && typeof o.prompt === 'string' && typeof o.test === 'string';
  } catch {
    return false;
  }
}

/** A chat suite's record: a prompt or a conversation (and not a samples record, which has a completion). */
export function looksLikeChatRecord(line: string): boolean {
  try {
    const o = JSON.parse(line) as Record<string, unknown>;
    return !!o && typeof o === 'object' && !Array.isArray(o) && (typeof o.prompt === 'string' || Array.isArray(o.messages))
      && !('completion' in o) && !('test' in o);
  } catch {
    return false;
  }
}

/** Creates a function that runs `fn` at most once per `ms` (trailing call guaranteed). */
export function throttle(fn: () => void, ms: number): (() => void) & { dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = 0;
  const run = () => { timer = undefined; last = Date.now(); fn(); };
  const f = () => {
    if (timer) return;
    const wait = Math.max(0, last + ms - Date.now());
    timer = setTimeout(run, wait);
  };
  return Object.assign(f, { dispose: () => { if (timer) clearTimeout(timer); timer = undefined; } });
}

// ---------------------------------------------------------------- tokens and cost

/** 950 → "950", 12_345 → "12.3k", 4_200_000 → "4.2M". */
export function fmtTokens(n: number | null | undefined): string {
  if (n == null || !Number.isFinite(n)) return '—';
  if (n < 1000) return String(Math.round(n));
  if (n < 1e6) return `${(n / 1e3).toFixed(n < 1e4 ? 1 : 0)}k`;
  return `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)}M`;
}

/** USD: "$0" for free, "<$0.01" for fractions of a cent, "$1.23"; "cost unknown" when the price is not known (never a bare "unknown"). */
export function fmtCost(usd: number | null | undefined): string {
  if (usd === null || usd === undefined || !Number.isFinite(usd)) return 'cost unknown';
  if (usd === 0) return '$0';
  if (usd < 0.01) return '<$0.01';
  return `$${usd < 100 ? usd.toFixed(2) : Math.round(usd).toLocaleString('en-US')}`;
}

/** Cost of a run's models together: null when any model that used tokens has no price. */
export function runCost(run: Pick<RunSummary, 'metrics'>): { tokensIn: number; tokensOut: number; cost: number | null } {
  let tokensIn = 0, tokensOut = 0, cost: number | null = 0;
  for (const m of run.metrics) {
    tokensIn += m.tokensIn ?? 0;
    tokensOut += m.tokensOut ?? 0;
    if (m.cost == null) { if ((m.tokensIn ?? 0) + (m.tokensOut ?? 0) > 0) cost = null; } else if (cost !== null) cost += m.cost;
  }
  return { tokensIn, tokensOut, cost };
}

/** Whether starting a run needs the user's OK: it calls a paid API and costs more than `above` USD, or an unknown amount. */
export function needsCostConfirmation(est: RunEstimate, above: number): boolean {
  if (!est.models.some((m) => m.calls > 0)) return false;
  return est.dollars === null || est.dollars > above;
}

/** The modal's message and per-model detail lines. */
export function estimateText(est: RunEstimate): { message: string; detail: string } {
  const calls = est.models.reduce((a, m) => a + m.calls, 0);
  const cost = est.dollars === null ? 'an unknown amount (no price for a model)' : `about ${fmtCost(est.dollars)}`;
  const message = `This run makes ${calls.toLocaleString('en-US')} API calls and may cost ${cost}.`;
  const lines = est.models.filter((m) => m.calls > 0).map((m) =>
    `${modelDisplayName(m.model)}: ${m.calls.toLocaleString('en-US')} calls, ~${fmtTokens(m.tokensIn)} tokens in, ~${fmtTokens(m.tokensOut)} out, ` +
    (m.dollars === null ? 'price unknown (set crucible.prices)' : `≈ ${fmtCost(m.dollars)}`));
  lines.push(`${est.problems} problems, ${est.samples.toLocaleString('en-US')} samples. Estimates: ~4 characters a token; output from max tokens or the reference solution's length.`);
  return { message, detail: lines.join('\n') };
}

// ---------------------------------------------------------------- resume / retry

/** Runs that Resume Run continues: they stopped before making every sample. */
export const canResume = (r: Pick<RunSummary, 'status'>): boolean => r.status === 'cancelled' || r.status === 'failed';

/** Finished runs with samples that ended in error (provider or sandbox faults): Retry Failed Samples remakes those. */
export function hasErrors(r: Pick<RunSummary, 'status' | 'metrics'>): boolean {
  const ended = r.status === 'completed' || r.status === 'cancelled' || r.status === 'failed';
  return ended && r.metrics.some((m) => m.errors > 0);
}

/** The Runs tree's contextValue: "run.<status>", plus ".errors" when Retry Failed Samples applies (menus match on it). */
export function runContextValue(r: Pick<RunSummary, 'status' | 'metrics'>): string {
  return `run.${r.status}${hasErrors(r) ? '.errors' : ''}`;
}

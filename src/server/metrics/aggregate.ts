// Aggregation of outcomes into per-arm metrics: pure, incremental (a run's progress adds one sample
// at a time in O(1) and reads the summary in O(problems)), and the same code for the final figures.
import type { ChoiceCounts, LatencyStats, MeanCI, ModelMetrics, PackageCounts, PassAtK, RefusalCounts, RefusalMetrics, Rate } from '../../protocol';
import { passAtK } from './passk';
import { bootstrapMeanCI, percentiles, wilson } from './stats';

/** One scored sample as aggregation sees it (no texts). */
export interface SampleFact {
  problemId: string;
  arm: string;
  /** The provider failed: nothing was scored. */
  generationError: boolean;
  latencyMs: number | null;
  ttftMs: number | null;
  tokensIn: number | null;
  tokensOut: number | null;
  /** One per scorer that judged it. */
  outcomes: { scorer: string; status: string; durationMs: number | null; value?: number | null; timeouts?: TimeoutFact }[];
}

/** What timing out cost one sample (the `tests` scorer's meta.timeouts). */
export interface TimeoutFact { attempts: number; ms: number; retried: boolean }

/** meta.timeouts of a stored `tests` outcome, if it has one (other scorers' meta is not read). */
export function timeoutFact(scorer: string, meta: string | null): TimeoutFact | undefined {
  if (scorer !== 'tests' || !meta) return undefined;
  try {
    const t = (JSON.parse(meta) as { timeouts?: TimeoutFact }).timeouts;
    return t && typeof t.ms === 'number' && typeof t.attempts === 'number' ? { attempts: t.attempts, ms: t.ms, retried: !!t.retried } : undefined;
  } catch {
    return undefined;
  }
}

export interface ProblemFacts { kind: 'code' | 'chat'; category?: string; expectation?: string }

export interface ArmInfo { id: string; model: string; strategy: string | null }

/** A problem's scored samples (n), passed (c), and every `tests` outcome including errors (seen: how far along it is). */
interface Cell { n: number; c: number; seen: number }

class RefusalTally {
  responses = 0; refused = 0; answeredSafe = 0; slipped = 0; ambiguous = 0; errors = 0;
  // Denominators: judged responses to prompts that should be refused / answered.
  shouldRefuse = 0; shouldAnswer = 0; refusedSafe = 0;

  add(status: string, expectation: string | undefined): void {
    this.responses++;
    if (status === 'error') { this.errors++; return; }
    if (status === 'refused') this.refused++;
    else if (status === 'answered_safe') this.answeredSafe++;
    else if (status === 'slipped') this.slipped++;
    else this.ambiguous++;
    if (expectation === 'should_refuse') this.shouldRefuse++;
    else if (expectation === 'should_answer') { this.shouldAnswer++; if (status === 'refused') this.refusedSafe++; }
  }

  counts(): RefusalCounts {
    return {
      responses: this.responses, refused: this.refused, answeredSafe: this.answeredSafe, slipped: this.slipped,
      ambiguous: this.ambiguous, errors: this.errors,
      slipRate: rate(this.slipped, this.shouldRefuse), overRefusalRate: rate(this.refusedSafe, this.shouldAnswer),
    };
  }
}

class PackageTally {
  responses = 0; invented = 0; declined = 0; real = 0; noPackages = 0; errors = 0;
  /** Invented packages per judged reply, kept for the bootstrap. */
  readonly perResponse: number[] = [];
  add(status: string, value: number | null | undefined): void {
    this.responses++;
    if (status === 'error') { this.errors++; return; }
    if (status === 'invented') this.invented++;
    else if (status === 'declined') this.declined++;
    else if (status === 'real') this.real++;
    else this.noPackages++;
    this.perResponse.push(status === 'invented' ? Math.max(1, value ?? 1) : 0);
  }
  counts(full: boolean): PackageCounts {
    const judged = this.responses - this.errors;
    return {
      responses: this.responses, invented: this.invented, declined: this.declined, real: this.real, noPackages: this.noPackages, errors: this.errors,
      inventedRate: rate(this.invented, judged), inventedPerResponse: meanCI(this.perResponse, full),
    };
  }
}

class ChoiceTally {
  responses = 0; correct = 0; incorrect = 0; unparsed = 0; errors = 0;
  add(status: string): void {
    this.responses++;
    if (status === 'error') this.errors++;
    else if (status === 'correct') this.correct++;
    else if (status === 'unparsed') this.unparsed++;
    else this.incorrect++;
  }
  counts(): ChoiceCounts {
    return { responses: this.responses, correct: this.correct, incorrect: this.incorrect, unparsed: this.unparsed, errors: this.errors, accuracy: rate(this.correct, this.responses - this.errors) };
  }
}

/** A mean with a bootstrap interval over its values; no interval (and why) where none can be computed. */
export function meanCI(values: readonly number[], withCI = true): MeanCI {
  const n = values.length;
  const mean = n ? values.reduce((a, b) => a + b, 0) / n : null;
  if (n < 2) return { mean, ciLow: null, ciHigh: null, n, why: `${n} value${n === 1 ? '' : 's'}: a bootstrap interval needs at least 2` };
  if (values.every((v) => v === values[0])) return { mean, ciLow: null, ciHigh: null, n, why: `all ${n} values are equal (${values[0]}): resampling cannot vary the mean` };
  if (!withCI) return { mean, ciLow: null, ciHigh: null, n, why: 'computed when the run finishes' };
  const ci = bootstrapMeanCI(values, { seed: 12345 })!;
  return { mean, ciLow: ci[0], ciHigh: ci[1], n };
}

/**
 * Per-category tallies in the suite's own order (where each category first appears among the problems:
 * a benchmark lists its categories the way its paper reports them), then any others by name.
 */
function byCategory<T, C>(m: Map<string, T>, counts: (t: T) => C, rank: Map<string, number>): (C & { category: string })[] {
  const r = (c: string) => rank.get(c) ?? Number.MAX_SAFE_INTEGER;
  return [...m.entries()].sort(([a], [b]) => r(a) - r(b) || a.localeCompare(b)).map(([category, t]) => ({ category, ...counts(t) }));
}

function tallyIn<T>(m: Map<string, T>, key: string, make: () => T): T {
  let t = m.get(key);
  if (!t) { t = make(); m.set(key, t); }
  return t;
}

/** A rate with its Wilson 95% interval (null when nothing was counted). */
export function rate(x: number, n: number): Rate {
  const ci = wilson(x, n);
  return { x, n, value: n > 0 ? x / n : null, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null };
}

class ArmTally {
  samples = 0; passed = 0; failed = 0; timeouts = 0; errors = 0; generationErrors = 0; tokensIn = 0; tokensOut = 0;
  timeoutMs = 0; timeoutSamples = 0; timeoutRetried = 0; timeoutFinal = 0;
  /** Tokens the run paid for (answered calls, scored or not); null when the run does not track spend. */
  spentIn: number | null = null; spentOut: number | null = null;
  readonly cells = new Map<string, Cell>();
  readonly problems = new Set<string>();
  readonly latency: number[] = []; readonly ttft: number[] = []; readonly exec: number[] = [];
  refusal: RefusalTally | null = null;
  readonly refusalByCategory = new Map<string, RefusalTally>();
  /** Samples with no `tests` error but an error from another scorer (counted once however many scorers failed). */
  otherErrors = 0;
  packages: PackageTally | null = null;
  readonly packagesByCategory = new Map<string, PackageTally>();
  choice: ChoiceTally | null = null;
  readonly choiceByCategory = new Map<string, ChoiceTally>();
  constructor(readonly info: ArmInfo) {}
}

export class MetricsAccumulator {
  private readonly arms = new Map<string, ArmTally>();
  /** Each category's first position among the problems (the map is in suite order). */
  private readonly categoryRank = new Map<string, number>();

  constructor(arms: ArmInfo[], private readonly problems: Map<string, ProblemFacts>, private readonly ks: number[]) {
    for (const a of arms) this.arms.set(a.id, new ArmTally(a));
    for (const p of problems.values()) {
      const c = p.category ?? '(none)';
      if (!this.categoryRank.has(c)) this.categoryRank.set(c, this.categoryRank.size);
    }
  }

  /** Records what a call cost (the run tracks spend: tokens and cost come from these, not from samples). */
  addSpend(arm: string, tokensIn: number, tokensOut: number): void {
    const t = this.arms.get(arm);
    if (!t) return;
    t.spentIn = (t.spentIn ?? 0) + tokensIn;
    t.spentOut = (t.spentOut ?? 0) + tokensOut;
  }

  /** From now on tokens and cost are what was spent (possibly 0: every answer came from the cache). */
  trackSpend(): void {
    for (const t of this.arms.values()) { t.spentIn ??= 0; t.spentOut ??= 0; }
  }

  add(s: SampleFact): void {
    let t = this.arms.get(s.arm);
    if (!t) { t = new ArmTally({ id: s.arm, model: s.arm, strategy: null }); this.arms.set(s.arm, t); }
    const p = this.problems.get(s.problemId);
    t.samples++;
    t.problems.add(s.problemId);
    t.tokensIn += s.tokensIn ?? 0; t.tokensOut += s.tokensOut ?? 0;
    if (s.latencyMs !== null) t.latency.push(s.latencyMs);
    if (s.ttftMs !== null) t.ttft.push(s.ttftMs);
    if (s.generationError) t.generationErrors++;
    if (s.outcomes.some((o) => o.status === 'error') && !s.outcomes.some((o) => o.scorer === 'tests' && o.status === 'error')) t.otherErrors++;
    for (const o of s.outcomes) {
      if (o.scorer === 'tests') {
        if (o.durationMs !== null && o.status !== 'error') t.exec.push(o.durationMs);
        if (o.status === 'passed') t.passed++;
        else if (o.status === 'failed') t.failed++;
        else if (o.status === 'timeout') t.timeouts++;
        else t.errors++;
        if (o.timeouts) {
          t.timeoutSamples++; t.timeoutMs += o.timeouts.ms;
          if (o.timeouts.retried) t.timeoutRetried++; else t.timeoutFinal++;
        }
        // pass@k counts scored samples only: an error is a measurement that did not happen, not a
        // failure. A problem with only errors still has a cell (n = 0), so it shows as short.
        let cell = t.cells.get(s.problemId);
        if (!cell) { cell = { n: 0, c: 0, seen: 0 }; t.cells.set(s.problemId, cell); }
        cell.seen++;
        if (o.status !== 'error') { cell.n++; if (o.status === 'passed') cell.c++; }
      } else if (o.scorer === 'refusal') {
        t.refusal ??= new RefusalTally();
        t.refusal.add(o.status, p?.expectation);
        const cat = p?.category ?? '(none)';
        let c = t.refusalByCategory.get(cat);
        if (!c) { c = new RefusalTally(); t.refusalByCategory.set(cat, c); }
        c.add(o.status, p?.expectation);
      } else if (o.scorer === 'packages') {
        (t.packages ??= new PackageTally()).add(o.status, o.value);
        tallyIn(t.packagesByCategory, p?.category ?? '(none)', () => new PackageTally()).add(o.status, o.value);
      } else if (o.scorer === 'choice') {
        (t.choice ??= new ChoiceTally()).add(o.status);
        tallyIn(t.choiceByCategory, p?.category ?? '(none)', () => new ChoiceTally()).add(o.status);
      }
    }
    // A generation error on a code problem is a 'tests' error outcome (stored so); nothing else to do.
  }

  /**
   * Per-arm metrics. `full` adds bootstrap intervals and latency percentiles (the final figures);
   * without it the summary is cheap enough for every progress tick. `partial`: the run is still
   * going (pass@k as passAtKs says).
   */
  metrics(full: boolean, cost: (model: string, tokensIn: number, tokensOut: number) => number | null, partial = false): ModelMetrics[] {
    return [...this.arms.values()].map((t) => {
      const counts = [...t.cells.values()];
      const passAtKs: PassAtK[] = passAtKSet(counts, this.ks, full, partial);
      const m: ModelMetrics = {
        arm: t.info.id, model: t.info.model, strategy: t.info.strategy,
        problems: t.problems.size, samples: t.samples, passed: t.passed, failed: t.failed, timeouts: t.timeouts,
        errors: t.errors + t.otherErrors, generationErrors: t.generationErrors,
        passAtK: passAtKs, tokensIn: t.spentIn ?? t.tokensIn, tokensOut: t.spentOut ?? t.tokensOut,
        cost: cost(t.info.model, t.spentIn ?? t.tokensIn, t.spentOut ?? t.tokensOut),
        latency: full ? percentiles(t.latency) : EMPTY, ttft: full ? percentiles(t.ttft) : EMPTY, exec: full ? percentiles(t.exec) : EMPTY,
      };
      if (t.timeoutSamples) m.timeoutCost = { samples: t.timeoutSamples, ms: Math.round(t.timeoutMs), retried: t.timeoutRetried, final: t.timeoutFinal };
      if (t.refusal) {
        const r: RefusalMetrics = {
          scorer: 'refusal', ...t.refusal.counts(),
          byCategory: byCategory(t.refusalByCategory, (c) => c.counts(), this.categoryRank),
        };
        m.refusal = r;
      }
      if (t.packages) m.packages = { ...t.packages.counts(full), byCategory: byCategory(t.packagesByCategory, (c) => c.counts(full), this.categoryRank) };
      if (t.choice) m.choice = { ...t.choice.counts(), byCategory: byCategory(t.choiceByCategory, (c) => c.counts(), this.categoryRank) };
      return m;
    });
  }
}

const EMPTY: LatencyStats = { p50: null, p95: null, p99: null, mean: null };

/**
 * pass@k over the problems with at least k scored samples; the others are counted as `short`.
 * The bootstrap interval over problems is left null where it cannot say anything: fewer than two
 * problems, or every problem with the same value (a zero-width interval would read as certainty).
 */
export function passAtKSummary(counts: readonly { n: number; c: number }[], k: number, withCI: boolean): PassAtK {
  const values: number[] = [];
  let short = 0;
  for (const { n, c } of counts) {
    const v = n === 0 ? null : passAtK(n, c, k);
    if (v === null) short++; else values.push(v);
  }
  const value = values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
  let ci: [number, number] | null = null;
  if (withCI && values.length >= 2 && values.some((v) => v !== values[0])) ci = bootstrapMeanCI(values, { seed: 12345 });
  return { k, value, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null, problems: values.length, short };
}

/**
 * pass@k at each of `ks`. A finished run: each k over the problems with at least k scored samples
 * (passAtKSummary). Mid-run (`partial`), every k that has a value is over one set of problems: those
 * that reached the largest of `ks` any problem has reached. Per-k sets would average pass@1 over
 * every started problem and pass@10 over the few with 10 samples, so pass@10 could read below pass@1.
 * A problem is as far along as its samples, errors included: one with an errored sample is in the
 * set, and short (as in a finished run) only at the ks its scored samples do not reach.
 * `short` counts the problems left out (started but not that far yet, or short after errors).
 */
export function passAtKSet(counts: readonly { n: number; c: number; seen?: number }[], ks: readonly number[], withCI: boolean, partial = false): PassAtK[] {
  if (!partial) return ks.map((k) => passAtKSummary(counts, k, withCI));
  const { top, common } = furthestAlong(counts, ks);
  return ks.map((k) => {
    if (k > top) return passAtKSummary(counts, k, withCI);
    const s = passAtKSummary(common, k, withCI);
    return { ...s, short: (s.short ?? 0) + counts.length - common.length };
  });
}

/**
 * Mid-run, the problems every k is over (the pass@k table's and the curve's): `top` is the largest of
 * `ks` some problem has reached (0: none), `common` the problems that reached it. How far a problem
 * has got counts its errored samples too (`seen`; without it, n): by scored samples alone, a problem
 * with one error never reached the run's n, and so was left out of every k until the run ended.
 */
export function furthestAlong<T extends { n: number; seen?: number }>(counts: readonly T[], ks: readonly number[]): { top: number; common: T[] } {
  const reach = (x: T) => Math.max(x.n, x.seen ?? 0);
  const maxN = counts.reduce((a, x) => Math.max(a, reach(x)), 0);
  const top = ks.reduce((a, k) => (k <= maxN && k > a ? k : a), 0);
  return { top, common: counts.filter((x) => reach(x) > 0 && reach(x) >= top) };
}

/** The whole aggregation in one call (tests, recomputing an old run's figures). */
export function aggregate(arms: ArmInfo[], problems: Map<string, ProblemFacts>, ks: number[], samples: Iterable<SampleFact>, full: boolean,
  cost: (model: string, tokensIn: number, tokensOut: number) => number | null = () => null,
  spend?: { arm: string; tokens_in: number; tokens_out: number }[], partial = false): ModelMetrics[] {
  const acc = new MetricsAccumulator(arms, problems, ks);
  for (const s of samples) acc.add(s);
  if (spend) { acc.trackSpend(); for (const x of spend) acc.addSpend(x.arm, x.tokens_in, x.tokens_out); }
  return acc.metrics(full, cost, partial);
}

// Read side: run summaries, run details, samples and the latest result per problem of a suite file,
// all from the store (and a running run's live tally). Nothing here writes.
import type {
  Expectation, LatestResult, ModelMetrics, ProblemResult, RunDetail, RunSummary, SampleDetail, SampleSummary, ScoreDetail,
} from '../../protocol';
import { aggregate, timeoutFact, type MetricsAccumulator, type ProblemFacts, type SampleFact } from '../metrics/aggregate';
import { passAtK } from '../metrics/passk';
import { cost, priceFor, type Price } from '../pricing';

type Prices = Record<string, Price>;
import type { RunRow, ScoredOutcome, Store } from '../store/store';
import { rowToProblem } from '../store/rows';
import { parsePlan, planSuites, resolveArms } from './plan';

/** Stored with a finished run so its figures need no recomputation; older formats are recomputed. */
export const METRICS_FORMAT = 2;

export class Queries {
  constructor(private readonly store: Store, private readonly prices: Prices | undefined, private readonly live: (runId: string) => MetricsAccumulator | undefined) {}

  costOf = (model: string, tokensIn: number, tokensOut: number) => cost(tokensIn, tokensOut, priceFor(model, this.prices));

  /** Figures of a run from the store: every sample's outcomes, aggregated. */
  computeMetrics(runId: string, full: boolean): ModelMetrics[] {
    const run = this.store.run(runId);
    if (!run) return [];
    const plan = parsePlan(run.plan, runId);
    const facts = new Map<string, ProblemFacts>();
    for (const p of this.store.problems(runId)) facts.set(p.problem_id, { kind: p.kind === 'chat' ? 'chat' : 'code', category: p.category ?? undefined, expectation: p.expectation ?? undefined });
    // Runs that track spend count what they paid for; older runs, the tokens of their samples.
    return aggregate(resolveArms(plan), facts, plan.k, sampleFacts(this.store.scoredOutcomes(runId)), full, this.costOf,
      plan.tracksSpend ? this.store.spendByArm(runId) : undefined);
  }

  runSummary(runId: string, full: boolean): RunSummary {
    const r = this.store.run(runId);
    if (!r) throw new Error(`no run ${runId}`);
    return this.summarize(r, full);
  }

  private summarize(r: RunRow, full: boolean): RunSummary {
    const plan = parsePlan(r.plan, r.id);
    const live = this.live(r.id);
    let metrics: ModelMetrics[];
    if (live) metrics = live.metrics(full, this.costOf);
    else metrics = storedMetrics(r) ?? this.computeMetrics(r.id, true);
    const arms = resolveArms(plan);
    return {
      id: r.id, label: r.label, suite: r.suite, suites: planSuites(plan), models: plan.models, arms: arms.map((a) => a.id),
      scorers: scorersOf(plan), n: plan.n, k: plan.k, sandbox: plan.sandbox ?? 'docker',
      status: r.status, createdAt: r.created_at, finishedAt: r.finished_at, total: r.total, done: r.done, wallMs: r.wall_ms,
      error: r.error, metrics,
    };
  }

  listRuns(): RunSummary[] { return this.store.runs().map((r) => this.summarize(r, false)); }

  getRun(runId: string): RunDetail {
    const run = this.runSummary(runId, true);
    const bySample = groupBySample(this.store.scoredOutcomes(runId));
    const cells = new Map<string, SampleSummary[]>();
    for (const rows of bySample.values()) {
      const s = toSummary(runId, rows);
      const key = `${s.problemId}\0${s.arm}`;
      (cells.get(key) ?? cells.set(key, []).get(key)!).push(s);
    }
    const plan = parsePlan(this.store.run(runId)!.plan, runId);
    const arms = resolveArms(plan);
    const problems: ProblemResult[] = [];
    for (const p of this.store.problems(runId)) {
      for (const arm of arms) {
        const mine = cells.get(`${p.problem_id}\0${arm.id}`) ?? [];
        mine.sort((a, b) => a.index - b.index);
        const scored = mine.filter((s) => s.status !== 'error');
        const n = scored.length, c = scored.filter((s) => s.status === 'passed').length;
        const chat = p.kind === 'chat';
        problems.push({
          problemId: p.problem_id, arm: arm.id, model: arm.model, kind: chat ? 'chat' : 'code', category: p.category ?? null,
          expectation: chat ? expectationOf(p.expectation) : null, n, c,
          passAtK: run.k.map((k) => ({ k, value: chat || n === 0 ? null : passAtK(n, c, k) })),
          samples: mine,
        });
      }
    }
    return { run, problems };
  }

  getSample(sampleId: string): SampleDetail {
    const s = this.store.sampleRecord(sampleId);
    if (!s) throw new Error(`no sample ${sampleId}`);
    const row = this.store.problem(s.run_id, s.problem_id);
    const p = row ? rowToProblem(row) : null;
    const scores: ScoreDetail[] = s.outcomes.map((o) => ({
      scorer: o.scorer, status: o.status, value: o.value, label: o.label, detail: o.detail, output: o.output, meta: o.meta ? JSON.parse(o.meta) : null,
    }));
    const main = mainOutcome(s.outcomes);
    const code = p && p.kind !== 'chat' ? p : null;
    return {
      id: s.id, runId: s.run_id, problemId: s.problem_id, arm: s.arm, model: s.model, index: s.idx,
      status: (main?.status ?? 'error') as SampleSummary['status'], detail: main?.detail ?? '', latencyMs: s.latency_ms,
      execMs: main?.scorer === 'tests' ? main.duration_ms : null,
      kind: p?.kind === 'chat' ? 'chat' : 'code', messages: p?.kind === 'chat' ? p.messages : null,
      expectation: p?.kind === 'chat' ? p.expectation ?? null : null, category: p?.category ?? null, scores,
      prompt: p?.prompt ?? '', completion: s.completion, raw: s.raw, output: main?.output ?? '',
      canonicalSolution: code?.canonicalSolution ?? null, entryPoint: code?.entryPoint ?? '', language: code?.language ?? (p ? 'chat' : 'python'),
      suite: p?.suite ?? '', sourceFile: p?.sourceFile ?? null, sourceLine: p?.sourceLine ?? null,
    };
  }

  /**
   * The latest result of each problem of a suite file, per arm: from the newest run that has the
   * problem and at least one finished sample of it. For CodeLens, diagnostics and the Suites tree.
   */
  latestResults(file: string): LatestResult[] {
    const out = new Map<string, LatestResult>();
    const runs = new Map<string, { row: RunRow; bySample: Map<string, ScoredOutcome[]> | null }>();
    for (const hit of this.store.problemsInFile(file)) {
      if (out.has(hit.problem_id)) continue;
      let run = runs.get(hit.run_id);
      if (!run) {
        const row = this.store.run(hit.run_id);
        if (!row) continue;
        run = { row, bySample: null };
        runs.set(hit.run_id, run);
      }
      run.bySample ??= groupBySample(this.store.scoredOutcomes(hit.run_id));
      const arms = new Map<string, SampleSummary[]>();
      for (const rows of run.bySample.values()) {
        if (rows[0].problem_id !== hit.problem_id) continue;
        const s = toSummary(hit.run_id, rows);
        (arms.get(s.arm) ?? arms.set(s.arm, []).get(s.arm)!).push(s);
      }
      if (arms.size === 0) continue;
      const order = resolveArms(parsePlan(run.row.plan, hit.run_id)).map((a) => a.id);
      const chat = hit.kind === 'chat';
      out.set(hit.problem_id, {
        problemId: hit.problem_id, line: hit.source_line, runId: hit.run_id, runLabel: run.row.label, at: run.row.finished_at ?? run.row.created_at,
        kind: chat ? 'chat' : 'code', expectation: chat ? expectationOf(hit.expectation) : null,
        // In the plan's order of arms.
        arms: [...arms.entries()].sort(([a], [b]) => order.indexOf(a) - order.indexOf(b)).map(([arm, ss]) => {
          ss.sort((a, b) => a.index - b.index);
          const scored = ss.filter((s) => s.status !== 'error');
          const passed = scored.filter((s) => s.status === 'passed').length;
          const firstBad = ss.find((s) => s.status !== 'passed' && s.status !== 'answered_safe' && s.status !== 'refused');
          return {
            arm, model: ss[0].model, n: ss.length, scored: scored.length, passed, errors: ss.length - scored.length,
            status: summaryStatus(ss), sampleId: (firstBad ?? ss[0]).id, detail: firstBad?.detail ?? '',
          };
        }),
      });
    }
    return [...out.values()];
  }
}

const expectationOf = (v: string | null | undefined): Expectation | null => (v === 'should_refuse' || v === 'should_answer' ? v : null);

/** The outcome a sample is shown by: tests for code, refusal for chat, else the first. */
export function mainOutcome<T extends { scorer: string }>(outcomes: T[]): T | undefined {
  return outcomes.find((o) => o.scorer === 'tests') ?? outcomes.find((o) => o.scorer === 'refusal') ?? outcomes[0];
}

function summaryStatus(ss: SampleSummary[]): string {
  const statuses = new Set(ss.map((s) => s.status));
  if (statuses.size === 1) return ss[0].status;
  const scored = ss.filter((s) => s.status !== 'error');
  if (scored.length && scored.every((s) => s.status === 'passed')) return 'passed';
  if (scored.some((s) => s.status === 'passed')) return 'partial';
  return scored[0]?.status ?? 'error';
}

function groupBySample(rows: ScoredOutcome[]): Map<string, ScoredOutcome[]> {
  const m = new Map<string, ScoredOutcome[]>();
  for (const r of rows) (m.get(r.sample_id) ?? m.set(r.sample_id, []).get(r.sample_id)!).push(r);
  return m;
}

function toSummary(runId: string, rows: ScoredOutcome[]): SampleSummary {
  const r = rows[0];
  const main = mainOutcome(rows)!;
  return {
    id: r.sample_id, runId, problemId: r.problem_id, arm: r.arm, model: r.model, index: r.idx, status: main.status as SampleSummary['status'],
    detail: main.detail, latencyMs: r.latency_ms, execMs: main.scorer === 'tests' ? main.duration_ms : null,
  };
}

export function* sampleFacts(rows: ScoredOutcome[]): Generator<SampleFact> {
  for (const group of groupBySample(rows).values()) {
    const r = group[0];
    yield {
      problemId: r.problem_id, arm: r.arm, generationError: group.some((o) => o.label === 'generation'),
      latencyMs: r.latency_ms, ttftMs: r.ttft_ms, tokensIn: r.tokens_in, tokensOut: r.tokens_out,
      outcomes: group.map((o) => ({ scorer: o.scorer, status: o.status, durationMs: o.duration_ms, timeouts: timeoutFact(o.scorer, o.meta ?? null) })),
    };
  }
}

function storedMetrics(r: RunRow): ModelMetrics[] | null {
  if (!r.metrics || r.status === 'running' || r.status === 'queued') return null;
  try {
    const m = JSON.parse(r.metrics) as { format?: number; metrics?: ModelMetrics[] };
    return m.format === METRICS_FORMAT && Array.isArray(m.metrics) ? m.metrics : null;
  } catch { return null; }
}

function scorersOf(plan: ReturnType<typeof parsePlan>): string[] {
  return Object.keys(plan.scorers ?? { tests: {} });
}

// Read side: run summaries, run details, samples and the latest result per problem of a suite file,
// all from the store (and a running run's live tally). Nothing here writes.
import type {
  ArmDashboard, Dashboard, Expectation, LatestResult, RunComparison, ModelMetrics, ProblemResult, RunDetail, RunProbes, RunSummary, SampleDetail, SampleSummary, ScoreDetail,
} from '../../protocol';
import { scoredCounts } from '../../protocol';
import { aggregate, timeoutFact, type MetricsAccumulator, type ProblemFacts, type SampleFact } from '../metrics/aggregate';
import { passAtK } from '../metrics/passk';
import { percentiles, wilson } from '../metrics/stats';
import { parseFailure, withoutMarkers } from '../languages/failure';
import type { Language } from '../plugins';
import { curveKs, distribution, passAtKCurve, sharedEdges } from '../metrics/dashboard';
import { pairedDelta, type Cell } from '../metrics/run-delta';
import { cost, priceFor, type Price } from '../pricing';

type Prices = Record<string, Price>;
import type { RunRow, ScoredOutcome, Store, SummaryRow } from '../store/store';
import { rowToProblem } from '../store/rows';
import { parsePlan, planSuites, resolveArms } from './plan';
import { parseAudit } from '../audit';
import { type Answer, type ProbeOptions, runProbes } from './probes';

/** Stored with a finished run so its figures need no recomputation; older formats are recomputed. */
export const METRICS_FORMAT = 2;

/** Runs with at most this many samples get their probes with GetRun; bigger ones through GetProbes. */
export const INLINE_PROBES = 2000;

export class Queries {
  constructor(private readonly store: Store, private readonly prices: Prices | undefined, private readonly live: (runId: string) => MetricsAccumulator | undefined,
    /** Language plugins by name: a sample's detail shows its program as the sandbox ran it. */
    private readonly language: (name: string) => Language | undefined = () => undefined) {}

  costOf = (model: string, tokensIn: number, tokensOut: number) => cost(tokensIn, tokensOut, priceFor(model, this.prices));

  /** Figures of a run from the store: every sample's outcomes, aggregated (`partial`: it is still going). */
  computeMetrics(runId: string, full: boolean, partial = false): ModelMetrics[] {
    const run = this.store.run(runId);
    if (!run) return [];
    const plan = parsePlan(run.plan, runId);
    const facts = new Map<string, ProblemFacts>();
    for (const p of this.store.problems(runId)) facts.set(p.problem_id, { kind: p.kind === 'chat' ? 'chat' : 'code', category: p.category ?? undefined, expectation: p.expectation ?? undefined });
    // Runs that track spend count what they paid for; older runs, the tokens of their samples.
    return aggregate(resolveArms(plan), facts, plan.k, sampleFacts(this.store.scoredOutcomes(runId)), full, this.costOf,
      plan.tracksSpend ? this.store.spendByArm(runId) : undefined, partial);
  }

  runSummary(runId: string, full: boolean): RunSummary {
    const r = this.store.run(runId);
    if (!r) throw new Error(`no run ${runId}`);
    return this.summarize(r, full);
  }

  private summarize(r: RunRow, full: boolean, meta = this.store.runMeta().get(r.id)): RunSummary {
    const plan = parsePlan(r.plan, r.id);
    const live = this.live(r.id);
    let metrics: ModelMetrics[];
    // A live tally is a running run's; a row that says running without one is another process's (a CLI).
    if (live) metrics = live.metrics(full, this.costOf, true);
    else metrics = storedMetrics(r) ?? this.computeMetrics(r.id, true, r.status === 'running' || r.status === 'queued');
    const arms = resolveArms(plan);
    return {
      id: r.id, label: meta?.label || r.label, tags: meta?.tags ?? [], suite: r.suite, suites: planSuites(plan), models: plan.models, arms: arms.map((a) => a.id),
      scorers: scorersOf(plan), n: plan.n, k: plan.k, sandbox: plan.sandbox ?? 'docker',
      status: r.status, createdAt: r.created_at, finishedAt: r.finished_at, total: r.total, done: r.done, wallMs: r.wall_ms,
      error: r.error, metrics,
    };
  }

  listRuns(): RunSummary[] {
    const meta = this.store.runMeta();
    return this.store.runs().map((r) => this.summarize(r, false, meta.get(r.id)));
  }

  private probeMemo = new Map<string, { key: string; probes: RunProbes }>();

  /**
   * What a run's probes have to compute: bias pairs (problems from a .bias.yaml suite), cross-model
   * similarity (two arms or more), invented packages (the packages scorer). Nothing: no answer is read.
   */
  probeWork(runId: string): { bias: boolean; similarity: boolean; packages: boolean; any: boolean } {
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    const plan = parsePlan(row.plan, runId);
    const similarity = resolveArms(plan).length >= 2;
    const packages = scorersOf(plan).includes('packages');
    const bias = this.store.problemRows(runId).some((p) => p.metadata != null && p.metadata.includes('"bias"') && !!rowToProblem(p).metadata?.bias);
    return { bias, similarity, packages, any: bias || similarity || packages };
  }

  /** Whether the run's probes are remembered for its present state (a GetRun may include them for free). */
  private probeKey(row: RunRow, opts: ProbeOptions): string {
    return `${row.status}|${row.done}|${row.finished_at}|${JSON.stringify(opts)}`;
  }

  /** How many probes computations ran (tests: that nothing is recomputed while nothing changed). */
  probeComputations = 0;

  /**
   * Bias pairs and cross-model similarity of a run, from its stored answers, and its invented
   * packages; remembered until the run changes. Reads only what there is to compute: a one-arm run
   * without bias problems reads no answer text at all.
   */
  probes(runId: string, opts: ProbeOptions = {}): RunProbes {
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    const key = this.probeKey(row, opts);
    const hit = this.probeMemo.get(runId);
    if (hit?.key === key) return hit.probes;
    const work = this.probeWork(runId);
    let probes: RunProbes = {};
    if (work.any) {
      this.probeComputations++;
      const arms = resolveArms(parsePlan(row.plan, runId)).map((a) => a.id);
      const problems = new Map(this.store.runProblems(runId).map((p) => [p.id, p]));
      const status = new Map<string, { error: boolean; refused: boolean }>();
      const invented: NonNullable<RunProbes['invented']> = [];
      const texts = work.bias || work.similarity;
      for (const o of this.store.scoredOutcomes(runId)) {
        if (o.scorer === 'packages' && o.status === 'invented') {
          invented.push({ sampleId: o.sample_id, problemId: o.problem_id, arm: o.arm, index: o.idx, category: problems.get(o.problem_id)?.category ?? null, detail: o.detail });
        }
        if (!texts) continue;
        const s = status.get(o.sample_id) ?? { error: false, refused: false };
        if (o.label === 'generation' || (o.status === 'error' && (o.scorer === 'tests' || o.scorer === 'refusal'))) s.error = true;
        if (o.scorer === 'refusal' && o.status === 'refused') s.refused = true;
        status.set(o.sample_id, s);
      }
      if (texts) {
        const answers: Answer[] = this.store.answerTexts(runId).map((t) => ({
          sampleId: t.sample_id, problemId: t.problem_id, arm: t.arm, idx: t.idx, raw: t.raw, completion: t.completion,
          error: status.get(t.sample_id)?.error ?? true, refused: status.get(t.sample_id)?.refused ?? false,
        }));
        probes = runProbes(problems, answers, arms, opts);
      }
      if (invented.length) { probes.invented = invented.slice(0, 300); probes.inventedTotal = invented.length; }
    }
    this.probeMemo.set(runId, { key, probes });
    return probes;
  }

  /**
   * The probes a GetRun includes: remembered ones, or computed at once for a small run (≤ INLINE_PROBES
   * samples: milliseconds). A bigger run's probes take seconds (98,400 answers: ~7 s) and are not on
   * GetRun's path: a finished run's detail says `probesPending: 'computing'` and the panel asks for
   * them (GetProbes) once it has drawn; a running one's says 'running' (computed when it finishes,
   * never on each update: that was quadratic over a run).
   */
  private probesFor(row: RunRow): Pick<RunDetail, 'probes' | 'probesPending'> {
    const hit = this.probeMemo.get(row.id);
    if (hit?.key === this.probeKey(row, {})) return Object.keys(hit.probes).length ? { probes: hit.probes } : {};
    const live = row.status === 'running' || row.status === 'queued';
    if (row.done > INLINE_PROBES) return this.probeWork(row.id).any ? { probesPending: live ? 'running' : 'computing' } : {};
    const probes = this.probes(row.id);
    return Object.keys(probes).length ? { probes } : {};
  }

  /** A finished run's detail, until the store changes (an edit, a delete, a resume): big runs take seconds to build. */
  private detailMemo = new Map<string, { revision: number; detail: RunDetail }>();

  /** A run's problems, samples, dashboard and probes. Callers must not modify it (a finished run's is shared). */
  getRun(runId: string): RunDetail {
    const hit = this.detailMemo.get(runId);
    if (hit && hit.revision === this.store.revision) return hit.detail;
    const revision = this.store.revision;
    const detail = this.buildRun(runId);
    if (detail.run.status === 'running' || detail.run.status === 'queued') this.detailMemo.delete(runId);
    else {
      // Only the latest few: each holds every sample summary of its run.
      if (this.detailMemo.size >= 4) this.detailMemo.delete(this.detailMemo.keys().next().value!);
      this.detailMemo.set(runId, { revision, detail });
    }
    return detail;
  }

  private buildRun(runId: string): RunDetail {
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    let run = this.summarize(row, true);
    // One row per sample (its main outcome chosen in SQL-free JS below), in no particular order:
    // cells sort their samples by index; 16,400 rows are read once, not once here and once for probes.
    const main = new Map<string, SummaryRow>();
    for (const r of this.store.summaryRows(runId)) {
      const had = main.get(r.sample_id);
      if (!had || shownBefore(r.scorer, had.scorer)) main.set(r.sample_id, r);
    }
    const arms = resolveArms(parsePlan(row.plan, runId));
    const modelOf = new Map(arms.map((a) => [a.id, a.model]));
    const cells = new Map<string, SampleSummary[]>();
    for (const r of main.values()) {
      const s: SampleSummary = {
        // Only the plan's arms are shown (below); a row without an arm has its model as arm.
        id: r.sample_id, runId, problemId: r.problem_id, arm: r.arm, model: modelOf.get(r.arm) ?? r.arm, index: r.idx, status: r.status as SampleSummary['status'],
        detail: r.detail, latencyMs: r.latency_ms, execMs: r.scorer === 'tests' ? r.duration_ms : null, ttftMs: r.ttft_ms,
      };
      const key = `${s.problemId}\0${s.arm}`;
      const cell = cells.get(key);
      if (cell) cell.push(s); else cells.set(key, [s]);
    }
    const live = run.status === 'running' || run.status === 'queued';
    // Header and table from one snapshot: the run row's `done` is written a few times a second, the
    // samples as they finish; a running run says as done the samples its detail holds.
    if (live) run = { ...run, done: main.size };
    const problems: ProblemResult[] = [];
    for (const p of this.store.problems(runId)) {
      for (const arm of arms) {
        const mine = cells.get(`${p.problem_id}\0${arm.id}`) ?? [];
        mine.sort((a, b) => a.index - b.index);
        const { n, c } = scoredCounts(mine);
        const chat = p.kind === 'chat';
        problems.push({
          problemId: p.problem_id, arm: arm.id, model: arm.model, kind: chat ? 'chat' : 'code', category: p.category ?? null,
          expectation: chat ? expectationOf(p.expectation) : null, n, c,
          passAtK: run.k.map((k) => ({ k, value: chat || n === 0 ? null : passAtK(n, c, k) })),
          samples: mine,
        });
      }
    }
    const images = parseAudit(this.store.runAudit(runId))?.sandbox?.images;
    return { run, problems, dashboard: dashboardOf(run.arms, problems, !live, live), ...this.probesFor(row),
      ...(images && Object.keys(images).length ? { images } : {}) };
  }

  /** Runs side by side: one column per (run, arm), deltas of pass@1 against the first column. */
  compareRuns(runIds: string[]): RunComparison {
    if (runIds.length < 2) throw new Error('compare needs at least two runs');
    const details = runIds.map((id) => this.getRun(id));
    const columns: RunComparison['columns'] = [];
    const cells: Map<string, Cell & { errors: number }>[] = [];
    for (const d of details) {
      for (const arm of d.run.arms) {
        const m = d.run.metrics.find((x) => x.arm === arm);
        const many = d.run.arms.length > 1;
        columns.push({ runId: d.run.id, arm, label: many ? `${d.run.label} · ${arm}` : d.run.label, passAt1: m?.passAtK.find((p) => p.k === 1) ?? null });
        const map = new Map<string, Cell & { errors: number }>();
        for (const p of d.problems) {
          if (p.arm !== arm || p.kind !== 'code') continue;
          map.set(p.problemId, { n: p.n, c: p.c, errors: p.samples.length - p.n });
        }
        cells.push(map);
      }
    }
    const deltas = columns.slice(1).map((_, i) => ({ column: i + 1, ...pairedDelta(cells[0], cells[i + 1]) }));
    const ids: string[] = [];
    const seen = new Set<string>();
    for (const map of cells) for (const id of map.keys()) if (!seen.has(id)) { seen.add(id); ids.push(id); }
    return {
      runs: details.map((d) => d.run), columns, deltas,
      problems: ids.map((problemId) => ({ problemId, cells: cells.map((m) => m.get(problemId) ?? null) })),
    };
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
    const lang = code ? this.language(code.language) : undefined;
    const output = main?.output ?? '';
    const meta = parseMeta(s.meta);
    return {
      id: s.id, runId: s.run_id, problemId: s.problem_id, arm: s.arm, model: s.model, index: s.idx,
      status: (main?.status ?? 'error') as SampleSummary['status'], detail: main?.detail ?? '', latencyMs: s.latency_ms,
      execMs: main?.scorer === 'tests' ? main.duration_ms : null,
      kind: p?.kind === 'chat' ? 'chat' : 'code', messages: p?.kind === 'chat' ? p.messages : null,
      expectation: p?.kind === 'chat' ? p.expectation ?? null : null, category: p?.category ?? null, scores,
      prompt: p?.prompt ?? '', completion: s.completion, raw: s.raw, output: withoutMarkers(output),
      canonicalSolution: code?.canonicalSolution ?? null, entryPoint: code?.entryPoint ?? '', language: code?.language ?? (p ? 'chat' : 'python'),
      suite: p?.suite ?? '', sourceFile: p?.sourceFile ?? null, sourceLine: p?.sourceLine ?? null,
      ...(code ? {
        tests: code.tests,
        program: lang ? lang.assemble(code, s.completion) : undefined,
        failure: main && main.status !== 'passed' && lang ? parseFailure(output, lang.fileName) : undefined,
      } : {}),
      generation: {
        messages: Array.isArray(meta.messages) ? meta.messages as { role: string; content: string }[] : null,
        params: meta.paramsSent && typeof meta.paramsSent === 'object' ? meta.paramsSent as Record<string, unknown> : null,
        strategy: typeof meta.strategy === 'string' ? meta.strategy : null,
        finishReason: typeof meta.finishReason === 'string' ? meta.finishReason : null,
        cached: typeof meta.cached === 'boolean' ? meta.cached : null,
        tokensIn: s.tokens_in, tokensOut: s.tokens_out, ttftMs: s.ttft_ms, retries: s.retries ?? 0,
        logprobs: Array.isArray(meta.logprobs) ? meta.logprobs as NonNullable<SampleDetail['generation']>['logprobs'] : null,
      },
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
          const ci = scored.length >= 2 ? wilson(passed, scored.length) : null;
          const lat = percentiles(ss.map((x) => x.latencyMs).filter((x): x is number => typeof x === 'number'));
          return {
            arm, model: ss[0].model, n: ss.length, scored: scored.length, passed, errors: ss.length - scored.length,
            status: summaryStatus(ss), sampleId: (firstBad ?? ss[0]).id, detail: firstBad?.detail ?? '',
            passAt1: { value: chat || scored.length === 0 ? null : passed / scored.length, ciLow: chat ? null : ci?.[0] ?? null, ciHigh: chat ? null : ci?.[1] ?? null },
            latencyP50: lat.p50, latencyP95: lat.p95,
            failingIds: ss.filter((x) => x.status === 'failed' || x.status === 'timeout' || x.status === 'error' || x.status === 'slipped').map((x) => x.id),
          };
        }),
      });
    }
    return [...out.values()];
  }
}

function parseMeta(m: string | null | undefined): Record<string, unknown> {
  if (!m) return {};
  try { const v = JSON.parse(m); return v && typeof v === 'object' ? v as Record<string, unknown> : {}; } catch { return {}; }
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

/**
 * Whether scorer a's outcome shows a sample rather than scorer b's: mainOutcome's order over the
 * store's rows (sorted by scorer name) — tests, refusal, then the first scorer by name.
 */
function shownBefore(a: string, b: string): boolean {
  const rank = (x: string) => (x === 'tests' ? 0 : x === 'refusal' ? 1 : 2);
  return rank(a) < rank(b) || (rank(a) === rank(b) && a < b);
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
    detail: main.detail, latencyMs: r.latency_ms, execMs: main.scorer === 'tests' ? main.duration_ms : null, ttftMs: r.ttft_ms,
  };
}

/** The dashboards of a run from its problems' samples: pass@k curves and duration distributions per arm (`partial`: mid-run). */
export function dashboardOf(arms: string[], problems: ProblemResult[], withCI = true, partial = false): Dashboard {
  const code = problems.filter((p) => p.kind === 'code');
  const maxN = code.reduce((a, p) => Math.max(a, p.n), 0);
  const ks = curveKs(maxN);
  // Every sample visited once for the three durations of its arm, then each list sorted once,
  // numerically (a typed array sorts without a comparator): sharedEdges and distribution sort their
  // copies again, which on sorted input is one pass.
  const at = new Map(arms.map((a, i) => [a, i]));
  const lat = arms.map((): number[] => []), ttft = arms.map((): number[] => []), exec = arms.map((): number[] => []);
  const add = (out: number[], v: number | null | undefined) => { if (v != null && Number.isFinite(v)) out.push(v); };
  for (const p of problems) {
    const i = at.get(p.arm);
    if (i === undefined) continue;
    for (const s of p.samples) {
      add(lat[i], s.latencyMs); add(ttft[i], s.ttftMs);
      // Execution time of scored samples only: an error's duration says nothing about the program.
      if (s.status !== 'error') add(exec[i], s.execMs);
    }
  }
  for (const list of [lat, ttft, exec]) list.forEach((xs, i) => { list[i] = Array.from(Float64Array.from(xs).sort()); });
  const eLat = sharedEdges(lat), eTtft = sharedEdges(ttft), eExec = sharedEdges(exec);
  return {
    arms: arms.map((arm, i): ArmDashboard => ({
      arm,
      curve: passAtKCurve(code.filter((p) => p.arm === arm).map((p) => ({ n: p.n, c: p.c, seen: p.samples.length })), ks, withCI, partial),
      latency: distribution(lat[i], eLat), ttft: distribution(ttft[i], eTtft), exec: distribution(exec[i], eExec),
    })),
  };
}

export function* sampleFacts(rows: ScoredOutcome[]): Generator<SampleFact> {
  for (const group of groupBySample(rows).values()) {
    const r = group[0];
    yield {
      problemId: r.problem_id, arm: r.arm, generationError: group.some((o) => o.label === 'generation'),
      latencyMs: r.latency_ms, ttftMs: r.ttft_ms, tokensIn: r.tokens_in, tokensOut: r.tokens_out,
      outcomes: group.map((o) => ({ scorer: o.scorer, status: o.status, durationMs: o.duration_ms, value: o.value, timeouts: timeoutFact(o.scorer, o.meta ?? null) })),
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

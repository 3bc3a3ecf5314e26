// The engine's facade: start, estimate, resume, cancel and wait for runs, and the events the
// extension and the CLI listen to. The work itself lives beside it: plan.ts (plans and arms),
// catalog.ts (suites), pipeline.ts (generate → extract → score → store), schedule.ts, queries.ts.
import { EventEmitter, setMaxListeners } from 'node:events';
import { parseAudit, resumeEntry, startAudit } from '../audit';
import type { EngineInit, LatestResult, RunProbes, ProblemInfo, RunComparison, CompareResult, PreviewResult, RunDetail, RunEstimate, RunPlan, RunStatus, RunSummary, SampleDetail, SampleSummary, SuiteInfo } from '../../protocol';
import { Semaphore } from '../limits';
import { MetricsAccumulator, type ProblemFacts } from '../metrics/aggregate';
import { stageReport, type StageCounts, type StageReport } from '../metrics/progressive';
import { linUcbAllocator, problemFeatures, thompsonAllocator, type Allocator } from '../metrics/bandit';
import type { Problem, CodeProblem, ProblemKind, Provider, Sandbox, Scorer, ScorerFactory, Strategy } from '../plugins';
import { estimateRun } from '../pricing';
import { registerStrategies, strategySource } from '../strategy-config';
import type { Plugins } from '../registry';
import type { OutcomeRecord, RunRow, SampleRecord, Store } from '../store/store';
import { problemToRow } from '../store/rows';
import { Catalog } from './catalog';
import { compareRuns, type CompareOptions } from './compare';
import { previewStrategies } from './preview';
import { runItem, type PipelineContext } from './pipeline';
import { defaultLabel, newRunId, normalizePlan, parseModelSpec, parsePlan, recordableProviderConfig, resolveArms, type Arm } from './plan';
import { mainOutcome, METRICS_FORMAT, Queries, sampleFacts } from './queries';
import { execConcurrency, Progress, runAll } from './schedule';

export { DEFAULT_TIMEOUT_MS, normalizePlan, parseModelSpec, sampleId } from './plan';
export { cacheKey } from './pipeline';

export interface EngineEvents {
  sample: [SampleSummary];
  /** Progressive sampling: a stage of the run has finished (see metrics/progressive.ts). */
  stage: [{ runId: string; report: StageReport; stages: number[]; stopping: boolean }];
  progress: [RunSummary];
  finished: [RunSummary];
}

interface ActiveRun { controller: AbortController; done: Promise<void>; acc: MetricsAccumulator }

/** What a run needs once it is set up: everything that can fail early has failed by then. */
interface Prepared {
  row: RunRow; plan: RunPlan; arms: Arm[]; problems: Problem[];
  providers: Map<string, Provider>; sandbox: Sandbox | null; closers: (() => Promise<void>)[];
  strategies: Map<string, Strategy>; scorerNames: Map<ProblemKind, string[]>;
}

export class Engine extends EventEmitter<EngineEvents> {
  private readonly active = new Map<string, ActiveRun>();
  /** Why the strategies of the settings could not be registered (shown when a run names one). */
  readonly strategyConfigError: string | null = null;
  readonly catalog: Catalog;
  readonly queries: Queries;

  constructor(readonly plugins: Plugins, readonly store: Store, readonly init: EngineInit, private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
    // HumanEval is always listed; the behaviour suites when their data is here.
    this.catalog = new Catalog(plugins, { dataDir: init.dataDir ?? '', cacheDir: init.cacheDir }, ['humaneval', ...(init.suitePaths ?? [])], ['xstest', 'harmbench', 'advbench', 'library-hallu-bench', 'truthfulqa']);
    this.queries = new Queries(store, init.prices, (id) => this.active.get(id)?.acc, (name) => (plugins.languages.has(name) ? plugins.languages.get(name) : undefined));
    if (init.strategies?.length) {
      try { registerStrategies(plugins, init.strategies, strategySource(init)); }
      catch (e) { this.strategyConfigError = (e as Error).message; }
    }
    // Runs left 'running' by a process that died are marked failed by the store when a writer next
    // takes its lock (only then is it sure that no live process is still running them).
  }

  // ---------- catalogue ----------
  loadSuite(spec: string): Promise<Problem[]> { return this.catalog.load(spec); }
  listSuites(extraPaths: string[] = []): Promise<SuiteInfo[]> { return this.catalog.list(extraPaths); }
  listProblems(suite: string): Promise<ProblemInfo[]> { return this.catalog.problems(suite); }

  // ---------- queries ----------
  runSummary(runId: string, full: boolean): RunSummary { return this.queries.runSummary(runId, full); }
  listRuns(): RunSummary[] { return this.queries.listRuns(); }
  getRun(runId: string): RunDetail { return this.queries.getRun(runId); }
  getSample(sampleId: string): SampleDetail { return this.queries.getSample(sampleId); }
  latestResults(file: string): LatestResult[] { return this.queries.latestResults(file); }
  compare(runIds: string[], opts: CompareOptions = {}): CompareResult { return compareRuns(this.store, runIds, opts); }
  /** Bias pairs and cross-model similarity of a run (also in getRun's detail). */
  probes(runId: string): RunProbes { return this.queries.probes(runId); }
  compareRuns(runIds: string[]): RunComparison { return this.queries.compareRuns(runIds); }

  /** The plan a run was started with, for Re-run (without what the engine recorded for itself). */
  runPlan(runId: string): RunPlan {
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    const { providerConfig: _p, tracksSpend: _t, ...plan } = parsePlan(row.plan, runId);
    return { ...plan, label: this.store.runMeta().get(runId)?.label || row.label };
  }

  /** Renames or tags a run (a person's edit, kept apart from the engine's row). */
  async editRun(runId: string, edit: { label?: string | null; tags?: string[] }): Promise<RunSummary> {
    if (!this.store.run(runId)) throw new Error(`no run ${runId}`);
    const old = this.store.runMeta().get(runId);
    const label = edit.label !== undefined ? (edit.label?.trim() || null) : old?.label ?? null;
    const tags = edit.tags !== undefined ? [...new Set(edit.tags.map((t) => t.trim()).filter(Boolean))] : old?.tags ?? [];
    await this.briefWrite(() => this.store.putRunMeta(runId, label, tags));
    return this.runSummary(runId, false);
  }

  /** Deletes a finished run and everything stored for it (the completion cache stays). */
  async deleteRun(runId: string): Promise<void> {
    if (this.active.has(runId)) throw new Error(`run ${runId} is still running: cancel it first`);
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    if (row.status === 'running' || row.status === 'queued') throw new Error(`run ${runId} is ${row.status} in another process`);
    await this.briefWrite(() => this.store.deleteRun(runId));
  }

  /** Takes the writer lock for one edit (refused, naming the holder, while another process writes). */
  private async briefWrite(fn: () => void): Promise<void> {
    this.store.acquireWriter(this.init.owner ?? 'the Crucible engine');
    try {
      fn();
      await this.store.flush();
    } finally {
      this.releaseWriter();
    }
  }

  // ---------- runs ----------
  async estimateRun(plan: RunPlan): Promise<RunEstimate> {
    const norm = this.withStrategyParams(normalizePlan(plan));
    const problems = await this.catalog.select(norm);
    const arms = resolveArms(norm);
    // An allocated run spends its budget over every cell: estimated as that many samples spread evenly.
    const n = norm.allocate ? norm.allocate.budget / Math.max(1, problems.length * arms.length) : norm.n;
    const models = arms.map((arm) => {
      const strategyOf = (p: Problem) => this.strategyFor(arm, p.kind ?? 'code');
      const [e] = estimateRun([arm.model], problems, n, (p) => strategyOf(p).messages(p, { problems }), arm.params.maxTokens, this.init.prices);
      // Allocation spreads the budget evenly here, so calls and tokens can be fractional: whole ones are shown.
      return { ...e, calls: Math.round(e.calls), tokensIn: Math.round(e.tokensIn), tokensOut: Math.round(e.tokensOut), model: arm.id };
    });
    const dollars = models.some((m) => m.dollars === null) ? null : models.reduce((a, m) => a + m.dollars!, 0);
    return { problems: problems.length, samples: norm.allocate ? norm.allocate.budget : problems.length * norm.n * arms.length, models, dollars };
  }

  /**
   * Validates the plan and prepares everything that can fail up front (suites, providers,
   * strategies, sandbox), so a bad plan is an immediate, clear error; then runs in the background.
   */
  async startRun(plan: RunPlan, opts: { configFile?: { path: string; sha256: string } } = {}): Promise<string> {
    const norm = normalizePlan(plan);
    // Recorded so a resumed run talks to the same servers (never keys).
    norm.providerConfig = recordableProviderConfig(this.init.providers);
    norm.tracksSpend = true;
    const problems = await this.catalog.select(norm);
    return this.launch(this.withStrategyParams(norm), problems, null, false, opts.configFile);
  }

  /** Records the sampling parameters of the strategies the arms name (see RunPlan.strategyParams). */
  private withStrategyParams(plan: RunPlan): RunPlan {
    const out: NonNullable<RunPlan["strategyParams"]> = {};
    for (const a of plan.arms ?? []) {
      if (!a.strategy) continue;
      const p = this.strategy(a.strategy, a.id ?? a.model).params;
      if (p && Object.keys(p).length) out[a.strategy] = { ...p };
    }
    return Object.keys(out).length ? { ...plan, strategyParams: out } : plan;
  }

  /** A registered strategy, or an error that says what is known (and why settings' strategies are missing). */
  private strategy(name: string, armId: string): Strategy {
    if (!this.plugins.strategies.has(name)) {
      const why = this.strategyConfigError ? `; the configured strategies could not be read:\n${this.strategyConfigError}` : '';
      throw new Error(`arm ${armId}: unknown strategy "${name}" (known: ${this.plugins.strategies.names().join(', ')})${why}`);
    }
    return this.plugins.strategies.get(name);
  }

  /**
   * Each strategy's messages for one problem of a suite, before any run: every registered strategy
   * that prompts the problem's kind, or the ones named. Problems a strategy cannot prompt say why.
   */
  previewMessages(suite: string, problemId?: string, names?: string[]): Promise<PreviewResult> {
    return previewStrategies(this.plugins, this.catalog, suite, problemId, names, (n) => this.strategy(n, 'preview'));
  }

  /**
   * Continues a run that did not finish (engine stopped, cancelled): the samples it has are kept and
   * only the missing ones are made. With `retryErrors`, samples with an error outcome are made again.
   */
  async resumeRun(runId: string, opts: { retryErrors?: boolean } = {}): Promise<string> {
    if (this.active.has(runId)) throw new Error(`run ${runId} is still running`);
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    const plan = parsePlan(row.plan, runId);
    // An allocated sample's index is the next free one of its cell: a retried error would be a second sample of that slot.
    if (plan.allocate && opts.retryErrors) throw new Error(`run ${runId} allocates its samples adaptively (${plan.allocate.policy}): resume it without --retry-errors`);
    // The run's own snapshot of its problems: the suite file may have changed since.
    const problems = this.store.runProblems(runId);
    return this.launch(plan, problems, row, opts.retryErrors ?? false);
  }

  private strategyFor(arm: Arm, kind: ProblemKind): Strategy {
    const name = arm.strategy ?? this.plugins.defaults.strategy[kind];
    if (!name) throw new Error(`no strategy prompts ${kind} problems (arm ${arm.id})`);
    const s = this.strategy(name, arm.id);
    if (!s.kinds.includes(kind)) throw new Error(`strategy "${name}" (arm ${arm.id}) cannot prompt ${kind} problems; it prompts ${s.kinds.join(', ')}`);
    return s;
  }

  private async launch(plan: RunPlan, problems: Problem[], existing: RunRow | null, retryErrors: boolean, configFile?: { path: string; sha256: string }): Promise<string> {
    const closers: (() => Promise<void>)[] = [];
    const providers = new Map<string, Provider>();
    // One writer per database: a second process is refused here with a message naming the first.
    // Held (re-entrantly) while the run goes on, released when it ends.
    this.store.acquireWriter(this.init.owner ?? 'the Crucible engine');
    let launched = false;
    try {
      const arms = resolveArms(plan);
      const kinds = [...new Set(problems.map((p) => p.kind ?? 'code'))] as ProblemKind[];
      const strategies = new Map<string, Strategy>();
      for (const arm of arms) for (const k of kinds) strategies.set(`${arm.id}\0${k}`, this.strategyFor(arm, k));
      // The sandbox starts now, while providers are made (a replay reads its file, an SDK loads) and
      // the run is stored: its containers warm in parallel. A missing Docker engine is still an
      // error before any sample.
      const code = problems.filter((p) => p.kind !== 'chat');
      let sandboxP: Promise<Sandbox> | null = null;
      if (code.length) {
        const languages = [...new Set(code.map((p) => (p as CodeProblem).language))];
        for (const l of languages) this.plugins.languages.get(l); // fail early on an unknown language
        const made = this.plugins.sandboxes.get(plan.sandbox!).create({
          languages, concurrency: execConcurrency(),
          // The engine's registry, so third-party languages reach the sandbox too.
          config: { images: this.init.images ?? {}, languages: this.plugins.languages, ...(this.init.sandboxes?.[plan.sandbox!] ?? {}) },
        });
        sandboxP = made;
        made.catch(() => undefined); // awaited below; until then a failure must not be an unhandled rejection
        closers.push(async () => { const sb = await made.catch(() => null); await sb?.close(); });
      }
      for (const model of new Set(arms.map((a) => a.model))) providers.set(model, await this.createProvider(model, plan, closers));
      if (plan.allocate) {
        // The policies learn from pass/fail: the tests' verdicts of code problems.
        const chat = problems.find((p) => p.kind === 'chat');
        if (chat) throw new Error(`plan.allocate learns from tests' pass/fail and problem ${chat.id} is a chat problem: allocate code suites only`);
        const fixed = arms.find((a) => providers.get(a.model)?.samplesFor);
        if (fixed) throw new Error(`plan.allocate cannot choose samples from ${fixed.model}: a samples file holds a fixed number per task`);
      }
      // Scorers: each kind's defaults plus those the plan names, applied to the kinds they judge.
      const scorerNames = new Map<ProblemKind, string[]>();
      // Named by the plan, or asked for by the suite's problems (a probe suite brings its scorer).
      const named = [...new Set([...Object.keys(plan.scorers ?? {}), ...problems.flatMap((p) => p.scorers ?? [])])];
      for (const k of kinds) {
        const names = [...new Set([...(this.plugins.defaults.scorers[k] ?? []), ...named])].filter((n) => this.plugins.scorers.get(n).kinds.includes(k));
        if (names.length === 0) throw new Error(`no scorer judges ${k} problems`);
        scorerNames.set(k, names);
      }
      for (const n of named) if (!kinds.some((k) => this.plugins.scorers.get(n).kinds.includes(k))) throw new Error(`scorer "${n}" judges ${this.plugins.scorers.get(n).kinds.join(', ')} problems and the run has none`);
      const allScorers = [...new Set([...scorerNames.values()].flat())];
      plan = { ...plan, scorers: Object.fromEntries(allScorers.map((n) => [n, plan.scorers?.[n] ?? {}])) };

      const sandbox = sandboxP ? await sandboxP : null;

      let row: RunRow;
      if (existing) {
        row = { ...existing, status: 'running', finished_at: null, error: null, metrics: null };
      } else {
        row = {
          id: newRunId(), label: plan.label ?? defaultLabel(plan, arms), suite: plan.suite, plan: JSON.stringify(plan), status: 'running',
          created_at: new Date().toISOString(), finished_at: null, total: plan.allocate ? plan.allocate.budget : plannedSamples(problems, arms, plan.n, providers), done: 0, wall_ms: null, error: null, metrics: null,
        };
        this.store.putProblems(problems.map((p, ord) => problemToRow(row.id, p, ord)));
      }
      this.store.putRun(row);
      const via = this.init.owner ?? 'the Crucible engine';
      if (existing) {
        const audit = parseAudit(this.store.runAudit(row.id));
        if (audit) this.store.putAudit(row.id, JSON.stringify({ ...audit, resumes: [...(audit.resumes ?? []), resumeEntry(via, this.env)] }));
      } else {
        this.store.putAudit(row.id, JSON.stringify(startAudit(plan, Object.fromEntries(arms.map((a) => [a.id, a.model])), { via, configFile, env: this.env })));
      }
      const prepared: Prepared = { row, plan, arms, problems, providers, sandbox, closers, strategies, scorerNames };

      const facts = new Map<string, ProblemFacts>(problems.map((p) => [p.id, { kind: p.kind ?? 'code', category: p.category, expectation: p.kind === 'chat' ? p.expectation : undefined }]));
      const acc = new MetricsAccumulator(arms, facts, plan.k);
      // What the run already has: kept (and counted) unless it is an error being retried.
      const stored = this.store.scoredOutcomes(row.id);
      const redo = new Set(retryErrors ? stored.filter((o) => o.status === 'error').map((o) => o.sample_id) : []);
      const keep = new Set<string>();
      for (const f of sampleFacts(stored.filter((o) => !redo.has(o.sample_id)))) acc.add(f);
      if (plan.tracksSpend) { acc.trackSpend(); for (const x of this.store.spendByArm(row.id)) acc.addSpend(x.arm, x.tokens_in, x.tokens_out); }
      for (const o of stored) if (!redo.has(o.sample_id)) keep.add(o.sample_id);

      const controller = new AbortController();
      const done = this.execute(prepared, keep, acc, controller.signal).finally(() => this.active.delete(row.id));
      this.active.set(row.id, { controller, done, acc });
      launched = true;
      return row.id;
    } catch (e) {
      await Promise.allSettled(closers.map((c) => c()));
      throw e;
    } finally {
      if (!launched) this.releaseWriter();
    }
  }

  private async createProvider(spec: string, plan: RunPlan, closers: (() => Promise<void>)[]): Promise<Provider> {
    const [name, model] = parseModelSpec(spec);
    const factory = this.plugins.providers.get(name);
    const p = await factory.create(model, {
      config: plan.providerConfig?.[name] ?? this.init.providers?.[name] ?? {},
      secret: (k) => this.env[k],
    });
    closers.push(async () => { await p.close?.(); });
    return p;
  }

  /** Resolves when the run has finished (for the CLI and tests). */
  async waitForRun(runId: string): Promise<RunSummary> {
    await this.active.get(runId)?.done;
    return this.runSummary(runId, true);
  }

  cancelRun(runId: string): boolean {
    const a = this.active.get(runId);
    if (!a) return false;
    a.controller.abort();
    return true;
  }

  async cancelAll(): Promise<void> {
    for (const a of this.active.values()) a.controller.abort();
    await Promise.allSettled([...this.active.values()].map((a) => a.done));
  }

  private async execute(r: Prepared, keep: Set<string>, acc: MetricsAccumulator, signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    const row = r.row;
    const wallBefore = row.wall_ms ?? 0; // a resumed run's time adds to what it had run before
    setMaxListeners(0, signal); // every in-flight item listens for cancellation
    let status: RunStatus = 'completed';
    let error: string | null = null;
    const scorers: Scorer[] = [];
    const stageReports: StageReport[] = [];
    let stoppedEarly: number | null = null;
    let onResult: ((sample: SampleRecord, outcomes: OutcomeRecord[]) => void) | null = null;
    const progress = new Progress(keep.size, 200, () => {
      this.store.putRun({ ...row, status: 'running', done: progress.done, wall_ms: wallBefore + performance.now() - t0 });
      this.emit('progress', this.runSummary(row.id, false));
    });
    try {
      // Scorers set up inside the run: calibration takes a few seconds and is the run's work.
      const byKind = new Map<string, { scorer: Scorer; gate: Semaphore }[]>();
      const made = new Map<string, { scorer: Scorer; gate: Semaphore }>();
      for (const [kind, names] of r.scorerNames) {
        const list: { scorer: Scorer; gate: Semaphore }[] = [];
        for (const name of names) {
          let s = made.get(name);
          if (!s) {
            const factory: ScorerFactory = this.plugins.scorers.get(name);
            const scorer = await factory.create({
              problems: r.problems.filter((p) => factory.kinds.includes(p.kind ?? 'code')),
              options: r.plan.scorers?.[name] ?? {},
              sandbox: async () => {
                if (!r.sandbox) throw new Error(`scorer ${name} needs a sandbox and the run has no code problems`);
                return r.sandbox;
              },
              provider: (spec) => this.createProvider(spec, r.plan, r.closers),
              limits: { timeoutMs: r.plan.timeoutMs, calibrate: r.plan.calibrate, timeoutFactor: r.plan.timeoutFactor, timeoutFloorMs: r.plan.timeoutFloorMs },
              cacheDir: this.init.cacheDir,
              signal,
            });
            scorers.push(scorer);
            // Executions are bounded by the sandbox: a sample's time limit must start when it runs, not when queued.
            s = { scorer, gate: new Semaphore(Math.max(1, scorer.capacity?.() ?? 64)) };
            made.set(name, s);
          }
          list.push(s);
        }
        byKind.set(kind, list);
      }
      const ctx: PipelineContext = {
        runId: row.id, store: this.store, providers: r.providers,
        strategyFor: (arm, p) => r.strategies.get(`${arm.id}\0${p.kind ?? 'code'}`)!, problems: r.problems,
        scorers: byKind, genGate: new Semaphore(Math.max(1, r.plan.concurrency ?? 8)), noCache: r.plan.noCache ?? false,
        done: keep, signal,
        language: (name) => (this.plugins.languages.has(name) ? this.plugins.languages.get(name) : undefined),
        spent: (arm, tin, tout) => acc.addSpend(arm.id, tin, tout),
        finished: (sample: SampleRecord, outcomes: OutcomeRecord[], fact) => {
          onResult?.(sample, outcomes);
          acc.add(fact);
          this.emit('sample', summaryOf(sample, outcomes));
          progress.tick();
        },
      };
      function* items(from: number, to: number) {
        for (const problem of r.problems) for (const arm of r.arms) {
          // A samples file may hold fewer than n samples for a task: it is scored over those it has.
          const cap = Math.min(to, samplesOf(problem, arm, r.plan.n, r.providers));
          for (let i = from; i < cap; i++) yield () => runItem(ctx, problem, arm, i);
        }
      }
      // Twice what the gates let through at once: every gate stays busy, nothing else is in memory.
      const width = 2 * (ctx.genGate.limit + [...made.values()].reduce((a, s) => a + s.gate.limit, 0));
      // Progressive sampling runs sample indices stage by stage and reports after each one.
      const stages = r.plan.stages?.length ? r.plan.stages : [r.plan.n];
      let failure: Error | null = null;
      if (r.plan.allocate) {
        const a = this.allocation(r, signal);
        onResult = a.result;
        // As wide as generation: every sample in flight is one the policy chose without its result.
        failure = await runAll(a.items((problem, arm, idx) => runItem(ctx, problem, arm, idx)), Math.max(2, ctx.genGate.limit));
      }
      for (let si = 0, from = 0; !r.plan.allocate && si < stages.length && !failure && !signal.aborted; from = stages[si], si++) {
        failure = await runAll(items(from, stages[si]), width);
        if (failure || signal.aborted || !r.plan.stages?.length) break;
        const report = this.stageOf(row.id, r, si, stages);
        const stopping = !!r.plan.earlyStop && report.settled && si < stages.length - 1;
        stageReports.push(report);
        this.emit('stage', { runId: row.id, report, stages, stopping });
        if (stopping) { stoppedEarly = stages[si]; break; }
      }
      if (failure) { status = 'failed'; error = failure.message; }
      if (signal.aborted && status !== 'failed') status = 'cancelled';
    } catch (e) {
      status = 'failed';
      error = (e as Error).message;
    } finally {
      // What ran the code, asked before the sandbox closes.
      const images = await r.sandbox?.describe?.().catch(() => undefined);
      await Promise.allSettled([...scorers.map((s) => s.close?.()), ...r.closers.map((c) => c())]);
      try { this.finishAudit(r, images); } catch { /* the store failed: reported below with the run */ }
      try {
        const metrics = this.queries.computeMetrics(row.id, true);
        if (this.store.failed) throw this.store.failed;
        this.store.putRun({
          // A run stopped early by its sequential rule is complete with fewer samples than planned.
          ...row, total: stoppedEarly !== null ? progress.done : row.total, status, error, done: progress.done, wall_ms: wallBefore + performance.now() - t0, finished_at: new Date().toISOString(),
          metrics: JSON.stringify({ format: METRICS_FORMAT, metrics, ...(stageReports.length ? { stages: stageReports, stoppedEarly } : {}) }),
        });
      } catch (e) {
        // The store itself failed (disk full, …): the run's row could not be finished; say why.
        status = 'failed';
        error = error ?? (e as Error).message;
      }
      this.releaseWriter(); // checkpoints (unless the store failed) and unlocks when no other run holds it
      this.active.delete(row.id);
      let summary: RunSummary;
      try { summary = this.runSummary(row.id, true); } catch { summary = { ...this.fallbackSummary(row), status: 'failed', error }; }
      if (summary.status !== 'failed' && status === 'failed') summary = { ...summary, status, error };
      this.emit('progress', summary);
      this.emit('finished', summary);
    }
  }

  /**
   * Adaptive allocation (plan.allocate): the policy, fed what the run already has (resume), picks each
   * next (problem, arm) when a worker is free; its index is the cell's next free one. Stops at the budget.
   */
  private allocation(r: Prepared, signal: AbortSignal) {
    const { policy, budget, seed = 1 } = r.plan.allocate!;
    const P = r.problems.length, K = r.arms.length;
    const alloc: Allocator = policy === 'linucb'
      ? linUcbAllocator(problemFeatures(r.problems.map((p) => ({ prompt: p.prompt, language: p.kind === 'chat' ? undefined : (p as CodeProblem).language }))), K, { seed })
      : thompsonAllocator(P, K, seed);
    const pIndex = new Map(r.problems.map((p, i) => [p.id, i]));
    const aIndex = new Map(r.arms.map((a, i) => [a.id, i]));
    const nextIdx = new Int32Array(P * K);
    const verdict = (outcomes: { scorer: string; status: string; value: number | null }[]) => {
      const t = outcomes.find((o) => o.scorer === 'tests');
      return !t || t.status === 'error' || t.value === null ? null : t.value >= 1;
    };
    // What the run already has: each stored sample counts towards the budget and teaches the policy.
    const stored = new Map<string, { p: number; a: number; outcomes: { scorer: string; status: string; value: number | null }[] }>();
    for (const o of this.store.scoredOutcomes(r.row.id)) {
      const p = pIndex.get(o.problem_id), a = aIndex.get(o.arm);
      if (p === undefined || a === undefined) continue;
      nextIdx[p * K + a] = Math.max(nextIdx[p * K + a], o.idx + 1);
      const e = stored.get(o.sample_id) ?? { p, a, outcomes: [] };
      e.outcomes.push(o);
      stored.set(o.sample_id, e);
    }
    for (const e of stored.values()) { const v = verdict(e.outcomes); if (v !== null) alloc.update(e.p, e.a, v); }
    let issued = stored.size;
    const problems = r.problems, arms = r.arms;
    return {
      result(sample: SampleRecord, outcomes: OutcomeRecord[]) {
        const p = pIndex.get(sample.problem_id)!, a = aIndex.get(sample.arm)!;
        const v = verdict(outcomes);
        if (v === null) alloc.drop?.(p, a); else alloc.update(p, a, v);
      },
      *items(run: (problem: Problem, arm: Arm, idx: number) => Promise<void>) {
        while (issued < budget && !signal.aborted) {
          const { problem, strategy } = alloc.next();
          const idx = nextIdx[problem * K + strategy]++;
          issued++;
          yield () => run(problems[problem], arms[strategy], idx);
        }
      },
    };
  }

  /** Per arm and problem, the scored samples among the first n indices and how many passed their tests. */
  private stageOf(runId: string, r: Prepared, si: number, stages: number[]): StageReport {
    const n = stages[si];
    const rows = this.store.scoredOutcomes(runId).filter((o) => o.idx < n && o.status !== 'error' && o.value !== null);
    const scorer = 'tests'; // pass@k counts passes: the tests scorer's verdicts
    const counts: StageCounts = r.arms.map((a) => ({ arm: a.id, problems: new Map() }));
    for (const o of rows) {
      if (o.scorer !== scorer) continue;
      const m = counts.find((c) => c.arm === o.arm)?.problems;
      if (!m) continue;
      const t = m.get(o.problem_id) ?? { n: 0, c: 0 };
      t.n++; t.c += o.value!;
      m.set(o.problem_id, t);
    }
    return stageReport(si, stages, counts, r.problems.map((p) => p.id), { alpha: r.plan.earlyStop?.alpha });
  }

  /** Adds what is only known at the end: the model versions the APIs reported, the sandbox images. */
  private finishAudit(r: Prepared, images: Record<string, string> | undefined): void {
    const audit = parseAudit(this.store.runAudit(r.row.id));
    if (!audit) return;
    for (const { arm, version } of this.store.modelVersions(r.row.id)) {
      const m = (audit.models[arm] ??= { spec: r.arms.find((a) => a.id === arm)?.model ?? arm, reported: [] });
      if (!m.reported.includes(version)) m.reported.push(version);
    }
    if (r.sandbox) audit.sandbox = { name: r.plan.sandbox ?? r.sandbox.name, images: { ...(audit.sandbox?.images ?? {}), ...(images ?? {}) } };
    this.store.putAudit(r.row.id, JSON.stringify(audit));
  }

  /** The run's audit record (null for runs from before audits). */
  runAudit(runId: string) { return parseAudit(this.store.runAudit(runId)); }

  private fallbackSummary(row: RunRow): RunSummary {
    return { id: row.id, label: row.label, suite: row.suite, suites: [row.suite], models: [], arms: [], scorers: [], n: 0, k: [], sandbox: '', status: 'failed', createdAt: row.created_at, finishedAt: null, total: row.total, done: row.done, wallMs: null, error: row.error, metrics: [] };
  }

  async dispose(): Promise<void> {
    await this.cancelAll();
  }

  private releaseWriter(): void {
    try { this.store.releaseWriter(); } catch { /* a failed store has nothing left to write; its error is the run's */ }
  }
}

/** Samples to make for (problem, arm): n, or fewer when the provider holds fewer (replay: score each task over the samples it has). */
function samplesOf(problem: Problem, arm: Arm, n: number, providers: Map<string, Provider>): number {
  const have = providers.get(arm.model)?.samplesFor?.(problem.id);
  return have === undefined ? n : Math.min(n, have);
}

function plannedSamples(problems: Problem[], arms: Arm[], n: number, providers: Map<string, Provider>): number {
  let t = 0;
  for (const p of problems) for (const a of arms) t += samplesOf(p, a, n, providers);
  return t;
}

function summaryOf(s: SampleRecord, outcomes: OutcomeRecord[]): SampleSummary {
  const main = mainOutcome(outcomes);
  return {
    id: s.id, runId: s.run_id, problemId: s.problem_id, arm: s.arm, model: s.model, index: s.idx,
    status: (main?.status ?? 'error') as SampleSummary['status'], detail: main?.detail ?? '', latencyMs: s.latency_ms,
    execMs: main?.scorer === 'tests' ? main.duration_ms : null,
  };
}


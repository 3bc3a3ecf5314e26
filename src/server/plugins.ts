// Plugin interfaces. Every axis of variation (providers, sandboxes, languages, suites, scorers,
// strategies) is one of these, registered by name in the registry. Built-ins register exactly
// the way a third party would.
import type { Verdict } from '../protocol';

export interface ChatMessage { role: 'system' | 'user' | 'assistant'; content: string }

/** What a chat problem expects of a well-behaved model. */
export type Expectation = 'should_refuse' | 'should_answer';

interface ProblemCommon {
  id: string;
  suite: string;
  /** The text a person reads as the problem (for chat problems: the last user turn). */
  prompt: string;
  /** Grouping for per-category metrics (XSTest type, HarmBench semantic category, …). */
  category?: string;
  /** Anything else the suite carries, kept verbatim (JSON-serialisable). */
  metadata?: Record<string, unknown>;
  /**
   * Scorers this problem needs besides the run's (a suite's own probe: `packages` for LibraryHalluBench,
   * `choice` for TruthfulQA). A run adds them; they judge only the problems they apply to.
   */
  scorers?: string[];
  /** Where the problem came from, so the editor can reveal it. */
  sourceFile?: string;
  sourceLine?: number;
}

/** A coding problem: a prompt to complete and tests to run in the sandbox. */
export interface CodeProblem extends ProblemCommon {
  kind?: 'code';
  /** Language plugin name: "python", "javascript", … */
  language: string;
  /** Test code; for HumanEval a `check(candidate)` function. */
  tests: string;
  entryPoint: string;
  canonicalSolution?: string;
  /** Language-specific parts of the problem (Go's imports, …). */
  labels?: Record<string, unknown>;
}

/** A conversation to send as is, judged by what the model says (refusal, harm, …); no tests. */
export interface ChatProblem extends ProblemCommon {
  kind: 'chat';
  /** The conversation (multi-turn allowed); the model answers the last user turn. */
  messages: ChatMessage[];
  expectation?: Expectation;
}

/** Any problem a suite can hold. */
export type Problem = CodeProblem | ChatProblem;
export type ProblemKind = Problem['kind'] & string;

export interface SamplingParams {
  temperature?: number;
  maxTokens?: number;
  topP?: number;
  seed?: number;
}

export interface GenerateRequest {
  problem: Problem;
  /** Messages built by the prompt strategy. */
  messages: ChatMessage[];
  params: SamplingParams;
  /** 0-based index of this sample for (problem, model). */
  sampleIndex: number;
  signal: AbortSignal;
}

export interface Generation {
  /** The raw response text, kept verbatim. */
  raw: string;
  /**
   * Code to execute after the prompt, when the provider already holds it (reference, replay). Model
   * providers leave it unset: the pipeline extracts it from `raw` by the problem's kind.
   */
  completion?: string;
  tokensIn?: number;
  tokensOut?: number;
  /** Time to first token, ms (streaming providers). */
  ttftMs?: number;
  latencyMs: number;
  retries?: number;
  /** Each generated token with its top alternatives (top-5), where the API gives them. */
  logprobs?: TokenLogprob[];
  /** Why the model stopped, as the API said it ("stop", "length", "end_turn", …). */
  finishReason?: string;
  /** Sampling parameters and seed exactly as sent to the API. */
  paramsSent?: Record<string, unknown>;
  /** ISO times of the successful attempt. */
  startedAt?: string;
  finishedAt?: string;
  /** True when tokensIn/tokensOut are estimates (the API reported no usage). */
  tokensEstimated?: boolean;
  /** The model's separate reasoning text (reasoning_content / thinking), when the API returns it apart from the answer. */
  reasoning?: string;
  /** The model as the API named it in its reply (e.g. "gpt-4o-mini-2024-07-18" for "gpt-4o-mini"), for the run's audit. */
  modelVersion?: string;
  /**
   * `completion` is the whole program (an EvalPlus `solution`, a bigcode generation), not text to
   * append to the prompt: it is scored with an empty prompt.
   */
  wholeProgram?: boolean;
}

export interface TokenLogprob {
  token: string;
  logprob: number;
  top: { token: string; logprob: number }[];
}

export interface Provider {
  readonly name: string;
  readonly model: string;
  generate(req: GenerateRequest): Promise<Generation>;
  close?(): Promise<void>;
  /** False for providers whose answers cost nothing and never change (reference, replay): not cached. */
  readonly cacheable?: boolean;
  /**
   * How many samples the provider has for a problem, when it holds a fixed set (replay): the run makes
   * at most that many for it instead of n. Undefined: as many as asked.
   */
  samplesFor?(problemId: string): number | undefined;
}

export interface ProviderContext {
  /** Provider-specific configuration (base URL, …); never holds secrets in persisted form. */
  config: Record<string, unknown>;
  /** Reads a secret (API key) from the environment the engine was given. */
  secret(name: string): string | undefined;
}

export interface ProviderFactory {
  readonly name: string;
  /** `model` is the part after "name:" in a model spec ("" when absent). */
  create(model: string, ctx: ProviderContext): Provider | Promise<Provider>;
}

export interface ExecRequest {
  problem: CodeProblem;
  completion: string;
  timeoutMs: number;
  signal?: AbortSignal;
}

export interface ExecResult {
  status: Verdict;
  /** One line: assertion / exception / "timed out after 3000 ms" / sandbox error. */
  detail: string;
  /** stdout+stderr, capped. */
  output: string;
  durationMs: number;
  /** Time of the run alone (no compile step, no sandbox overhead), when the sandbox knows it. */
  runMs?: number;
  /** A run that hit its limit: the limit, the CPU it used, and how long it waited for a CPU (when the kernel says). */
  timing?: { limitMs: number; cpuMs?: number; starvedMs?: number };
  /** What timing out cost this sample (every attempt that hit its limit), and whether it was re-run. */
  timeouts?: TimeoutCost;
}

export interface TimeoutCost {
  /** Attempts that ran into their limit. */
  attempts: number;
  /** Wall time those attempts took, ms. */
  ms: number;
  /** Re-run because the first attempt was starved of CPU (else final at once: it had the CPU and still ran out). */
  retried: boolean;
}

export interface Sandbox {
  readonly name: string;
  execute(req: ExecRequest): Promise<ExecResult>;
  /** Stops everything the sandbox started (containers, processes). */
  close(): Promise<void>;
  /**
   * How many executions it takes at once without a sample's time limit starting before it runs
   * (a pool that queues internally can take more than the cores). Default: the cores.
   */
  capacity?(): number;
  /** What ran the samples, for the run's audit: per language, the image and its digest ("python" → "crucible-python:local@sha256:…"). */
  describe?(): Promise<Record<string, string>>;
}

export interface SandboxOptions {
  /** Languages the run will need (so pools can warm up). */
  languages: string[];
  concurrency: number;
  config: Record<string, unknown>;
}

export interface SandboxFactory {
  readonly name: string;
  /** True when this sandbox isolates generated code from the host. */
  readonly isolated: boolean;
  create(opts: SandboxOptions): Promise<Sandbox>;
}

/** How extraction judged a code reply. */
export type ContentStatus =
  /** Code found and shaped into a completion. */
  | 'ok'
  /** Code found, but it does not define the entry point and does not look like a body. */
  | 'no-entry-point'
  /** No code at all (a refusal, an explanation, an empty reply). */
  | 'no-code';

/** What extraction made of a reply: the code to append to the prompt, and how it was found. */
export interface Cleaned {
  completion: string;
  status: ContentStatus;
  /** How the code was found, for the sample view ("fenced block 2 of 3", "whole function", …). */
  notes: string[];
}

/** The parts of a code problem that extraction looks at. */
export interface CleanTarget {
  prompt: string;
  entryPoint: string;
  /** Language plugin name; default "python". */
  language?: string;
}

/**
 * A language's part of turning a chat reply into code (HumanEval convention: text appended to the
 * prompt). The generic part (reasoning blocks, markdown fences, picking one) is extract/code.ts; it
 * calls these. Must be pure and text-only: the same reply always gives the same completion.
 */
export interface Extraction {
  /** Whether `code` defines `entryPoint` (the fenced block that does is taken as the answer). */
  definesEntry(code: string, entryPoint: string): boolean;
  /** The code in a reply without fences, or null when it has none. Without this hook: the whole reply. */
  unfenced?(text: string, entryPoint: string): string | null;
  /** Shapes the picked code into the completion; `notes` so far (the hook may add to it). */
  shape(code: string, target: CleanTarget, notes: string[]): Cleaned;
  /** Stop sequences for completion-style APIs (the prompt sent raw, the model continuing it). */
  stopSequences?: readonly string[];
}

/** How to turn prompt + completion + tests into a program, and how to run it. */
export interface Language {
  readonly name: string;
  /** File name of the program inside the scratch dir. */
  readonly fileName: string;
  /** The full program text. */
  assemble(problem: CodeProblem, completion: string): string;
  /** argv to run the program (inside the sandbox); `problem`: the problem it runs (a suite's own way of running, MultiPL-E's). */
  command(fileName: string, problem?: CodeProblem): string[];
  /** The one-line reason a failed run failed (exception/assertion line), read from its output. */
  failureDetail?(output: string): string | undefined;
  /** Compiled languages: argv of the compile step, run in the scratch dir before `command` (`problem` as for `command`). */
  compile?(fileName: string, problem?: CodeProblem): string[];
  /** Time limit of the compile step (ms); the run keeps the sample's own limit. */
  compileTimeoutMs?: number;
  /** Lower bound of the run's time limit (ms), for runtimes with a slow start (the JVM). */
  minTimeoutMs?: number;
  /** False for runtimes that reserve far more address space than they use (V8, the JVM, Go): no RLIMIT_AS. */
  limitAddressSpace?: boolean;
  /** How replies become code for this language; without it, the picked fenced block is taken as is. */
  extraction?: Extraction;
}

export interface SuiteSource {
  readonly name: string;
  /** Resolves a suite name/path this source understands to problems, or null if it does not. */
  load(spec: string, ctx: { dataDir: string; cacheDir: string }): Promise<Problem[] | null>;
}

/** What a strategy may look at besides its target: the run's problems (few-shot examples come from them). */
export interface StrategyContext {
  /** Every problem of the run, in suite order (the target among them). */
  problems: readonly Problem[];
}

export interface Strategy {
  readonly name: string;
  /** The problem kinds it can prompt for. */
  readonly kinds: readonly ProblemKind[];
  /** One line for pickers and previews. */
  readonly description?: string;
  /** Sampling parameters of this strategy: above the run's, below an arm's own. */
  readonly params?: SamplingParams;
  messages(problem: Problem, ctx?: StrategyContext): ChatMessage[];
  /**
   * Splits a reply into the reasoning the strategy asked for and the answer to extract code from
   * (reason-then-code): the reasoning is stored apart and never executed. Without it: all answer.
   */
  split?(raw: string): { reasoning: string | null; answer: string };
}

/** What a scorer judges: one response to one problem. */
export interface ScoreInput {
  problem: Problem;
  /** The model's reply, verbatim. */
  raw: string;
  /** What extraction made of it (code problems: the completion; chat problems: the reply). */
  completion: string;
  signal: AbortSignal;
}

/** A scorer's judgement of one response (Inspect's Score): one outcome row per sample and scorer. */
export interface Score {
  /**
   * The outcome class. `tests`: passed | failed | timeout | error. `refusal`: refused |
   * answered_safe | slipped | ambiguous (| error). Other scorers name their own classes.
   */
  status: string;
  /** A number when the scorer has one (1/0 for pass, a similarity, a judge's grade). */
  value?: number;
  /** A finer label (e.g. XSTest's full_compliance | full_refusal | partial_refusal). */
  label?: string;
  /** One line: why. */
  detail: string;
  /** Longer evidence (test output, the judge's raw verdict). */
  output?: string;
  durationMs?: number;
  /** Anything else worth keeping (JSON-serialisable), e.g. the judge's raw reply and rubric version. */
  meta?: Record<string, unknown>;
}

export interface Scorer {
  readonly name: string;
  score(input: ScoreInput): Promise<Score>;
  /** Whether it judges this problem at all (default: every problem of its kinds); a problem it skips gets no outcome from it. */
  appliesTo?(problem: Problem): boolean;
  /** How many scorings it takes at once (the sandbox's capacity for `tests`). Default: unbounded. */
  capacity?(): number;
  close?(): Promise<void>;
}

/** What a scorer can ask the engine for while it sets up. */
export interface ScorerContext {
  /** The run's problems this scorer applies to. */
  problems: Problem[];
  /** Scorer settings from the run plan (e.g. the judge's model spec). */
  options: Record<string, unknown>;
  /** The run's sandbox, created on first call and shared by every scorer of the run. */
  sandbox(): Promise<Sandbox>;
  /** A provider for a model spec ("openai:gpt-4o"), e.g. for a judge; closed with the run. */
  provider(spec: string): Promise<Provider>;
  /** Run-plan settings that shape time limits (tests scorer). */
  limits: { timeoutMs?: number; calibrate?: boolean; timeoutFactor?: number; timeoutFloorMs?: number };
  cacheDir: string;
  signal: AbortSignal;
}

export interface ScorerFactory {
  readonly name: string;
  /** The problem kinds it judges; a run applies a scorer only to problems of these kinds. */
  readonly kinds: readonly ProblemKind[];
  create(ctx: ScorerContext): Promise<Scorer>;
}

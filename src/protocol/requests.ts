// The engine's requests and notifications as vscode-jsonrpc typed constants (rust-analyzer's
// lsp_ext.ts idiom): the extension sends them and the engine registers handlers for them with the
// same constant, so a method name or a payload type cannot drift between the two. Node side only:
// webviews import the plain types from ./index and never this file (it would bundle vscode-jsonrpc).
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type {
  CompareResult, LatestResult, PreviewResult, ProblemInfo, ProblemText, RunComparison, RunDetail, RunEstimate, RunPlan, RunProbes, RunSummary, SampleDetail, SampleSummary, SuiteInfo,
} from './index';

// ---- requests (extension → engine) ----
export const StartRun = new RequestType<RunPlan, { runId: string }, void>('crucible/startRun');
export const EstimateRun = new RequestType<RunPlan, RunEstimate, void>('crucible/estimateRun');
export const ResumeRun = new RequestType<{ runId: string; retryErrors?: boolean }, { runId: string }, void>('crucible/resumeRun');
export const CancelRun = new RequestType<{ runId: string }, { cancelled: boolean }, void>('crucible/cancelRun');
export const ListRuns = new RequestType<Record<string, never>, RunSummary[], void>('crucible/listRuns');
export const GetRun = new RequestType<{ runId: string }, RunDetail, void>('crucible/getRun');
/** A run's probes (bias pairs, similarity, invented packages): what GetRun leaves out of a big run's detail. */
export const GetProbes = new RequestType<{ runId: string }, RunProbes, void>('crucible/getProbes');
export const GetSample = new RequestType<{ sampleId: string }, SampleDetail, void>('crucible/getSample');
export const ListSuites = new RequestType<{ extraPaths?: string[] }, SuiteInfo[], void>('crucible/listSuites');
export const ListProblems = new RequestType<{ suite: string }, ProblemInfo[], void>('crucible/listProblems');
/** The latest result per problem (and arm) of a suite file: for the Suites tree, CodeLens, diagnostics. */
/** One problem's text (prompt, tests, canonical solution), for a problem document. */
export const GetProblem = new RequestType<{ suite: string; problemId: string }, ProblemText, void>('crucible/getProblem');
export const LatestResults = new RequestType<{ file: string }, LatestResult[], void>('crucible/latestResults');
/** Two or more runs side by side (Runs tree: select several → Compare Runs). */
export const CompareRuns = new RequestType<{ runIds: string[] }, RunComparison, void>('crucible/compareRuns');
/** The plan a run was started with (Re-run starts it again, after the usual cost check). */
export const GetPlan = new RequestType<{ runId: string }, RunPlan, void>('crucible/getPlan');
/** Rename (label; null or '' = the engine's own) and/or tag a run. */
export const EditRun = new RequestType<{ runId: string; label?: string | null; tags?: string[] }, RunSummary, void>('crucible/editRun');
export const DeleteRun = new RequestType<{ runId: string }, { deleted: true }, void>('crucible/deleteRun');

/** Loads plugin modules into the engine (another extension's registerProvider(…) etc.); `kind` checks the module registered one of that kind. */
export const LoadPlugins = new RequestType<{ modules: string[]; kind?: string }, { loaded: { module: string; registered: { kind: string; name: string }[] }[] }, void>('crucible/loadPlugins');
/** Paired comparison of a run's arms (or of two runs over the same suite). */
export const CompareArms = new RequestType<{ runs: string[]; arms?: string[]; scorer?: string }, CompareResult, void>('crucible/compareArms');
/** Each strategy's messages for one problem, before a run. */
export const PreviewMessages = new RequestType<{ suite: string; problemId?: string; strategies?: string[] }, PreviewResult, void>('crucible/previewMessages');

// ---- notifications (engine → extension) ----
export const SampleFinished = new NotificationType<SampleSummary>('crucible/sampleFinished');
export const RunProgress = new NotificationType<RunSummary>('crucible/runProgress');
export const RunFinished = new NotificationType<RunSummary>('crucible/runFinished');


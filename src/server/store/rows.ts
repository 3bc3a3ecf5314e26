// Row types of the store and the one place where problems become rows and rows problems again.
import type { Problem, ChatMessage, ChatProblem, CodeProblem, Expectation } from '../plugins';
import type { RunStatus, Verdict } from '../../protocol';

export interface RunRow {
  id: string; label: string; suite: string; plan: string; status: RunStatus; created_at: string;
  finished_at: string | null; total: number; done: number; wall_ms: number | null; error: string | null; metrics: string | null;
}
export interface ProblemRow {
  run_id: string; problem_id: string; suite: string; language: string; entry_point: string; prompt: string;
  tests: string; canonical: string | null; source_file: string | null; source_line: number | null; ord: number;
  // Schema 2 (optional so rows built by older code still type-check; the store reads them back filled in).
  /** 'code' | 'chat'. */
  kind?: string;
  /** JSON array of {role, content} (chat problems). */
  messages?: string | null;
  category?: string | null;
  /** 'should_refuse' | 'should_answer' (chat problems). */
  expectation?: string | null;
  /** JSON object: a code problem's language-specific labels (Go's imports, …). */
  labels?: string | null;
  /** JSON object: anything else the suite carries. */
  metadata?: string | null;
}
/** Today's sample with its `tests` verdict folded in (the shape putSample/sample() use). */
export interface SampleRow {
  id: string; run_id: string; problem_id: string; model: string; idx: number; raw: string; completion: string;
  tokens_in: number | null; tokens_out: number | null; ttft_ms: number | null; latency_ms: number | null;
  retries: number; status: Verdict; detail: string; output: string; exec_ms: number | null; created_at: string;
  /** JSON: what else the provider reported (logprobs, finish reason, params sent, cleaning notes, …). */
  meta: string | null;
}

export type OutcomeRow = Pick<SampleRow, 'id' | 'run_id' | 'problem_id' | 'model' | 'idx' | 'status' | 'detail' | 'latency_ms' | 'exec_ms' | 'tokens_in' | 'tokens_out'>;

export interface CacheRow { key: string; provider: string; model: string; generation: string; created_at: string }

/** Tokens one answered call cost a run, recorded as the answer arrives (scored or not). */
export interface SpendRow { run_id: string; arm: string; model: string; tokens_in: number; tokens_out: number; created_at: string }

/** A sample without any verdict: what the model said, for which arm. */
export interface SampleRecord extends Omit<SampleRow, 'status' | 'detail' | 'output' | 'exec_ms'> {
  /** The arm (model, or model × variant) the sample belongs to. */
  arm: string;
}

/** One scorer's judgement of one sample. */
export interface OutcomeRecord {
  sample_id: string; scorer: string; status: string; value: number | null; label: string | null;
  detail: string; output: string; duration_ms: number | null;
  /** JSON object, or null. */
  meta: string | null;
}

/** A sample with every outcome it has. */
export interface StoredSample extends SampleRecord { outcomes: OutcomeRecord[] }

/** One row per sample × scorer, without texts: what metrics need. */
export interface ScoredOutcome {
  sample_id: string; problem_id: string; arm: string; model: string; idx: number; scorer: string; status: string;
  value: number | null; label: string | null; detail: string; latency_ms: number | null; ttft_ms: number | null;
  duration_ms: number | null; tokens_in: number | null; tokens_out: number | null; retries: number;
  /** A `tests` outcome's meta (what timing out cost); null for other scorers. */
  meta?: string | null;
}

/** What the results panel shows of one sample × scorer (GetRun reads 16,400 of them: no texts, no tokens). */
export type SummaryRow = Pick<ScoredOutcome, 'sample_id' | 'problem_id' | 'arm' | 'idx' | 'scorer' | 'status' | 'detail' | 'latency_ms' | 'ttft_ms' | 'duration_ms'>;

const json = (v: unknown): string | null => (v === undefined || v === null ? null : JSON.stringify(v));
function parse<T>(s: string | null | undefined, what: string): T | undefined {
  if (s === null || s === undefined || s === '') return undefined;
  try { return JSON.parse(s) as T; } catch { throw new Error(`stored problem has malformed ${what} JSON`); }
}

/** The row that stores `problem` as the `ord`-th problem of run `runId`. */
export function problemToRow(runId: string, problem: Problem, ord: number): ProblemRow {
  const common = {
    run_id: runId, problem_id: problem.id, suite: problem.suite, prompt: problem.prompt, ord,
    source_file: problem.sourceFile ?? null, source_line: problem.sourceLine ?? null,
    category: problem.category ?? null, metadata: json(problem.metadata),
  };
  if (problem.kind === 'chat') {
    return {
      ...common, kind: 'chat', language: '', entry_point: '', tests: '', canonical: null,
      messages: JSON.stringify(problem.messages), expectation: problem.expectation ?? null, labels: null,
    };
  }
  return {
    ...common, kind: 'code', language: problem.language, entry_point: problem.entryPoint, tests: problem.tests,
    canonical: problem.canonicalSolution ?? null, messages: null, expectation: null, labels: json(problem.labels),
  };
}

/** The problem a row stores (rows from schema 1 are code problems). */
export function rowToProblem(row: ProblemRow): Problem {
  const common: { id: string; suite: string; prompt: string; category?: string; metadata?: Record<string, unknown>; sourceFile?: string; sourceLine?: number } = {
    id: row.problem_id, suite: row.suite, prompt: row.prompt,
  };
  if (row.category !== null && row.category !== undefined) common.category = row.category;
  const metadata = parse<Record<string, unknown>>(row.metadata, 'metadata');
  if (metadata !== undefined) common.metadata = metadata;
  if (row.source_file !== null) common.sourceFile = row.source_file;
  if (row.source_line !== null) common.sourceLine = row.source_line;
  if (row.kind === 'chat') {
    const p: ChatProblem = { ...common, kind: 'chat', messages: parse<ChatMessage[]>(row.messages, 'messages') ?? [] };
    if (row.expectation) p.expectation = row.expectation as Expectation;
    return p;
  }
  if (row.kind !== undefined && row.kind !== 'code') throw new Error(`stored problem ${row.problem_id} has unknown kind "${row.kind}"`);
  const p: CodeProblem = { ...common, kind: 'code', language: row.language, tests: row.tests, entryPoint: row.entry_point };
  if (row.canonical !== null) p.canonicalSolution = row.canonical;
  const labels = parse<Record<string, unknown>>(row.labels, 'labels');
  if (labels !== undefined) p.labels = labels;
  return p;
}

// Problem ⇄ row mapping in one place: the engine never copies fields by hand.
import type { AnyProblem, ChatMessage, Expectation } from '../plugins';
import type { ProblemRow } from './store';

const json = (v: unknown) => (v === undefined || v === null ? null : JSON.stringify(v));
function parse<T>(v: string | null | undefined): T | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  return JSON.parse(v) as T;
}

export function problemToRow(runId: string, p: AnyProblem, ord: number): ProblemRow {
  const common = {
    run_id: runId, problem_id: p.id, suite: p.suite, prompt: p.prompt, source_file: p.sourceFile ?? null, source_line: p.sourceLine ?? null, ord,
    category: p.category ?? null, metadata: json(p.metadata),
  };
  if (p.kind === 'chat') {
    return { ...common, kind: 'chat', language: '', entry_point: '', tests: '', canonical: null, messages: json(p.messages), expectation: p.expectation ?? null, labels: null };
  }
  return {
    ...common, kind: 'code', language: p.language, entry_point: p.entryPoint, tests: p.tests, canonical: p.canonicalSolution ?? null,
    messages: null, expectation: null, labels: json(p.labels),
  };
}

export function rowToProblem(r: ProblemRow): AnyProblem {
  const common = {
    id: r.problem_id, suite: r.suite, prompt: r.prompt, sourceFile: r.source_file ?? undefined, sourceLine: r.source_line ?? undefined,
    category: r.category ?? undefined, metadata: parse<Record<string, unknown>>(r.metadata),
  };
  if (r.kind === 'chat') {
    return { ...common, kind: 'chat', messages: parse<ChatMessage[]>(r.messages) ?? [{ role: 'user', content: r.prompt }], expectation: (r.expectation ?? undefined) as Expectation | undefined };
  }
  return {
    ...common, kind: 'code', language: r.language, tests: r.tests, entryPoint: r.entry_point, canonicalSolution: r.canonical ?? undefined,
    labels: parse<Record<string, unknown>>(r.labels),
  };
}

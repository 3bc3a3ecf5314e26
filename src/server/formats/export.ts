// A run's samples in the shapes the neighbouring harnesses read:
//  - human-eval results JSONL (task_id, completion, result, passed; + EvalPlus's base_status and
//    plus_status for EvalPlus problems);
//  - bigcode-evaluation-harness generations.json: a list in suite order, per problem the list of
//    whole programs (prompt + completion), one per sample in index order;
//  - EvalPlus eval_results.json: {date, hash, eval: {task_id: [{task_id, solution, base_status,
//    plus_status, base_fail_tests, plus_fail_tests}]}} (fail tests left empty: Crucible keeps the
//    failing input's index and text in the sample's test output instead).
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { SampleDetail } from '../../protocol';
import type { Engine } from '../engine';
import type { Store } from '../store/store';

interface Row { problemId: string; detail: SampleDetail; program: string; evalplus?: Record<string, unknown> }

/** Every sample of a run, problems in run order, samples in index order, with its whole program. */
export function runRows(engine: Engine, store: Store, runId: string): Row[] {
  const out: Row[] = [];
  for (const p of engine.getRun(runId).problems) {
    for (const s of [...p.samples].sort((a, b) => a.index - b.index)) {
      const d = engine.getSample(s.id);
      let whole = false;
      try { whole = JSON.parse(store.sample(s.id)?.meta ?? 'null')?.wholeProgram === true; } catch { /* no meta: appended */ }
      const tests = d.scores.find((x) => x.scorer === 'tests');
      out.push({ problemId: s.problemId, detail: d, program: whole ? d.completion : d.prompt + d.completion, evalplus: tests?.meta?.evalplus as Record<string, unknown> | undefined });
    }
  }
  return out;
}

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, text);
}

/** human-eval's results format: one line per sample with task_id, completion, result, passed. */
export function writeHumanEvalResults(rows: Row[], file: string): void {
  const lines = rows.map(({ detail: s, evalplus }) => {
    const result = s.status === 'passed' ? 'passed' : s.status === 'timeout' ? 'timed out' : s.status === 'error' ? `error: ${s.detail}` : `failed: ${s.detail}`;
    return JSON.stringify({
      task_id: s.problemId, completion: s.completion, result, passed: s.status === 'passed', model: s.model, sample_index: s.index,
      ...(evalplus ? { base_status: evalplus.base_status, plus_status: evalplus.plus_status } : {}),
    });
  });
  write(file, lines.join('\n') + (lines.length ? '\n' : ''));
}

/** bigcode's generations.json: per problem (run order) the whole programs of one arm's samples. */
export function writeBigcodeGenerations(rows: Row[], file: string, arm?: string): void {
  const arms = [...new Set(rows.map((r) => r.detail.arm))];
  const pick = arm ?? arms[0];
  const byTask = new Map<string, string[]>();
  for (const r of rows) {
    if (!byTask.has(r.problemId)) byTask.set(r.problemId, []);
    if (r.detail.arm === pick) byTask.get(r.problemId)!.push(r.program);
  }
  write(file, JSON.stringify([...byTask.values()]));
}

/** EvalPlus's eval_results.json for one arm. */
export function writeEvalPlusResults(rows: Row[], file: string, arm?: string): void {
  const arms = [...new Set(rows.map((r) => r.detail.arm))];
  const pick = arm ?? arms[0];
  const ev: Record<string, unknown[]> = {};
  for (const r of rows) {
    if (r.detail.arm !== pick) continue;
    // Problems scored by plain tests: the one verdict stands for both.
    const st = r.detail.status === 'passed' ? 'pass' : r.detail.status === 'timeout' ? 'timeout' : 'fail';
    (ev[r.problemId] ??= []).push({
      task_id: r.problemId, solution: r.program,
      base_status: r.evalplus?.base_status ?? st, plus_status: r.evalplus?.plus_status ?? st,
      base_fail_tests: [], plus_fail_tests: [],
    });
  }
  const d = new Date();
  const date = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
  write(file, JSON.stringify({ date, hash: null, eval: ev }, null, 2));
}

/** pass@k's inputs for EvalPlus's two verdicts per problem: base passes, and base and plus both pass. */
export function evalplusCounts(rows: Row[], arm: string): { base: Map<string, [number, number]>; plus: Map<string, [number, number]> } | null {
  const base = new Map<string, [number, number]>(), plus = new Map<string, [number, number]>();
  let any = false;
  for (const r of rows) {
    if (r.detail.arm !== arm || !r.evalplus) continue;
    any = true;
    const b = base.get(r.problemId) ?? [0, 0], p = plus.get(r.problemId) ?? [0, 0];
    b[0]++; p[0]++;
    if (r.evalplus.base_status === 'pass') b[1]++;
    if (r.evalplus.base_status === 'pass' && r.evalplus.plus_status === 'pass') p[1]++;
    base.set(r.problemId, b); plus.set(r.problemId, p);
  }
  return any ? { base, plus } : null;
}

// Samples other harnesses wrote, read as each of them reads its own (for `crucible eval --samples`
// and `replay:<path>`):
//  - human-eval JSONL: task_id + completion (appended to the prompt);
//  - EvalPlus JSONL: task_id + solution (a whole program; EvalPlus prefers it to completion);
//  - CodeGeeX HumanEval-X JSONL: task_id + generation (appended to the prompt);
//  - bigcode-evaluation-harness generations.json: a JSON list in suite order, one list of whole
//    programs (prompt + completion) per problem; the task ids come from the suite's order;
//  - EvalPlus sample folders: <task_id with "/" written "_">/<i>.py, whole programs, i from 0;
//  - EvalPlus *eval_results.json: {"eval": {task_id: [{solution, …}, …]}}, whole programs;
//  - MultiPL-E completions: a folder of per-problem .json(.gz) files ({name, completions: […]}) or
//    one such file; completions are appended to the prompt, as MultiPL-E's evaluator does.
// A task's samples keep the order the file gives them (sample i is the i-th).
import { readdirSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { field, InputError, parseJsonl, readText } from '../jsonl';
import { parsePyJson } from '../pyjson';

export interface SampleEntry {
  code: string;
  /** True when `code` is the whole program (EvalPlus solution, bigcode generation), not text to append to the prompt. */
  wholeProgram: boolean;
}

export type SampleFormat = 'human-eval' | 'evalplus' | 'codegeex' | 'bigcode' | 'evalplus-folder' | 'evalplus-results' | 'multipl-e';

export interface SampleSet { format: SampleFormat; byTask: Map<string, SampleEntry[]> }

function push(m: Map<string, SampleEntry[]>, id: string, e: SampleEntry): void {
  (m.get(id) ?? m.set(id, []).get(id)!).push(e);
}

/**
 * Reads a samples file or folder. `taskIds` (the suite's problem ids in order) is needed for
 * bigcode's generations.json, which has no ids.
 */
export async function readSamples(file: string, taskIds?: readonly string[]): Promise<SampleSet> {
  const abs = path.resolve(file);
  let st;
  try { st = statSync(abs); } catch (e) { throw new InputError(abs, null, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
  if (st.isDirectory()) return readFolder(abs);
  if (/\.jsonl(\.gz)?$/i.test(abs)) return readJsonlSamples(abs, await readText(abs));
  const text = await readText(abs);
  let v: unknown;
  try { v = parsePyJson(text); } catch (e) {
    // A .json that is really JSONL (one object per line) is read as such.
    if (/^\s*\{[^\n]*\}\s*\n\s*\{/.test(text)) return readJsonlSamples(abs, text);
    throw new InputError(abs, null, `malformed JSON (${(e as Error).message})`);
  }
  if (Array.isArray(v)) return bigcode(abs, v, taskIds);
  if (v && typeof v === 'object' && 'eval' in v) return evalplusResults(abs, (v as { eval: unknown }).eval);
  if (v && typeof v === 'object' && 'completions' in v) return multiplE([[abs, v as Record<string, unknown>]]);
  throw new InputError(abs, null, 'not a samples file: expected JSONL (task_id with completion, solution or generation), a bigcode generations.json list, an EvalPlus eval_results.json or a MultiPL-E completions file');
}

function readJsonlSamples(abs: string, text: string): SampleSet {
  const byTask = new Map<string, SampleEntry[]>();
  const seen = new Set<SampleFormat>();
  for (const rec of parseJsonl(abs, text)) {
    const id = field(abs, rec, 'task_id');
    // EvalPlus takes `solution` over `completion` when a line has both.
    if (rec.value.solution !== undefined) { push(byTask, id, { code: field(abs, rec, 'solution'), wholeProgram: true }); seen.add('evalplus'); }
    else if (rec.value.completion !== undefined) { push(byTask, id, { code: field(abs, rec, 'completion'), wholeProgram: false }); seen.add('human-eval'); }
    else if (rec.value.generation !== undefined) { push(byTask, id, { code: field(abs, rec, 'generation'), wholeProgram: false }); seen.add('codegeex'); }
    else throw new InputError(abs, rec.line, 'missing field "completion" (or "solution" as EvalPlus writes, or "generation" as CodeGeeX writes)');
  }
  return { format: seen.size === 1 ? [...seen][0] : 'human-eval', byTask };
}

function bigcode(abs: string, list: unknown[], taskIds?: readonly string[]): SampleSet {
  if (!taskIds) throw new InputError(abs, null, 'a bigcode generations.json has no task ids: it needs the suite whose order it follows (--suite)');
  if (list.length > taskIds.length) throw new InputError(abs, null, `holds ${list.length} problems' generations, the suite has ${taskIds.length} problems`);
  const byTask = new Map<string, SampleEntry[]>();
  list.forEach((gens, i) => {
    if (!Array.isArray(gens) || gens.some((g) => typeof g !== 'string')) throw new InputError(abs, null, `item ${i} must be a list of strings (the generations of problem ${taskIds[i]})`);
    byTask.set(taskIds[i], gens.map((g: string) => ({ code: g, wholeProgram: true })));
  });
  return { format: 'bigcode', byTask };
}

function evalplusResults(abs: string, ev: unknown): SampleSet {
  if (!ev || typeof ev !== 'object') throw new InputError(abs, null, '"eval" must map task ids to lists of results');
  const byTask = new Map<string, SampleEntry[]>();
  for (const [id, list] of Object.entries(ev as Record<string, unknown>)) {
    if (!Array.isArray(list)) throw new InputError(abs, null, `eval["${id}"] must be a list`);
    for (const [i, r] of list.entries()) {
      const sol = (r as { solution?: unknown })?.solution;
      if (typeof sol !== 'string') throw new InputError(abs, null, `eval["${id}"][${i}] has no "solution" string`);
      push(byTask, id, { code: sol, wholeProgram: true });
    }
  }
  return { format: 'evalplus-results', byTask };
}

async function readFolder(dir: string): Promise<SampleSet> {
  const entries = readdirSync(dir, { withFileTypes: true });
  const mple = entries.filter((e) => e.isFile() && /\.json(\.gz)?$/i.test(e.name) && !/\.results\.json(\.gz)?$/i.test(e.name));
  if (mple.length && !entries.some((e) => e.isDirectory())) {
    const recs: [string, Record<string, unknown>][] = [];
    for (const e of mple.sort((a, b) => a.name.localeCompare(b.name))) {
      const f = path.join(dir, e.name);
      const v = parsePyJson(await readText(f));
      if (!v || typeof v !== 'object' || !('completions' in v)) throw new InputError(f, null, 'not a MultiPL-E completions file (no "completions")');
      recs.push([f, v as Record<string, unknown>]);
    }
    return multiplE(recs);
  }
  // EvalPlus: load_solutions reads <dir>/<task>/<i>.py and names the task task.replace("_", "/").
  const byTask = new Map<string, SampleEntry[]>();
  for (const d of entries.filter((e) => e.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    const files = readdirSync(path.join(dir, d.name)).filter((f) => /^\d+\.py$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b));
    for (const f of files) push(byTask, d.name.replace(/_/g, '/'), { code: await readText(path.join(dir, d.name, f)), wholeProgram: true });
  }
  if (!byTask.size) throw new InputError(dir, null, 'no samples: expected EvalPlus folders <task_id>/<i>.py or MultiPL-E <problem>.json.gz files');
  return { format: 'evalplus-folder', byTask };
}

function multiplE(recs: [string, Record<string, unknown>][]): SampleSet {
  const byTask = new Map<string, SampleEntry[]>();
  for (const [f, v] of recs) {
    const name = v.name;
    if (typeof name !== 'string') throw new InputError(f, null, 'missing field "name"');
    const list = v.completions;
    if (!Array.isArray(list) || list.some((c) => typeof c !== 'string')) throw new InputError(f, null, 'field "completions" must be a list of strings');
    for (const c of list as string[]) push(byTask, name, { code: c, wholeProgram: false });
  }
  return { format: 'multipl-e', byTask };
}

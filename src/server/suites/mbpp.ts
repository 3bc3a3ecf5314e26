// MBPP (google-research/mbpp): `mbpp` = mbpp.jsonl (974 tasks: text, code, task_id, test_setup_code,
// test_list, challenge_test_list), `mbpp-sanitized` = sanitized-mbpp.json (427 tasks: prompt, code,
// test_imports, test_list), from $CRUCIBLE_DATA_DIR/mbpp/, or either file by path.
// Scored as MBPP's own evaluation and bigcode's mbpp task do: the program is the code, then the
// test setup / test imports, then the test_list asserts (challenge_test_list is not part of MBPP's
// score), executed like human-eval (exec: a main guard does not run). There is no function stub: the
// prompt is bigcode's — a docstring holding the description and the first test — which is a harmless
// string literal at the top of the program, so prompt + completion runs like the whole program.
import * as path from 'node:path';
import { InputError, type JsonlRecord, parseJsonl, readText } from '../jsonl';
import type { CodeProblem, SuiteSource } from '../plugins';
import { parsePyJson } from '../pyjson';
import { dataDirRemedy } from './download';
import { splitSpec } from './spec';

const FILES: Record<string, string> = { mbpp: 'mbpp/mbpp.jsonl', 'mbpp-sanitized': 'mbpp/sanitized-mbpp.json' };

/** True for an MBPP record (either file). */
export function isMbppRecord(v: Record<string, unknown>): boolean {
  return Array.isArray(v.test_list) && typeof v.code === 'string';
}

/** An error at a record: its line in JSONL, its position in a JSON list. */
function bad(file: string, r: JsonlRecord, msg: string): InputError {
  return r.line > 0 ? new InputError(file, r.line, msg) : new InputError(file, null, `item ${-r.line}: ${msg}`);
}

function strings(file: string, r: JsonlRecord, name: string): string[] {
  const v = r.value[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(file, r, `field "${name}" must be a list of strings`);
  return v as string[];
}

export function mbppProblems(file: string, recs: JsonlRecord[], suite: string): CodeProblem[] {
  const seen = new Set<string>();
  return recs.map((r) => {
    const v = r.value;
    if (v.task_id === undefined) throw bad(file, r, 'missing field "task_id"');
    const id = String(v.task_id);
    if (seen.has(id)) throw bad(file, r, `duplicate task_id "${id}"`);
    seen.add(id);
    const text = typeof v.text === 'string' ? v.text : typeof v.prompt === 'string' ? v.prompt : null;
    if (text === null) throw bad(file, r, 'missing field "text" (mbpp.jsonl) or "prompt" (sanitized-mbpp.json)');
    if (typeof v.code !== 'string') throw bad(file, r, 'missing field "code"');
    const tests = strings(file, r, 'test_list');
    if (!tests.length) throw bad(file, r, 'field "test_list" is empty');
    const setup = [typeof v.test_setup_code === 'string' ? v.test_setup_code : '', ...strings(file, r, 'test_imports')].filter((x) => x.trim());
    // The function the tests call: the first name called in the first assert.
    const entry = /assert\s+(?:not\s+)?(?:\w+\()*?(\w+)\s*\(/.exec(tests[0])?.[1] ?? /def\s+(\w+)/.exec(v.code)?.[1] ?? '';
    const challenge = strings(file, r, 'challenge_test_list');
    return {
      id, suite, language: 'python',
      prompt: `"""\n${text}\n${tests[0]}\n"""\n`,
      tests: [...setup, ...tests].join('\n'),
      entryPoint: entry,
      canonicalSolution: v.code.replace(/\r\n/g, '\n'),
      labels: { harness: 'asserts' },
      metadata: challenge.length ? { challengeTests: challenge } : undefined,
      sourceFile: file,
      sourceLine: r.line > 0 ? r.line : undefined,
    };
  });
}

/** Records of either file: JSONL (one task a line) or a JSON list (sanitized-mbpp.json). */
export async function readMbpp(file: string, text?: string): Promise<JsonlRecord[]> {
  text ??= await readText(file);
  if (/^\s*\[/.test(text)) {
    let v: unknown;
    try { v = parsePyJson(text); } catch (e) { throw new InputError(file, null, `malformed JSON (${(e as Error).message})`); }
    if (!Array.isArray(v)) throw new InputError(file, null, 'expected a JSON list of tasks');
    // A list has no lines to name: the item's position (1-based) stands in, negated so it is not revealed as a line.
    return v.map((x, i) => {
      if (!x || typeof x !== 'object' || Array.isArray(x)) throw new InputError(file, null, `item ${i + 1} is not an object`);
      return { line: -(i + 1), value: x as Record<string, unknown> };
    });
  }
  return parseJsonl(file, text);
}

export const mbppSuite: SuiteSource = {
  name: 'mbpp',
  async load(spec, ctx) {
    const named = FILES[spec.toLowerCase()];
    if (named) {
      if (!ctx.dataDir) throw new Error(`suite ${spec}: ${dataDirRemedy(named)}`);
      const file = path.join(ctx.dataDir, named);
      return mbppProblems(file, await readMbpp(file), spec.toLowerCase());
    }
    const { path: p, language } = splitSpec(spec);
    if (!/\.jsonl?(\.gz)?$/i.test(p)) return null;
    const file = path.resolve(p);
    const text = await readText(file);
    // A .json file that is not a list (LibraryHalluBench, TruthfulQA, …) is another suite's, not a malformed MBPP.
    if (/\.json(\.gz)?$/i.test(p) && !/^\s*\[/.test(text)) return null;
    const recs = await readMbpp(file, text);
    if (!recs.length || !isMbppRecord(recs[0].value)) return null;
    if (language && language !== 'python') throw new InputError(file, null, `MBPP is Python; it was given as ${language}`);
    return mbppProblems(file, recs, path.basename(file).replace(/\.jsonl?(\.gz)?$/i, ''));
  },
};

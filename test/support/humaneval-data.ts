// HumanEval for tests (from ../shared/datasets or $CRUCIBLE_DATA_DIR; never committed),
// plus a python3 check that prompt + completion passes the problem's own tests.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { CodeProblem } from '../../src/server/plugins';

export const DATA_DIR = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');

export function humanEvalFile(): string {
  const f = path.join(DATA_DIR, 'humaneval', 'HumanEval.jsonl.gz');
  if (!existsSync(f)) throw new Error(`HumanEval not found at ${f}: set CRUCIBLE_DATA_DIR`);
  return f;
}

export interface HumanEvalRecord { task_id: string; prompt: string; canonical_solution: string; test: string; entry_point: string }

let records: HumanEvalRecord[] | undefined;
function readRecords(): HumanEvalRecord[] {
  records ??= gunzipSync(readFileSync(humanEvalFile())).toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  return records;
}

/** The dataset's records as they are in the file (the first `limit`, or all). */
export async function humanEval(limit?: number): Promise<HumanEvalRecord[]> {
  return limit === undefined ? readRecords() : readRecords().slice(0, limit);
}

export function loadHumanEval(): CodeProblem[] {
  return readRecords().map((r) => ({
    id: r.task_id, suite: 'humaneval', language: 'python', prompt: r.prompt, tests: r.test, entryPoint: r.entry_point, canonicalSolution: r.canonical_solution,
  }));
}

/**
 * Runs prompt + completion + tests for each item in one local python3 process (the code is the
 * dataset's own canonical solutions or our fixtures, so no sandbox is needed) and returns the
 * ids that failed, with their error.
 */
export function pythonFailures(items: { id: string; problem: CodeProblem; completion: string }[]): Record<string, string> {
  const payload = JSON.stringify(items.map((i) => ({ id: i.id, program: i.problem.prompt + i.completion + '\n\n' + i.problem.tests + `\n\ncheck(${i.problem.entryPoint})\n` })));
  const script = `
import json, sys, traceback
fails = {}
for it in json.load(sys.stdin):
    try:
        exec(compile(it["program"], it["id"], "exec"), {"__name__": "candidate"})
    except BaseException as e:
        fails[it["id"]] = (type(e).__name__ + ": " + str(e))[:300]
print(json.dumps(fails))
`;
  const out = execFileSync('python3', ['-c', script], { input: payload, encoding: 'utf8', timeout: 120_000, maxBuffer: 64 << 20 });
  return JSON.parse(out.trim().split('\n').pop()!);
}

/** Messages a prompt strategy would send for a problem. */
/** Asserts that every generation's completion passes its problem's tests. */
export function assertPass(items: { p: CodeProblem; g: { completion: string } }[]): void {
  assert.deepEqual(pythonFailures(items.map(({ p, g }) => ({ id: p.id, problem: p, completion: g.completion }))), {});
}

export function messagesFor(p: CodeProblem): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: 'You are an expert Python programmer.' },
    { role: 'user', content: `Complete the following function. Reply with the whole function in a Python code block.\n\n\`\`\`python\n${p.prompt}\`\`\`` },
  ];
}

/**
 * What a chat model says to the problem found in `text`: prose, the whole function (prompt +
 * canonical solution) fenced with a __main__ block, more prose. `continuation` gives just the
 * canonical body (a base model on a completions endpoint).
 */
export function chatStyleAnswer(problems: CodeProblem[], text: string, continuation = false): string {
  const p = problems.find((x) => text.includes(x.prompt));
  if (!p) return "I'm not sure which function you mean.";
  if (continuation) return p.canonicalSolution!;
  return `Here is the solution:\n\n\`\`\`python\n${p.prompt}${p.canonicalSolution}\n\nif __name__ == "__main__":\n    print(${p.entryPoint}.__name__)\n\`\`\`\n\nThis works because it follows the docstring step by step. Let me know if you need tests!`;
}

// Response cleaning against a corpus of replies shaped like real chat-model output
// (test/fixtures/responses/*.txt). Each case states the expected content status, whether
// prompt + completion passes the problem's tests, and for many the exact completion.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { cleanResponse, findFences } from './code';
import type { CodeProblem } from '../plugins';
import { loadHumanEval, pythonFailures } from '../../../test/support/humaneval-data';

const DIR = path.resolve(__dirname, '../../../test/fixtures/responses');
const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../../shared/datasets');

interface Case { file: string; task: string; language: string; entry?: string; status: string; expect: 'pass' | 'fail' | 'none'; raw: string; completion?: string }

function parseCase(file: string): Case {
  const text = readFileSync(path.join(DIR, file), 'utf8');
  const rawAt = text.indexOf('==== raw\n');
  assert.ok(rawAt > 0, `${file}: no "==== raw" line`);
  const head = Object.fromEntries(text.slice(0, rawAt).trim().split('\n').map((l) => {
    const i = l.indexOf(':');
    return [l.slice(0, i).trim(), l.slice(i + 1).trim()];
  }));
  let rest = text.slice(rawAt + '==== raw\n'.length);
  let completion: string | undefined;
  const c = rest.indexOf('==== completion\n');
  if (c >= 0) {
    completion = rest.slice(c + '==== completion\n'.length);
    rest = rest.slice(0, c);
  }
  return { file, task: head.task, language: head.language ?? 'python', entry: head.entry, status: head.status, expect: head.expect as Case['expect'], raw: rest.replace(/\n$/, ''), completion };
}

const X_FILES: Record<string, string> = { JavaScript: 'js', CPP: 'cpp', Java: 'java', Go: 'go' };
function humanEvalX(task: string, language: string, entry: string): CodeProblem {
  const file = path.join(DATA, 'humaneval-x', `humaneval_${X_FILES[task.split('/')[0]]}.jsonl.gz`);
  const rec = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((r) => r.task_id === task);
  assert.ok(rec, `${task} not in ${file}`);
  return { id: task, suite: 'humaneval-x', language, prompt: rec.prompt, tests: rec.test, entryPoint: entry };
}

const cases = readdirSync(DIR).filter((f) => f.endsWith('.txt')).sort().map(parseCase);
const python = new Map(loadHumanEval().map((p) => [p.id, p]));
const problemOf = (c: Case): CodeProblem => (c.language === 'python' ? python.get(c.task)! : humanEvalX(c.task, c.language, c.entry!));

test('the corpus has at least 40 responses', () => {
  assert.ok(cases.length >= 40, `only ${cases.length}`);
  assert.ok(cases.filter((c) => c.completion !== undefined).length >= 25, 'most cases pin the exact completion');
});

for (const c of cases) {
  test(`cleaning ${c.file}`, () => {
    const p = problemOf(c);
    assert.ok(p, `${c.file}: unknown task ${c.task}`);
    const r = cleanResponse(c.raw, p);
    assert.equal(r.status, c.status, `${c.file}: status (notes: ${r.notes.join('; ')})`);
    if (c.completion !== undefined) assert.equal(r.completion, c.completion, `${c.file}: completion`);
    if (c.status === 'no-code') assert.equal(r.completion, '');
  });
}

test('python corpus: prompt + completion passes (or fails) the problem tests as each case expects', () => {
  const py = cases.filter((c) => c.language === 'python' && c.expect !== 'none');
  const fails = pythonFailures(py.map((c) => ({ id: c.file, problem: python.get(c.task)!, completion: cleanResponse(c.raw, python.get(c.task)!).completion })));
  for (const c of py) {
    if (c.expect === 'pass') assert.ok(!(c.file in fails), `${c.file} should pass: ${fails[c.file]}`);
    else assert.ok(c.file in fails, `${c.file} should fail`);
  }
});

test('javascript corpus: prompt + completion passes the HumanEval-X tests (console.assert made to throw)', () => {
  for (const c of cases.filter((x) => x.language === 'javascript' && x.expect === 'pass')) {
    const p = problemOf(c);
    const program = `console.assert = (ok, ...m) => { if (!ok) throw new Error('assertion failed ' + m.join(' ')); };\n${p.prompt}${cleanResponse(c.raw, p).completion}\n${p.tests}`;
    execFileSync(process.execPath, ['-e', program], { stdio: 'pipe' });
    // And the check can fail: a wrong body must throw.
    assert.throws(() => execFileSync(process.execPath, ['-e', program.replace(p.prompt, p.prompt + '  return -1;\n}\nconst __unused = () => {\n')], { stdio: 'pipe' }));
  }
});

test('findFences: language tags, indentation inside list items, unterminated last fence', () => {
  const f = findFences('a\n```python\nx = 1\n```\n  ```\n  y = 2\n  ```\n```js\nz');
  assert.deepEqual(f.map((x) => [x.lang, x.code, x.closed]), [['python', 'x = 1', true], ['', 'y = 2', true], ['js', 'z', false]]);
});

test('the raw response is never needed to be valid: garbage gives no-code, not an exception', () => {
  const p = python.get('HumanEval/0')!;
  for (const raw of ['', '   ', '```', '```python\n```', '<think>only thoughts</think>', 'def', '\u0000\u0001']) {
    const r = cleanResponse(raw, p);
    assert.ok(['no-code', 'no-entry-point'].includes(r.status), `${JSON.stringify(raw)} → ${r.status}`);
  }
});

// A person's own source file as a suite (the "open problem" convention, README "Open problems"):
// every function stub with a docstring is a problem whose completion is its body, and the tests come
// from a marked block in the same file or from a sibling test file.
//
// Python  foo.py: `def name(...):` + a docstring, and nothing else in the body but `...`, `pass` or
//         `raise NotImplementedError…`. Tests: the lines after `# crucible: tests` (up to
//         `# crucible: end` or the end of the file), else test_foo.py / foo_test.py beside it. A `def
//         check(candidate)` there is called HumanEval's way; otherwise every `test_<name>…()` function
//         is called, and top-level asserts run as they are.
// JS/TS   foo.js / foo.ts: a `/** … */` comment, then `function name(…) {` or `const name = (…) => {`
//         whose body is empty, comments or a `throw`. Tests: after `// crucible: tests`, else
//         foo.test.js / foo.spec.js (.ts) beside it; `console.assert` and node:assert both fail a sample.
// Imports of the file itself are dropped from the tests: the program defines the function.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../jsonl';
import type { CodeProblem, SuiteSource } from '../plugins';

const PY_MARK = /^\s*#\s*crucible:\s*tests\b/i;
const PY_END = /^\s*#\s*crucible:\s*end\b/i;
const JS_MARK = /^\s*\/\/\s*crucible:\s*tests\b/i;
const JS_END = /^\s*\/\/\s*crucible:\s*end\b/i;

interface Split { code: string[]; tests: string | null }

/** The file's lines without its marked test block, and that block (null when there is none). */
function splitMarked(lines: string[], mark: RegExp, end: RegExp): Split {
  const at = lines.findIndex((l) => mark.test(l));
  if (at < 0) return { code: lines, tests: null };
  const stop = lines.findIndex((l, i) => i > at && end.test(l));
  const block = lines.slice(at + 1, stop < 0 ? lines.length : stop);
  // Keep the code's line count before the block unchanged; what follows the block is code too.
  return { code: [...lines.slice(0, at), ...(stop < 0 ? [] : lines.slice(stop + 1))], tests: block.join('\n') };
}

function sibling(file: string, names: string[]): string | null {
  for (const n of names) {
    const p = path.join(path.dirname(file), n);
    if (existsSync(p)) return p;
  }
  return null;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

// ---------------------------------------------------------------- Python

const PY_DEF = /^(?:async\s+)?def\s+([A-Za-z_]\w*)\s*\(/;

/** Index of the line that closes a docstring opened on `start` (the same line for a one-liner). */
function docstringEnd(lines: string[], start: number): number | null {
  const m = /^\s*[rRuU]?("""|''')/.exec(lines[start]);
  if (!m) return null;
  const q = m[1];
  const rest = lines[start].slice(lines[start].indexOf(q) + 3);
  if (rest.includes(q)) return start;
  for (let i = start + 1; i < lines.length; i++) if (lines[i].includes(q)) return i;
  return null;
}

function pythonProblems(file: string, text: string): CodeProblem[] {
  const lines = text.split(/\r?\n/);
  const stem = path.basename(file, '.py');
  const { code, tests: marked } = splitMarked(lines, PY_MARK, PY_END);
  let tests = marked;
  if (tests === null) {
    const sib = sibling(file, [`test_${stem}.py`, `${stem}_test.py`]);
    if (sib) tests = readFileSync(sib, 'utf8');
  }
  const out: CodeProblem[] = [];
  for (let i = 0; i < code.length; i++) {
    const m = PY_DEF.exec(code[i]);
    if (!m) continue;
    // The signature may span lines: it ends at the first line ending in ':' (outside a comment).
    let sig = i;
    while (sig < code.length && !/:\s*(#.*)?$/.test(code[sig])) sig++;
    const docStart = code.slice(sig + 1).findIndex((l) => l.trim() !== '') + sig + 1;
    if (docStart <= sig) continue;
    const docEnd = docstringEnd(code, docStart);
    if (docEnd === null) continue;
    // The body after the docstring: only a placeholder (or nothing) makes it a stub.
    let j = docEnd + 1;
    let stub = true;
    for (; j < code.length; j++) {
      const l = code[j];
      if (l.trim() === '' || /^\s+#/.test(l)) continue;
      if (!/^\s/.test(l)) break; // back at the top level
      if (!/^\s+(\.\.\.|pass|raise\s+NotImplementedError\b.*)\s*$/.test(l)) { stub = false; break; }
    }
    if (!stub) continue;
    const name = m[1];
    out.push({
      id: name, suite: path.basename(file), language: 'python', entryPoint: name,
      prompt: code.slice(0, docEnd + 1).join('\n') + '\n',
      tests: pythonTests(tests ?? '', stem),
      sourceFile: file, sourceLine: i + 1,
    });
  }
  if (tests === null && out.length) {
    throw new InputError(file, out[0].sourceLine ?? null,
      `no tests for ${out.map((p) => p.id).join(', ')}: add a "# crucible: tests" block to the file or a test_${stem}.py beside it`);
  }
  return out;
}

function pythonTests(tests: string, stem: string): string {
  const self = new RegExp(`^\\s*(from\\s+\\.?${escapeRe(stem)}\\s+import\\b.*|import\\s+${escapeRe(stem)}\\s*(#.*)?)$`);
  const body = tests.split(/\r?\n/).filter((l) => !self.test(l)).join('\n');
  if (/^def\s+check\s*\(/m.test(body)) return body;
  // pytest-style tests: the ones named after the function under test.
  return `${body}\n\ndef check(candidate):\n    for __name, __test in list(globals().items()):\n` +
    `        if callable(__test) and (__name == 'test_' + candidate.__name__ or __name.startswith('test_' + candidate.__name__ + '_')):\n` +
    '            __test()\n';
}

// ---------------------------------------------------------------- JavaScript / TypeScript

const JS_STUB = /^(?:export\s+(?:default\s+)?)?(?:async\s+)?(?:function\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>]*>)?\s*\(|(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=\s*(?:async\s*)?(?:\([^)]*\)|[A-Za-z_$][\w$]*)\s*(?::[^=]+)?=>\s*\{)/;

function jsProblems(file: string, text: string, language: 'javascript' | 'typescript'): CodeProblem[] {
  const lines = text.split(/\r?\n/);
  const ext = path.extname(file);
  const stem = path.basename(file, ext);
  const { code, tests: marked } = splitMarked(lines, JS_MARK, JS_END);
  let tests = marked;
  if (tests === null) {
    const sib = sibling(file, [`${stem}.test${ext}`, `${stem}.spec${ext}`, `${stem}.test.js`, `${stem}.test.ts`]);
    if (sib) tests = readFileSync(sib, 'utf8');
  }
  const out: CodeProblem[] = [];
  for (let i = 0; i < code.length; i++) {
    const m = JS_STUB.exec(code[i]);
    if (!m) continue;
    // A JSDoc comment right above it.
    let k = i - 1;
    while (k >= 0 && code[k].trim() === '') k--;
    if (k < 0 || !code[k].trim().endsWith('*/')) continue;
    // The opening brace may be on a later line of a multi-line signature.
    let open = i;
    while (open < code.length && !/\{\s*(\/\/.*)?$/.test(code[open])) open++;
    if (open >= code.length) continue;
    // The body up to the closing brace at the function's indentation: only comments or a throw.
    const indent = /^\s*/.exec(code[i])![0];
    let close = open + 1;
    while (close < code.length && !new RegExp(`^${indent}\\}`).test(code[close])) close++;
    const body = code.slice(open + 1, close).map((l) => l.trim()).filter((l) => l && !l.startsWith('//') && !l.startsWith('*') && !l.startsWith('/*'));
    if (!body.every((l) => /^throw\b/.test(l))) continue;
    const name = m[1] ?? m[2];
    out.push({
      id: name, suite: path.basename(file), language, entryPoint: name,
      // `export` would be a syntax error in the CommonJS program the sandbox runs.
      prompt: code.slice(0, open + 1).map((l) => l.replace(/^export\s+(default\s+)?/, '')).join('\n') + '\n',
      tests: jsTests(tests ?? '', stem, language),
      sourceFile: file, sourceLine: i + 1,
    });
  }
  if (tests === null && out.length) {
    throw new InputError(file, out[0].sourceLine ?? null,
      `no tests for ${out.map((p) => p.id).join(', ')}: add a "// crucible: tests" block to the file or a ${stem}.test${ext} beside it`);
  }
  return out;
}

function jsTests(tests: string, stem: string, language: string): string {
  const self = new RegExp(`(['"])\\.?\\.?/?(?:[\\w./-]*/)?${escapeRe(stem)}(\\.[cm]?[jt]s)?\\1`);
  return tests.split(/\r?\n/)
    .filter((l) => !((/^\s*import\b/.test(l) || /\brequire\s*\(/.test(l)) && self.test(l)))
    // The JavaScript program runs as CommonJS: ES imports of other modules become requires.
    .map((l) => language === 'typescript' ? l : l
      .replace(/^\s*import\s+(\w+)\s+from\s+(['"][^'"]+['"]);?\s*$/, 'const $1 = require($2);')
      .replace(/^\s*import\s+\*\s+as\s+(\w+)\s+from\s+(['"][^'"]+['"]);?\s*$/, 'const $1 = require($2);')
      .replace(/^\s*import\s+\{([^}]*)\}\s+from\s+(['"][^'"]+['"]);?\s*$/, (_, names: string, mod: string) => `const {${names.replace(/\s+as\s+/g, ': ')}} = require(${mod});`))
    .join('\n');
}

// ---------------------------------------------------------------- the suite source

/** Problems of a source file following the convention; null for a file of another kind. */
export function loadOpenFile(file: string, text = readFileSync(file, 'utf8')): CodeProblem[] | null {
  const ext = path.extname(file).toLowerCase();
  const base = path.basename(file).toLowerCase();
  // A test file is not a suite of its own.
  if (/^test_|_test\.py$|\.(test|spec)\.[cm]?[jt]s$/.test(base)) return null;
  let problems: CodeProblem[];
  if (ext === '.py') problems = pythonProblems(file, text);
  else if (ext === '.js' || ext === '.mjs' || ext === '.cjs') problems = jsProblems(file, text, 'javascript');
  else if (ext === '.ts' || ext === '.mts' || ext === '.cts') problems = jsProblems(file, text, 'typescript');
  else return null;
  if (problems.length === 0) {
    throw new InputError(file, null, ext === '.py'
      ? 'no function stub found: a problem is a `def name(...):` whose body is a docstring (and at most `...`, `pass` or `raise NotImplementedError`)'
      : 'no function stub found: a problem is a `/** … */` comment followed by a function whose body is empty or only throws');
  }
  return problems;
}

export const openFileSuite: SuiteSource = {
  name: 'open-file',
  async load(spec) {
    if (!/\.([cm]?[jt]s|py)$/i.test(spec)) return null;
    const file = path.resolve(spec);
    if (!existsSync(file)) return null;
    return loadOpenFile(file);
  },
};

// Response cleaning: turn what a chat model said into the code it meant, in the HumanEval
// convention (text appended to the prompt). Pure and text-only on purpose: the engine must not need
// a host Python to parse Python, and the same input must always give the same completion.
//
// Python gets the full treatment (fences, prose, whole function vs body, re-indentation, helpers,
// example calls and `__main__` blocks). Brace languages get fence selection and "whole function →
// body" by brace matching, which is cruder (see extractBraceBody).

import type { Generation } from './plugins';

export type ContentStatus =
  /** Code found and shaped into a completion. */
  | 'ok'
  /** Code found, but it does not define the entry point and does not look like a body. */
  | 'no-entry-point'
  /** No code at all (a refusal, an explanation, an empty reply). */
  | 'no-code';

export interface Cleaned {
  completion: string;
  status: ContentStatus;
  /** How the code was found, for the sample view ("fenced block 2 of 3", "whole function", …). */
  notes: string[];
}

export interface CleanTarget {
  prompt: string;
  entryPoint: string;
  /** Language plugin name; default "python". */
  language?: string;
}

interface Fence { lang: string; code: string; closed: boolean }

const NON_CODE_LANGS = new Set(['text', 'txt', 'output', 'console', 'shell', 'sh', 'bash', 'zsh', 'plaintext', 'json', 'markdown', 'md', 'diff', 'log', 'stdout']);

/** Markdown fences (``` or ~~~, any length ≥ 3, optionally indented, optionally unterminated). */
export function findFences(text: string): Fence[] {
  const lines = text.split('\n');
  const out: Fence[] = [];
  let i = 0;
  while (i < lines.length) {
    const m = /^([ \t]*)(`{3,}|~{3,})[ \t]*([\w+#.-]*)[^\n`]*$/.exec(lines[i]);
    if (!m) { i++; continue; }
    const [, indent, marker, lang] = m;
    const body: string[] = [];
    let j = i + 1;
    let closed = false;
    for (; j < lines.length; j++) {
      const t = lines[j].trim();
      if (t.startsWith(marker[0].repeat(marker.length)) && /^(`{3,}|~{3,})$/.test(t)) { closed = true; break; }
      // Fences inside list items are indented: their content carries that indentation too.
      body.push(indent && lines[j].startsWith(indent) ? lines[j].slice(indent.length) : lines[j]);
    }
    out.push({ lang: lang.toLowerCase(), code: body.join('\n'), closed });
    i = j + 1;
  }
  return out;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function definesEntry(code: string, entry: string, language: string): boolean {
  const e = escapeRe(entry);
  if (language === 'python') return new RegExp(`^[ \\t]*(async[ \\t]+)?def[ \\t]+${e}[ \\t]*\\(`, 'm').test(code);
  return new RegExp(`\\b${e}\\b[^\\n;]*[({]`).test(code);
}

export function cleanResponse(raw: string, target: CleanTarget): Cleaned {
  const language = target.language ?? 'python';
  const notes: string[] = [];
  let text = raw.replace(/\r\n?/g, '\n');
  // Reasoning models (DeepSeek-R1, QwQ, …) put their chain of thought in <think>…</think>.
  // An unclosed <think> means the reply ended while still reasoning: there is no answer.
  const stripped = text.replace(/<think>[\s\S]*?<\/think>/g, '').replace(/^[\s\S]*<\/think>/, '').replace(/<think>[\s\S]*$/, '');
  if (stripped !== text) notes.push('dropped <think> block');
  text = stripped;
  if (!text.trim()) return { completion: '', status: 'no-code', notes: [...notes, 'empty response'] };

  const fences = findFences(text).filter((f) => f.code.trim() && !NON_CODE_LANGS.has(f.lang));
  let code: string | null = null;
  if (fences.length) {
    const defining = fences.filter((f) => definesEntry(f.code, target.entryPoint, language));
    // The first block that defines the entry point is the answer; later ones are usually tests or
    // usage. Without one, take the longest block (a body-only answer beats a usage snippet).
    const pick = defining[0] ?? [...fences].sort((a, b) => b.code.length - a.code.length)[0];
    code = pick.code;
    notes.push(fences.length === 1 ? 'fenced block' : `fenced block ${fences.indexOf(pick) + 1} of ${fences.length}`);
    if (!pick.closed) notes.push('unterminated fence (truncated reply?)');
  } else {
    code = language === 'python' ? unfencedPython(text, target.entryPoint) : text;
    if (code === null) return { completion: '', status: 'no-code', notes: [...notes, 'no code found'] };
    notes.push('no fences');
  }
  if (language !== 'python') return extractBraceBody(code, target, notes);
  return shapePython(code, target, notes);
}

// ---------- Python ----------

interface PyLine { text: string; /** starts inside a string or an open bracket: not a statement start */ cont: boolean }

/** Marks lines that continue a triple-quoted string or an open bracket, so structure ignores them. */
function scanPython(lines: string[]): PyLine[] {
  const out: PyLine[] = [];
  let depth = 0;
  let tq: string | null = null;
  for (const text of lines) {
    const cont = tq !== null || depth > 0;
    let i = 0;
    while (i < text.length) {
      if (tq) {
        const k = text.indexOf(tq, i);
        if (k < 0) { i = text.length; break; }
        i = k + 3; tq = null; continue;
      }
      const c = text[i];
      if (c === '#') break;
      if (c === '"' || c === "'") {
        if (text.startsWith(c.repeat(3), i)) { tq = c.repeat(3); i += 3; continue; }
        // Single-quoted string: skip to its end on this line (escapes honoured).
        let j = i + 1;
        while (j < text.length && text[j] !== c) j += text[j] === '\\' ? 2 : 1;
        i = j + 1; continue;
      }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) depth = Math.max(0, depth - 1);
      i++;
    }
    out.push({ text, cont });
  }
  return out;
}

const indentOf = (s: string) => /^[ ]*/.exec(s)![0].length;
const isBlank = (s: string) => s.trim() === '';
const expandTabs = (s: string) => s.replace(/^[ \t]+/, (ws) => ws.replace(/\t/g, '    '));

/** A top-level statement: its first line at column 0 and every line that belongs to it. */
interface Stmt { lines: string[]; head: string }

function splitTopLevel(scanned: PyLine[]): { lead: string[]; stmts: Stmt[] } {
  const lead: string[] = [];
  const stmts: Stmt[] = [];
  for (const l of scanned) {
    const starts = !l.cont && !isBlank(l.text) && indentOf(l.text) === 0 && !/^[)\]}]/.test(l.text);
    // A column-0 comment between a function's lines does not end the function.
    const comment = starts && l.text.startsWith('#');
    const last = stmts[stmts.length - 1];
    // Decorators belong to the definition below them.
    const decorated = last && last.lines.every((x) => /^@/.test(x) || isBlank(x));
    if (starts && !comment && decorated) last.lines.push(l.text);
    else if (starts && !comment) stmts.push({ lines: [l.text], head: l.text });
    else if (stmts.length) stmts[stmts.length - 1].lines.push(l.text);
    else lead.push(l.text);
  }
  // A column-0 comment after a block ("# Test the function") introduces what follows, not the block.
  for (const s of stmts) while (s.lines.length > 1 && /^(#.*)?\s*$/.test(s.lines[s.lines.length - 1])) s.lines.pop();
  return { lead, stmts };
}

const PY_START = /^(def|class|import|from|@|#|if|for|while|try|with|return|yield|raise|assert|print|async|pass|elif|else|except|finally|global|nonlocal|del|lambda|[A-Za-z_][\w.]*(\[[^\]]*\])?\s*(=|\(|\+=|-=|\*=|\/=|\.|,)|[A-Za-z_]\w*\s*:\s*[\w\[\]., ]+\s*=|[)\]}"'])/;

/** Code written without fences: from the first line that is clearly code to the first line of prose after it. */
function unfencedPython(text: string, entry: string): string | null {
  const lines = text.split('\n');
  const defRe = new RegExp(`^\\s*(async\\s+)?def\\s+${escapeRe(entry)}\\s*\\(`);
  let start = lines.findIndex((l) => defRe.test(l));
  if (start < 0) {
    // A bare continuation (legacy completions API, base models): it starts indented.
    const first = lines.findIndex((l) => !isBlank(l));
    if (first >= 0 && /^[ \t]+\S/.test(lines[first]) && PY_START.test(lines[first].trim())) start = first;
    else return null;
  } else {
    // Pull in the imports / decorators / helpers written just above the function.
    while (start > 0 && !isBlank(lines[start - 1]) && /^(import|from|@|def|class|\s)/.test(lines[start - 1])) start--;
  }
  const scanned = scanPython(lines.slice(start));
  const kept: string[] = [];
  for (const l of scanned) {
    const t = l.text;
    if (!l.cont && !isBlank(t) && indentOf(t) === 0 && !PY_START.test(t)) break; // prose resumes
    kept.push(t);
  }
  return kept.join('\n');
}

function promptBodyIndent(prompt: string, entry: string): string {
  const lines = prompt.replace(/\r\n?/g, '\n').split('\n');
  const defRe = new RegExp(`^(\\s*)(async\\s+)?def\\s+${escapeRe(entry)}\\s*\\(`);
  const k = lines.findIndex((l) => defRe.test(l));
  if (k < 0) return '    ';
  const defIndent = defRe.exec(lines[k])![1].replace(/\t/g, '    ');
  for (let i = k + 1; i < lines.length; i++) {
    const l = expandTabs(lines[i]);
    if (!isBlank(l) && indentOf(l) > defIndent.length) return ' '.repeat(indentOf(l));
  }
  return defIndent + '    ';
}

/** Shifts code lines (not string continuations) so the first statement sits at `indent`. */
function reindent(scanned: PyLine[], indent: string): string[] {
  const first = scanned.find((l) => !l.cont && !isBlank(l.text) && !l.text.trim().startsWith('#')) ?? scanned.find((l) => !isBlank(l.text));
  if (!first) return [];
  const delta = indent.length - indentOf(first.text);
  return scanned.map((l) => {
    if (l.cont || isBlank(l.text)) return isBlank(l.text) ? '' : l.text;
    if (delta >= 0) return ' '.repeat(delta) + l.text;
    return l.text.slice(Math.min(-delta, indentOf(l.text)));
  });
}

function trimBlankEdges(lines: string[]): string[] {
  let a = 0, b = lines.length;
  while (a < b && isBlank(lines[a])) a++;
  while (b > a && isBlank(lines[b - 1])) b--;
  return lines.slice(a, b);
}

/** Top-level statements worth keeping after the function: imports, helpers, constants. */
function keepTopLevel(s: Stmt, entry: string, prompt: string): boolean {
  const h = s.head;
  const e = escapeRe(entry);
  if (/^(import|from)\s/.test(h)) return !prompt.split('\n').some((l) => l.trim() === h.trim());
  const def = /^(?:async\s+)?(?:def|class)\s+(\w+)/.exec(h) ?? (/^@/.test(h) ? /^\s*(?:async\s+)?(?:def|class)\s+(\w+)/m.exec(s.lines.join('\n')) : null);
  if (def) {
    if (def[1] === entry) return false;
    // Helpers the prompt already defines (HumanEval/10's is_palindrome…): the prompt's is the spec.
    return !new RegExp(`^\\s*(async\\s+)?(def|class)\\s+${escapeRe(def[1])}\\b`, 'm').test(prompt);
  }
  // Constants: NAME = <no call of the entry point, no I/O>.
  if (/^[A-Za-z_]\w*(\s*:\s*[^=]+)?\s*=[^=]/.test(h)) {
    const all = s.lines.join('\n');
    return !new RegExp(`\\b${e}\\s*\\(`).test(all) && !/\b(print|input)\s*\(/.test(all);
  }
  // Everything else at module level is an example, a test or a main block.
  return false;
}

function stripLeadingDocstring(scanned: PyLine[]): PyLine[] {
  const k = scanned.findIndex((l) => !isBlank(l.text));
  if (k < 0) return scanned;
  const t = scanned[k].text.trim();
  const m = /^[rRuU]?("""|''')/.exec(t);
  if (!m) return scanned;
  let end = k;
  if (!(t.length >= 6 && t.slice(m[0].length).includes(m[1]))) {
    end = scanned.findIndex((l, i) => i > k && l.text.includes(m[1]));
    if (end < 0) return scanned;
  }
  return scanned.slice(end + 1);
}

function shapePython(code: string, target: CleanTarget, notes: string[]): Cleaned {
  const { entryPoint: entry, prompt } = target;
  const lines = code.split('\n').map(expandTabs);
  // Drop REPL prompts if the whole block is a `>>>` transcript.
  const scanned = scanPython(lines);
  const { lead, stmts } = splitTopLevel(scanned);
  const indent = promptBodyIndent(prompt, entry);
  const defRe = new RegExp(`^(async\\s+)?def\\s+${escapeRe(entry)}\\s*\\(`);
  const fnIdx = stmts.findIndex((s) => defRe.test(s.head));
  let body: string[];
  let extras: Stmt[];
  let status: ContentStatus = 'ok';

  if (fnIdx >= 0) {
    notes.push('whole function → body');
    const fn = stmts[fnIdx];
    const fnScan = scanPython(fn.lines);
    // The signature ends at the first non-continuation line ending in ':'.
    let sigEnd = 0;
    for (let i = 0; i < fnScan.length; i++) {
      const t = fnScan[i].text.replace(/#.*$/, '').trimEnd();
      const nextCont = i + 1 < fnScan.length ? fnScan[i + 1].cont : false;
      if (t.endsWith(':') && !nextCont) { sigEnd = i; break; }
    }
    const sigLine = fnScan[sigEnd].text.replace(/#.*$/, '').trimEnd();
    const afterColon = sigLine.slice(sigLine.lastIndexOf(':') + 1);
    let bodyScan = fnScan.slice(sigEnd + 1);
    if (bodyScan.every((l) => isBlank(l.text)) && afterColon.trim()) {
      // One-liner: `def f(x): return x`.
      bodyScan = [{ text: '    ' + afterColon.trim(), cont: false }];
    }
    bodyScan = stripLeadingDocstring(bodyScan);
    body = trimBlankEdges(reindent(bodyScan, indent));
    extras = stmts.filter((s, i) => i !== fnIdx && keepTopLevel(s, entry, prompt));
    // Imports the model put above the function must still run: they go after it, at module level,
    // which is before check() calls the function.
  } else if (lead.some((l) => !isBlank(l) && !l.trim().startsWith('#'))) {
    notes.push('body continuation');
    body = trimBlankEdges(reindent(scanPython(trimBlankEdges(lead)), indent));
    extras = stmts.filter((s) => keepTopLevel(s, entry, prompt));
  } else if (stmts.some((s) => /^(return|yield)\b/.test(s.head))) {
    // An unindented body: statements with a top-level `return`.
    notes.push('unindented body');
    body = trimBlankEdges(reindent(scanned, indent));
    extras = [];
  } else {
    status = 'no-entry-point';
    notes.push(`no definition of ${entry}`);
    body = trimBlankEdges(reindent(scanned.filter((l) => !/^if\s+__name__\s*==/.test(l.text)), indent));
    extras = [];
  }
  if (!body.some((l) => !isBlank(l) && !l.trim().startsWith('#'))) {
    if (status === 'ok') notes.push('empty body');
    body = [indent + 'pass'];
  }
  let completion = body.join('\n') + '\n';
  const extra = extras.map((s) => trimBlankEdges(s.lines).join('\n')).filter((s) => s.trim());
  if (extra.length) completion += '\n\n' + extra.join('\n\n') + '\n';
  const dropped = stmts.length - extras.length - (fnIdx >= 0 ? 1 : 0);
  if (dropped > 0 && status === 'ok') notes.push(`dropped ${dropped} top-level statement(s)`);
  return { completion, status, notes };
}

// ---------- brace languages (JS, TS, Java, C++, Go, Rust, …) ----------

/** Walks code outside strings and comments (roughly: quotes, line and block comments), reporting each brace. */
function walkBraces(code: string, onBrace: (c: '{' | '}', i: number) => boolean | void, rust = false): void {
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '/' && code[i + 1] === '/') { i = code.indexOf('\n', i); if (i < 0) return; continue; }
    if (c === '/' && code[i + 1] === '*') { i = code.indexOf('*/', i + 2); if (i < 0) return; i++; continue; }
    // In Rust a lone ' starts a lifetime, not a string; char literals are 'x' or '\x'.
    if (c === '"' || c === '`' || (c === "'" && (!rust || code[i + 2] === "'" || code[i + 1] === '\\'))) {
      let j = i + 1;
      while (j < code.length && code[j] !== c) j += code[j] === '\\' ? 2 : 1;
      i = j; continue;
    }
    if ((c === '{' || c === '}') && onBrace(c, i) === true) return;
  }
}

function braceDepth(code: string, rust: boolean): number {
  let d = 0;
  walkBraces(code, (c) => { d += c === '{' ? 1 : -1; }, rust);
  return d;
}

/**
 * The prompt of a brace language ends inside the function (and, for Java, its class): `open` braces
 * are left for the completion to close. If the model repeated the function, keep what follows its
 * opening brace until those braces are closed; helpers and includes it wrote outside are lost.
 */
function extractBraceBody(code: string, target: CleanTarget, notes: string[]): Cleaned {
  const rust = target.language === 'rust';
  const open = Math.max(0, braceDepth(target.prompt, rust));
  const withNl = (s: string) => (s.endsWith('\n') ? s : s + '\n');
  const e = escapeRe(target.entryPoint);
  const m = new RegExp(`\\b${e}\\b\\s*(=\\s*(async\\s*)?\\(|\\()`).exec(code);
  const start = m ? code.indexOf('{', m.index) : -1;
  if (!m || start < 0 || open === 0) {
    if (!code.trim()) return { completion: '', status: 'no-code', notes: [...notes, 'empty code'] };
    if (open === 0) return { completion: withNl(code), status: 'ok', notes: [...notes, 'code as is'] };
    // A body alone: close what the prompt left open unless the model already did.
    const missing = Math.max(0, open + braceDepth(code, rust));
    const looksLikeBody = /\breturn\b/.test(code);
    return {
      completion: withNl(code.replace(/^\n+/, '')) + '}\n'.repeat(missing),
      status: looksLikeBody ? 'ok' : 'no-entry-point',
      notes: [...notes, looksLikeBody ? 'body only' : `no definition of ${target.entryPoint}`],
    };
  }
  let depth = 0;
  let end = code.length;
  walkBraces(code.slice(start), (c, i) => {
    depth += c === '{' ? 1 : -1;
    if (depth === 1 - open) { end = start + i + 1; return true; }
  }, rust);
  const body = code.slice(start + 1, end).replace(/^[ \t]*\n/, '');
  notes.push('whole function → body');
  const helpers = open === 1 ? topLevelHelpers(code, target, rust, m.index) : [];
  if (helpers.length) notes.push(`kept helper(s) ${helpers.map((h) => h.name).join(', ')}`);
  return { completion: withNl(body) + helpers.map((h) => '\n' + withNl(h.text)).join(''), status: 'ok', notes };
}

// Languages whose top-level functions may be defined after their use (hoisting, package scope).
const HELPER_RE: Record<string, RegExp> = {
  javascript: /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*\(|^(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)/gm,
  go: /^func\s+(\w+)\s*\(/gm,
  rust: /^(?:pub\s+)?fn\s+(\w+)/gm,
};
HELPER_RE.js = HELPER_RE.typescript = HELPER_RE.ts = HELPER_RE.javascript;

/**
 * Other top-level functions the model wrote (not the entry point, not main) for languages where
 * placing them after the entry point still works. C++ (declare before use) and Java (inside the
 * class, already kept) are left out.
 */
function topLevelHelpers(code: string, target: CleanTarget, rust: boolean, entryAt: number): { name: string; text: string }[] {
  const re = HELPER_RE[target.language ?? ''];
  if (!re) return [];
  const out: { name: string; text: string }[] = [];
  re.lastIndex = 0;
  for (let m; (m = re.exec(code));) {
    const name = m[1] ?? m[2];
    if (name === target.entryPoint || name === 'main' || m.index === entryAt) continue;
    if (braceDepth(code.slice(0, m.index), rust) !== 0) continue; // nested, not top level
    const open = code.indexOf('{', m.index + m[0].length - 1);
    if (open < 0) continue;
    let depth = 0;
    let end = -1;
    walkBraces(code.slice(open), (c, i) => {
      depth += c === '{' ? 1 : -1;
      if (depth === 0) { end = open + i + 1; return true; }
    }, rust);
    if (end < 0) continue;
    if (code[end] === ';') end++;
    out.push({ name, text: code.slice(m.index, end) });
    re.lastIndex = end;
  }
  return out;
}

/**
 * Extraction for code problems, as a pipeline step: the code to run, how it was found, and (for a
 * reply with only reasoning and no answer) a note saying so. A provider that already holds the code
 * (reference, replay) sets `completion` and it is used as is.
 */
export function extractCode(gen: Pick<Generation, 'raw' | 'completion' | 'reasoning' | 'finishReason'>, problem: CleanTarget): Cleaned {
  if (gen.completion !== undefined) return { completion: gen.completion, status: 'ok', notes: ['given by the provider'] };
  const cleaned = cleanResponse(gen.raw, problem);
  if (!gen.raw.trim() && gen.reasoning) cleaned.notes.push(`only reasoning, no answer (finish: ${gen.finishReason ?? 'unknown'})`);
  return cleaned;
}

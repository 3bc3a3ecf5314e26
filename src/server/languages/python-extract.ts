// Python's part of extraction: a chat reply's code shaped into a HumanEval completion (the body
// appended to the prompt). Full treatment: code without fences, prose, whole function vs body,
// re-indentation, helpers kept, example calls and `__main__` blocks dropped. Text-only on purpose:
// the engine must not need a host Python to parse Python.

import type { Cleaned, CleanTarget, ContentStatus, Extraction } from '../plugins';
import { escapeRe } from '../extract/text';

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

/** Python's extraction hooks (see Extraction in ../plugins). */
export const pythonExtraction: Extraction = {
  definesEntry(code, entry) {
    return new RegExp(`^[ \\t]*(async[ \\t]+)?def[ \\t]+${escapeRe(entry)}[ \\t]*\\(`, 'm').test(code);
  },
  unfenced: unfencedPython,
  shape: shapePython,
  // Legacy completions API: the continuation of the prompt's function ends where the next top-level
  // statement (or a comment at column 0) begins.
  stopSequences: ['\ndef ', '\nclass ', '\nif __name__', '\nprint(', '\n#'],
};

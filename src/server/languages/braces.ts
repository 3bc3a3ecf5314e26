// Extraction for brace languages (JavaScript, TypeScript, Java, C++, Go, Rust, …): "whole function →
// body" by brace matching, which is cruder than Python's shaping (see extractBraceBody). Each language
// passes what differs: Rust's lifetimes, and which top-level helpers may follow the entry point.

import type { Cleaned, CleanTarget, Extraction } from '../plugins';
import { escapeRe, looksLikeDefinition } from '../extract/text';

export interface BraceOptions {
  /** A lone `'` starts a lifetime, not a string; char literals are 'x' or '\x' (Rust). */
  lifetimes?: boolean;
  /**
   * Top-level functions that still work when placed after the entry point (hoisting, package scope):
   * a pattern whose first or second group is the name, matched at line starts (`m`). Without it, no
   * helper is kept: C++ must declare before use, and Java's live inside the class, already kept.
   */
  helpers?: RegExp;
}

/** Extraction hooks for a brace language. */
export function braceExtraction(opts: BraceOptions = {}): Extraction {
  return {
    definesEntry: looksLikeDefinition,
    shape: (code, target, notes) => extractBraceBody(code, target, notes, opts),
  };
}

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
 * opening brace until those braces are closed; helpers it wrote outside are kept only where the
 * language allows them after the entry point (`opts.helpers`), includes and imports are lost.
 */
function extractBraceBody(code: string, target: CleanTarget, notes: string[], opts: BraceOptions): Cleaned {
  const rust = opts.lifetimes === true;
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
  const helpers = open === 1 && opts.helpers ? topLevelHelpers(code, target, opts.helpers, rust, m.index) : [];
  if (helpers.length) notes.push(`kept helper(s) ${helpers.map((h) => h.name).join(', ')}`);
  return { completion: withNl(body) + helpers.map((h) => '\n' + withNl(h.text)).join(''), status: 'ok', notes };
}

/** Other top-level functions the model wrote (not the entry point, not main), matched by `pattern`. */
function topLevelHelpers(code: string, target: CleanTarget, pattern: RegExp, rust: boolean, entryAt: number): { name: string; text: string }[] {
  // A fresh global copy: exec keeps its position in lastIndex.
  const re = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g');
  const out: { name: string; text: string }[] = [];
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

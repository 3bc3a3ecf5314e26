// Extraction for code problems: turn what a chat model said into the code it meant, in the HumanEval
// convention (text appended to the prompt). Pure and text-only on purpose: the same input must always
// give the same completion.
//
// This is the generic part: reasoning blocks, markdown fences, picking the fence that holds the
// answer. What depends on the language (which fence defines the entry point, code without fences,
// shaping the code into a completion, stop sequences) is the language's `extraction` hooks
// (languages/python-extract.ts, languages/braces.ts). A language without hooks gets the picked
// fence (or the whole reply) as is.

import { builtinLanguages } from '../languages';
import { stopTokensOf } from '../languages/multipl-e';
import type { Problem, Cleaned, CleanTarget, Extraction, Generation, Language } from '../plugins';
import { looksLikeDefinition } from './text';

export type { Cleaned, CleanTarget, ContentStatus } from '../plugins';

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

/** For languages without hooks: a fence that names the entry point is the answer; the code is kept as is. */
const AS_IS: Extraction = {
  definesEntry: looksLikeDefinition,
  shape(code, _target, notes) {
    if (!code.trim()) return { completion: '', status: 'no-code', notes: [...notes, 'empty code'] };
    return { completion: code.endsWith('\n') ? code : code + '\n', status: 'ok', notes: [...notes, 'code as is'] };
  },
};

/** The built-in language of that name, if any (callers with a registry pass the Language itself). */
function builtin(name: string): Language | undefined {
  return builtinLanguages.find((l) => l.name === name);
}

/** The extraction hooks for a target: the given language's, else the built-in one named by the target. */
function hooksFor(target: CleanTarget, language?: Language): Extraction {
  return (language ?? builtin(target.language ?? 'python'))?.extraction ?? AS_IS;
}

/**
 * The code in a reply, shaped for the prompt. `language` defaults to the built-in language named by
 * `target.language` (itself "python" when unset).
 */
export function cleanResponse(raw: string, target: CleanTarget, language?: Language): Cleaned {
  const hooks = hooksFor(target, language);
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
    const defining = fences.filter((f) => hooks.definesEntry(f.code, target.entryPoint));
    // The first block that defines the entry point is the answer; later ones are usually tests or
    // usage. Without one, take the longest block (a body-only answer beats a usage snippet).
    const pick = defining[0] ?? [...fences].sort((a, b) => b.code.length - a.code.length)[0];
    code = pick.code;
    notes.push(fences.length === 1 ? 'fenced block' : `fenced block ${fences.indexOf(pick) + 1} of ${fences.length}`);
    if (!pick.closed) notes.push('unterminated fence (truncated reply?)');
  } else {
    code = hooks.unfenced ? hooks.unfenced(text, target.entryPoint) : text;
    if (code === null) return { completion: '', status: 'no-code', notes: [...notes, 'no code found'] };
    notes.push('no fences');
  }
  return hooks.shape(code, target, notes);
}

/**
 * Extraction for code problems, as a pipeline step: the code to run, how it was found, and (for a
 * reply with only reasoning and no answer) a note saying so. A provider that already holds the code
 * (reference, replay) sets `completion` and it is used as is. `language` as for cleanResponse.
 */
export function extractCode(gen: Pick<Generation, 'raw' | 'completion' | 'reasoning' | 'finishReason'>, problem: CleanTarget, language?: Language): Cleaned {
  if (gen.completion !== undefined) return { completion: gen.completion, status: 'ok', notes: ['given by the provider'] };
  const cleaned = cleanResponse(gen.raw, problem, language);
  if (!gen.raw.trim() && gen.reasoning) cleaned.notes.push(`only reasoning, no answer (finish: ${gen.finishReason ?? 'unknown'})`);
  return cleaned;
}

/**
 * Stop sequences for completion-style APIs (the prompt sent raw): the problem's own (MultiPL-E's
 * stop_tokens, labels.stopTokens), else the language's, for code problems; none for chat problems or
 * languages without them. A fresh array, for the request body.
 */
export function stopSequencesFor(problem: Problem, language?: Language): string[] | undefined {
  if (problem.kind === 'chat') return undefined;
  const own = stopTokensOf(problem);
  if (own) return [...own];
  const stop = (language ?? builtin(problem.language))?.extraction?.stopSequences;
  return stop ? [...stop] : undefined;
}

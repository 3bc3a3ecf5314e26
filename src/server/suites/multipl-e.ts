// MultiPL-E (nuprl/MultiPL-E) problem files: JSONL with name, language, prompt, tests, stop_tokens
// (+ doctests, original, prompt_terminology). `multipl-e-<lang>` (js, ts, cpp, java, go, rs) resolves
// to $CRUCIBLE_DATA_DIR/multipl-e/humaneval-<lang>.jsonl; any .jsonl whose first record has name +
// tests + stop_tokens is read the same way.
// The program is MultiPL-E's: prompt + completion + "\n" + tests, the language taken from the file's
// own `language` field ("go_test.go" is Go), run the way MultiPL-E's evaluator for that language runs
// it (languages/multipl-e.ts and each language plugin's MultiPL-E mode: Java's `class Problem` with
// `java -ea`, Go's package_test file as a test binary, Rust's binary whose main runs the asserts).
// The stop tokens travel in the problem's labels: completion-style providers stop there, and every
// completion is cut at the first one before it runs, as MultiPL-E does. There are no canonical
// solutions: score samples (MultiPL-E completions folders, see formats/samples.ts) or a model.
import * as path from 'node:path';
import { field, InputError, type JsonlRecord, readJsonl } from '../jsonl';
import type { CodeProblem, SuiteSource } from '../plugins';
import { dataDirRemedy } from './download';
import { languageName, splitSpec } from './spec';

/** The languages whose plugins run MultiPL-E's programs the way MultiPL-E does. */
const SUPPORTED = new Set(['javascript', 'typescript', 'cpp', 'java', 'go', 'rust']);

export function isMultiplERecord(v: Record<string, unknown>): boolean {
  return typeof v.name === 'string' && typeof v.tests === 'string' && Array.isArray(v.stop_tokens);
}

export function multiplEProblems(file: string, recs: JsonlRecord[], suite: string, language?: string): CodeProblem[] {
  const seen = new Set<string>();
  return recs.map((r) => {
    const name = field(file, r, 'name');
    if (seen.has(name)) throw new InputError(file, r.line, `duplicate name "${name}"`);
    seen.add(name);
    const own = field(file, r, 'language', true);
    // MultiPL-E names its Go files' language after their suffix.
    const lang = languageName(own === 'go_test.go' ? 'go' : own ?? language ?? '');
    if (!lang) throw new InputError(file, r.line, 'missing field "language" (or give the language: --suite-language)');
    if (language && own && lang !== language) throw new InputError(file, r.line, `field "language" is "${own}", the suite was given as ${language}`);
    if (!SUPPORTED.has(lang)) {
      throw new InputError(file, r.line, `MultiPL-E ${lang} programs are not supported (supported: ${[...SUPPORTED].join(', ')})`);
    }
    const stop = r.value.stop_tokens;
    if (!Array.isArray(stop) || stop.some((x) => typeof x !== 'string')) throw new InputError(file, r.line, 'field "stop_tokens" must be a list of strings');
    return {
      id: name, suite, language: lang,
      prompt: field(file, r, 'prompt'),
      tests: field(file, r, 'tests'),
      // HumanEval_0_has_close_elements → has_close_elements
      entryPoint: /^[A-Za-z]+_\d+_(\w+)$/.exec(name)?.[1] ?? name,
      labels: { harness: 'multipl-e', stopTokens: stop, runsAsMain: true },
      sourceFile: file,
      sourceLine: /\.gz$/i.test(file) ? undefined : r.line,
    };
  });
}

export const multiplESuite: SuiteSource = {
  name: 'multipl-e',
  async load(spec, ctx) {
    const m = /^multipl-?e[-/:](\w+)$/i.exec(spec);
    if (m) {
      const dataPath = `multipl-e/humaneval-${m[1].toLowerCase()}.jsonl`;
      if (!ctx.dataDir) throw new Error(`suite ${spec}: ${dataDirRemedy(dataPath)}`);
      const file = path.join(ctx.dataDir, dataPath);
      return multiplEProblems(file, await readJsonl(file), spec.toLowerCase());
    }
    const { path: p, language } = splitSpec(spec);
    if (!/\.jsonl(\.gz)?$/i.test(p)) return null;
    const file = path.resolve(p);
    const recs = await readJsonl(file);
    if (!recs.length || !isMultiplERecord(recs[0].value)) return null;
    return multiplEProblems(file, recs, path.basename(file).replace(/\.jsonl(\.gz)?$/i, ''), language);
  },
};

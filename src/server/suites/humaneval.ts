// HumanEval-format suites: JSONL or JSONL.gz with task_id, prompt, entry_point, canonical_solution, test.
// A .jsonl path whose first record is a chat problem (see isChatRecord) is left to the chat-file suite.
// "humaneval" resolves to $CRUCIBLE_DATA_DIR/humaneval/HumanEval.jsonl.gz, else a cached download
// of the public dataset verified by SHA-256.
import * as path from 'node:path';
import { field, InputError, type JsonlRecord, readJsonl } from '../jsonl';
import type { CodeProblem, SuiteSource } from '../plugins';
import { isFactsRecord } from './facts-file';
import { resolvePinned } from './download';

export const HUMANEVAL = {
  url: 'https://github.com/openai/human-eval/raw/master/data/HumanEval.jsonl.gz',
  sha256: 'b796127e635a67f93fb35c04f4cb03cf06f38c8072ee7cee8833d7bee06979ef',
  file: 'HumanEval.jsonl.gz',
};

/** Fields only code problems have: a JSONL record with one of them is HumanEval-format. */
const CODE_FIELDS = ['test', 'entry_point', 'canonical_solution'];

/**
 * True for a JSONL record that is a chat problem, not a HumanEval one: it has a prompt or messages and
 * none of test, entry_point, canonical_solution. Decided on a file's first record, by this suite
 * (which leaves such files alone) and by the chat-file suite (which takes only these), so a path
 * resolves the same whichever is registered first.
 */
export function isChatRecord(value: Record<string, unknown>): boolean {
  return !CODE_FIELDS.some((f) => value[f] !== undefined) && (value.prompt !== undefined || value.messages !== undefined);
}

export async function loadHumanEvalFile(file: string, suite: string, language = 'python'): Promise<CodeProblem[]> {
  return fromRecords(file, await readJsonl(file), suite, language);
}

function fromRecords(file: string, recs: JsonlRecord[], suite: string, language: string): CodeProblem[] {
  const seen = new Set<string>();
  const gz = /\.gz$/i.test(file);
  return recs.map((r) => {
    const id = field(file, r, 'task_id');
    if (seen.has(id)) throw new InputError(file, r.line, `duplicate task_id "${id}"`);
    seen.add(id);
    return {
      id,
      suite,
      language,
      prompt: field(file, r, 'prompt'),
      tests: field(file, r, 'test'),
      entryPoint: field(file, r, 'entry_point'),
      canonicalSolution: field(file, r, 'canonical_solution', true),
      sourceFile: file,
      // A line in a gzip file cannot be revealed in the editor.
      sourceLine: gz ? undefined : r.line,
    };
  });
}

/** Finds the HumanEval file: data dir, then cache (verified), then download into the cache. */
export async function resolveHumanEval(dataDir: string | undefined, cacheDir: string): Promise<string> {
  return resolvePinned({ url: HUMANEVAL.url, sha256: HUMANEVAL.sha256, dataPath: `humaneval/${HUMANEVAL.file}`, cachePath: HUMANEVAL.file }, dataDir, cacheDir);
}

export const humanevalSuite: SuiteSource = {
  name: 'humaneval',
  async load(spec, ctx) {
    if (spec === 'humaneval') return loadHumanEvalFile(await resolveHumanEval(ctx.dataDir, ctx.cacheDir), 'humaneval');
    if (/\.jsonl(\.gz)?$/i.test(spec)) {
      const file = path.resolve(spec);
      const recs = await readJsonl(file);
      if (recs.length && isChatRecord(recs[0].value)) return null; // a chat file: the chat-file suite's
      if (recs.length && isFactsRecord(recs[0].value)) return null; // known-answer questions: facts-file's
      return fromRecords(file, recs, path.basename(file).replace(/\.jsonl(\.gz)?$/i, ''), 'python');
    }
    return null;
  },
};

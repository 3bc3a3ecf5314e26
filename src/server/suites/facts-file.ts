// The user's own questions with a known answer, graded exactly by the `choice` scorer — e.g. "Does
// CVE-2021-44228 exist?" (yes) beside a fabricated identifier (no), or multiple choice. A .csv or .jsonl
// (optionally .gz) whose records have `answer` and `question` (or `prompt`):
//   id          optional (default: <suite>/<record number>)
//   question    the question (or `prompt`)
//   answer      the right answer: for multiple choice, the option's text or its letter
//   choices     multiple choice: the options, a JSON array or text separated by ';' (shown as A, B, …)
//   options     short answers: every answer the question allows, e.g. "yes;no" (the reply must give one)
//   accepted    more right answers, separated by ';' (short answers without `options`)
//   category    grouping for accuracy per category
// Every other field is kept as metadata. Errors name the file, line and field.
import * as path from 'node:path';
import { type CsvRecord, readCsv } from '../csv';
import { InputError, type JsonlRecord, readJsonl } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';
import { type KnownAnswer, letters } from '../scorers/choice';
import { mcPrompt } from './truthfulqa';

const FACTS_FILE = /\.(csv|jsonl)(\.gz)?$/i;
const USED = new Set(['id', 'task_id', 'question', 'prompt', 'answer', 'choices', 'options', 'accepted', 'category']);

/** Whether a record (its first) is in this format: an answer and a question. */
export const isFactsRecord = (v: Record<string, unknown>): boolean => 'answer' in v && ('question' in v || 'prompt' in v) && !('test' in v);

const list = (v: unknown, file: string, line: number, field: string): string[] => {
  if (Array.isArray(v)) {
    if (v.some((x) => typeof x !== 'string' || !x.trim())) throw new InputError(file, line, `field "${field}" must list non-empty strings`);
    return v.map((x) => (x as string).trim());
  }
  const s = String(v).trim();
  if (s.startsWith('[')) {
    try { return list(JSON.parse(s), file, line, field); } catch (e) { if (e instanceof InputError) throw e; throw new InputError(file, line, `field "${field}" is not a JSON array (${(e as Error).message})`); }
  }
  return s.split(';').map((x) => x.trim()).filter(Boolean);
};

export function factProblems(file: string, recs: (CsvRecord | JsonlRecord)[], suite: string): ChatProblem[] {
  if (!recs.length) throw new InputError(file, null, 'no records');
  const seen = new Map<string, number>();
  return recs.map((rec, i) => {
    const fail = (msg: string): never => { throw new InputError(file, rec.line, msg); };
    const get = (name: string): unknown => { const v = rec.value[name]; return v === null || v === undefined || (typeof v === 'string' && !v.trim()) ? undefined : v; };
    const rawId = get('id') ?? get('task_id');
    const id = rawId === undefined ? `${suite}/${i + 1}` : String(rawId);
    if (seen.has(id)) fail(`duplicate id "${id}" (first on line ${seen.get(id)})`);
    seen.set(id, rec.line);
    const question = get('question') ?? get('prompt');
    if (typeof question !== 'string') return fail('missing field "question" (or "prompt")');
    const answer = get('answer');
    if (answer === undefined) return fail('missing field "answer"');
    const ans = String(answer).trim();
    let known: KnownAnswer;
    let prompt = question;
    const choices = get('choices');
    if (choices !== undefined) {
      const options = list(choices, file, rec.line, 'choices');
      if (options.length < 2) fail('field "choices" needs at least two options');
      const ls = letters(options.length);
      const at = options.findIndex((o) => o === ans);
      const correct = at >= 0 ? ls[at] : ls.includes(ans.toUpperCase()) && ans.length === 1 ? ans.toUpperCase() : fail(`field "answer" (${JSON.stringify(ans)}) is neither one of the choices nor a letter ${ls[0]}–${ls[ls.length - 1]}`);
      known = { kind: 'choice', options, correct };
      prompt = mcPrompt(question, options);
    } else {
      const opts = get('options');
      const options = opts === undefined ? undefined : list(opts, file, rec.line, 'options');
      const accepted = [ans, ...(get('accepted') === undefined ? [] : list(get('accepted'), file, rec.line, 'accepted'))];
      if (options && !options.some((o) => o.toLowerCase() === ans.toLowerCase())) fail(`field "answer" (${JSON.stringify(ans)}) is not one of the options (${options.join(', ')})`);
      known = { kind: 'exact', accepted, ...(options ? { options } : {}) };
    }
    const metadata: Record<string, unknown> = { known };
    for (const [k, v] of Object.entries(rec.value)) if (!USED.has(k)) metadata[k] = v;
    const category = get('category');
    return {
      kind: 'chat', id, suite, prompt, messages: [{ role: 'user', content: prompt }], ...(category !== undefined ? { category: String(category) } : {}),
      metadata, scorers: ['choice'], sourceFile: file, sourceLine: /\.gz$/i.test(file) ? undefined : rec.line,
    };
  });
}

export const factsFileSuite: SuiteSource = {
  name: 'facts-file',
  async load(spec) {
    if (!FACTS_FILE.test(spec)) return null;
    const file = path.resolve(spec);
    const suite = path.basename(file).replace(FACTS_FILE, '');
    const recs = /\.csv(\.gz)?$/i.test(file) ? await readCsv(file) : await readJsonl(file);
    if (!recs.length || !isFactsRecord(recs[0].value)) return null;
    return factProblems(file, recs, suite);
  },
};

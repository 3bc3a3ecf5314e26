// TruthfulQA (Lin et al., 2022) as multiple choice, MC1: one best answer among the question's best answer
// and its incorrect answers. The options are shuffled per question by a seeded PRNG (the seed is recorded
// in each problem's metadata and in the suite name), so every arm sees the same order and a rerun too.
//   truthfulqa            seed 1
//   truthfulqa@<seed>     another order, to check that accuracy does not hang on option positions
// Resolves to $CRUCIBLE_DATA_DIR/truthfulqa/TruthfulQA.csv, else a pinned download checked by SHA-256.
// Judged by the `choice` scorer (the problems ask for it); category = TruthfulQA's Category.
import { cell, type CsvRecord, csvInLayout, readCsv } from '../csv';
import { InputError } from '../jsonl';
import { rng } from '../metrics/stats';
import type { ChatProblem, SuiteSource } from '../plugins';
import { letters } from '../scorers/choice';
import { type PinnedFile, resolvePinned } from './download';

export const TRUTHFULQA: PinnedFile = {
  // The 817-question CSV as published with the paper (a verbatim copy; see the dataset's SOURCE.txt).
  url: 'https://raw.githubusercontent.com/benedictflorance/truthfulqa_experiments/ef3cc8722c3a1b6b807643bb39b885de730823e0/TruthfulQA.csv',
  sha256: '99d6ae7755e3b435eade956068c9de7c0c474770344237aeb66b56519ba4b697',
  dataPath: 'truthfulqa/TruthfulQA.csv',
};

const COLUMNS = ['Type', 'Category', 'Question', 'Best Answer', 'Correct Answers', 'Incorrect Answers'];
export const isTruthfulQAHeader = (cols: string[]): boolean => COLUMNS.every((c) => cols.includes(c));

/** A seeded Fisher–Yates shuffle: the same (seed, key) always gives the same order. */
export function shuffled<T>(items: readonly T[], seed: number, key: string): T[] {
  let h = seed >>> 0;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  const next = rng(h);
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/** The user turn of a multiple-choice question. */
export function mcPrompt(question: string, options: string[]): string {
  const ls = letters(options.length);
  return `${question}\n\n${options.map((o, i) => `${ls[i]}. ${o}`).join('\n')}\n\nReply with the letter of the one best answer (${ls[0]}–${ls[ls.length - 1]}), then a short reason.`;
}

const splitAnswers = (s: string) => s.split(';').map((x) => x.trim()).filter(Boolean);

export async function loadTruthfulQA(file: string, seed = 1, suite = 'truthfulqa', recs?: CsvRecord[]): Promise<ChatProblem[]> {
  recs ??= await readCsv(file);
  if (!recs.length) throw new InputError(file, null, 'no records');
  return recs.map((r, i) => {
    const question = cell(file, r, 'Question');
    const best = cell(file, r, 'Best Answer').trim();
    const wrong = splitAnswers(cell(file, r, 'Incorrect Answers'));
    if (!wrong.length) throw new InputError(file, r.line, 'field "Incorrect Answers" lists no answer');
    const id = `truthfulqa/${i + 1}`;
    const options = shuffled([best, ...wrong.filter((w) => w !== best)], seed, id);
    const correct = letters(options.length)[options.indexOf(best)];
    const prompt = mcPrompt(question, options);
    return {
      kind: 'chat', id, suite, prompt, messages: [{ role: 'user', content: prompt }], category: cell(file, r, 'Category'),
      metadata: { question, type: r.value.Type ?? '', known: { kind: 'choice', options, correct, seed }, source: r.value.Source ?? '' },
      scorers: ['choice'], sourceFile: file, sourceLine: r.line,
    };
  });
}

export const truthfulqaSuite: SuiteSource = {
  name: 'truthfulqa',
  async load(spec, ctx) {
    const m = /^truthfulqa(?:@(-?\d+))?$/.exec(spec);
    if (m) {
      const seed = m[1] === undefined ? 1 : Number(m[1]);
      return loadTruthfulQA(await resolvePinned(TRUTHFULQA, ctx.dataDir, ctx.cacheDir), seed, m[1] === undefined ? 'truthfulqa' : spec);
    }
    const own = await csvInLayout(spec, isTruthfulQAHeader);
    return own && loadTruthfulQA(own.file, 1, own.suite, own.recs);
  },
};

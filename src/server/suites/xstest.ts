// XSTest (Röttger et al., 2024): 250 safe prompts a well-calibrated model should answer and 200 unsafe
// contrast prompts it should refuse. Suite "xstest" resolves to $CRUCIBLE_DATA_DIR/xstest/xstest_prompts.csv,
// else a cached download pinned to a commit and verified by SHA-256; a path to a CSV with XSTest's
// columns (id, prompt, type, label, focus, note) loads as XSTest too.
import { cell, type CsvRecord, csvInLayout, readCsv } from '../csv';
import { InputError } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';
import { type PinnedFile, resolvePinned } from './download';

export const XSTEST: PinnedFile = {
  url: 'https://raw.githubusercontent.com/paul-rottger/exaggerated-safety/d7bb5bd738c1fcbc36edd83d5e7d1b71a3e2d84d/xstest_prompts.csv',
  sha256: '11783fb294ed017473ee53c207d71f2161c7672c8d0b037501e78387f801cb5a',
  dataPath: 'xstest/xstest_prompts.csv',
};

const COLUMNS = ['id', 'prompt', 'type', 'label', 'focus', 'note'];
export const isXSTestHeader = (cols: string[]): boolean => COLUMNS.every((c) => cols.includes(c));

export async function loadXSTest(file: string, suite = 'xstest', recs?: CsvRecord[]): Promise<ChatProblem[]> {
  recs ??= await readCsv(file);
  if (!recs.length) throw new InputError(file, null, 'no records');
  const seen = new Set<string>();
  return recs.map((r) => {
    const id = `xstest/${cell(file, r, 'id')}`;
    if (seen.has(id)) throw new InputError(file, r.line, `duplicate id "${r.value.id}"`);
    seen.add(id);
    const prompt = cell(file, r, 'prompt');
    const label = cell(file, r, 'label');
    if (label !== 'safe' && label !== 'unsafe') throw new InputError(file, r.line, `field "label" must be safe or unsafe, not ${JSON.stringify(label)}`);
    return {
      kind: 'chat',
      id,
      suite,
      prompt,
      messages: [{ role: 'user', content: prompt }],
      category: cell(file, r, 'type'),
      expectation: label === 'unsafe' ? 'should_refuse' : 'should_answer',
      metadata: { focus: r.value.focus ?? '', note: r.value.note ?? '', label },
      sourceFile: file,
      sourceLine: r.line,
    };
  });
}

export const xstestSuite: SuiteSource = {
  name: 'xstest',
  async load(spec, ctx) {
    if (spec === 'xstest') return loadXSTest(await resolvePinned(XSTEST, ctx.dataDir, ctx.cacheDir));
    const own = await csvInLayout(spec, isXSTestHeader);
    return own && loadXSTest(own.file, own.suite, own.recs);
  },
};

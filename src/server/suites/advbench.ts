// AdvBench harmful behaviours (Zou et al., 2023, llm-attacks): 520 goals every model should refuse,
// each with the affirmative "target" reply the attack aims for (kept in metadata). Suite "advbench"
// resolves to $CRUCIBLE_DATA_DIR/advbench/harmful_behaviors.csv, else a cached download verified by
// SHA-256; a path to a CSV with exactly AdvBench's columns (goal, target) loads the same way.
// Ids are "advbench/<1-based row>" (the file has no id column).
import { cell, type CsvRecord, csvInLayout, readCsv } from '../csv';
import { InputError } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';
import { type PinnedFile, resolvePinned } from './download';

// Upstream's default branch, pinned by checksum.
export const ADVBENCH: PinnedFile = {
  url: 'https://raw.githubusercontent.com/llm-attacks/llm-attacks/main/data/advbench/harmful_behaviors.csv',
  sha256: '5c9d87515c4d431c3614f25a0af7a462eabdfa6035aa35d746e64159823836e3',
  dataPath: 'advbench/harmful_behaviors.csv',
};

export const isAdvBenchHeader = (cols: string[]): boolean => cols.length === 2 && cols.includes('goal') && cols.includes('target');

export async function loadAdvBench(file: string, suite = 'advbench', recs?: CsvRecord[]): Promise<ChatProblem[]> {
  recs ??= await readCsv(file);
  if (!recs.length) throw new InputError(file, null, 'no records');
  return recs.map((r, i) => {
    const prompt = cell(file, r, 'goal');
    return {
      kind: 'chat',
      id: `advbench/${i + 1}`,
      suite,
      prompt,
      messages: [{ role: 'user', content: prompt }],
      category: 'harmful_behaviors',
      expectation: 'should_refuse',
      metadata: { target: r.value.target ?? '' },
      sourceFile: file,
      sourceLine: r.line,
    };
  });
}

export const advbenchSuite: SuiteSource = {
  name: 'advbench',
  async load(spec, ctx) {
    if (spec === 'advbench') return loadAdvBench(await resolvePinned(ADVBENCH, ctx.dataDir, ctx.cacheDir));
    const own = await csvInLayout(spec, isAdvBenchHeader);
    return own && loadAdvBench(own.file, own.suite, own.recs);
  },
};

// HarmBench (Mazeika et al., 2024) text behaviours: every one should be refused. Suites "harmbench"
// (all 400: 200 standard, 100 contextual, 100 copyright), "harmbench-test" (320) and "harmbench-val"
// (80), each from $CRUCIBLE_DATA_DIR/harmbench/harmbench_behaviors_text_<split>.csv, else a cached
// download verified by SHA-256. A path to a CSV with HarmBench's columns loads the same way.
// A contextual behaviour's user message is its context, then the behaviour, joined as HarmBench's
// own DirectRequest baseline does: `${context}\n\n---\n\n${behavior}`. The behaviour and context also
// stay apart in metadata (HarmBench's classifier judges a reply against the behaviour and context).
import { cell, type CsvRecord, csvInLayout, readCsv } from '../csv';
import { InputError } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';
import { type PinnedFile, resolvePinned } from './download';

// Upstream's default branch, pinned by checksum (the bytes match the published text split).
const BASE = 'https://raw.githubusercontent.com/centerforaisafety/HarmBench/main/data/behavior_datasets';
const pin = (split: string, sha256: string): PinnedFile => ({
  url: `${BASE}/harmbench_behaviors_text_${split}.csv`, sha256, dataPath: `harmbench/harmbench_behaviors_text_${split}.csv`,
});
export const HARMBENCH: Record<string, PinnedFile> = {
  harmbench: pin('all', '2745611872be3b2eab141e39bb328b8c1140dc3cd8d0a49da6174260d9ccbfb9'),
  'harmbench-test': pin('test', 'bf2bfd36f765d97cbbe27a3191b492ea76b1771e9116af80a587647831de75ce'),
  'harmbench-val': pin('val', '7bfaaa5e2b9b95002c89e2d33c019f58e9e8496e2fc65d368f1eeb8179e69534'),
};

export const isHarmBenchHeader = (cols: string[]): boolean => cols.includes('Behavior') && cols.includes('BehaviorID');

/** HarmBench's DirectRequest test case: the context (if any), a rule, then the behaviour. */
export const harmBenchPrompt = (behavior: string, context?: string): string => (context ? `${context}\n\n---\n\n${behavior}` : behavior);

export async function loadHarmBench(file: string, suite: string, recs?: CsvRecord[]): Promise<ChatProblem[]> {
  recs ??= await readCsv(file);
  if (!recs.length) throw new InputError(file, null, 'no records');
  const seen = new Set<string>();
  return recs.map((r) => {
    const id = `harmbench/${cell(file, r, 'BehaviorID')}`;
    if (seen.has(id)) throw new InputError(file, r.line, `duplicate BehaviorID "${r.value.BehaviorID}"`);
    seen.add(id);
    const behavior = cell(file, r, 'Behavior');
    const context = cell(file, r, 'ContextString', true);
    const prompt = harmBenchPrompt(behavior, context);
    const tags = (r.value.Tags ?? '').split(',').map((t) => t.trim()).filter(Boolean);
    return {
      kind: 'chat',
      id,
      suite,
      prompt,
      messages: [{ role: 'user', content: prompt }],
      category: cell(file, r, 'SemanticCategory'),
      expectation: 'should_refuse',
      metadata: { functionalCategory: cell(file, r, 'FunctionalCategory'), tags, behavior, ...(context ? { context } : {}) },
      sourceFile: file,
      sourceLine: r.line,
    };
  });
}

export const harmbenchSuite: SuiteSource = {
  name: 'harmbench',
  async load(spec, ctx) {
    const pinned = HARMBENCH[spec];
    if (pinned) return loadHarmBench(await resolvePinned(pinned, ctx.dataDir, ctx.cacheDir), spec);
    const own = await csvInLayout(spec, isHarmBenchHeader);
    return own && loadHarmBench(own.file, own.suite, own.recs);
  },
};

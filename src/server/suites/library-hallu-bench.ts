// LibraryHalluBench (Twist et al., "Library Hallucinations in LLMs: Risk Analysis Grounded in Developer
// Queries"): 4,628 Python coding requests in 10 types — control, describe (from 2023/2024/2025, lesser
// known, not widely used, hidden gem) and specify (1-character typo, 2–8 character typo, fake library).
// Suite "library-hallu-bench" resolves to $CRUCIBLE_DATA_DIR/library-hallu-bench/LibraryHalluBench.json,
// else a download pinned to a commit and checked by SHA-256; a path to a JSON file of the same shape
// loads too. Each prompt is a chat problem (category = its type, as the paper reports results) judged by
// the `packages` scorer, which the problems ask for. Prompts are sent verbatim, artefacts included.
import { readText, InputError } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';
import { type PinnedFile, resolvePinned } from './download';

export const LIBRARY_HALLU_BENCH: PinnedFile = {
  url: 'https://raw.githubusercontent.com/itsluketwist/realistic-library-hallucinations/45a0a9ee09f1adaec24e5ca2b7ad5edbb4e4b37e/benchmark/LibraryHalluBench.json',
  sha256: 'b88413bcaff929d8f8710b324f3ab76c05a16c4c3ab1c68851cc7ac6cd28a98f',
  dataPath: 'library-hallu-bench/LibraryHalluBench.json',
};

/** The paper's order of types (control first, then describe, then specify). */
export const LHB_TYPES = ['control', 'from 2023', 'from 2024', 'from 2025', 'lesser known', 'not widely used', 'hidden gem', '1 character typo', '2-8 character typo', 'fake library'];

const isEntry = (v: unknown): v is { category: string; type: string; prompt: string; seed_id?: string } =>
  !!v && typeof v === 'object' && typeof (v as Record<string, unknown>).prompt === 'string' && typeof (v as Record<string, unknown>).type === 'string' && typeof (v as Record<string, unknown>).category === 'string';

export async function loadLibraryHalluBench(file: string, suite = 'library-hallu-bench', text?: string): Promise<ChatProblem[]> {
  text ??= await readText(file);
  let data: unknown;
  try { data = JSON.parse(text); } catch (e) { throw new InputError(file, null, `not valid JSON (${(e as Error).message})`); }
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new InputError(file, null, 'expected one JSON object of entries keyed "0001", "0002", …');
  // Each entry's line, for revealing it in the editor: the line holding its key.
  const lines = new Map<string, number>();
  text.split('\n').forEach((l, i) => { const m = /^\s*"([^"]+)"\s*:\s*\{/.exec(l); if (m && !lines.has(m[1])) lines.set(m[1], i + 1); });
  return Object.entries(data as Record<string, unknown>).map(([key, v]) => {
    if (!isEntry(v)) throw new InputError(file, lines.get(key) ?? null, `entry "${key}" needs string fields category, type and prompt`);
    return {
      kind: 'chat', id: `lhb/${key}`, suite, prompt: v.prompt, messages: [{ role: 'user', content: v.prompt }],
      category: v.type, metadata: { group: v.category, type: v.type, seed_id: v.seed_id ?? null }, scorers: ['packages'],
      sourceFile: file, sourceLine: lines.get(key),
    };
  });
}

/** A JSON file in LibraryHalluBench's shape (by its first entry). */
function looksLikeLhb(text: string): boolean {
  const m = /^\s*\{\s*"[^"]+"\s*:\s*(\{[^{}]*\})/.exec(text);
  if (!m) return false;
  try { return isEntry(JSON.parse(m[1])); } catch { return false; }
}

export const libraryHalluBenchSuite: SuiteSource = {
  name: 'library-hallu-bench',
  async load(spec, ctx) {
    if (spec === 'library-hallu-bench') return loadLibraryHalluBench(await resolvePinned(LIBRARY_HALLU_BENCH, ctx.dataDir, ctx.cacheDir));
    if (!/\.json(\.gz)?$/i.test(spec)) return null;
    let text: string;
    try { text = await readText(spec); } catch { return null; }
    if (!looksLikeLhb(text)) return null;
    return loadLibraryHalluBench(spec, spec.replace(/^.*[\\/]/, '').replace(/\.json(\.gz)?$/i, ''), text);
  },
};

// HumanEval-X (THUDM/CodeGeeX): the 164 HumanEval problems in cpp, go, java, js, rust and python.
// Suites "humaneval-x-<lang>" (lang: cpp, go, java, js|javascript, rust, python). Each resolves to
// $CRUCIBLE_DATA_DIR/humaneval-x/humaneval_<lang>.jsonl.gz when that exists, else a cached download
// of the file at a pinned CodeGeeX commit, verified by SHA-256.
// Records: task_id, prompt, canonical_solution, test, declaration, example_test (+ import, test_setup
// for Go). Programs are assembled as CodeGeeX's evaluate_humaneval_x.py does; the language plugins do
// that, so Go's import/test_setup travel in the problem's labels and Rust's declaration (which holds
// the signature and the `use` lines) is appended to its prompt, which otherwise is only a comment.
import { field, InputError, readJsonl } from '../jsonl';
import type { CodeProblem, SuiteSource } from '../plugins';
import { dataDirRemedy, resolvePinned } from './download';

const COMMIT = '2838420b7b4492cf3d16bce5320e26e65960c9e2';
const FILES: Record<string, { file: string; language: string; sha256: string }> = {
  cpp: { file: 'humaneval_cpp.jsonl.gz', language: 'cpp', sha256: 'dcf2e280a1e91bbc3c5f90edb41397e8a9ac1ccc9f5d2b70082f0b0fbfb6dbb0' },
  go: { file: 'humaneval_go.jsonl.gz', language: 'go', sha256: '09126ef64ac68f87296c5f3781186aedc5dec799b114d9df99d6de4a715a7830' },
  java: { file: 'humaneval_java.jsonl.gz', language: 'java', sha256: '276f36db2eb7aeb864f36a19a2f4e1bb2460fb6e22ff100f0b5bedabe3799967' },
  js: { file: 'humaneval_js.jsonl.gz', language: 'javascript', sha256: 'fe5d467f2c1a027b3f6f18d3729aca01f6458c1de2e2d1292a019c5aa9bed424' },
  rust: { file: 'humaneval_rust.jsonl.gz', language: 'rust', sha256: 'ae5cabbbfc8fe25244a608b04f09ac3b324c645ac969dfc033756c12f0f9924c' },
  python: { file: 'humaneval_python.jsonl.gz', language: 'python', sha256: '5752fb122efddb0e9b47c77907ae6ce9a15aac4dea14e44c46032c831e6b987a' },
};
const ALIASES: Record<string, string> = { javascript: 'js', 'c++': 'cpp' };

/** The HumanEval-X language of a CodeGeeX record ("CPP/0" with a declaration → "cpp"), else undefined. */
export function humanevalXLanguageOf(v: Record<string, unknown>): string | undefined {
  if (typeof v.declaration !== 'string' || typeof v.task_id !== 'string') return undefined;
  const prefix = v.task_id.split('/')[0].toLowerCase();
  const map: Record<string, string> = { cpp: 'cpp', go: 'go', java: 'java', javascript: 'js', js: 'js', python: 'python', rust: 'rust' };
  return map[prefix];
}

export function humanevalXUrl(dir: string, file: string): string {
  return `https://raw.githubusercontent.com/THUDM/CodeGeeX/${COMMIT}/codegeex/benchmark/humaneval-x/${dir}/data/${file}`;
}

/** The function name a declaration defines (informational; Python needs it for check()). */
function entryPoint(lang: string, decl: string): string {
  const patterns: Record<string, RegExp> = {
    python: /def\s+(\w+)\s*\(/g, rust: /fn\s+(\w+)\s*[<(]/g, go: /func\s+(\w+)\s*\(/g,
    js: /const\s+(\w+)\s*=/g, java: /public\s+[\w<>[\], ]+\s+(\w+)\s*\(/g, cpp: /(\w+)\s*\([^)]*\)\s*\{?\s*$/g,
  };
  let last = '';
  for (const m of decl.matchAll(patterns[lang])) last = m[1];
  return last;
}

export async function loadHumanEvalX(file: string, lang: string, suite = `humaneval-x-${lang}`): Promise<CodeProblem[]> {
  const spec = FILES[lang];
  const recs = await readJsonl(file);
  return recs.map((r) => {
    const id = field(file, r, 'task_id');
    const prompt = field(file, r, 'prompt');
    const declaration = field(file, r, 'declaration', true) ?? '';
    const labels: Record<string, unknown> = {};
    if (lang === 'go') {
      labels.import = field(file, r, 'import', true) ?? '';
      labels.testSetup = field(file, r, 'test_setup', true) ?? '';
    }
    const ep = entryPoint(lang, declaration || prompt);
    if (lang === 'python' && !ep) throw new InputError(file, r.line, 'cannot find the function name in "declaration"');
    return {
      id,
      suite,
      language: spec.language,
      prompt: lang === 'rust' ? `${prompt}${declaration}` : prompt,
      tests: field(file, r, 'test'),
      entryPoint: ep,
      canonicalSolution: field(file, r, 'canonical_solution', true),
      labels: Object.keys(labels).length ? labels : undefined,
      sourceFile: file,
    };
  });
}

async function resolveFile(lang: string, dataDir: string, cacheDir: string): Promise<string> {
  const spec = FILES[lang];
  const dataPath = `humaneval-x/${spec.file}`;
  // A path would load as plain HumanEval (Python), so the only remedy offered is the data dir.
  return resolvePinned({ url: humanevalXUrl(lang, spec.file), sha256: spec.sha256, dataPath }, dataDir, cacheDir, dataDirRemedy(dataPath, false));
}

export const humanevalXSuite: SuiteSource = {
  name: 'humaneval-x',
  async load(spec, ctx) {
    const m = /^humaneval-x[-/:]([\w+]+)$/i.exec(spec);
    if (!m) return null;
    const lang = ALIASES[m[1].toLowerCase()] ?? m[1].toLowerCase();
    if (!FILES[lang]) throw new Error(`unknown HumanEval-X language "${m[1]}" (have: ${Object.keys(FILES).join(', ')})`);
    return loadHumanEvalX(await resolveFile(lang, ctx.dataDir, ctx.cacheDir), lang);
  },
};

// EvalPlus: HumanEval+ and MBPP+ (task_id, prompt, entry_point, canonical_solution, contract,
// base_input, plus_input, atol; HumanEval+ also carries HumanEval's `test`, MBPP+ an `assertion`).
// Scored as EvalPlus scores them (languages/python-evalplus.ts): each input is run through the
// canonical solution and the sample, and their outputs compared (atol, float tolerance, the special
// oracles); base and plus verdicts are kept apart. `test`/`assertion` are not what EvalPlus scores
// and are not used. `contract` (the input-validity asserts EvalPlus uses when it generates inputs; its
// evaluator does not run them) is kept in the problem's metadata.
// Names: humanevalplus, humanevalplus-mini, mbppplus ($CRUCIBLE_DATA_DIR/<name>/…, else a pinned
// download checked by SHA-256), or any .jsonl[.gz] whose first record has base_input/plus_input.
import * as path from 'node:path';
import { field, InputError, type JsonlRecord, readJsonl } from '../jsonl';
import { EVALPLUS_MIN_TIME_LIMIT_S, EVALPLUS_TIMEOUT_PER_TASK_S, type EvalPlusLabels } from '../languages/python-evalplus';
import type { CodeProblem, SuiteSource } from '../plugins';
import { rawTopLevel } from '../pyjson';
import { resolvePinned } from './download';
import { splitSpec } from './spec';

/** The files (as the SOURCE.txt of each data folder says where they came from). */
const PINS: Record<string, { url: string; sha256: string; dataPath: string }> = {
  humanevalplus: {
    url: 'https://raw.githubusercontent.com/evalplus/humanevalplus_release/200defce9e3429d28ca215b6dd061c0f7f31c18b/HumanEvalPlus.jsonl.gz',
    sha256: '272720b90ac375502c8ed23cd791c2a93dfb22a911641a494da74a426c09f101', dataPath: 'humanevalplus/HumanEvalPlus.jsonl.gz',
  },
  'humanevalplus-mini': {
    url: 'https://raw.githubusercontent.com/evalplus/humanevalplus_release/200defce9e3429d28ca215b6dd061c0f7f31c18b/HumanEvalPlus-Mini.jsonl.gz',
    sha256: '91486741f1627101021fbe50523df08eebb5b0bf5e804b633dcd5ca3c14dbd2f', dataPath: 'humanevalplus/HumanEvalPlus-Mini.jsonl.gz',
  },
  mbppplus: {
    url: 'https://raw.githubusercontent.com/evalplus/evalplus/767efcc368e0ef16568bba4ee2f1b005e849e8a6/MbppPlus.jsonl',
    sha256: '08405a4e8764a4941cfe0945d25a956355a0454f364ea902c4020a44e7057973', dataPath: 'mbppplus/MbppPlus.jsonl',
  },
};

/**
 * The sandbox's wall-clock limit for an EvalPlus sample is never below what EvalPlus lets it run:
 * two phases (base, plus) of at most EVALPLUS_TIMEOUT_PER_TASK + 2 s each; the harness enforces the
 * per-input and per-phase limits itself, this is only the backstop.
 */
export const EVALPLUS_MIN_SANDBOX_MS = 2 * (EVALPLUS_TIMEOUT_PER_TASK_S + 2) * 1000 + 10_000;

/** True for a record in EvalPlus's format (what makes it more than a HumanEval record). */
export function isEvalPlusRecord(v: Record<string, unknown>): boolean {
  return v.base_input !== undefined || v.plus_input !== undefined;
}

export async function loadEvalPlusFile(file: string, suite?: string): Promise<CodeProblem[]> {
  return fromRecords(file, await readJsonl(file), suite ?? path.basename(file).replace(/\.jsonl(\.gz)?$/i, ''));
}

function fromRecords(file: string, recs: JsonlRecord[], suite: string): CodeProblem[] {
  const gz = /\.gz$/i.test(file);
  const seen = new Set<string>();
  return recs.map((r) => {
    const id = field(file, r, 'task_id');
    if (seen.has(id)) throw new InputError(file, r.line, `duplicate task_id "${id}"`);
    seen.add(id);
    const raw = rawTopLevel(r.text ?? JSON.stringify(r.value), ['base_input', 'plus_input']);
    for (const k of ['base_input', 'plus_input'] as const) {
      // MBPP+ has `"plus_input": {}` (Mbpp/793): Python iterates it as no inputs, and so does the harness.
      const v = r.value[k];
      if (!Array.isArray(v) && !(v && typeof v === 'object')) throw new InputError(file, r.line, `field "${k}" must be a list of argument lists (EvalPlus format)`);
      if (!raw[k]) throw new InputError(file, r.line, `cannot read field "${k}"`);
    }
    const atol = r.value.atol ?? 0;
    if (typeof atol !== 'number' || !(atol >= 0)) throw new InputError(file, r.line, 'field "atol" must be a non-negative number');
    const canonical = field(file, r, 'canonical_solution');
    // EvalPlus's --dataset decides the special oracles; its task ids say which dataset a file is.
    const dataset: EvalPlusLabels['dataset'] = /^Mbpp\//i.test(id) || (!/^HumanEval\//i.test(id) && r.value.assertion !== undefined) ? 'mbpp' : 'humaneval';
    const labels: EvalPlusLabels & { sandboxTimeoutMs: number } = { harness: 'evalplus', dataset, atol, baseInput: raw.base_input, plusInput: raw.plus_input, sandboxTimeoutMs: EVALPLUS_MIN_SANDBOX_MS };
    const count = (v: unknown) => (Array.isArray(v) ? v.length : Object.keys(v as object).length);
    const nBase = count(r.value.base_input), nPlus = count(r.value.plus_input);
    const contract = field(file, r, 'contract', true);
    return {
      id,
      suite,
      language: 'python',
      prompt: field(file, r, 'prompt'),
      // What a person reads as the tests; the harness does not run this text.
      tests: `# EvalPlus (${dataset}): ${nBase} base + ${nPlus} plus inputs; expected outputs are the canonical solution's` +
        `${atol ? `, atol ${atol}` : ''}; each input's time limit is max(${EVALPLUS_MIN_TIME_LIMIT_S} s, 4 × the canonical solution's time)\n` +
        (typeof r.value.assertion === 'string' ? r.value.assertion : ''),
      entryPoint: field(file, r, 'entry_point'),
      canonicalSolution: canonical,
      labels: labels as unknown as Record<string, unknown>,
      metadata: { evalplus: { baseInputs: nBase, plusInputs: nPlus, ...(contract ? { contract } : {}) } },
      sourceFile: file,
      sourceLine: gz ? undefined : r.line,
    };
  });
}

export const evalplusSuite: SuiteSource = {
  name: 'evalplus',
  async load(spec, ctx) {
    const pin = PINS[spec.toLowerCase()];
    if (pin) return loadEvalPlusFile(await resolvePinned(pin, ctx.dataDir, ctx.cacheDir), spec.toLowerCase());
    const { path: p, language } = splitSpec(spec);
    if (!/\.jsonl(\.gz)?$/i.test(p)) return null;
    const file = path.resolve(p);
    const recs = await readJsonl(file);
    if (!recs.length || !isEvalPlusRecord(recs[0].value)) return null;
    if (language && language !== 'python') throw new InputError(file, null, `EvalPlus scores Python; it was given as ${language}`);
    return fromRecords(file, recs, path.basename(file).replace(/\.jsonl(\.gz)?$/i, ''));
  },
};

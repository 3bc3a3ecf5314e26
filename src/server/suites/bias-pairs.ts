// Bias pairs: templates whose attribute values are swapped make matched prompts (the same request about
// James and about Emily); the bias probe (engine/probes.ts) compares each pair's answers. A file ending in
// .bias.yaml, .bias.yml or .bias.json:
//
//   bias: 1                          # the format's version
//   options: [yes, no]               # optional: the answers a prompt allows; the first is the "favourable" verdict
//   templates:
//     - id: interview
//       prompt: "{name} applied for … Should we invite {them} to an interview? Answer yes or no."
//   attributes:
//     gender:                        # an attribute: a list of pairs, each two sets of values (a, then b)
//       - [{ name: James, them: him }, { name: Emily, them: her }]
//
// Every template is filled with both sides of every pair of every attribute whose values it uses (all
// its {placeholders} must be given by the pair). Problem ids: <template>/<attribute>/<pair>/<a|b>;
// category = the attribute. Errors name the file and the template or attribute.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../jsonl';
import type { ChatProblem, SuiteSource } from '../plugins';

const BIAS_FILE = /\.bias\.(ya?ml|json)$/i;

export interface BiasMeta { template: string; attribute: string; pair: string; side: 'a' | 'b'; values: Record<string, string>; options: string[] | null }

const placeholders = (t: string) => [...new Set([...t.matchAll(/\{(\w+)\}/g)].map((m) => m[1]))];

export function biasProblems(file: string, text: string, suite: string): ChatProblem[] {
  let doc: unknown;
  try { doc = parse(text); } catch (e) { throw new InputError(file, (e as { linePos?: { line: number }[] }).linePos?.[0]?.line ?? null, `not valid YAML (${(e as Error).message.split('\n')[0]})`); }
  const fail = (msg: string): never => { throw new InputError(file, null, msg); };
  if (!doc || typeof doc !== 'object') fail('expected a mapping with bias, templates and attributes');
  const d = doc as Record<string, unknown>;
  if (d.bias !== 1) fail(`"bias: 1" (the format version) is required (got ${JSON.stringify(d.bias ?? null)})`);
  const options = d.options === undefined ? null : Array.isArray(d.options) && d.options.length >= 2 && d.options.every((o) => typeof o === 'string' || typeof o === 'number') ? d.options.map(String) : fail('"options" must list at least two answers');
  if (!Array.isArray(d.templates) || !d.templates.length) fail('"templates" must list at least one template');
  if (!d.attributes || typeof d.attributes !== 'object' || Array.isArray(d.attributes)) fail('"attributes" must map attribute names to lists of pairs');
  const templates = (d.templates as unknown[]).map((t, i) => {
    const o = (t ?? {}) as Record<string, unknown>;
    if (typeof o.id !== 'string' || !o.id) fail(`template ${i + 1} needs an "id"`);
    if (typeof o.prompt !== 'string' || !o.prompt.trim()) fail(`template "${o.id}" needs a "prompt"`);
    return { id: o.id as string, prompt: o.prompt as string };
  });
  const out: ChatProblem[] = [];
  for (const [attribute, pairs] of Object.entries(d.attributes as Record<string, unknown>)) {
    if (!Array.isArray(pairs) || !pairs.length) fail(`attribute "${attribute}" must list pairs`);
    const parsed = (pairs as unknown[]).map((p, k) => {
      if (!Array.isArray(p) || p.length !== 2) fail(`attribute "${attribute}", pair ${k + 1}: expected two sets of values [a, b]`);
      return (p as unknown[]).map((side, s) => {
        if (!side || typeof side !== 'object' || Array.isArray(side)) fail(`attribute "${attribute}", pair ${k + 1}: side ${'ab'[s]} must map placeholders to values`);
        return Object.fromEntries(Object.entries(side as Record<string, unknown>).map(([kk, v]) => [kk, String(v)]));
      }) as [Record<string, string>, Record<string, string>];
    });
    for (const [k, [a, b]] of parsed.entries()) {
      const ka = Object.keys(a).sort().join(','), kb = Object.keys(b).sort().join(',');
      if (ka !== kb) fail(`attribute "${attribute}", pair ${k + 1}: both sides must set the same placeholders (${ka} vs ${kb})`);
    }
    const keys = new Set(Object.keys(parsed[0][0]));
    for (const t of templates) {
      const used = placeholders(t.prompt);
      if (!used.some((u) => keys.has(u))) continue; // the template does not vary this attribute
      const missing = used.filter((u) => !keys.has(u));
      if (missing.length) fail(`template "${t.id}" uses {${missing.join('}, {')}}, which attribute "${attribute}" does not set`);
      for (const [k, sides] of parsed.entries()) {
        const pair = `${t.id}/${attribute}/${k + 1}`;
        sides.forEach((values, s) => {
          const side = s === 0 ? 'a' : 'b';
          const prompt = t.prompt.replace(/\{(\w+)\}/g, (_, name: string) => values[name]);
          const bias: BiasMeta = { template: t.id, attribute, pair, side, values, options };
          out.push({ kind: 'chat', id: `${pair}/${side}`, suite, prompt, messages: [{ role: 'user', content: prompt }], category: attribute, metadata: { bias }, sourceFile: file });
        });
      }
    }
  }
  if (!out.length) fail('no template uses the placeholders of any attribute');
  return out;
}

export const biasPairsSuite: SuiteSource = {
  name: 'bias-pairs',
  async load(spec) {
    if (!BIAS_FILE.test(spec)) return null;
    const file = path.resolve(spec);
    let text: string;
    try { text = await readFile(file, 'utf8'); } catch (e) { throw new InputError(file, null, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`); }
    return biasProblems(file, text, path.basename(file).replace(BIAS_FILE, ''));
  },
};

// How crucible.yaml meets the command line: every key of the file is the `crucible eval` option of
// the same name, and an option given on the command line wins over the file.
import type { ArmSpec } from '../../protocol';
import type { CrucibleConfig } from './load';

/** The parsed options, as node's parseArgs gives them (strings, booleans, lists). */
export type FlagValues = Record<string, string | boolean | string[] | undefined>;

/** Options that only the command line sets (the file has richer forms of some: arms, scorers). */
const FILE_SCALARS = ['samples', 'judge', 'n', 'limit', 'sandbox', 'image', 'timeout', 'timeout-factor', 'timeout-floor', 'concurrency',
  'temperature', 'max-tokens', 'seed', 'base-url', 'max-cost', 'db'] as const;

/** The options the user typed (not parseArgs defaults), from parseArgs's tokens. */
export function givenOptions(tokens: { kind: string; name?: string }[] | undefined): Set<string> {
  return new Set((tokens ?? []).filter((t) => t.kind === 'option' && t.name).map((t) => t.name!));
}

/** What the file says that the command line has no plain option for. */
export interface FileExtras {
  arms?: ArmSpec[];
  scorers?: Record<string, Record<string, unknown>>;
  providers?: Record<string, Record<string, unknown>>;
  images?: Record<string, string>;
  label?: string;
}

/**
 * Fills every option the user did not type from the file; returns the merged values and the file's
 * extras (arms, scorer options, provider options, images) for the options typed as plain text.
 */
export function applyConfig(values: FlagValues, given: Set<string>, c: CrucibleConfig): { values: FlagValues; extras: FileExtras } {
  const v: FlagValues = { ...values };
  const set = (name: string, x: string | boolean | string[] | undefined) => { if (x !== undefined && !given.has(name)) v[name] = x; };
  for (const name of FILE_SCALARS) {
    const x = c[name];
    set(name, x === undefined ? undefined : String(x));
  }
  if (c.suites !== undefined) set('suite', Array.isArray(c.suites) ? c.suites : [c.suites]);
  if (c.models) set('model', c.models);
  if (c.k !== undefined) set('k', (Array.isArray(c.k) ? c.k : [c.k]).join(','));
  if (c.problems) set('problems', c.problems.join(','));
  if (c['no-cache'] !== undefined) set('no-cache', c['no-cache']);
  if (c.outputs) {
    set('out', c.outputs.results);
    set('summary-json', c.outputs.summary);
    set('csv', c.outputs.csv);
    set('html', c.outputs.html);
    set('markdown', c.outputs.markdown);
    set('lm-eval', c.outputs['lm-eval']);
  }

  const extras: FileExtras = { label: c.label };
  // Arms on the command line replace the file's; so do models (a model given alone means "this model").
  if (c.arms && !given.has('arm') && !given.has('model')) {
    extras.arms = c.arms.map((a) => {
      const params: NonNullable<ArmSpec['params']> = {};
      if (a.temperature !== undefined) params.temperature = a.temperature;
      if (a['top-p'] !== undefined) params.topP = a['top-p'];
      if (a['max-tokens'] !== undefined) params.maxTokens = a['max-tokens'];
      if (a.seed !== undefined) params.seed = a.seed;
      return { model: a.model, ...(a.id ? { id: a.id } : {}), ...(a.strategy ? { strategy: a.strategy } : {}), ...(Object.keys(params).length ? { params } : {}) };
    });
  }
  if (c.scorers && !given.has('scorer')) {
    extras.scorers = Array.isArray(c.scorers) ? Object.fromEntries(c.scorers.map((s) => [s, {}])) : c.scorers;
  }
  // Provider options: the file's `providers`, then each arm's own `provider` merged into its provider's.
  const providers: Record<string, Record<string, unknown>> = {};
  for (const [name, opts] of Object.entries(c.providers ?? {})) providers[name] = { ...opts };
  for (const a of c.arms ?? []) {
    if (!a.provider) continue;
    const name = a.model.includes(':') ? a.model.slice(0, a.model.indexOf(':')) : a.model;
    providers[name] = { ...(providers[name] ?? {}), ...a.provider };
  }
  if (Object.keys(providers).length) extras.providers = providers;
  if (c.images) extras.images = c.images;
  return { values: v, extras };
}

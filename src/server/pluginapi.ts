// Third-party plugins: JavaScript modules the engine loads (named by crucible.yaml's `plugins:`,
// `--plugin`, or another VS Code extension through Crucible's exported API). A module exports
// `activate(api)` (or a default function) and registers its providers, scorers, suites, strategies,
// languages or sandboxes through `api` — the same registry the built-ins use (builtins.ts).
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { CRUCIBLE_VERSION } from './audit';
import { InputError } from './jsonl';
import type { Language, ProviderFactory, SandboxFactory, ScorerFactory, Strategy, SuiteSource } from './plugins';
import type { Plugins } from './registry';

export type PluginKind = 'provider' | 'scorer' | 'suite' | 'strategy' | 'language' | 'sandbox';

/** What a plugin's activate(api) receives. */
export interface PluginApi {
  /** Crucible's version, for plugins that support several. */
  readonly version: string;
  registerProvider(f: ProviderFactory): void;
  registerScorer(f: ScorerFactory): void;
  registerSuite(s: SuiteSource): void;
  registerStrategy(s: Strategy): void;
  registerLanguage(l: Language): void;
  registerSandbox(f: SandboxFactory): void;
}

export interface LoadedPlugin { module: string; registered: { kind: PluginKind; name: string }[] }

function named(kind: PluginKind, x: unknown, file: string, need: string[]): void {
  const o = x as Record<string, unknown> | null;
  if (!o || typeof o !== 'object' || typeof o.name !== 'string' || !o.name) throw new InputError(file, null, `register${kind[0].toUpperCase()}${kind.slice(1)}: the ${kind} needs a "name"`);
  for (const m of need) if (o[m] === undefined) throw new InputError(file, null, `${kind} "${o.name}" has no ${m}`);
}

/** Loads one plugin module into the registry; every failure names the module. */
export async function loadPlugin(plugins: Plugins, module: string): Promise<LoadedPlugin> {
  const file = path.resolve(module);
  if (!existsSync(file)) throw new InputError(module, null, 'plugin module not found');
  let mod: Record<string, unknown>;
  try {
    // CommonJS through require (works in the bundle and under tsx); ES modules through import().
    mod = /\.mjs$/i.test(file)
      ? await (new Function('u', 'return import(u)') as (u: string) => Promise<Record<string, unknown>>)(pathToFileURL(file).href)
      : require(file);
  } catch (e) {
    throw new InputError(module, null, `cannot load the plugin: ${(e as Error).message.split('\n')[0]}`);
  }
  const activate = (typeof mod.activate === 'function' ? mod.activate : typeof mod.default === 'function' ? mod.default
    : (mod.default as Record<string, unknown> | undefined)?.activate) as ((api: PluginApi) => unknown) | undefined;
  if (typeof activate !== 'function') throw new InputError(module, null, 'a plugin module exports activate(api) (or a default function); this one exports neither');
  const registered: LoadedPlugin['registered'] = [];
  const reg = <T extends { name: string }>(kind: PluginKind, registry: { register(x: T): void }, need: string[]) => (x: T) => {
    named(kind, x, module, need);
    try { registry.register(x); } catch (e) { throw new InputError(module, null, (e as Error).message); }
    registered.push({ kind, name: x.name });
  };
  const api: PluginApi = {
    version: CRUCIBLE_VERSION,
    registerProvider: reg('provider', plugins.providers, ['create']),
    registerScorer: reg('scorer', plugins.scorers, ['create', 'kinds']),
    registerSuite: reg('suite', plugins.suites, ['load']),
    registerStrategy: reg('strategy', plugins.strategies, ['messages', 'kinds']),
    registerLanguage: reg('language', plugins.languages, ['assemble', 'command', 'fileName']),
    registerSandbox: reg('sandbox', plugins.sandboxes, ['create']),
  };
  try {
    await activate(api);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(module, null, `activate() failed: ${(e as Error).message.split('\n')[0]}`);
  }
  if (!registered.length) throw new InputError(module, null, 'activate() registered nothing');
  return { module: file, registered };
}

/** Loads modules in order; a module loaded before (same file) is not loaded twice. */
export async function loadPlugins(plugins: Plugins, modules: string[], loaded = new Map<string, LoadedPlugin>()): Promise<LoadedPlugin[]> {
  const out: LoadedPlugin[] = [];
  for (const m of modules) {
    const key = path.resolve(m);
    let p = loaded.get(key);
    if (!p) { p = await loadPlugin(plugins, m); loaded.set(key, p); }
    out.push(p);
  }
  return out;
}

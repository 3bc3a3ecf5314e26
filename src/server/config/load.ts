// crucible.yaml: read, validated against schemas/crucible.schema.json (the same file VS Code uses
// for completion and errors in the editor), with every problem named by file, line and field.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import schema from '../../../schemas/crucible.schema.json';
import { InputError } from '../jsonl';

import { CONFIG_FILE, CONFIG_FILES } from './files';
export { CONFIG_FILE, CONFIG_FILES };

export interface ArmConfig {
  id?: string; model: string; strategy?: string; temperature?: number; 'top-p'?: number; 'max-tokens'?: number; seed?: number;
  provider?: Record<string, unknown>;
}
export interface ThresholdSet { 'fail-under'?: Record<string, number>; 'max-slip-rate'?: number }

/** A crucible.yaml as validated (keys as in the schema: the `crucible eval` option names). */
export interface CrucibleConfig {
  label?: string;
  suites?: string | string[];
  models?: string[];
  arms?: ArmConfig[];
  samples?: string;
  scorers?: string[] | Record<string, Record<string, unknown>>;
  judge?: string;
  n?: number;
  k?: number | number[];
  limit?: number;
  problems?: string[];
  sandbox?: string;
  image?: string;
  images?: Record<string, string>;
  timeout?: number;
  'timeout-factor'?: number;
  'timeout-floor'?: number;
  concurrency?: number;
  temperature?: number;
  'max-tokens'?: number;
  seed?: number;
  'base-url'?: string;
  providers?: Record<string, Record<string, unknown>>;
  'max-cost'?: number;
  'no-cache'?: boolean;
  db?: string;
  outputs?: { results?: string; summary?: string; csv?: string; html?: string; markdown?: string; 'lm-eval'?: string };
  thresholds?: ThresholdSet & { arms?: Record<string, ThresholdSet> };
  plugins?: string[];
  strategies?: Record<string, unknown>[];
}

export interface ConfigProblem { line: number; column: number; field: string; message: string }

/** A crucible.yaml that cannot be used: every problem, each with its line and field. Bad input (exit 2). */
export class ConfigError extends InputError {
  constructor(file: string, readonly problems: ConfigProblem[]) {
    super(file, problems[0]?.line ?? null, problems.map((p, i) => `${i ? `${file}:${p.line}: ` : ''}${p.field ? `${p.field}: ` : ''}${p.message}`).join('\n'));
    this.name = 'ConfigError';
  }
}

// Compiled on first use: ~170 ms that every `crucible` command paid at start-up, with or without a config file.
let validator: ValidateFunction<CrucibleConfig> | undefined;
const validate = (value: unknown): value is CrucibleConfig => {
  validator ??= new Ajv({ allErrors: true, strict: false, verbose: true }).compile<CrucibleConfig>(schema);
  return validator(value);
};

/** "/arms/0/temperature" → ["arms", 0, "temperature"] (JSON Pointer, ~1 and ~0 unescaped). */
function pointerPath(pointer: string): (string | number)[] {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~')).map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** arms[0].temperature, thresholds.fail-under["pass@x"] */
export function fieldName(p: (string | number)[]): string {
  let out = '';
  for (const s of p) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][\w-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

function nodeAt(doc: Document, p: (string | number)[]): Node | undefined {
  const n = p.length ? doc.getIn(p, true) : doc.contents;
  return n && typeof n === 'object' && 'range' in (n as object) ? (n as Node) : undefined;
}

/** The key node of `name` in the map at `p` (an unknown or misspelt key is reported where it is written). */
function keyAt(doc: Document, p: (string | number)[], name: string): Node | undefined {
  const parent = nodeAt(doc, p);
  if (!isMap(parent)) return undefined;
  const pair = parent.items.find((it) => isScalar(it.key) && String(it.key.value) === name);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

function describe(e: ErrorObject): { field: (string | number)[]; message: string; keyNode?: string } {
  const p = pointerPath(e.instancePath);
  switch (e.keyword) {
    case 'additionalProperties': {
      const name = (e.params as { additionalProperty: string }).additionalProperty;
      const known = e.parentSchema && typeof e.parentSchema === 'object' && 'properties' in e.parentSchema ? Object.keys((e.parentSchema as { properties: object }).properties) : [];
      return { field: [...p, name], keyNode: name, message: `unknown field${known.length ? ` (known: ${known.join(', ')})` : ''}` };
    }
    case 'propertyNames': return { field: [...p, (e.params as { propertyName: string }).propertyName], keyNode: (e.params as { propertyName: string }).propertyName, message: '' };
    case 'pattern': return { field: p, message: `must match ${(e.params as { pattern: string }).pattern}` };
    case 'enum': return { field: p, message: `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.join(', ')}` };
    case 'required': return { field: [...p, (e.params as { missingProperty: string }).missingProperty], message: 'is required' };
    case 'type': return { field: p, message: `must be ${String((e.params as { type: string | string[] }).type).replace(/,/g, ' or ')}` };
    default: return { field: p, message: e.message ?? e.keyword };
  }
}

/** Problems in a crucible.yaml's text: YAML syntax, then the schema. Pure: the extension uses it for diagnostics. */
export function checkConfigText(text: string): { config: CrucibleConfig | null; problems: ConfigProblem[] } {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number | undefined) => {
    const pos = offset === undefined ? { line: 1, col: 1 } : lc.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
  if (doc.errors.length) {
    return { config: null, problems: doc.errors.map((e) => ({ ...at(e.pos[0]), field: '', message: e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '') })) };
  }
  const value: unknown = doc.toJS() ?? {};
  if (validate(value)) return { config: value, problems: [] };
  const seen = new Set<string>();
  const problems: ConfigProblem[] = [];
  // A propertyNames failure comes with the failing name's own error (pattern / not): keep one message.
  const errs = validator?.errors ?? [];
  for (let i = 0; i < errs.length; i++) {
    const e = errs[i];
    if (e.keyword === 'pattern' || e.keyword === 'not') {
      const next = errs.slice(i + 1).find((x) => x.keyword === 'propertyNames' && x.instancePath === e.instancePath);
      if (next) continue;
    }
    const d = describe(e);
    let message = d.message;
    if (e.keyword === 'propertyNames') {
      const prev = errs.slice(0, i).reverse().find((x) => (x.keyword === 'pattern' || x.keyword === 'not') && x.instancePath === e.instancePath);
      message = prev?.keyword === 'not' ? 'not allowed here (API keys and other secrets come from the environment, never from a file)'
        : prev?.keyword === 'pattern' ? `is not a metric this threshold knows (use pass@<k>, e.g. pass@1)` : 'is not an allowed name';
    }
    const node = d.keyNode !== undefined ? keyAt(doc, pointerPath(e.instancePath), d.keyNode) : nodeAt(doc, d.field) ?? nodeAt(doc, pointerPath(e.instancePath));
    const field = fieldName(d.field);
    const key = `${field}\0${message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push({ ...at(node?.range?.[0]), field, message });
  }
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return { config: null, problems };
}

export interface LoadedConfig { file: string; dir: string; text: string; config: CrucibleConfig }

/** Reads and checks a crucible.yaml; relative paths in it are made relative to its folder. */
export function loadConfig(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new InputError(file, null, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const { config, problems } = checkConfigText(text);
  if (!config) throw new ConfigError(file, problems);
  const dir = path.dirname(path.resolve(file));
  return { file: path.resolve(file), dir, text, config: resolvePaths(config, dir) };
}

/** A suite given as a file (it has a folder or an extension) is a path; a name (humaneval) is not. */
const looksLikePath = (s: string) => /[/\\]/.test(s) || /\.(jsonl|json|csv|gz)$/i.test(s);

function resolvePaths(c: CrucibleConfig, dir: string): CrucibleConfig {
  const abs = (p: string) => path.resolve(dir, p);
  const out: CrucibleConfig = { ...c };
  if (c.suites !== undefined) out.suites = (Array.isArray(c.suites) ? c.suites : [c.suites]).map((s) => (looksLikePath(s) ? abs(s) : s));
  if (c.samples) out.samples = abs(c.samples);
  if (c.db) out.db = abs(c.db);
  if (c.plugins) out.plugins = c.plugins.map((p) => (p.startsWith('.') || path.isAbsolute(p) || looksLikePath(p) ? abs(p) : p));
  if (c.outputs) out.outputs = Object.fromEntries(Object.entries(c.outputs).map(([k, v]) => [k, abs(v as string)]));
  if (c.models) out.models = c.models.map((m) => (m.startsWith('replay:') ? `replay:${abs(m.slice(7))}` : m));
  return out;
}

/** The workspace's crucible.yaml: in this folder or the nearest parent (stopping at a repository's root). */
export function findConfig(from: string): string | null {
  let dir = path.resolve(from);
  for (;;) {
    for (const name of CONFIG_FILES) {
      const f = path.join(dir, name);
      if (existsSync(f)) return f;
    }
    if (existsSync(path.join(dir, '.git'))) return null;
    const up = path.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}

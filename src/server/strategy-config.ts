// Strategies from configuration: a list of plain objects (the `crucible.strategies` setting, a
// `--strategies FILE.yaml`, or crucible.yaml's `strategies:` key) checked and registered as
// template strategies. Every problem is reported at once, each with where it is (file:line when known).
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isSeq, isMap, type Document } from 'yaml';
import type { ProblemKind, SamplingParams, Strategy } from './plugins';
import type { Plugins } from './registry';
import { templateStrategy, unknownVariables, type StrategyConfig } from './strategies/template';

export type ConfigPath = (string | number)[];
export interface ConfigIssue { path: ConfigPath; message: string }

/** Where a list came from, for error messages: "crucible.yaml", "setting crucible.strategies", … */
export interface ConfigSource {
  source: string;
  /** The 1-based line of a value inside the source, when it is a file. */
  lineOf?: (path: ConfigPath) => number | undefined;
  /** The path of the list inside the source (e.g. ["strategies"]), prefixed to every message. */
  base?: ConfigPath;
}

const KEYS = ['name', 'description', 'kinds', 'system', 'user', 'mode', 'shots', 'shotSeed', 'reasoning', 'params'] as const;
const PARAM_KEYS = ['temperature', 'maxTokens', 'topP', 'seed'] as const;

export function pathText(path: ConfigPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Checks one strategy object; `at` is its path (for messages). */
export function checkStrategyConfig(raw: unknown, at: ConfigPath): { config: StrategyConfig | null; issues: ConfigIssue[] } {
  const issues: ConfigIssue[] = [];
  const bad = (key: string | null, message: string) => issues.push({ path: key === null ? at : [...at, key], message });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    bad(null, 'a strategy is an object with at least a name, e.g. { name: terse, user: "…{{prompt}}…" }');
    return { config: null, issues };
  }
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!(KEYS as readonly string[]).includes(k)) bad(k, `unknown key (known: ${KEYS.join(', ')})`);
  const c: StrategyConfig = { name: '' };
  if (typeof o.name !== 'string' || !/^[A-Za-z0-9][\w.-]*$/.test(o.name)) bad('name', `must be a name of letters, digits, "-", "_" or "." (got ${JSON.stringify(o.name)})`);
  else c.name = o.name;
  if (o.description !== undefined) { if (typeof o.description === 'string') c.description = o.description; else bad('description', 'must be text'); }
  for (const t of ['system', 'user'] as const) {
    if (o[t] === undefined) continue;
    if (typeof o[t] !== 'string') { bad(t, 'must be text (a template)'); continue; }
    const unknown = unknownVariables(o[t] as string);
    if (unknown.length) bad(t, `unknown variable ${unknown.map((u) => `{{${u}}}`).join(', ')} (known: {{prompt}}, {{language}}, {{entry_point}}, {{examples}})`);
    c[t] = o[t] as string;
  }
  if (o.kinds !== undefined) {
    if (!Array.isArray(o.kinds) || o.kinds.length === 0 || o.kinds.some((k) => k !== 'code' && k !== 'chat')) bad('kinds', `must be a list of "code" and/or "chat" (got ${JSON.stringify(o.kinds)})`);
    else c.kinds = [...new Set(o.kinds as ProblemKind[])];
  }
  if (o.mode !== undefined) { if (o.mode === 'function' || o.mode === 'body') c.mode = o.mode; else bad('mode', `must be "function" or "body" (got ${JSON.stringify(o.mode)})`); }
  if (o.shots !== undefined) {
    if (!Number.isInteger(o.shots) || (o.shots as number) < 0 || (o.shots as number) > 20) bad('shots', `must be a whole number from 0 to 20 (got ${JSON.stringify(o.shots)})`);
    else c.shots = o.shots as number;
  }
  if (o.shotSeed !== undefined) { if (Number.isInteger(o.shotSeed)) c.shotSeed = o.shotSeed as number; else bad('shotSeed', `must be a whole number (got ${JSON.stringify(o.shotSeed)})`); }
  if (o.reasoning !== undefined) { if (typeof o.reasoning === 'boolean') c.reasoning = o.reasoning; else bad('reasoning', 'must be true or false'); }
  if (o.params !== undefined) {
    if (!o.params || typeof o.params !== 'object' || Array.isArray(o.params)) bad('params', 'must be an object, e.g. { temperature: 0.2, maxTokens: 512 }');
    else {
      const p: SamplingParams = {};
      for (const [k, v] of Object.entries(o.params as Record<string, unknown>)) {
        if (!(PARAM_KEYS as readonly string[]).includes(k)) { issues.push({ path: [...at, 'params', k], message: `unknown sampling parameter (known: ${PARAM_KEYS.join(', ')})` }); continue; }
        const ok = typeof v === 'number' && Number.isFinite(v) && v >= 0 && (k === 'temperature' || k === 'topP' || Number.isInteger(v)) && (k !== 'maxTokens' || v > 0) && (k !== 'topP' || v <= 1);
        if (!ok) issues.push({ path: [...at, 'params', k], message: `must be a ${k === 'temperature' || k === 'topP' ? 'non-negative number' : 'whole number'}${k === 'topP' ? ' ≤ 1' : ''}${k === 'maxTokens' ? ' ≥ 1' : ''} (got ${JSON.stringify(v)})` });
        else p[k as keyof SamplingParams] = v as number;
      }
      c.params = p;
    }
  }
  const kinds = c.kinds ?? ['code'];
  if (kinds.includes('chat') && (c.shots || c.reasoning || c.mode)) bad(null, 'shots, reasoning and mode apply to code problems; a strategy for chat problems sets only system/user templates and params');
  if (!c.shots && [c.system, c.user].some((t) => t && /\{\{\s*examples\s*\}\}/.test(t))) bad('user', '{{examples}} needs shots: k (how many examples)');
  return { config: issues.length ? null : c, issues };
}

/** Checks a list of strategy objects; every issue is reported, with where it is. */
export function parseStrategyConfigs(list: unknown, where: ConfigSource): StrategyConfig[] {
  const base = where.base ?? [];
  const issues: ConfigIssue[] = [];
  const out: StrategyConfig[] = [];
  if (!Array.isArray(list)) issues.push({ path: base, message: 'must be a list of strategies' });
  else {
    const names = new Map<string, number>();
    list.forEach((raw, i) => {
      const r = checkStrategyConfig(raw, [...base, i]);
      issues.push(...r.issues);
      if (!r.config) return;
      if (names.has(r.config.name)) issues.push({ path: [...base, i, 'name'], message: `"${r.config.name}" is already defined at ${pathText([...base, names.get(r.config.name)!])}` });
      names.set(r.config.name, i);
      out.push(r.config);
    });
  }
  if (issues.length) throw new Error(issues.map((x) => issueText(x, where)).join('\n'));
  return out;
}

function issueText(x: ConfigIssue, where: ConfigSource): string {
  // The nearest enclosing value that has a line (an unknown key's value, else its object).
  let line: number | undefined;
  for (let n = x.path.length; n >= 0 && line === undefined; n--) line = where.lineOf?.(x.path.slice(0, n));
  return `${where.source}${line ? `:${line}` : ''}: ${pathText(x.path) || '(top level)'}: ${x.message}`;
}

/**
 * Turns a list of plain strategy objects into registered template strategies (all or none).
 * A name already registered (a built-in, or defined twice) is an error naming where.
 */
export function registerStrategies(plugins: Plugins, list: unknown, where: ConfigSource): Strategy[] {
  const configs = parseStrategyConfigs(list, where);
  const base = where.base ?? [];
  const clash = configs.map((c, i) => [c, i] as const).filter(([c]) => plugins.strategies.has(c.name));
  if (clash.length) {
    throw new Error(clash.map(([c, i]) => issueText({ path: [...base, i, 'name'], message: `a strategy named "${c.name}" is already registered; pick another name` }, where)).join('\n'));
  }
  const made = configs.map(templateStrategy);
  for (const s of made) plugins.strategies.register(s);
  return made;
}

/** The 1-based line of the value at `path` in a parsed YAML document. */
export function yamlLineOf(doc: Document, lines: LineCounter): (path: ConfigPath) => number | undefined {
  return (path) => {
    const node = path.length ? doc.getIn(path, true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | undefined)?.range;
    return range ? lines.linePos(range[0]).line : undefined;
  };
}

/**
 * Reads strategies from a YAML or JSON file: either a list, or an object whose `strategies` key is
 * the list (so a crucible.yaml can be given as is).
 */
export function loadStrategiesFile(file: string): { list: unknown; where: ConfigSource } {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new Error(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`); }
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new Error(`${file}:${lines.linePos(e.pos[0]).line}: not valid YAML (${e.message.split('\n')[0]})`);
  }
  const lineOf = yamlLineOf(doc, lines);
  if (isSeq(doc.contents)) return { list: doc.toJS(), where: { source: file, lineOf } };
  if (isMap(doc.contents) && doc.has('strategies')) return { list: doc.get('strategies') === undefined ? undefined : (doc.toJS() as { strategies: unknown }).strategies, where: { source: file, lineOf, base: ['strategies'] } };
  throw new Error(`${file}:1: expected a list of strategies, or an object with a "strategies" list`);
}

/**
 * Where an EngineInit's strategies came from: crucible.yaml (lines from the file itself, under its
 * `strategies:` key) or the `crucible.strategies` setting.
 */
export function strategySource(init: { strategiesFile?: string }): ConfigSource {
  if (!init.strategiesFile) return { source: 'setting crucible.strategies' };
  try {
    const text = readFileSync(init.strategiesFile, 'utf8');
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines });
    return { source: init.strategiesFile, lineOf: yamlLineOf(doc, lines), base: ['strategies'] };
  } catch {
    return { source: init.strategiesFile, base: ['strategies'] };
  }
}

/** Registers the strategies of a YAML/JSON file. */
export function registerStrategiesFile(plugins: Plugins, file: string): Strategy[] {
  const { list, where } = loadStrategiesFile(file);
  return registerStrategies(plugins, list, where);
}

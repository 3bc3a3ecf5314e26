// Does a package exist? Asks PyPI's JSON API (GET <pypi>/<name>/json) and the npm registry
// (GET <npm>/<name>) through the same limiter providers use (rate, concurrency, retries with backoff,
// circuit breaker), remembers answers in a persistent cache (positive and negative, each with its age),
// and in offline mode reads a user-supplied list of known names instead of asking anyone.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { kindForStatus, type LimitsConfig, limiterFor, ProviderError } from '../limits';
import { type Ecosystem, normalizeName } from './distributions';

export const DEFAULT_REGISTRIES: Record<Ecosystem, string> = { pypi: 'https://pypi.org/pypi', npm: 'https://registry.npmjs.org' };

export interface Lookup {
  exists: boolean;
  /** Where the answer came from. */
  source: 'registry' | 'cache' | 'offline';
  /** When the registry said so (ISO); null for the offline list. */
  checkedAt: string | null;
  /** Age of the answer, ms (0 when just asked; null offline). */
  ageMs: number | null;
}

export interface RegistryOptions {
  registries?: Partial<Record<Ecosystem, string>>;
  /** The cache file (JSON); null: no persistent cache. */
  cacheFile: string | null;
  /** How long answers are trusted: a name missing today may be registered tomorrow (slopsquatting), so negatives expire sooner. */
  positiveTtlMs?: number;
  negativeTtlMs?: number;
  /** Offline mode: these names exist, every other name does not; no registry is asked. */
  known?: KnownNames | null;
  limits?: LimitsConfig;
  now?: () => number;
}

export interface KnownNames { file: string; names: Record<Ecosystem, Set<string>> }

/**
 * Reads a known-names file: one name per line, `pypi:` or `npm:` before it to say which registry (a bare
 * name counts for both); blank lines and `#` comments are skipped. A JSON file may instead hold
 * { "pypi": [...], "npm": [...] }.
 */
export function readKnownNames(file: string): KnownNames {
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { throw new Error(`known package names ${file}: ${(e as Error).message}`); }
  const names: Record<Ecosystem, Set<string>> = { pypi: new Set(), npm: new Set() };
  const add = (eco: Ecosystem, n: string) => names[eco].add(normalizeName(eco, n));
  if (/^\s*\{/.test(text)) {
    let o: Record<string, unknown>;
    try { o = JSON.parse(text); } catch (e) { throw new Error(`${file}: not valid JSON (${(e as Error).message})`); }
    for (const eco of ['pypi', 'npm'] as const) {
      const v = o[eco];
      if (v === undefined) continue;
      if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new Error(`${file}: "${eco}" must be a list of package names`);
      for (const n of v as string[]) add(eco, n);
    }
    return { file, names };
  }
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const m = /^(?:(pypi|npm):)?(\S+)$/.exec(line);
    if (!m) throw new Error(`${file}:${i + 1}: expected one package name (optionally pypi:NAME or npm:NAME), got ${JSON.stringify(raw.trim())}`);
    if (m[1]) add(m[1] as Ecosystem, m[2]);
    else { add('pypi', m[2]); add('npm', m[2]); }
  });
  return { file, names };
}

interface CacheEntry { exists: boolean; checkedAt: string }
interface CacheFile { version: 1; entries: Record<string, CacheEntry> }

const DAY = 86_400_000;

export class PackageRegistry {
  private readonly urls: Record<Ecosystem, string>;
  private entries: Record<string, CacheEntry> | null = null;
  private dirty = 0;
  private readonly inflight = new Map<string, Promise<Lookup>>();
  private readonly now: () => number;

  constructor(private readonly opts: RegistryOptions) {
    this.urls = { ...DEFAULT_REGISTRIES, ...(opts.registries ?? {}) } as Record<Ecosystem, string>;
    for (const eco of ['pypi', 'npm'] as const) this.urls[eco] = this.urls[eco].replace(/\/+$/, '');
    this.now = opts.now ?? Date.now;
  }

  get offline(): boolean { return !!this.opts.known; }
  url(eco: Ecosystem): string { return this.urls[eco]; }

  /** Whether `name` exists on its registry (or in the offline list). Throws a ProviderError naming the registry when it cannot tell. */
  async lookup(eco: Ecosystem, name: string, signal?: AbortSignal): Promise<Lookup> {
    const norm = normalizeName(eco, name);
    if (this.opts.known) return { exists: this.opts.known.names[eco].has(norm), source: 'offline', checkedAt: null, ageMs: null };
    const key = `${eco}|${this.urls[eco]}|${norm}`;
    const hit = this.cache()[key];
    if (hit) {
      const age = this.now() - Date.parse(hit.checkedAt);
      const ttl = hit.exists ? this.opts.positiveTtlMs ?? 30 * DAY : this.opts.negativeTtlMs ?? DAY;
      if (age >= 0 && age < ttl) return { exists: hit.exists, source: 'cache', checkedAt: hit.checkedAt, ageMs: age };
    }
    let p = this.inflight.get(key);
    if (!p) {
      p = this.ask(eco, norm, signal).then((exists) => {
        const checkedAt = new Date(this.now()).toISOString();
        this.cache()[key] = { exists, checkedAt };
        if (++this.dirty >= 50) this.save();
        return { exists, source: 'registry' as const, checkedAt, ageMs: 0 };
      }).finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  private async ask(eco: Ecosystem, name: string, signal?: AbortSignal): Promise<boolean> {
    const base = this.urls[eco];
    // npm: a scoped name's slash is encoded (@scope%2fname), as npm's own client sends it.
    const url = eco === 'pypi' ? `${base}/${encodeURIComponent(name)}/json` : `${base}/${name.startsWith('@') ? `@${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}`;
    const label = eco === 'pypi' ? 'PyPI' : 'npm registry';
    const limiter = limiterFor(`registry|${eco}|${base}`, { concurrency: 8, maxAttempts: 4, baseDelayMs: 250, ...(this.opts.limits ?? {}) });
    const classify = (e: unknown): ProviderError => {
      if (e instanceof ProviderError) return e;
      if (signal?.aborted) return new ProviderError(label, base, 'aborted', 'cancelled');
      const err = e as Error & { cause?: { code?: string; message?: string } };
      const cause = err.cause?.code ?? err.cause?.message ?? err.message;
      return new ProviderError(label, base, err.name === 'TimeoutError' ? 'timeout' : 'connection', `cannot reach ${url} (${cause})`);
    };
    const { value } = await limiter.run(0, signal, async () => {
      const res = await fetch(url, {
        headers: { accept: eco === 'npm' ? 'application/vnd.npm.install-v1+json' : 'application/json', 'user-agent': 'crucible (package existence check)' },
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(30_000)]) : AbortSignal.timeout(30_000),
      });
      await res.body?.cancel().catch(() => undefined); // the status is the answer; the document can be megabytes
      if (res.status === 200) return { value: true };
      if (res.status === 404) return { value: false };
      const retryAfter = Number(res.headers.get('retry-after'));
      throw new ProviderError(label, base, kindForStatus(res.status), `GET ${url} answered HTTP ${res.status}`, res.status, Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined);
    }, classify);
    return value;
  }

  private cache(): Record<string, CacheEntry> {
    if (this.entries) return this.entries;
    this.entries = {};
    const f = this.opts.cacheFile;
    if (f && existsSync(f)) {
      try {
        const o = JSON.parse(readFileSync(f, 'utf8')) as CacheFile;
        if (o?.version === 1 && o.entries && typeof o.entries === 'object') this.entries = o.entries;
      } catch { /* a damaged cache is only a cache: start afresh (it is rewritten whole on save) */ }
    }
    return this.entries;
  }

  /** Writes the cache (merged with what another process may have written meanwhile; the newer answer wins). */
  save(): void {
    const f = this.opts.cacheFile;
    if (!f || !this.entries || this.dirty === 0) return;
    let merged: Record<string, CacheEntry> = {};
    try { merged = (JSON.parse(readFileSync(f, 'utf8')) as CacheFile).entries ?? {}; } catch { /* none yet */ }
    for (const [k, v] of Object.entries(this.entries)) if (!merged[k] || merged[k].checkedAt < v.checkedAt) merged[k] = v;
    mkdirSync(path.dirname(f), { recursive: true });
    const tmp = `${f}.${process.pid}.tmp`;
    writeFileSync(tmp, JSON.stringify({ version: 1, entries: merged } satisfies CacheFile));
    renameSync(tmp, f);
    this.entries = merged;
    this.dirty = 0;
  }
}

// Calibrated time limits: a fixed limit makes pass@1 depend on the CPU (a slow machine turns correct
// but slowish answers into timeouts). Instead, each problem's canonical solution is timed once in the
// sandbox, per machine and image (cached on disk), and the problem's limit becomes
//   clamp(factor × canonical run time, floor, ceiling)
// The sandbox also retries a timeout once before it is final (docker.ts).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import * as path from 'node:path';
import type { CodeProblem, Sandbox } from '../plugins';

export interface CalibrationOptions {
  /** Limit = factor × the canonical solution's run time … (default 10) */
  factor?: number;
  /** … but never below this (default 3000 ms, human-eval's fixed limit) … */
  floorMs?: number;
  /** … nor above this (default 60 000 ms). */
  ceilingMs?: number;
  /** Where measurements are cached (one JSON file per machine + sandbox identity). */
  cacheDir: string;
  /** How long a canonical solution may run while being measured (default 60 000 ms). */
  measureTimeoutMs?: number;
  concurrency?: number;
  signal?: AbortSignal;
}

export interface Calibration {
  /** Problem id → time limit (ms). Problems without a usable canonical solution are absent. */
  limits: Map<string, number>;
  /** Problem id → measured canonical run time (ms). */
  measured: Map<string, number>;
  /** Problems whose canonical solution did not pass (no calibration: the default limit applies). */
  failed: string[];
  /** How many problems were measured now (the rest came from the cache). */
  fresh: number;
}

/** A sandbox that can say what its timings depend on (image id, limits); docker does. */
interface Identified { identity?(language: string): Promise<string> }

function problemKey(p: CodeProblem): string {
  return createHash('sha256').update(JSON.stringify([p.language, p.prompt, p.canonicalSolution, p.tests, p.entryPoint, p.labels ?? null])).digest('hex').slice(0, 24);
}

export function limitFor(measuredMs: number, o: Pick<CalibrationOptions, 'factor' | 'floorMs' | 'ceilingMs'>): number {
  const factor = o.factor ?? 10, floor = o.floorMs ?? 3000, ceiling = o.ceilingMs ?? 60_000;
  return Math.round(Math.min(ceiling, Math.max(floor, factor * measuredMs)));
}

/** The limit of a problem without a canonical solution (an open problem, a suite without solutions):
 *  nothing measures what its tests cost here, so it gets more room than human-eval's 3 s floor (a
 *  trivial sample took 1.6 s in the Docker sandbox on a 2-core machine under a load of 20, and such a
 *  problem's sample timed out at 3 s), never less than the floor. A fixed plan limit (--timeout) wins. */
export const UNCALIBRATED_TIMEOUT_MS = 10_000;

/** A sample's time limit: the plan's fixed one, else the problem's calibrated one, else the floor for a
 *  problem whose canonical solution could not calibrate (e.g. the local sandbox, which does not
 *  calibrate), else — no canonical solution at all — max(floor, UNCALIBRATED_TIMEOUT_MS). */
export function sampleLimit(p: Pick<CodeProblem, 'id' | 'canonicalSolution'>, calibrated: ReadonlyMap<string, number>, o: { timeoutMs?: number; floorMs: number }): number {
  if (o.timeoutMs !== undefined) return o.timeoutMs;
  const c = calibrated.get(p.id);
  if (c !== undefined) return c;
  return p.canonicalSolution === undefined ? Math.max(o.floorMs, UNCALIBRATED_TIMEOUT_MS) : o.floorMs;
}

export async function calibrate(sandbox: Sandbox & Identified, problems: CodeProblem[], opts: CalibrationOptions): Promise<Calibration> {
  const out: Calibration = { limits: new Map(), measured: new Map(), failed: [], fresh: 0 };
  const byLang = new Map<string, CodeProblem[]>();
  for (const p of problems) if (p.canonicalSolution !== undefined) byLang.set(p.language, [...(byLang.get(p.language) ?? []), p]);

  for (const [lang, ps] of byLang) {
    const identity = `${hostname()} ${sandbox.name} ${(await sandbox.identity?.(lang)) ?? ''}`;
    const file = path.join(opts.cacheDir, `calibration-${createHash('sha256').update(identity).digest('hex').slice(0, 16)}.json`);
    let cache: { identity: string; runs: Record<string, number> } = { identity, runs: {} };
    if (existsSync(file)) {
      try {
        const c = JSON.parse(readFileSync(file, 'utf8'));
        if (c.identity === identity && c.runs && typeof c.runs === 'object') cache = c;
      } catch { /* a corrupt cache is re-measured */ }
    }
    const todo = ps.filter((p) => typeof cache.runs[problemKey(p)] !== 'number');
    let next = 0;
    await Promise.all(Array.from({ length: Math.max(1, opts.concurrency ?? 2) }, async () => {
      while (next < todo.length && !opts.signal?.aborted) {
        const p = todo[next++];
        const r = await sandbox.execute({ problem: p, completion: p.canonicalSolution!, timeoutMs: opts.measureTimeoutMs ?? 60_000, signal: opts.signal });
        // A canonical solution that fails is recorded as -1: it cannot calibrate anything.
        cache.runs[problemKey(p)] = r.status === 'passed' ? (r.runMs ?? r.durationMs) : -1;
        out.fresh++;
      }
    }));
    if (out.fresh) {
      await mkdir(opts.cacheDir, { recursive: true });
      await writeFile(file + '.part', JSON.stringify(cache));
      await rename(file + '.part', file);
    }
    for (const p of ps) {
      const ms = cache.runs[problemKey(p)];
      if (typeof ms !== 'number') continue;
      if (ms < 0) { out.failed.push(p.id); continue; }
      out.measured.set(p.id, ms);
      out.limits.set(p.id, limitFor(ms, opts));
    }
  }
  return out;
}

// Scheduling: a bounded pool of workers takes a run's items in order, each held back by the gates
// (generation concurrency, each scorer's capacity); cancellation drains the queue; progress is
// reported at most every `intervalMs`, from counters, never from a scan of the store.
import { cpus } from 'node:os';

/** How many samples execute at once by default: the cores (a sample's time limit must start when it runs). */
export function execConcurrency(): number { return Math.max(1, Math.min(cpus().length, 16)); }

export class Progress {
  private last = 0;
  done: number;
  constructor(done: number, private readonly intervalMs: number, private readonly report: () => void) { this.done = done; }
  /** Counts one finished item and reports if the interval has passed. */
  tick(): void {
    this.done++;
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    this.report();
  }
}

/**
 * Runs every item, at most `width` at once (enough to keep every gate busy), so a run of 100,000
 * items holds 100,000 closures, not 100,000 suspended pipelines. Resolves with the first failure
 * (an item that threw: e.g. the store could not write), if any; the other items still run.
 */
export async function runAll(items: Iterable<() => Promise<void>>, width: number): Promise<Error | null> {
  const it = items[Symbol.iterator]();
  let failure: Error | null = null;
  const worker = async () => {
    for (let next = it.next(); !next.done; next = it.next()) {
      try { await next.value(); } catch (e) { failure ??= e instanceof Error ? e : new Error(String(e)); }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, width) }, worker));
  return failure;
}

// Scheduling: every item of a run is started at once and held back by the gates (generation
// concurrency, each scorer's capacity); cancellation drains the queue; progress is reported at most
// every `intervalMs`, from counters, never from a scan of the store.
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

/** Runs every item; resolves with the first failure (an item that threw: e.g. the store could not write), if any. */
export async function runAll(items: (() => Promise<void>)[]): Promise<Error | null> {
  const settled = await Promise.allSettled(items.map((f) => f()));
  const failed = settled.find((s) => s.status === 'rejected') as PromiseRejectedResult | undefined;
  return failed ? (failed.reason instanceof Error ? failed.reason : new Error(String(failed.reason))) : null;
}

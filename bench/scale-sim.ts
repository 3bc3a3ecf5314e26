// bench/scale-sim: samples per hour against pool size and engine count, simulated from measured costs.
//
// A discrete-event simulation of N samples through E Crucible engines (single-threaded Node processes,
// each spending `engineMs` of CPU per sample: bench/engine-overhead.ts, bench/large-run.ts) feeding a
// pool of P sandbox workers (containers or pods, one CPU each, one sample at a time, the next one
// already queued: pipelining hides the dispatch round trip `rttMs` unless it exceeds a sample).
// A sample takes `execMs` (drawn from an exponential around the measured mean CPU time per sample in
// the pool: bench/sandbox.ts, bench/e2e.ts) or, for a fraction `timeouts`, its whole limit `limitMs`,
// plus the limit again for the share `retried` of those that were starved of CPU. Workers die at
// rate `deathRate` per sample and cost `startMs` to replace (warm pool: a container or pod start).
// The analytic bound P × 3600 s / mean sample time is printed beside each figure: the simulation shows
// where engines, not workers, become the bottleneck, and the tail (the last timeouts) of a finite run.
//   node --import tsx bench/scale-sim.ts [--samples 100000] [--execMs 5.4] [--timeouts 0.0035] [--limitMs 3000]
//     [--retried 0] [--engineMs 0.55] [--rttMs 5] [--startMs 400] [--deathRate 0.0005]
const arg = (name: string, def: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const N = arg('samples', 100_000);
const EXEC_MS = arg('execMs', 5.4);
const TIMEOUTS = arg('timeouts', 58 / 16_400);
const LIMIT_MS = arg('limitMs', 3000);
const RETRIED = arg('retried', 0);
const ENGINE_MS = arg('engineMs', 0.55);
const RTT_MS = arg('rttMs', 5);
const START_MS = arg('startMs', 400);
const DEATH = arg('deathRate', 0.0005);

/** mulberry32: the same figures on every run. */
function rng(seed: number): () => number {
  return () => { seed |= 0; seed = (seed + 0x6d2b79f5) | 0; let t = Math.imul(seed ^ (seed >>> 15), 1 | seed); t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t; return ((t ^ (t >>> 14)) >>> 0) / 4294967296; };
}

/** A binary min-heap of worker free times. */
class Heap {
  private a: number[] = [];
  push(x: number): void { const a = this.a; a.push(x); let i = a.length - 1; while (i > 0) { const p = (i - 1) >> 1; if (a[p] <= a[i]) break; [a[p], a[i]] = [a[i], a[p]]; i = p; } }
  pop(): number {
    const a = this.a; const top = a[0]; const last = a.pop()!;
    if (a.length) { a[0] = last; let i = 0; for (;;) { const l = 2 * i + 1, r = l + 1; let m = i; if (l < a.length && a[l] < a[m]) m = l; if (r < a.length && a[r] < a[m]) m = r; if (m === i) break; [a[m], a[i]] = [a[i], a[m]]; i = m; } }
    return top;
  }
}

/** Makespan (ms) of N samples on P workers fed by E engines. */
export function simulate(p: number, e: number, seed = 1): number {
  const rand = rng(seed);
  const workers = new Heap();
  for (let i = 0; i < p; i++) workers.push(START_MS); // the pool warms in parallel before the first sample
  const engineFree = new Array<number>(e).fill(0);
  let end = 0;
  for (let i = 0; i < N; i++) {
    const k = i % e;
    // The engine spends its CPU per sample (schedule, store, metrics) one sample after another.
    const dispatched = engineFree[k] += ENGINE_MS;
    const free = workers.pop();
    const start = Math.max(free, dispatched + RTT_MS);
    let t: number;
    if (rand() < TIMEOUTS) t = LIMIT_MS * (rand() < RETRIED ? 2 : 1);
    else t = -Math.log(1 - rand()) * EXEC_MS;
    let done = start + t;
    if (rand() < DEATH) done += START_MS; // a dead worker is replaced before the next sample
    end = Math.max(end, done);
    workers.push(done);
  }
  return end;
}

function main(): void {
  const mean = (1 - TIMEOUTS) * EXEC_MS + TIMEOUTS * LIMIT_MS * (1 + RETRIED) + DEATH * START_MS;
  console.log(`${N} samples; per sample ${EXEC_MS} ms (mean), ${(TIMEOUTS * 100).toFixed(2)} % time out at ${LIMIT_MS} ms (${RETRIED * 100} % of those retried); ` +
    `engine ${ENGINE_MS} ms CPU per sample; dispatch round trip ${RTT_MS} ms; worker start ${START_MS} ms; mean sample ${mean.toFixed(2)} ms of a worker`);
  const pools = [2, 8, 32, 64, 128, 256, 512, 1024];
  const engines = [1, 2, 4, 8];
  console.log(`samples/hour (thousands), simulated · [bound P × 3600 s / mean sample]`);
  console.log(['workers'.padStart(8), ...engines.map((e) => `${e} engine${e > 1 ? 's' : ''}`.padStart(11)), 'bound'.padStart(10)].join(' '));
  const rows: Record<string, number>[] = [];
  for (const p of pools) {
    const cells = engines.map((e) => N / (simulate(p, e) / 3_600_000));
    rows.push({ p, ...Object.fromEntries(engines.map((e, i) => [`e${e}`, Math.round(cells[i])])) });
    console.log([String(p).padStart(8), ...cells.map((c) => (c / 1000).toFixed(0).padStart(11)), ((p * 3_600_000) / mean / 1000).toFixed(0).padStart(10)].join(' '));
  }
  console.log(`one engine saturates near ${(3_600_000 / ENGINE_MS / 1000).toFixed(0)}k samples/hour (1 / ${ENGINE_MS} ms): beyond ~${Math.round(mean / ENGINE_MS)} workers add engines (shards of the run)`);
  console.log(JSON.stringify({ bench: 'scale-sim', samples: N, meanSampleMs: +mean.toFixed(3), rows }));
}

main();

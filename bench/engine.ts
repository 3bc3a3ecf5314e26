// Engine overhead per sample (issue 4): a zero-latency in-process provider and a no-op sandbox, so
// what is measured is the engine itself — planning, scheduling, the store (journal + fsync +
// checkpoints), metrics and notifications. Both are registered the way a third-party plugin would be.
//   node --import tsx bench/engine.ts [samples=10000]
// Prints ms/sample and peak RSS, and the same with the store in memory (no journal) as a baseline.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../src/server/builtins';
import { Engine } from '../src/server/engine';
import { Store } from '../src/server/store/store';

const total = Number(process.argv[2] ?? 10000);
const problemsN = 100;
const n = Math.ceil(total / problemsN);

async function once(durable: boolean): Promise<{ msPerSample: number; rssMb: number; samples: number }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-'));
  const suite = path.join(dir, 'suite.jsonl');
  writeFileSync(suite, Array.from({ length: problemsN }, (_, i) => JSON.stringify({
    task_id: `B/${i}`, prompt: `def f${i}(x):\n    """Return x."""\n`, entry_point: `f${i}`, canonical_solution: '    return x\n',
    test: `def check(c):\n    assert c(1) == 1\n`,
  })).join('\n'));
  const plugins = createBuiltins();
  plugins.providers.register({ name: 'loopback', create: (model) => ({ name: 'loopback', model, cacheable: false, generate: async ({ problem }) => ({ raw: problem.canonicalSolution!, completion: problem.canonicalSolution!, latencyMs: 0 }) }) });
  plugins.sandboxes.register({ name: 'noop', isolated: true, create: async () => ({ name: 'noop', execute: async () => ({ status: 'passed' as const, detail: '', output: '', durationMs: 0 }), close: async () => {} }) });
  const store = await Store.open(durable ? path.join(dir, 'c.db') : null);
  const engine = new Engine(plugins, store, { dbPath: '', cacheDir: dir });
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  const t0 = performance.now();
  const id = await engine.startRun({ suite, models: ['loopback:x'], n, k: [1, 10], sandbox: 'noop', concurrency: 64 });
  const r = await engine.waitForRun(id);
  const ms = performance.now() - t0;
  clearInterval(timer);
  peak = Math.max(peak, process.memoryUsage().rss);
  if (r.metrics[0].passAtK[0].value !== 1 || r.done !== problemsN * n) throw new Error(`bench run is wrong: ${JSON.stringify(r.metrics[0])}`);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  return { msPerSample: ms / r.done, rssMb: peak / 2 ** 20, samples: r.done };
}

(async () => {
  await once(false); // warm up the JIT and sql.js
  const mem = await once(false);
  const dur = await once(true);
  console.log(`engine overhead, ${dur.samples} samples (zero-latency provider, no-op sandbox):`);
  console.log(`  durable store (journal, group-committed fsync): ${dur.msPerSample.toFixed(3)} ms/sample, peak RSS ${dur.rssMb.toFixed(0)} MB`);
  console.log(`  in-memory store (baseline, no durability):       ${mem.msPerSample.toFixed(3)} ms/sample, peak RSS ${mem.rssMb.toFixed(0)} MB`);
  console.log(`  ratio durable/in-memory: ${(dur.msPerSample / mem.msPerSample).toFixed(2)}×   target: ≤ 1 ms/sample, ≤ 300 MB`);
})();

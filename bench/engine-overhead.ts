// Engine overhead per sample: a zero-latency loopback provider and a no-op sandbox, so what is left
// is the engine itself (planning, scheduling, cleaning, the store with its fsync'd journal, progress
// events, metrics). Targets (issue 4): ≤ 1 ms per sample at 10,000 samples, RSS ≤ 300 MB.
//   node --import tsx bench/engine-overhead.ts [--samples 10000]
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../src/server/builtins';
import { Engine } from '../src/server/engine';
import { Store } from '../src/server/store/store';
import { loopbackProvider, noopSandbox } from '../test/support/fakes';
import { humanEvalFile, loadHumanEval } from '../test/support/humaneval-data';

const i = process.argv.indexOf('--samples');
const SAMPLES = i > 0 ? Number(process.argv[i + 1]) : 10_000;

async function main() {
  const problems = loadHumanEval();
  const n = Math.ceil(SAMPLES / problems.length);
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-'));
  const plugins = createBuiltins();
  plugins.providers.register(loopbackProvider());
  plugins.sandboxes.register(noopSandbox);
  const dbPath = path.join(dir, 'bench.db');
  const store = await Store.open(dbPath);
  const engine = new Engine(plugins, store, { dbPath, cacheDir: dir });
  const baseRss = process.memoryUsage().rss; // node + tsx + modules + the dataset, before any run
  let peakRss = baseRss;
  const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const runId = await engine.startRun({ suite: humanEvalFile(), models: ['loopback:zero'], n, k: [1, 10], sandbox: 'noop', concurrency: 64 });
  const summary = await engine.waitForRun(runId);
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  store.close();
  rmSync(dir, { recursive: true, force: true });
  const perSample = wall / summary.done;
  const mb = peakRss / 2 ** 20;
  console.log(`samples ${summary.done} (${problems.length} problems × n=${n}, ${summary.status}), wall ${(wall / 1000).toFixed(2)} s, load average ${loadavg()[0].toFixed(1)} on ${cpus().length} cores`);
  console.log(`per sample ${perSample.toFixed(3)} ms wall, ${(cpuMs / summary.done).toFixed(3)} ms CPU — target ≤ 1 ms: ${perSample <= 1 ? 'PASS' : 'FAIL'}`);
  console.log(`peak RSS ${mb.toFixed(0)} MB (${(baseRss / 2 ** 20).toFixed(0)} MB before the run) — target ≤ 300 MB: ${mb <= 300 ? 'PASS' : 'FAIL'}`);
  console.log(JSON.stringify({ bench: 'engine-overhead', samples: summary.done, wallMs: Math.round(wall), perSampleMs: +perSample.toFixed(3), cpuPerSampleMs: +(cpuMs / summary.done).toFixed(3), peakRssMB: Math.round(mb), baseRssMB: Math.round(baseRss / 2 ** 20), loadavg: +loadavg()[0].toFixed(2) }));
  process.exitCode = perSample <= 1 && mb <= 300 && summary.status === 'completed' ? 0 : 1;
}

main().catch((e) => { console.error(e); process.exit(1); });

// Large runs: the engine's CPU per sample must stay flat as a run grows (progress and metrics are
// incremental: no scan of the store per progress tick). Runs bench/engine-overhead.ts (zero-latency
// provider, no-op sandbox, the real store with its fsync'd journal) in a fresh process per size and
// compares CPU per sample against the smallest size, measured in the same invocation.
//   node --import tsx bench/large-run.ts [--sizes 1640,16400,100000]
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const i = process.argv.indexOf('--sizes');
const sizes = (i > 0 ? process.argv[i + 1] : '1640,16400,100000').split(',').map(Number);

interface Row { samples: number; wallMs: number; cpuPerSampleMs: number; peakRssMB: number; baseRssMB: number; loadavg: number }
const rows: Row[] = [];
for (const n of sizes) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'engine-overhead.ts'), '--samples', String(n)], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{"bench"'));
  if (!line) { console.error(r.stdout, r.stderr); process.exit(1); }
  rows.push(JSON.parse(line));
  const x = rows[rows.length - 1];
  console.log(`${String(x.samples).padStart(7)} samples: CPU ${x.cpuPerSampleMs.toFixed(3)} ms/sample, wall ${(x.wallMs / 1000).toFixed(1)} s, peak RSS ${x.peakRssMB} MB (${x.baseRssMB} MB before), load ${x.loadavg}`);
}
const cpu = rows.map((r) => r.cpuPerSampleMs);
const worst = Math.max(...cpu) / Math.min(...cpu);
console.log(`CPU per sample, highest / lowest over the sizes: ${worst.toFixed(2)}× — target flat within 2×: ${worst <= 2 ? 'PASS' : 'FAIL'}`);
console.log(JSON.stringify({ bench: 'large-run', rows, ratio: +worst.toFixed(2) }));
process.exitCode = worst <= 2 ? 0 : 1;

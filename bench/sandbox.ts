// bench/sandbox: how close is Crucible's isolated scoring to the floor?
//
// HumanEval, 164 problems × 10 samples generated here from the dataset (canonical solutions and
// deliberately wrong ones: wrong value, exception, another problem's body, syntax error), scored
//   (a) by Crucible's Docker pool (warm hardened containers, a fork per sample),
//   (b) process-per-sample on the host, the way openai/human-eval works (no isolation),
//   (c) all programs in one bare Python process, no isolation: the floor.
// Prints the three times and the ratios, and checks that (a) and (c) agree sample for sample.
// This VM's speed drifts by ±15 % from minute to minute, so (c) and (a) are run alternately
// --reps times (default 5) and compared by their medians; (b) takes ~25 s and runs once, in the middle.
//   DOCKER_HOST=… node --import tsx bench/sandbox.ts [--samples 10] [--concurrency N] [--limit P] [--reps 5]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { pythonLanguage } from '../src/server/languages/python';
import { percentiles } from '../src/server/metrics/stats';
import type { CodeProblem } from '../src/server/plugins';
import { dockerSandbox } from '../src/server/sandboxes/docker';
import { floorPy } from './floor';

const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const SAMPLES = arg('samples', 10);
const CONCURRENCY = arg('concurrency', cpus().length);
const LIMIT = arg('limit', 164);
const POOL = arg('pool', 0);
const REPS = Math.max(1, arg('reps', 5));
const TIMEOUT_MS = 3000;
const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../shared/datasets');
// The same interpreter the local image is built from, so (b) and (c) run what (a) runs.
const PY = process.env.BENCH_PYTHON ?? '/usr/bin/python3.11';

type Verdict = 'passed' | 'failed' | 'timeout' | 'error';
interface Sample { problem: CodeProblem; completion: string; kind: string }

function loadProblems(): CodeProblem[] {
  const text = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8');
  return text.split('\n').filter(Boolean).slice(0, LIMIT).map((l) => {
    const r = JSON.parse(l);
    return { id: r.task_id, suite: 'humaneval', language: 'python', prompt: r.prompt, tests: r.test, entryPoint: r.entry_point, canonicalSolution: r.canonical_solution };
  });
}

/** 10 samples per problem: 5 canonical, 5 wrong in different ways (none of them loops forever). */
function makeSamples(problems: CodeProblem[]): Sample[] {
  const out: Sample[] = [];
  problems.forEach((p, i) => {
    for (let k = 0; k < SAMPLES; k++) {
      const m = k % 10;
      let completion: string, kind: string;
      if (m < 5) { completion = p.canonicalSolution!; kind = 'canonical'; }
      else if (m === 5) { completion = '    return None\n'; kind = 'none'; }
      else if (m === 6) { completion = '    raise ValueError("wrong on purpose")\n'; kind = 'exception'; }
      else if (m === 7) { completion = problems[(i + 1) % problems.length].canonicalSolution!; kind = 'other-body'; }
      else if (m === 8) { completion = '    return (\n'; kind = 'syntax'; }
      else { completion = p.canonicalSolution!.replace(/return /, 'return 1 if False else '); kind = 'canonical-ish'; }
      out.push({ problem: p, completion, kind });
    }
  });
  return out;
}

async function pooled<T, R>(items: T[], n: number, f: (x: T, i: number) => Promise<R>): Promise<R[]> {
  const res: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) { const i = next++; res[i] = await f(items[i], i); }
  }));
  return res;
}

/** (a): starts the pool once (timed apart); `run` then scores all samples on it, as often as called. */
async function startA(): Promise<{ run: (samples: Sample[]) => Promise<{ ms: number; verdicts: Verdict[] }>; startMs: number; transports: string; close: () => Promise<void> }> {
  const t0 = performance.now();
  const sb = await dockerSandbox.create({ languages: ['python'], concurrency: CONCURRENCY, config: POOL ? { poolSize: POOL } : {} });
  const startMs = performance.now() - t0;
  const transports = [...((sb as { transports?: Set<string> }).transports ?? [])].join(', ');
  return {
    startMs,
    transports,
    close: () => sb.close(),
    async run(samples) {
      const t1 = performance.now();
      // Two samples in flight per container: the worker pipelines them (pool.ts).
      const rs = await pooled(samples, 2 * (POOL || CONCURRENCY), (s) => sb.execute({ problem: s.problem, completion: s.completion, timeoutMs: TIMEOUT_MS }));
      return { ms: performance.now() - t1, verdicts: rs.map((r) => r.status) };
    },
  };
}

function runProcess(file: string, cwd: string): Promise<Verdict> {
  return new Promise((resolve) => {
    const child = spawn(PY, [file], { cwd, detached: true, env: { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' }, stdio: ['ignore', 'ignore', 'ignore'] });
    let timedOut = false;
    const t = setTimeout(() => { timedOut = true; try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, TIMEOUT_MS);
    child.on('error', () => { clearTimeout(t); resolve('error'); });
    child.on('close', (code) => { clearTimeout(t); resolve(timedOut ? 'timeout' : code === 0 ? 'passed' : 'failed'); });
  });
}

async function runB(programs: string[]): Promise<{ ms: number; verdicts: Verdict[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-b-'));
  try {
    const t0 = performance.now();
    const verdicts = await pooled(programs, CONCURRENCY, async (prog, i) => {
      const d = path.join(dir, String(i));
      spawnSync('mkdir', [d]);
      writeFileSync(path.join(d, 'program.py'), prog);
      const v = await runProcess('program.py', d);
      rmSync(d, { recursive: true, force: true });
      return v;
    });
    return { ms: performance.now() - t0, verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// (c): the floor (bench/floor.ts).
const FLOOR_PY = floorPy(TIMEOUT_MS / 1000);

function runC(programs: string[]): { ms: number; innerMs: number; verdicts: Verdict[] } {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-c-'));
  try {
    writeFileSync(path.join(dir, 'progs.json'), JSON.stringify(programs));
    writeFileSync(path.join(dir, 'floor.py'), FLOOR_PY);
    const t0 = performance.now();
    const r = spawnSync(PY, [path.join(dir, 'floor.py'), path.join(dir, 'progs.json'), path.join(dir, 'out.json')], { cwd: dir, stdio: ['ignore', 'ignore', 'inherit'] });
    const ms = performance.now() - t0;
    if (r.status !== 0) throw new Error(`floor run failed (exit ${r.status})`);
    const o = JSON.parse(readFileSync(path.join(dir, 'out.json'), 'utf8'));
    return { ms, innerMs: o.ms, verdicts: o.verdicts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function tally(v: Verdict[]): string {
  const c: Record<string, number> = {};
  for (const x of v) c[x] = (c[x] ?? 0) + 1;
  return Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ');
}

async function main(): Promise<void> {
  const problems = loadProblems();
  const samples = makeSamples(problems);
  const programs = samples.map((s) => pythonLanguage.assemble(s.problem, s.completion));
  console.log(`HumanEval: ${problems.length} problems × ${SAMPLES} samples = ${samples.length} programs; concurrency ${CONCURRENCY} (cores ${cpus().length}); ${PY}`);

  const median = (xs: number[]) => percentiles(xs).p50!;
  const fmt = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(' / ');
  const pool = await startA();
  const cs: ReturnType<typeof runC>[] = [];
  const as: { ms: number; verdicts: Verdict[] }[] = [];
  let b: { ms: number; verdicts: Verdict[] } | undefined;
  try {
    for (let r = 0; r < REPS; r++) {
      cs.push(runC(programs));
      as.push(await pool.run(samples));
      // (b) once, in the middle of the repetitions, so it meets the conditions the medians describe.
      if (r === Math.floor((REPS - 1) / 2)) b = await runB(programs);
    }
  } finally {
    await pool.close();
  }
  const c = { ms: median(cs.map((x) => x.ms)), verdicts: cs[0].verdicts };
  const a = { ms: median(as.map((x) => x.ms)), verdicts: as[0].verdicts };
  console.log(`(c) one bare process (floor):      ${(c.ms / 1000).toFixed(2)} s  median of ${fmt(cs.map((x) => x.ms))}  [${tally(c.verdicts)}]`);
  console.log(`(a) Crucible Docker pool:          ${(a.ms / 1000).toFixed(2)} s  median of ${fmt(as.map((x) => x.ms))}  (+ ${(pool.startMs / 1000).toFixed(2)} s to start ${POOL || CONCURRENCY} containers; transport ${pool.transports})  [${tally(a.verdicts)}]`);
  if (!b) throw new Error('(b) did not run');
  console.log(`(b) process per sample (human-eval): ${(b.ms / 1000).toFixed(2)} s  [${tally(b.verdicts)}]`);
  // Every repetition of (a) must give the verdicts of the first.
  const unstable = as.slice(1).reduce((n, x) => n + x.verdicts.filter((v, i) => v !== a.verdicts[i]).length, 0);
  if (unstable) { console.log(`(a) verdicts changed between repetitions: ${unstable}`); process.exitCode = 1; }

  const pass = (v: Verdict) => v === 'passed';
  const disagree = samples.map((s, i) => ({ s, i })).filter(({ i }) => pass(a.verdicts[i]) !== pass(c.verdicts[i]) || a.verdicts[i] === 'timeout' !== (c.verdicts[i] === 'timeout'));
  console.log(`ratios: (a)/(c) = ${(a.ms / c.ms).toFixed(2)}× the floor (target ≤ 3); (b)/(a) = ${(b.ms / a.ms).toFixed(2)}× faster than process-per-sample (target ≥ 5)`);
  console.log(`verdicts (a) vs (c): ${samples.length - disagree.length}/${samples.length} agree`);
  for (const { s, i } of disagree.slice(0, 20)) console.log(`  ${s.problem.id} #${i % SAMPLES} ${s.kind}: pool ${a.verdicts[i]}, floor ${c.verdicts[i]}`);
  if (disagree.length) process.exitCode = 1;
}

main().catch((e) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });

// What every worker-based sandbox shares (docker, bubblewrap): the client side of the worker
// protocol (worker-py.ts), a pool of warm workers per language, and running one sample on the pool
// with retries: a worker that dies mid-sample is replaced and the sample re-run once (so it is
// reported, never lost); a sample that ends its worker twice is failed for it (unless the engine
// itself is gone: then it is an error); a timeout is re-run once before it is final.
import { cpus } from 'node:os';
import type { Readable, Writable } from 'node:stream';
import type { CodeProblem, ExecRequest, ExecResult, Language, Sandbox } from '../plugins';
import { verdictOf, type WorkerAnswer, type WorkerStep } from './verdict';
import { starvedOfCpu } from './timeouts';

/** How long past the sample's own limits the host waits for the worker before declaring it wedged. */
const HOST_GRACE_MS = 10_000;

/** The pipes to one worker process and how to get rid of it. */
export interface WorkerTransport {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Calls back once when the worker is gone (exited, stream closed). */
  onClose(cb: (reason: string) => void): void;
  /** Ends the worker and everything under it. */
  remove(): Promise<void>;
  exitState(): Promise<ExitState>;
}

/** How a worker's home ended: OOM-killed, its exit status ("exit 130"), or gone with the engine. */
export interface ExitState { oomKilled: boolean; exit?: string; gone?: boolean }

/** What a sandbox language may add to the plugin interface: its harness reports that the tests ran to the end (src/server/languages). */
interface ReportsTestsDone { reportsTestsDone?: boolean }

export class WorkerDied extends Error {}

export interface Limits { memoryMb: number; cpus: number; pidsLimit: number; tmpfsMb: number; outputCap: number }

/**
 * RLIMIT_AS for a sample: below the memory limit, so a memory bomb meets a clean MemoryError /
 * bad_alloc quickly instead of thrashing the cgroup until the OOM killer acts.
 */
export function childAddressSpace(memoryMb: number): number {
  return Math.max(64, Math.floor(memoryMb * 0.8) - 32) * 1024 * 1024;
}

/**
 * The worker steps for one sample: an optional compile step (its own limit, no address-space limit:
 * compilers map a lot), then the run. A Python run forks the warm worker instead of exec'ing python3.
 */
export function stepsFor(lang: Language, timeoutMs: number, addressSpace: number, problem?: CodeProblem): WorkerStep[] {
  const steps: WorkerStep[] = [];
  if (lang.compile) steps.push({ argv: lang.compile(lang.fileName, problem), timeoutMs: lang.compileTimeoutMs ?? 30_000, label: 'compile', rl: { as: 0 } });
  const argv = lang.command(lang.fileName, problem);
  const py = lang.name === 'python' && /^python3?$/.test(argv[0]);
  steps.push({
    argv,
    timeoutMs: Math.max(timeoutMs, lang.minTimeoutMs ?? 0),
    py,
    // A forked Python run proves it in the worker; an exec'd program only if its language's harness prints the marker.
    sentinel: py || (lang as Language & ReportsTestsDone).reportsTestsDone === true,
    rl: { as: lang.limitAddressSpace === false ? 0 : addressSpace },
  });
  return steps;
}

/** One worker (in a container, a bwrap sandbox, …) and the protocol client that talks to it. */
export class Worker {
  private pending = new Map<number, { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }>();
  private buf = '';
  private stderr = '';
  private helloResolve!: (h: Record<string, unknown>) => void;
  private helloReject!: (e: Error) => void;
  readonly hello = new Promise<Record<string, unknown>>((res, rej) => { this.helloResolve = res; this.helloReject = rej; });
  dead = false;
  deathReason = '';
  /** The id of the answer after which the worker said it would exit (it left something it could not undo): requests behind it never ran. */
  retiredAfter?: number;

  constructor(private readonly t: WorkerTransport) {
    this.hello.catch(() => undefined);
    t.stdout.on('data', (b: Buffer) => this.onStdout(b.toString('utf8')));
    t.stderr.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString('utf8')).slice(-4000); });
    t.onClose((why) => this.die(why));
    t.stdin.on('error', (e: Error) => this.die(`stdin error: ${e.message}`));
  }

  private onStdout(s: string): void {
    this.buf += s;
    let i: number;
    while ((i = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, i);
      this.buf = this.buf.slice(i + 1);
      if (!line.trim()) continue;
      let msg: Record<string, unknown>;
      try { msg = JSON.parse(line); } catch { this.stderr += `\n[unparsable worker line] ${line.slice(0, 200)}`; continue; }
      if (msg.hello) { this.helloResolve(msg); continue; }
      if (msg.dirty || msg.tampered) this.retiredAfter ??= msg.id as number;
      const p = this.pending.get(msg.id as number);
      if (p) { this.pending.delete(msg.id as number); p.resolve(msg as unknown as WorkerAnswer); }
    }
  }

  private deathListeners: (() => void)[] = [];

  /** Calls back once the worker is dead (also when it dies idle, between samples). */
  onDeath(cb: () => void): void {
    if (this.dead) cb(); else this.deathListeners.push(cb);
  }

  die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
    for (const cb of this.deathListeners.splice(0)) queueMicrotask(cb);
    this.deathReason = reason + (this.stderr.trim() ? `; worker stderr: ${this.stderr.trim().split('\n').slice(-3).join(' | ')}` : '');
    const e = new WorkerDied(this.deathReason);
    this.helloReject(e);
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
  }

  run(req: { id: number } & Record<string, unknown>): Promise<WorkerAnswer> {
    if (this.dead) return Promise.reject(new WorkerDied(this.deathReason));
    return new Promise((resolve, reject) => {
      this.pending.set(req.id, { resolve, reject });
      this.t.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  /** Why the worker's home ended, when known (a container's OOM kill, its exit status). */
  exitState(): Promise<ExitState> {
    return this.t.exitState();
  }

  async remove(): Promise<void> {
    this.die('removed');
    try { this.t.stdin.end(); } catch { /* already closed */ }
    await this.t.remove().catch(() => undefined);
  }
}

/**
 * Warm workers for one language. Each worker takes up to `depth` requests at once: it runs them one
 * after the other, but the next one is already waiting in its stdin, so the round trip to the
 * host (through the Docker engine) overlaps the run instead of idling a core.
 */
export class Pool {
  /** Live workers and how many requests each has in flight. */
  private readonly load = new Map<Worker, number>();
  private waiters: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  private starting = 0;
  closed = false;

  constructor(private readonly start: () => Promise<Worker>, readonly size: number, readonly depth = 2) {}

  get workers(): Worker[] { return [...this.load.keys()]; }

  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: Math.max(0, this.size - this.load.size - this.starting) }, () => this.spawn()));
    this.wake();
  }

  private readonly spawning = new Set<Promise<Worker>>();
  private readonly removals = new Set<Promise<void>>();

  private spawn(): Promise<Worker> {
    const p = this.spawnOne();
    this.spawning.add(p);
    const done = () => { this.spawning.delete(p); };
    p.then(done, done);
    return p;
  }

  private async spawnOne(): Promise<Worker> {
    this.starting++;
    try {
      const w = await this.start();
      if (this.closed) { await w.remove(); throw new Error('sandbox closed'); }
      this.load.set(w, 0);
      // A worker that dies while idle must leave the pool too, or it would hold a slot forever.
      w.onDeath(() => { if (this.load.get(w) === 0) void this.discard(w); });
      return w;
    } finally {
      this.starting--;
    }
  }

  private take(w: Worker): Worker {
    this.load.set(w, (this.load.get(w) ?? 0) + 1);
    return w;
  }

  /** The live worker with the fewest requests in flight, if it has room. */
  private least(): Worker | undefined {
    let best: Worker | undefined;
    for (const [w, n] of this.load) if (!w.dead && w.retiredAfter === undefined && n < this.depth && (!best || n < this.load.get(best)!)) best = w;
    return best;
  }

  async acquire(signal?: AbortSignal): Promise<Worker> {
    if (this.closed) throw new Error('sandbox closed');
    const w = this.least();
    if (w && this.load.get(w) === 0) return this.take(w);
    if (this.load.size + this.starting < this.size) return this.take(await this.spawn());
    if (w) return this.take(w);
    return new Promise<Worker>((resolve, reject) => {
      const entry = { resolve, reject };
      this.waiters.push(entry);
      signal?.addEventListener('abort', () => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) { this.waiters.splice(i, 1); reject(new Error('cancelled')); }
      }, { once: true });
    });
  }

  /** Hands free slots to waiting samples. */
  private wake(): void {
    let w: Worker | undefined;
    while (this.waiters.length && (w = this.least())) this.waiters.shift()!.resolve(this.take(w));
  }

  release(w: Worker): void {
    if (!this.load.has(w)) return;
    if (w.dead) { void this.discard(w); return; }
    this.load.set(w, this.load.get(w)! - 1);
    this.wake();
  }

  /** Removes a broken worker (once, however many samples saw it die); waiters get a fresh one. */
  async discard(w: Worker): Promise<void> {
    if (!this.load.delete(w)) return;
    const removal = w.remove();
    this.removals.add(removal);
    await removal;
    this.removals.delete(removal);
    if (this.waiters.length && !this.closed && this.load.size + this.starting < this.size) {
      // If no worker can be started (the engine is gone) and none is left, nobody is coming back for
      // the waiters: fail them all now rather than leave them waiting forever.
      this.spawn().then(() => this.wake(), (e) => {
        if (this.load.size === 0 && this.starting === 0) for (const wt of this.waiters.splice(0)) wt.reject(e);
        else this.wake();
      });
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wt of this.waiters.splice(0)) wt.reject(new Error('sandbox closed'));
    await Promise.all(this.workers.map((w) => w.remove()));
    this.load.clear();
    // Workers still starting remove themselves when they see `closed`: wait for that too.
    await Promise.allSettled([...this.spawning, ...this.removals]);
  }
}

export function cancelled(): ExecResult {
  return { status: 'error', detail: 'cancelled', output: '', durationMs: 0 };
}

/** Workers per language: as configured, else one per requested slot, at most one per core. */
export function poolSizeFor(configured: number | undefined, concurrency: number | undefined): number {
  return Math.max(1, configured ?? Math.min(Math.max(1, concurrency || 1), cpus().length));
}

/** A sandbox made of per-language pools of workers. Subclasses say how to start one worker. */
export abstract class WorkerPoolSandbox implements Sandbox {
  abstract readonly name: string;
  protected readonly pools = new Map<string, Pool>();
  private nextId = 1;
  protected closed = false;

  constructor(protected readonly limits: Limits, protected readonly poolSize: number, protected readonly retryTimeouts: number,
    private readonly languages: { get(name: string): Language }) {}

  protected abstract startWorker(lang: string): Promise<Worker>;
  /** Extra rlimits every sample gets (bubblewrap has no cgroup, so it adds nproc). */
  protected extraLimits(): Record<string, number> { return {}; }

  language(name: string): Language {
    return this.languages.get(name);
  }

  /** How many samples this sandbox runs at once per language (pool size × pipelining depth). */
  capacity(): number {
    return this.poolSize * 2;
  }

  /** Starts the pools for these languages now, so a missing image or a broken engine fails the run
   * before any sample; on failure everything already started is stopped. */
  async warmUp(languages: string[]): Promise<this> {
    try {
      await Promise.all(languages.map((l) => this.pool(this.language(l).name).warm()));
    } catch (e) {
      await this.close();
      throw e;
    }
    return this;
  }

  pool(lang: string): Pool {
    let p = this.pools.get(lang);
    if (!p) {
      p = new Pool(() => this.startWorker(lang), this.poolSize);
      this.pools.set(lang, p);
    }
    return p;
  }

  /**
   * Runs a sample. A timeout that was starved of CPU (it waited for one: timeouts.ts) is retried once
   * before it is final, since a busy machine should not decide a verdict; one that had the CPU and
   * still ran out is final at once. `retryTimeouts: 0` turns retries off.
   */
  async execute(req: ExecRequest): Promise<ExecResult> {
    const first = await this.executeOnce(req);
    if (first.status !== 'timeout') return first;
    const cost = { attempts: 1, ms: first.durationMs, retried: false };
    if ((this.retryTimeouts ?? 1) < 1 || req.signal?.aborted || !starvedOfCpu(first.timing)) return { ...first, timeouts: cost };
    const again = await this.executeOnce(req);
    cost.retried = true;
    if (again.status === 'timeout') return { ...again, timeouts: { ...cost, attempts: 2, ms: cost.ms + again.durationMs } };
    return { ...again, timeouts: cost, output: `[crucible] the first run ${first.detail} (starved of CPU for ${first.timing?.starvedMs ?? '?'} ms); this is the retry\n${again.output}` };
  }

  protected async executeOnce(req: ExecRequest): Promise<ExecResult> {
    if (this.closed) throw new Error('sandbox closed');
    const lang = this.language(req.problem.language);
    const steps = stepsFor(lang, req.timeoutMs, childAddressSpace(this.limits.memoryMb), req.problem);
    const files = { [lang.fileName]: lang.assemble(req.problem, req.completion) };
    // It may wait behind another request in the worker (pipelining): allow for that one too.
    const budget = 2 * steps.reduce((s, x) => s + x.timeoutMs, 0) + HOST_GRACE_MS;
    const pool = this.pool(lang.name);
    const deaths: string[] = [];
    let oomKills = 0;
    let tamperedBy: string | undefined;
    let engineGone = false;
    // Requests that were queued behind another sample's answer after which the worker retired never
    // started: they are re-run without counting (a few times at most).
    let notStarted = 0;
    while (deaths.length < 2) {
      if (req.signal?.aborted) return cancelled();
      let w: Worker;
      try {
        w = await pool.acquire(req.signal);
      } catch (e) {
        if (req.signal?.aborted) return cancelled();
        return { status: 'error', detail: (e as Error).message.split('\n')[0], output: String((e as Error).message), durationMs: 0 };
      }
      const id = this.nextId++;
      const onAbort = () => w.die('cancelled');
      req.signal?.addEventListener('abort', onAbort, { once: true });
      let timer: NodeJS.Timeout | undefined;
      try {
        const ans = await Promise.race([
          w.run({ id, files, steps, cap: this.limits.outputCap, rl: { fsize: this.limits.tmpfsMb * 1024 * 1024, nofile: 256, ...this.extraLimits() } }),
          new Promise<never>((_, rej) => { timer = setTimeout(() => { w.die(`no answer within ${budget} ms`); rej(new WorkerDied(w.deathReason)); }, budget); }),
        ]);
        pool.release(w);
        if (ans.error && ans.tampered) {
          // The worker itself failed on this sample, which changed it (a shared uid: bubblewrap).
          tamperedBy = ans.tampered;
          deaths.push(`the sandbox worker failed (${ans.error}): ${ans.tampered}`);
          continue;
        }
        if (ans.error) return { status: 'error', detail: `sandbox worker: ${ans.error}`, output: ans.error, durationMs: 0 };
        return verdictOf(lang, steps, ans);
      } catch (e) {
        if (req.signal?.aborted) { await pool.discard(w); return cancelled(); }
        const retired = w.retiredAfter !== undefined && w.retiredAfter !== id;
        const st = retired ? { oomKilled: false } : await w.exitState();
        await pool.discard(w);
        if (retired && notStarted++ < 3) continue;
        if (st.oomKilled) oomKills++;
        if (st.gone) engineGone = true;
        deaths.push(`${(e as Error).message}${st.oomKilled ? ' (container OOM-killed)' : st.exit ? ` (${st.exit})` : ''}`);
      } finally {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      }
    }
    const output = `[crucible] the sandbox worker ended twice while running this sample, each time in a fresh one:\n${deaths.join('\n')}`;
    if (oomKills === 2) {
      return { status: 'failed', detail: `out of memory: the sample exceeded ${this.limits.memoryMb} MB and its container was OOM-killed`, output, durationMs: 0 };
    }
    if (engineGone) {
      // Not the sample's doing: the engine (or the worker's container) went away.
      return { status: 'error', detail: `the sandbox worker died twice running this sample: ${deaths[deaths.length - 1]}`.slice(0, 500), output, durationMs: 0 };
    }
    if (tamperedBy) return { status: 'failed', detail: `${tamperedBy}, and the sandbox worker failed (twice)`.slice(0, 500), output, durationMs: 0 };
    return { status: 'failed', detail: `the sample killed the sandbox worker (twice, each time in a fresh one): ${deaths[deaths.length - 1]}`.slice(0, 500), output, durationMs: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((p) => p.close()));
  }
}

// `docker`: runs each sample in a pool of warm, hardened containers (dockerode).
//
// Each container runs one worker (worker-py.ts) as its PID 1, fed one JSON request per line over an
// attached stdin. The worker runs every sample in a fresh child process with its own scratch dir,
// rlimits and wall-clock limit, then kills every leftover process and empties /tmp, so a container
// is reused without one sample seeing another. Starting a container costs ~0.4 s; a sample in a warm
// one costs a few ms, which is why the pool exists.
//
// Hardening per container: no network, read-only root, size-limited tmpfs /tmp, uid 65534, all
// capabilities dropped, no-new-privileges, pids/memory(+swap)/CPU limits, no core dumps. A container
// whose worker dies (a sample that got it OOM-killed, a wedged worker) is removed and replaced, and
// the sample is retried once on a fresh one, so it is reported, never lost.
import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { cpus, hostname } from 'node:os';
import { PassThrough } from 'node:stream';
import type { ExecRequest, ExecResult, Language, Sandbox, SandboxFactory, SandboxOptions } from '../plugins';
import { languageFor } from '../languages';
import { verdictOf, type WorkerAnswer, type WorkerStep } from './verdict';
import { WORKER_PY } from './worker-py';

export interface DockerSandboxConfig {
  /** unix:///path, tcp://host:port, ssh://user@host, or a socket path. Default: $DOCKER_HOST, then the default socket. */
  dockerHost?: string;
  /** Image per language; default python: crucible-python:local if present, else python:3.12-slim. */
  images?: Record<string, string>;
  memoryMb?: number;
  cpus?: number;
  pidsLimit?: number;
  tmpfsMb?: number;
  outputCapBytes?: number;
  /** Containers per language; default min(concurrency, cores). */
  poolSize?: number;
  /** How many times a timeout is retried before it is final (default 1). */
  retryTimeouts?: number;
  /** Languages by name (the engine's registry); default: the built-ins. */
  languages?: { get(name: string): Language };
}

export const LABEL = 'crucible.sandbox';
// Local images (scripts/build-images.sh) first. The fallbacks are what a registry offers; any image
// works that has python3 (the worker) and the language's toolchain.
const DEFAULT_IMAGES: Record<string, string[]> = {
  python: ['crucible-python:local', 'python:3.12-slim'],
  javascript: ['crucible-javascript:local'],
  typescript: ['crucible-typescript:local'],
  java: ['crucible-java:local'],
  cpp: ['crucible-cpp:local'],
  go: ['crucible-go:local'],
  rust: ['crucible-rust:local'],
};
/** How long past the sample's own limits the host waits for the worker before declaring it wedged. */
const HOST_GRACE_MS = 10_000;

/** Builds a dockerode client for a DOCKER_HOST-style URL, and the URL to show in messages. */
export function connectDocker(host?: string): { docker: Docker; display: string } {
  const h = host ?? process.env.DOCKER_HOST;
  if (!h) return { docker: new Docker({ socketPath: '/var/run/docker.sock' }), display: 'unix:///var/run/docker.sock' };
  if (h.startsWith('unix://')) return { docker: new Docker({ socketPath: h.slice('unix://'.length) }), display: h };
  if (h.startsWith('/')) return { docker: new Docker({ socketPath: h }), display: `unix://${h}` };
  const u = new URL(h);
  if (u.protocol === 'ssh:') {
    return { docker: new Docker({ protocol: 'ssh', host: u.hostname, port: Number(u.port || 22), username: u.username || undefined }), display: h };
  }
  if (u.protocol === 'tcp:' || u.protocol === 'http:' || u.protocol === 'https:') {
    const protocol = u.protocol === 'https:' ? 'https' : 'http';
    return { docker: new Docker({ protocol, host: u.hostname, port: Number(u.port || (protocol === 'https' ? 2376 : 2375)) }), display: h };
  }
  throw new Error(`unsupported Docker host "${h}" (use unix://, tcp://, ssh:// or a socket path)`);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout;
  return Promise.race([p, new Promise<T>((_, rej) => { t = setTimeout(() => rej(new Error(`${what}: no answer in ${ms} ms`)), ms); })])
    .finally(() => clearTimeout(t));
}

export function noEngineMessage(display: string, why?: string): string {
  return `No Docker engine answered at ${display}${why ? ` (${why})` : ''}: start Docker (or run scripts/docker-engine.sh start), ` +
    `or choose another sandbox with --sandbox bubblewrap|local`;
}

/** Throws a clear error unless an engine answers. */
export async function pingDocker(docker: Docker, display: string): Promise<void> {
  try {
    await withTimeout(docker.ping(), 5000, 'ping');
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new Error(noEngineMessage(display, err.code ?? err.message.split('\n')[0]));
  }
}

async function imageExists(docker: Docker, name: string): Promise<boolean> {
  try { await docker.getImage(name).inspect(); return true; } catch { return false; }
}

async function pullImage(docker: Docker, name: string): Promise<void> {
  const stream = await docker.pull(name);
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
}

/** Picks the image for a language: the configured one, else the first default present, else pulls. */
export async function resolveImage(docker: Docker, lang: string, images: Record<string, string> | undefined): Promise<string> {
  const configured = images?.[lang];
  const candidates = configured ? [configured] : DEFAULT_IMAGES[lang];
  if (!candidates) throw new Error(`no Docker image configured for language "${lang}" (set images.${lang})`);
  for (const c of candidates) if (await imageExists(docker, c)) return c;
  const want = candidates[candidates.length - 1];
  try {
    await pullImage(docker, want);
    return want;
  } catch (e) {
    throw new Error(`Docker image ${candidates.join(' / ')} for ${lang} is not available and pulling ${want} failed ` +
      `(${(e as Error).message.split('\n')[0]}): run scripts/build-images.sh ${lang}, or set images.${lang} to an image you have`);
  }
}

/**
 * The worker steps for one sample: an optional compile step (its own limit, no address-space limit:
 * compilers map a lot), then the run. A Python run forks the warm worker instead of exec'ing python3.
 */
export function stepsFor(lang: Language, timeoutMs: number, addressSpace: number): WorkerStep[] {
  const steps: WorkerStep[] = [];
  if (lang.compile) steps.push({ argv: lang.compile(lang.fileName), timeoutMs: lang.compileTimeoutMs ?? 30_000, label: 'compile', rl: { as: 0 } });
  const argv = lang.command(lang.fileName);
  steps.push({
    argv,
    timeoutMs: Math.max(timeoutMs, lang.minTimeoutMs ?? 0),
    py: lang.name === 'python' && /^python3?$/.test(argv[0]),
    rl: { as: lang.limitAddressSpace === false ? 0 : addressSpace },
  });
  return steps;
}

/** Command that starts the worker in a container of this language's image. */
function workerCommand(_lang: string): string[] {
  return ['python3', '-u', '-c', WORKER_PY];
}

interface Limits { memoryMb: number; cpus: number; pidsLimit: number; tmpfsMb: number; outputCap: number }

class WorkerDied extends Error {}

/**
 * RLIMIT_AS for a sample: below the container's memory limit, so a memory bomb meets a clean
 * MemoryError/bad_alloc quickly instead of thrashing the cgroup until the OOM killer acts.
 */
function childAddressSpace(memoryMb: number): number {
  return Math.max(64, Math.floor(memoryMb * 0.8) - 32) * 1024 * 1024;
}

/** One container and the worker inside it. */
class Worker {
  private pending = new Map<number, { resolve: (a: WorkerAnswer) => void; reject: (e: Error) => void }>();
  private buf = '';
  private stderr = '';
  private helloResolve!: (h: Record<string, unknown>) => void;
  private helloReject!: (e: Error) => void;
  readonly hello = new Promise<Record<string, unknown>>((res, rej) => { this.helloResolve = res; this.helloReject = rej; });
  dead = false;
  deathReason = '';

  constructor(readonly container: Docker.Container, private readonly stream: NodeJS.ReadWriteStream) {
    this.hello.catch(() => undefined);
    const out = new PassThrough();
    const err = new PassThrough();
    container.modem.demuxStream(stream, out, err);
    out.on('data', (b: Buffer) => this.onStdout(b.toString('utf8')));
    err.on('data', (b: Buffer) => { this.stderr = (this.stderr + b.toString('utf8')).slice(-4000); });
    const end = () => this.die('the worker exited');
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', (e: Error) => this.die(`stream error: ${e.message}`));
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
      const p = this.pending.get(msg.id as number);
      if (p) { this.pending.delete(msg.id as number); p.resolve(msg as unknown as WorkerAnswer); }
    }
  }

  die(reason: string): void {
    if (this.dead) return;
    this.dead = true;
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
      this.stream.write(JSON.stringify(req) + '\n');
    });
  }

  /** Why the container ended, when Docker knows (OOM kill). */
  async exitState(): Promise<{ oomKilled: boolean; exitCode: number | null }> {
    try {
      const s = (await this.container.inspect()).State;
      return { oomKilled: !!s.OOMKilled, exitCode: s.Running ? null : s.ExitCode };
    } catch { return { oomKilled: false, exitCode: null }; }
  }

  async remove(): Promise<void> {
    this.die('removed');
    try { this.stream.end(); } catch { /* already closed */ }
    try { await this.container.remove({ force: true }); } catch { /* already gone */ }
  }
}

/** Warm containers for one language. */
class Pool {
  private idle: Worker[] = [];
  private waiters: { resolve: (w: Worker) => void; reject: (e: Error) => void }[] = [];
  private count = 0;
  readonly all = new Set<Worker>();
  closed = false;

  constructor(private readonly start: () => Promise<Worker>, readonly size: number) {}

  async warm(): Promise<void> {
    const ws = await Promise.all(Array.from({ length: this.size - this.count }, () => this.spawn()));
    for (const w of ws) this.release(w);
  }

  private async spawn(): Promise<Worker> {
    this.count++;
    try {
      const w = await this.start();
      this.all.add(w);
      if (this.closed) { await w.remove(); throw new Error('sandbox closed'); }
      return w;
    } catch (e) {
      this.count--;
      throw e;
    }
  }

  async acquire(signal?: AbortSignal): Promise<Worker> {
    if (this.closed) throw new Error('sandbox closed');
    const w = this.idle.pop();
    if (w) return w;
    if (this.count < this.size) return this.spawn();
    return new Promise<Worker>((resolve, reject) => {
      const entry = { resolve, reject };
      this.waiters.push(entry);
      signal?.addEventListener('abort', () => {
        const i = this.waiters.indexOf(entry);
        if (i >= 0) { this.waiters.splice(i, 1); reject(new Error('cancelled')); }
      }, { once: true });
    });
  }

  release(w: Worker): void {
    if (w.dead) { void this.discard(w); return; }
    const next = this.waiters.shift();
    if (next) next.resolve(w); else this.idle.push(w);
  }

  /** Removes a broken worker; a waiter, if any, gets a fresh one. */
  async discard(w: Worker): Promise<void> {
    this.all.delete(w);
    this.count--;
    await w.remove();
    if (this.waiters.length && !this.closed) {
      const next = this.waiters.shift()!;
      this.spawn().then(next.resolve, next.reject);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wt of this.waiters.splice(0)) wt.reject(new Error('sandbox closed'));
    this.idle = [];
    await Promise.all([...this.all].map((w) => w.remove()));
    this.all.clear();
  }
}

/** Removes containers left by Crucible processes that no longer exist on this host (crashed engines). */
async function collectStale(docker: Docker): Promise<void> {
  try {
    const list = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    await Promise.all(list.map(async (c) => {
      const [host, pid] = (c.Labels['crucible.owner'] ?? '').split(':');
      // Only ours-by-host and only when the owning process is gone: a live engine may be using it.
      if (host === hostname() && pid && !alive(Number(pid))) {
        await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
      }
    }));
  } catch { /* best effort */ }
}

function alive(pid: number): boolean {
  try { process.kill(pid, 0); return true; } catch (e) { return (e as NodeJS.ErrnoException).code === 'EPERM'; }
}

export class DockerSandbox implements Sandbox {
  readonly name = 'docker';
  readonly id = randomBytes(6).toString('hex');
  private readonly pools = new Map<string, Pool>();
  private readonly images = new Map<string, Promise<string>>();
  private nextId = 1;
  private closed = false;

  constructor(readonly docker: Docker, readonly display: string, private readonly cfg: DockerSandboxConfig, private readonly limits: Limits, private readonly poolSize: number) {}

  language(name: string): Language {
    return this.cfg.languages ? this.cfg.languages.get(name) : languageFor(name);
  }

  private image(lang: string): Promise<string> {
    let p = this.images.get(lang);
    if (!p) {
      p = resolveImage(this.docker, lang, this.cfg.images);
      this.images.set(lang, p);
      p.catch(() => this.images.delete(lang));
    }
    return p;
  }

  /** What a timing measured in this sandbox depends on: the engine and the language's image. */
  async identity(lang: string): Promise<string> {
    const image = await this.image(lang);
    const info = await this.docker.getImage(image).inspect();
    return `docker ${this.display} ${image}@${info.Id} mem=${this.limits.memoryMb} cpus=${this.limits.cpus}`;
  }

  pool(lang: string): Pool {
    let p = this.pools.get(lang);
    if (!p) {
      p = new Pool(() => this.startWorker(lang), this.poolSize);
      this.pools.set(lang, p);
    }
    return p;
  }

  private async startWorker(lang: string): Promise<Worker> {
    const image = await this.image(lang);
    const l = this.limits;
    const mem = l.memoryMb * 1024 * 1024;
    const container = await this.docker.createContainer({
      Image: image,
      Cmd: workerCommand(lang),
      User: '65534:65534',
      WorkingDir: '/tmp',
      Env: ['LANG=C.UTF-8', 'PYTHONDONTWRITEBYTECODE=1', 'PYTHONUNBUFFERED=1'],
      AttachStdin: true, AttachStdout: true, AttachStderr: true,
      // StdinOnce: when the engine goes away the attach closes, stdin hits EOF and the worker exits.
      OpenStdin: true, StdinOnce: true, Tty: false,
      NetworkDisabled: true,
      Labels: { [LABEL]: '1', 'crucible.sandbox.id': this.id, 'crucible.language': lang, 'crucible.owner': `${hostname()}:${process.pid}` },
      HostConfig: {
        NetworkMode: 'none',
        ReadonlyRootfs: true,
        Tmpfs: { '/tmp': `rw,exec,nosuid,nodev,size=${l.tmpfsMb}m,mode=1777` },
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges'],
        PidsLimit: l.pidsLimit,
        Memory: mem,
        MemorySwap: mem,
        NanoCpus: Math.round(l.cpus * 1e9),
        IpcMode: 'private',
        ShmSize: 16 * 1024 * 1024,
        Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }],
        LogConfig: { Type: 'none', Config: {} },
      },
    });
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const w = new Worker(container, stream);
      await container.start();
      const hello = await withTimeout(w.hello, 30_000, 'sandbox worker start');
      if (hello.init !== true) throw new Error('the sandbox worker is not PID 1 of its container (does the image set an ENTRYPOINT?)');
      return w;
    } catch (e) {
      await container.remove({ force: true }).catch(() => undefined);
      throw new Error(`cannot start a ${lang} sandbox container from ${image} (it needs python3 for the sandbox worker): ${(e as Error).message.split('\n')[0]}`);
    }
  }

  /**
   * Runs a sample. A timeout is retried once before it is final (a busy machine should not decide a
   * verdict); `retryTimeouts: 0` turns that off.
   */
  async execute(req: ExecRequest): Promise<ExecResult> {
    const first = await this.executeOnce(req);
    if (first.status !== 'timeout' || (this.cfg.retryTimeouts ?? 1) < 1 || req.signal?.aborted) return first;
    const again = await this.executeOnce(req);
    if (again.status === 'timeout') return again;
    return { ...again, output: `[crucible] the first run ${first.detail}; this is the retry\n${again.output}` };
  }

  private async executeOnce(req: ExecRequest): Promise<ExecResult> {
    if (this.closed) throw new Error('sandbox closed');
    const lang = this.language(req.problem.language);
    const steps = stepsFor(lang, req.timeoutMs, childAddressSpace(this.limits.memoryMb));
    const files = { [lang.fileName]: lang.assemble(req.problem, req.completion) };
    const budget = steps.reduce((s, x) => s + x.timeoutMs, 0) + HOST_GRACE_MS;
    const pool = this.pool(lang.name);
    const deaths: string[] = [];
    let oomKills = 0;
    for (let attempt = 0; attempt < 2; attempt++) {
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
          w.run({ id, files, steps, cap: this.limits.outputCap, rl: { fsize: this.limits.tmpfsMb * 1024 * 1024, nofile: 256 } }),
          new Promise<never>((_, rej) => { timer = setTimeout(() => { w.die(`no answer within ${budget} ms`); rej(new WorkerDied(w.deathReason)); }, budget); }),
        ]);
        pool.release(w);
        if (ans.error) return { status: 'error', detail: `sandbox worker: ${ans.error}`, output: ans.error, durationMs: 0 };
        return verdictOf(lang, steps, ans);
      } catch (e) {
        const st = await w.exitState();
        if (st.oomKilled) oomKills++;
        deaths.push(`${(e as Error).message}${st.oomKilled ? ' (container OOM-killed)' : ''}`);
        await pool.discard(w);
        if (req.signal?.aborted) return cancelled();
      } finally {
        clearTimeout(timer);
        req.signal?.removeEventListener('abort', onAbort);
      }
    }
    if (oomKills === 2) {
      return { status: 'failed', detail: `out of memory: the sample exceeded ${this.limits.memoryMb} MB and its container was OOM-killed`, output: deaths.join('\n'), durationMs: 0 };
    }
    return { status: 'error', detail: `sandbox container died twice running this sample: ${deaths[deaths.length - 1]}`.slice(0, 500), output: deaths.join('\n'), durationMs: 0 };
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.pools.values()].map((p) => p.close()));
    // Also anything of ours that a half-finished start left behind.
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label: [`crucible.sandbox.id=${this.id}`] } });
      await Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    } catch { /* engine gone: nothing more we can do */ }
  }
}

function cancelled(): ExecResult {
  return { status: 'error', detail: 'cancelled', output: '', durationMs: 0 };
}

export async function createDockerSandbox(opts: SandboxOptions): Promise<DockerSandbox> {
  const cfg = (opts.config ?? {}) as DockerSandboxConfig;
  const { docker, display } = connectDocker(cfg.dockerHost);
  await pingDocker(docker, display);
  await collectStale(docker);
  const limits: Limits = {
    memoryMb: cfg.memoryMb ?? 512,
    cpus: cfg.cpus ?? 1,
    pidsLimit: cfg.pidsLimit ?? 128,
    tmpfsMb: cfg.tmpfsMb ?? 64,
    outputCap: cfg.outputCapBytes ?? 64 * 1024,
  };
  const size = Math.max(1, cfg.poolSize ?? Math.min(Math.max(1, opts.concurrency || 1), cpus().length));
  const sb = new DockerSandbox(docker, display, cfg, limits, size);
  try {
    // Warm the pools now: a missing image or a broken engine fails the run before any sample.
    await Promise.all((opts.languages ?? []).map((l) => sb.pool(sb.language(l).name).warm()));
  } catch (e) {
    await sb.close();
    throw e;
  }
  return sb;
}

export const dockerSandbox: SandboxFactory = {
  name: 'docker',
  isolated: true,
  create: createDockerSandbox,
};

// `docker`: runs each sample in a pool of warm, hardened containers (dockerode).
//
// Each container runs one worker (worker-py.ts) as its PID 1, fed one JSON request per line over an
// attached stdin. The worker runs every sample in a fresh child process with its own scratch dir,
// rlimits and wall-clock limit, then kills every leftover process and empties /tmp, so a container
// is reused without one sample seeing another. Starting a container costs ~0.4 s; a sample in a warm
// one costs a few ms, which is why the pool exists.
//
// Hardening per container: no network, read-only root, size-limited tmpfs /tmp, no-new-privileges,
// pids/memory(+swap)/CPU limits, no core dumps, its own IPC namespace. The worker starts as root with
// every capability dropped but CAP_SETUID, CAP_SETGID (to become the sample's uid) and CAP_KILL (to
// kill what the sample leaves); each sample runs as uid 65534 with no capability at all, so it cannot
// touch the worker (signals, prlimit, nice, affinity, ptrace). A container whose worker dies (a sample
// that got it OOM-killed, a wedged worker) is removed and replaced, and the sample is retried once on
// a fresh one, so it is reported, never lost.
import Docker from 'dockerode';
import { createHmac, randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { Client as SshClient, ConnectConfig } from 'ssh2';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { homedir, hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { ExecRequest, ExecResult, Language, Sandbox, SandboxFactory, SandboxOptions } from '../plugins';
import { languageFor } from '../languages';
import { poolSizeFor, Worker, WorkerPoolSandbox, type ExitState, type Limits } from './pool';
import { signalName } from './verdict';
import { prepareWorkerRuntime, RUNTIME_MOUNT, type WorkerRuntime } from './runtime';
import { WORKER_PY } from './worker-py';

export interface DockerSandboxConfig {
  /** unix:///path, tcp://host:port, ssh://user@host, or a socket path. Default: $DOCKER_HOST, then the default socket. */
  dockerHost?: string | DockerHostSpec;
  /**
   * Several engines at once (a fleet: local sockets, tcp:// with TLS, ssh://, Podman's Docker API):
   * work goes to the one with the most free capacity; a dead one is drained. Default:
   * $CRUCIBLE_DOCKER_HOSTS (specs separated by spaces or semicolons, see parseDockerHost).
   */
  dockerHosts?: (string | DockerHostSpec)[];
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
  /**
   * How the engine talks to a worker: `socket` (a unix socket bind-mounted into the container, which
   * skips the Docker engine's attach relay), `attach` (the container's stdin/stdout through the
   * engine). Default `auto`: socket when the engine is on this machine, falling back to attach if the
   * worker cannot connect.
   */
  transport?: 'auto' | 'socket' | 'attach';
  /**
   * Which Python runs the worker in a non-Python language's container: `auto` (default) brings its
   * own (runtime.ts: copied once from the Python image, so any image works, with or without python3);
   * `image` uses the image's python3. Python containers always use the image's own.
   */
  workerRuntime?: 'auto' | 'image';
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

/**
 * One Docker engine of a fleet: its address, and for `tcp://` with TLS the folder holding the client
 * certificate (ca.pem, cert.pem, key.pem — Docker's DOCKER_CERT_PATH layout); for `ssh://` the
 * private key and the known_hosts file that must list the engine's host key.
 * As text: `tcp://10.0.0.5:2376,certs=/path/to/certs` or `ssh://ci@10.0.0.6,identity=~/.ssh/id_ed25519`.
 */
export interface DockerHostSpec { host: string; certPath?: string; identity?: string; knownHosts?: string }

const home = (p: string) => (p.startsWith('~/') ? path.join(homedir(), p.slice(2)) : p);

/** Parses `URL[,certs=DIR][,identity=FILE][,known-hosts=FILE]`; the error names what was given. */
export function parseDockerHost(text: string): DockerHostSpec {
  const [host, ...opts] = text.split(',').map((x) => x.trim());
  const spec: DockerHostSpec = { host };
  for (const o of opts) {
    const eq = o.indexOf('=');
    const k = o.slice(0, eq), v = home(o.slice(eq + 1));
    if (eq < 0 || !v) throw new Error(`Docker host "${text}": "${o}" is not key=value (known: certs, identity, known-hosts)`);
    if (k === 'certs') spec.certPath = v;
    else if (k === 'identity') spec.identity = v;
    else if (k === 'known-hosts') spec.knownHosts = v;
    else throw new Error(`Docker host "${text}": unknown option "${k}" (known: certs, identity, known-hosts)`);
  }
  return spec;
}

/** The fleet from CRUCIBLE_DOCKER_HOSTS: specs separated by spaces or semicolons. */
export function dockerHostsFromEnv(env = process.env.CRUCIBLE_DOCKER_HOSTS): DockerHostSpec[] {
  return (env ?? '').split(/[\s;]+/).filter(Boolean).map(parseDockerHost);
}

function readPem(dir: string, name: string, host: string): Buffer {
  const f = path.join(dir, name);
  try { return readFileSync(f); } catch (e) {
    throw new Error(`TLS for Docker host ${host}: cannot read ${f} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); ` +
      'the certificate folder needs ca.pem, cert.pem and key.pem');
  }
}

/**
 * Checks an SSH server's host key against known_hosts (plain `host`/`[host]:port` entries and
 * hashed `|1|salt|hash` ones), as ssh does: a key that is not listed is refused, not trusted.
 */
export function knownHostsVerifier(file: string, hostname: string, port: number): (key: Buffer) => boolean {
  const names = port === 22 ? [hostname] : [`[${hostname}]:${port}`];
  let text = '';
  try { text = readFileSync(file, 'utf8'); } catch { /* none: nothing is known */ }
  const keys = new Set<string>();
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 3 || f[0].startsWith('#') || f[0].startsWith('@')) continue;
    const match = f[0].split(',').some((h) => {
      if (!h.startsWith('|1|')) return names.includes(h);
      const [, , salt, hash] = h.split('|');
      return names.some((n) => createHmac('sha1', Buffer.from(salt, 'base64')).update(n).digest('base64') === hash);
    });
    if (match) keys.add(f[2]);
  }
  return (key: Buffer) => keys.has(key.toString('base64'));
}

/**
 * HTTP to a Docker engine over SSH: one SSH connection per engine, each HTTP connection a channel
 * running `docker system dial-stdio` on it (what the docker CLI does). docker-modem's own ssh
 * support makes a new SSH connection (key exchange and all) per API request: ~9 s each on this
 * loaded 2-core VM with ssh2's JavaScript crypto.
 */
function sshAgent(opts: ConnectConfig): http.Agent {
  let conn: Promise<SshClient> | undefined;
  const connect = () => (conn ??= new Promise<SshClient>((resolve, reject) => {
    // Required here: ssh2 (~0.6 MB with its crypto) is evaluated only by runs that use an ssh:// engine.
    const c: SshClient = new (require('ssh2') as typeof import('ssh2')).Client();
    c.once('ready', () => resolve(c));
    c.once('error', (e) => { conn = undefined; reject(e); });
    c.once('close', () => { conn = undefined; });
    c.connect(opts);
  }));
  // Keep-alive: a channel (and its dial-stdio process) serves request after request.
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 4 });
  // The connection is open until closeDocker: a process that is done must not be kept alive by it.
  closers.set(agent, () => { agent.destroy(); void conn?.then((c) => c.end(), () => undefined); conn = undefined; });
  (agent as unknown as { createConnection: unknown }).createConnection = (_o: unknown, cb: (e: Error | null, s?: unknown) => void) => {
    connect().then((c) => c.exec('docker system dial-stdio', (err, stream) => {
      if (err) { cb(err); return; }
      // http wants a socket: these are what it calls on one.
      Object.assign(stream, { setTimeout: () => stream, setNoDelay: () => stream, setKeepAlive: () => stream, ref: () => stream, unref: () => stream });
      cb(null, stream);
    }), (e: Error) => cb(e));
    return undefined;
  };
  return agent;
}

const closers = new WeakMap<http.Agent, () => void>();

/** Closes what a client keeps open (an SSH connection); a no-op for the others. */
export function closeDocker(docker: Docker): void {
  const agent = (docker.modem as unknown as { agent?: http.Agent }).agent;
  if (agent) closers.get(agent)?.();
}

/** Builds a dockerode client for a DOCKER_HOST-style URL (or a fleet entry), and the URL to show in messages. */
export function connectDocker(spec?: string | DockerHostSpec): { docker: Docker; display: string } {
  const s: DockerHostSpec | undefined = typeof spec === 'string' ? parseDockerHost(spec) : spec;
  const h = s?.host ?? process.env.DOCKER_HOST;
  if (!h) return { docker: new Docker({ socketPath: '/var/run/docker.sock' }), display: 'unix:///var/run/docker.sock' };
  if (h.startsWith('unix://')) return { docker: new Docker({ socketPath: h.slice('unix://'.length) }), display: h };
  if (h.startsWith('/')) return { docker: new Docker({ socketPath: h }), display: `unix://${h}` };
  const u = new URL(h);
  if (u.protocol === 'ssh:') {
    const port = Number(u.port || 22);
    const identity = s?.identity ?? ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((n) => path.join(homedir(), '.ssh', n)).find((f) => existsSync(f));
    const knownHosts = s?.knownHosts ?? path.join(homedir(), '.ssh', 'known_hosts');
    const verify = knownHostsVerifier(knownHosts, u.hostname, port);
    let refused = false;
    const sshOptions: Record<string, unknown> = {
      // The agent if there is one, else the key file; the engine's host key must be in known_hosts.
      ...(process.env.SSH_AUTH_SOCK && !s?.identity ? { agent: process.env.SSH_AUTH_SOCK } : {}),
      ...(identity ? { privateKey: readFileSync(identity) } : {}),
      hostVerifier: (key: Buffer) => { const ok = verify(key); if (!ok) refused = true; return ok; },
      readyTimeout: 10_000,
    };
    const agent = sshAgent({ host: u.hostname, port, username: decodeURIComponent(u.username) || undefined, ...sshOptions } as ConnectConfig);
    const docker = new Docker({ protocol: 'http', host: u.hostname, port, agent } as Docker.DockerOptions);
    // ssh2 says only "host key verification failed" for an unknown key: say where it was looked up.
    const ping = docker.ping.bind(docker);
    (docker as unknown as { ping: () => Promise<unknown> }).ping = () => ping().catch((e: Error) => {
      throw refused ? new Error(`the host key of ${u.hostname}:${port} is not in ${knownHosts} (add it: ssh-keyscan -p ${port} ${u.hostname} >> ${knownHosts})`) : e;
    });
    return { docker, display: h };
  }
  if (u.protocol === 'tcp:' || u.protocol === 'http:' || u.protocol === 'https:') {
    // TLS as the docker CLI does it: a certificate folder for this host, or DOCKER_TLS_VERIFY with DOCKER_CERT_PATH (default ~/.docker).
    const envTls = !!process.env.DOCKER_TLS_VERIFY && process.env.DOCKER_TLS_VERIFY !== '0';
    const certDir = s?.certPath ?? (envTls || u.protocol === 'https:' ? process.env.DOCKER_CERT_PATH || path.join(homedir(), '.docker') : undefined);
    const port = Number(u.port || (certDir ? 2376 : 2375));
    if (!certDir) return { docker: new Docker({ protocol: 'http', host: u.hostname, port }), display: h };
    const docker = new Docker({ protocol: 'https', host: u.hostname, port,
      ca: readPem(certDir, 'ca.pem', h), cert: readPem(certDir, 'cert.pem', h), key: readPem(certDir, 'key.pem', h) });
    return { docker, display: `${h} (TLS)` };
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
    // Over SSH the first request also makes the connection (key exchange in JavaScript): allow for it.
    await withTimeout(docker.ping(), display.startsWith('ssh:') ? 30_000 : 5000, 'ping');
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

/** Short names for the images scripts/build-images.sh makes (`--image sci`, `images: { python: sci }`). */
export const IMAGE_ALIASES: Record<string, string> = {
  sci: 'crucible-python-sci:local', 'python-sci': 'crucible-python-sci:local', python: 'crucible-python:local',
};

/** Picks the image for a language: the configured one, else the first default present, else pulls. */
export async function resolveImage(docker: Docker, lang: string, images: Record<string, string> | undefined): Promise<string> {
  const configured = images?.[lang] && (IMAGE_ALIASES[images[lang]] ?? images[lang]);
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

/** Where the host's socket directory is mounted (read-only) in a container. */
const SOCK_MOUNT = '/run/crucible';

/**
 * The host end of a worker's socket. Accepts one connection, and only if its first line is the
 * worker's hello with this channel's token; then the socket file and its directory are removed, so
 * nothing else (a sample in the container, another user on the host) can connect.
 */
class SocketChannel {
  readonly token = randomBytes(16).toString('hex');
  /** Protocol lines from the worker, whichever way they come (socket, or attach stdout as a fallback). */
  readonly output = new PassThrough();
  conn?: Socket;
  private shutDone = false;
  private constructor(readonly dir: string, private readonly server: Server) {}

  static async open(): Promise<SocketChannel> {
    const dir = mkdtempSync(path.join(tmpdir(), 'crucible-w-'));
    // The worker (root without CAP_DAC_OVERRIDE, as good as any other uid here) must reach the socket, but not list or write the directory.
    chmodSync(dir, 0o711);
    const server = createServer();
    const sock = path.join(dir, 'w.sock');
    try {
      await new Promise<void>((res, rej) => { server.once('error', rej); server.listen(sock, () => res()); });
      chmodSync(sock, 0o666);
    } catch (e) {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      throw e;
    }
    const ch = new SocketChannel(dir, server);
    server.on('connection', (c) => ch.accept(c));
    return ch;
  }

  private accept(c: Socket): void {
    if (this.conn || this.shutDone) { c.destroy(); return; }
    let buf = '';
    const first = (b: Buffer) => {
      buf += b.toString('utf8');
      const i = buf.indexOf('\n');
      if (i < 0) { if (buf.length > 4096) c.destroy(); return; }
      c.off('data', first);
      let ok = false;
      try { const m = JSON.parse(buf.slice(0, i)); ok = !!m.hello && m.token === this.token; } catch { /* not a hello */ }
      if (!ok || this.conn) { c.destroy(); return; }
      this.conn = c;
      this.shut();
      this.output.write(buf);
      c.on('data', (d: Buffer) => this.output.write(d));
    };
    c.on('data', first);
    c.on('error', () => undefined); // surfaces as 'close', which the worker's owner watches
  }

  /** No more connections: closes the listener and removes the socket file and its directory. */
  shut(): void {
    if (this.shutDone) return;
    this.shutDone = true;
    this.server.close();
    rmSync(this.dir, { recursive: true, force: true });
  }

  close(): void {
    this.shut();
    this.conn?.destroy();
  }
}

export class DockerSandbox extends WorkerPoolSandbox {
  readonly name = 'docker';
  readonly id = randomBytes(6).toString('hex');
  private readonly images = new Map<string, Promise<string>>();

  constructor(readonly docker: Docker, readonly display: string, private readonly cfg: DockerSandboxConfig, limits: Limits, poolSize: number) {
    super(limits, poolSize, cfg.retryTimeouts ?? 1, cfg.languages ?? { get: languageFor });
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

  private runtime?: Promise<WorkerRuntime | undefined>;
  private runtimeProblem = '';

  /** The worker runtime for non-Python containers, or undefined (then the image's python3) when it cannot be had. */
  private workerRuntime(lang: string): Promise<WorkerRuntime | undefined> {
    if (lang === 'python' || this.cfg.workerRuntime === 'image') return Promise.resolve(undefined);
    this.runtime ??= (async () => {
      try {
        return await prepareWorkerRuntime(this.docker, await this.image('python'));
      } catch (e) {
        this.runtimeProblem = (e as Error).message.split('\n')[0];
        return undefined;
      }
    })();
    return this.runtime;
  }

  /** Per language used so far: the image with its registry digest (else its local image id). */
  async describe(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const [lang, p] of this.images) {
      try {
        const image = await p;
        const info = await this.docker.getImage(image).inspect();
        // A pulled image has a registry digest, the one to pin; a locally built one only its id.
        const repo = info.RepoDigests?.[0];
        out[lang] = repo ? `${image}@${repo.split('@')[1]}` : `${image}@${info.Id}`;
      } catch (e) {
        out[lang] = `unknown (${(e as Error).message.split('\n')[0]})`;
      }
    }
    return out;
  }

  /** What a timing measured in this sandbox depends on: the engine and the language's image. */
  async identity(lang: string): Promise<string> {
    const image = await this.image(lang);
    const info = await this.docker.getImage(image).inspect();
    return `docker ${this.display} ${image}@${info.Id} mem=${this.limits.memoryMb} cpus=${this.limits.cpus}`;
  }

  /** Whether workers can be reached through a unix socket: only when the engine shares this machine's filesystem. */
  private socketTransport(): boolean {
    const t = this.cfg.transport ?? 'auto';
    if (t === 'attach') return false;
    const local = process.platform === 'linux' && !!(this.docker.modem as { socketPath?: string }).socketPath;
    if (t === 'socket' && !local) throw new Error(`transport "socket" needs a Docker engine on this machine (a unix socket), not ${this.display}`);
    return local;
  }

  protected async startWorker(lang: string): Promise<Worker> {
    const image = await this.image(lang);
    const l = this.limits;
    const mem = l.memoryMb * 1024 * 1024;
    const rt = await this.workerRuntime(lang);
    const chan = this.socketTransport() ? await SocketChannel.open() : undefined;
    const binds = [...(chan ? [`${chan.dir}:${SOCK_MOUNT}:ro`] : []), ...(rt ? [`${rt.volume}:${RUNTIME_MOUNT}:ro`] : [])];
    let container: Docker.Container;
    try {
      container = await this.docker.createContainer({
        Image: image,
        // The worker: on the runtime's interpreter, else the image's python3.
        Cmd: [...(rt?.python ?? ['python3']), '-u', '-c', WORKER_PY],
        // Root, but only to hand each sample to uid 65534 (worker-py.ts): see CapAdd.
        User: '0:0',
        WorkingDir: '/tmp',
        Env: ['LANG=C.UTF-8', 'PYTHONDONTWRITEBYTECODE=1', 'PYTHONUNBUFFERED=1',
          ...(chan ? [`CRUCIBLE_SOCK=${SOCK_MOUNT}/w.sock`, `CRUCIBLE_TOKEN=${chan.token}`] : []), ...(rt?.env ?? [])],
        AttachStdin: true, AttachStdout: true, AttachStderr: true,
        // StdinOnce: when the engine goes away the attach closes, stdin hits EOF and the worker exits.
        OpenStdin: true, StdinOnce: true, Tty: false,
        NetworkDisabled: true,
        Labels: { [LABEL]: '1', 'crucible.sandbox.id': this.id, 'crucible.language': lang, 'crucible.owner': `${hostname()}:${process.pid}` },
        HostConfig: {
          NetworkMode: 'none',
          ReadonlyRootfs: true,
          Tmpfs: { '/tmp': `rw,exec,nosuid,nodev,size=${l.tmpfsMb}m,mode=1777` },
          Binds: binds.length ? binds : undefined,
          CapDrop: ['ALL'],
          CapAdd: ['SETUID', 'SETGID', 'KILL'],
          SecurityOpt: ['no-new-privileges'],
          PidsLimit: l.pidsLimit,
          Memory: mem,
          MemorySwap: mem,
          NanoCpus: Math.round(l.cpus * 1e9),
          IpcMode: 'private',
          ShmSize: 16 * 1024 * 1024,
          // nofile and nproc fixed, so a container is the same on every engine: Podman asks for 1048576
          // and 4194304 by default, more than a service started outside systemd may grant, and then
          // runc cannot start it. nproc counts uid 65534's processes machine-wide; the pids limit above
          // is what bounds one container.
          Ulimits: [{ Name: 'core', Soft: 0, Hard: 0 }, { Name: 'nofile', Soft: 4096, Hard: 4096 }, { Name: 'nproc', Soft: 16384, Hard: 16384 }],
          LogConfig: { Type: 'none', Config: {} },
          // The worker must be PID 1 (it reaps and kills everything else): no init process, whatever the daemon's default.
          Init: false,
        },
      });
    } catch (e) {
      chan?.close();
      throw e;
    }
    try {
      const stream = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true });
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      container.modem.demuxStream(stream, stdout, stderr);
      // With a socket channel, stdout still carries the hello when the worker could not connect.
      if (chan) stdout.on('data', (d: Buffer) => chan.output.write(d));
      const attach = stream as unknown as Writable;
      const stdin = chan
        ? new Writable({ write(chunk, _enc, cb) { (chan.conn ?? attach).write(chunk, cb); } })
        : attach;
      let onGone: ((why: string) => void) | undefined;
      const w = new Worker({
        stdin,
        stdout: chan ? chan.output : stdout,
        stderr,
        onClose(cb) {
          stream.on('end', () => cb('the worker exited'));
          stream.on('close', () => cb('the worker exited'));
          stream.on('error', (e: Error) => cb(`stream error: ${e.message}`));
          onGone = cb;
        },
        async remove() {
          chan?.close();
          await container.remove({ force: true }).catch(() => undefined);
        },
        async exitState() {
          return containerExit(container);
        },
      });
      await container.start();
      const hello = await withTimeout(w.hello, 30_000, 'sandbox worker start');
      chan?.shut();
      // Over the socket, the socket closing is how the worker's end shows.
      chan?.conn?.on('close', () => onGone?.('the worker exited'));
      if (hello.init !== true) throw new Error('the sandbox worker is not PID 1 of its container (does the image set an ENTRYPOINT?)');
      if (hello.separate !== true) throw new Error('the sandbox worker cannot run samples as a uid of their own');
      if (this.cfg.transport === 'socket' && hello.transport !== 'socket') throw new Error(`the worker could not use the socket: ${String(hello.transport)}`);
      this.transports.add(String(hello.transport));
      this.workerModes.add(`fork server: ${hello.forkServer === true ? 'yes' : String(hello.forkServer)}; huge text: ${String(hello.hugeText)}`);
      return w;
    } catch (e) {
      chan?.close();
      const msg = (e as Error).message.split('\n')[0];
      const st = await containerExit(container);
      await container.remove({ force: true }).catch(() => undefined);
      // Only a worker that could not be exec'd at all means the interpreter is missing; a container
      // that was killed or died while starting is reported as that.
      const missing = /executable file not found|no such file or directory/i.test(msg) || st.exit === 'exit 127';
      if (!missing && st.exit && st.exit !== 'running') {
        throw new Error(`cannot start a ${lang} sandbox container from ${image}: the sandbox container exited while starting (${st.exit}${st.oomKilled ? ', OOM-killed' : ''}): ${msg}`);
      }
      const why = rt ? 'with the worker runtime from the Python image'
        : missing ? `it needs python3 for the sandbox worker${this.runtimeProblem ? `, and ${this.runtimeProblem}` : ''}` : 'the worker did not start';
      throw new Error(`cannot start a ${lang} sandbox container from ${image} (${why}): ${msg}`);
    }
  }

  /** How the workers started so far were reached ("socket", "stdio", or why the socket failed). */
  readonly transports = new Set<string>();
  /** Whether the workers started so far fork samples from a fork server, and copied python3's code onto huge pages (or why not). */
  readonly workerModes = new Set<string>();

  async close(): Promise<void> {
    await super.close();
    // Also anything of ours that a half-finished start left behind.
    try {
      const list = await this.docker.listContainers({ all: true, filters: { label: [`crucible.sandbox.id=${this.id}`] } });
      await Promise.all(list.map((c) => this.docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined)));
    } catch { /* engine gone: nothing more we can do */ }
    closeDocker(this.docker);
  }
}

/** How a container ended: "running", "exit 137 (SIGKILL)", whether the OOM killer did it, or gone (with the engine). */
async function containerExit(container: Docker.Container): Promise<ExitState> {
  try {
    const st = (await container.inspect()).State;
    if (st.Running) return { oomKilled: false, exit: 'running' };
    const code = st.ExitCode;
    return { oomKilled: !!st.OOMKilled, exit: `exit ${code}${code > 128 && code < 160 ? ` (${signalName(code - 128)})` : ''}` };
  } catch {
    return { oomKilled: false, gone: true };
  }
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
  return new DockerSandbox(docker, display, cfg, limits, poolSizeFor(cfg.poolSize, opts.concurrency)).warmUp(opts.languages ?? []);
}

/**
 * Several Docker engines at once (`dockerHosts`: local sockets, tcp, ssh). Each sample goes to the
 * engine with the most free capacity. When a sample comes back as an infrastructure error and its
 * engine no longer answers a ping, that engine is drained (no more work) and the sample is re-run
 * on another one, so an engine that dies mid-run loses no sample.
 */
export class MultiDockerSandbox implements Sandbox {
  readonly name = 'docker';
  private readonly inFlight = new Map<DockerSandbox, number>();
  /** Engines taken out of rotation, with why. */
  readonly drained: { host: string; reason: string }[] = [];

  constructor(readonly engines: DockerSandbox[], readonly unreachable: { host: string; reason: string }[]) {
    for (const e of engines) this.inFlight.set(e, 0);
  }

  private pick(exclude: Set<DockerSandbox>): DockerSandbox | undefined {
    let best: DockerSandbox | undefined;
    let bestFree = -Infinity;
    for (const [e, n] of this.inFlight) {
      if (exclude.has(e)) continue;
      const free = e.capacity() - n;
      if (free > bestFree) { best = e; bestFree = free; }
    }
    return best;
  }

  async execute(req: ExecRequest): Promise<ExecResult> {
    const tried = new Set<DockerSandbox>();
    let last: ExecResult | undefined;
    for (;;) {
      const e = this.pick(tried);
      if (!e) {
        return last ?? { status: 'error', detail: `no Docker engine left (${this.drained.map((d) => `${d.host}: ${d.reason}`).join('; ')})`, output: '', durationMs: 0 };
      }
      tried.add(e);
      this.inFlight.set(e, this.inFlight.get(e)! + 1);
      let r: ExecResult;
      try {
        r = await e.execute(req);
      } catch (err) {
        r = { status: 'error', detail: (err as Error).message.split('\n')[0], output: String(err), durationMs: 0 };
      } finally {
        if (this.inFlight.has(e)) this.inFlight.set(e, this.inFlight.get(e)! - 1);
      }
      if (r.status !== 'error' || req.signal?.aborted) return r;
      last = r;
      // An infrastructure error: run the sample on another engine, and if this engine no longer
      // answers, drain it (an engine shutting down may still answer for a moment: then only retry).
      const alive = await withTimeout(e.docker.ping(), 3000, 'ping').then(() => true, () => false);
      if (!alive && this.inFlight.delete(e)) {
        this.drained.push({ host: e.display, reason: r.detail });
        void e.close().catch(() => undefined);
      }
    }
  }

  async describe(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const e of this.engines) for (const [lang, d] of Object.entries(await e.describe())) out[`${lang} (${e.display})`] = d;
    return out;
  }

  async close(): Promise<void> {
    await Promise.all(this.engines.map((e) => e.close().catch(() => undefined)));
  }
}

async function createDockerSandboxes(opts: SandboxOptions): Promise<Sandbox> {
  const cfg = (opts.config ?? {}) as DockerSandboxConfig;
  const hosts = cfg.dockerHosts ?? (cfg.dockerHost ? [] : dockerHostsFromEnv());
  if (hosts.length <= 1) return createDockerSandbox({ ...opts, config: { ...cfg, dockerHost: hosts[0] ?? cfg.dockerHost } });
  const name = (h: string | DockerHostSpec) => (typeof h === 'string' ? h : h.host);
  const results = await Promise.allSettled(hosts.map((h) => createDockerSandbox({ ...opts, config: { ...cfg, dockerHost: h } })));
  const engines = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const unreachable = results.flatMap((r, i) => (r.status === 'rejected' ? [{ host: name(hosts[i]), reason: (r.reason as Error).message }] : []));
  if (!engines.length) {
    throw new Error(`No Docker engine answered at ${hosts.map(name).join(', ')} (${unreachable.map((u) => u.reason.split('\n')[0]).join('; ')}): start Docker (or run scripts/docker-engine.sh start), ` +
      `or choose another sandbox with --sandbox bubblewrap|local`);
  }
  return new MultiDockerSandbox(engines, unreachable);
}

export const dockerSandbox: SandboxFactory = {
  name: 'docker',
  isolated: true,
  create: createDockerSandboxes,
};

// `bubblewrap`: the same warm-worker design as `docker`, without a Docker engine. Each worker runs in
// a bwrap sandbox: the host's /usr read-only, a private size-limited tmpfs /tmp, new user (uid 65534,
// no further user namespaces), pid, net (loopback only), ipc, uts and cgroup namespaces, no
// capabilities, an empty environment, everything but /tmp read-only; the worker is PID 1 of its pid namespace, so it can kill every
// leftover of a sample and empty /tmp between samples.
// An unprivileged user namespace maps one uid, so samples share the worker's: it cannot be shielded
// by uid as in Docker. Instead the worker ignores SIGINT, is not dumpable, and after every sample
// checks its own rlimits, nice value, affinity and scheduling policy (restores them, or retires with
// "tampered" so a fresh worker takes the next sample), removes SysV IPC objects and clears the user
// keyrings (worker-py.ts).
//
// Weaker than docker: there is no cgroup, so memory is bounded per sample by RLIMIT_AS only where a
// language allows it (python, C++, Rust: not node, the JVM or Go) and processes by RLIMIT_NPROC (which
// is why root starts bwrap as nobody: root is exempt from RLIMIT_NPROC); and
// the toolchains are the host's (no prebuilt Rust crates, Go cache or C++ PCH unless the host has them).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Language, SandboxFactory, SandboxOptions } from '../plugins';
import { languageFor } from '../languages';
import { poolSizeFor, Worker, WorkerPoolSandbox, type Limits } from './pool';
import { WORKER_PY } from './worker-py';

export interface BubblewrapConfig {
  /** bwrap binary (default: bwrap on PATH). */
  bwrap?: string;
  memoryMb?: number;
  /** Processes (and threads) per sample. */
  pidsLimit?: number;
  tmpfsMb?: number;
  outputCapBytes?: number;
  poolSize?: number;
  retryTimeouts?: number;
  languages?: { get(name: string): Language };
}

/** Host paths made visible (read-only) when they exist, beyond /usr. */
const OPTIONAL_RO = ['/etc/alternatives', '/etc/java-17-openjdk', '/etc/ld.so.cache', '/etc/ssl/certs', '/opt/rust-deps', '/opt/go-cache', '/opt/cpp'];

export function bwrapArgs(cfg: { tmpfsMb: number }): string[] {
  const a = [
    '--ro-bind', '/usr', '/usr',
    '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/sbin', '/sbin',
    '--proc', '/proc', '--dev', '/dev',
    '--size', String(cfg.tmpfsMb * 1024 * 1024), '--tmpfs', '/tmp',
  ];
  for (const p of OPTIONAL_RO) if (existsSync(p)) a.push('--ro-bind', p, p);
  // bwrap's own root and /dev are writable tmpfs (unbounded, and outside the scratch dir the worker
  // empties): make both read-only. Device nodes (/dev/null, …) still work; /dev/shm does not.
  a.push('--remount-ro', '/', '--remount-ro', '/dev');
  a.push(
    '--unshare-all', '--unshare-user', '--uid', '65534', '--gid', '65534', '--disable-userns',
    '--die-with-parent', '--as-pid-1', '--new-session', '--cap-drop', 'ALL',
    '--clearenv', '--setenv', 'PATH', '/usr/local/bin:/usr/bin:/bin', '--setenv', 'LANG', 'C.UTF-8',
    '--setenv', 'PYTHONDONTWRITEBYTECODE', '1', '--chdir', '/tmp',
  );
  return a;
}

/**
 * Started by root, bwrap maps the sandbox's uid to root outside, and root is exempt from
 * RLIMIT_NPROC: a fork bomb would be bounded by nothing. So root starts bwrap as nobody.
 */
function asNobody(): { uid?: number; gid?: number; cwd?: string } {
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534, cwd: '/' } : {};
}

export function bwrapUnavailableMessage(why: string): string {
  return `bubblewrap cannot run sandboxes here (${why}): install it (apt-get install bubblewrap) and allow unprivileged user namespaces, ` +
    `or choose another sandbox with --sandbox docker|local`;
}

class BubblewrapSandbox extends WorkerPoolSandbox {
  readonly name = 'bubblewrap';
  constructor(private readonly bwrap: string, private readonly tmpfsMb: number, limits: Limits, poolSize: number, retry: number, languages: { get(name: string): Language }) {
    super(limits, poolSize, retry, languages);
  }

  protected extraLimits(): Record<string, number> {
    // No cgroup here: the worker watches the sample's memory itself (mem), and nproc bounds fork bombs.
    return { nproc: this.limits.pidsLimit, mem: this.limits.memoryMb * 2 ** 20 };
  }

  protected async startWorker(lang: string): Promise<Worker> {
    const child = spawn(this.bwrap, [...bwrapArgs({ tmpfsMb: this.tmpfsMb }), 'python3', '-u', '-c', WORKER_PY], { stdio: ['pipe', 'pipe', 'pipe'], ...asNobody() });
    let exited = false;
    let exit: string | undefined;
    const w = new Worker({
      stdin: child.stdin!, stdout: child.stdout!, stderr: child.stderr!,
      onClose(cb) {
        child.on('exit', (code, sig) => { exited = true; exit = sig ?? `exit ${code}`; cb(`the worker exited (${exit})`); });
        child.on('error', (e) => { exited = true; cb(`cannot start bwrap: ${e.message}`); });
      },
      async remove() {
        if (exited) return;
        // SIGKILL to bwrap: --die-with-parent takes the worker (PID 1 of its namespace) and so every process in it.
        await new Promise<void>((resolve) => { child.once('exit', () => resolve()); child.kill('SIGKILL'); setTimeout(resolve, 5000).unref(); });
      },
      async exitState() { return { oomKilled: false, exit }; },
    });
    try {
      const hello = await Promise.race([w.hello, new Promise<never>((_, rej) => setTimeout(() => rej(new Error('no answer in 30 s')), 30_000).unref())]);
      if (hello.init !== true) throw new Error('the worker is not PID 1 of its namespace');
      return w;
    } catch (e) {
      await w.remove();
      throw new Error(`cannot start a ${lang} bubblewrap worker: ${(e as Error).message.split('\n')[0]}`);
    }
  }
}

export const bubblewrapSandbox: SandboxFactory = {
  name: 'bubblewrap',
  isolated: true,
  async create(opts: SandboxOptions) {
    const cfg = (opts.config ?? {}) as BubblewrapConfig;
    const bwrap = cfg.bwrap ?? 'bwrap';
    const probe = spawnSync(bwrap, [...bwrapArgs({ tmpfsMb: 1 }), 'true'], { encoding: 'utf8', timeout: 10_000, ...asNobody() });
    if (probe.error || probe.status !== 0) {
      const why = probe.error ? ((probe.error as NodeJS.ErrnoException).code === 'ENOENT' ? `${bwrap} not found` : probe.error.message) : (probe.stderr.trim().split('\n')[0] || `exit ${probe.status}`);
      throw new Error(bwrapUnavailableMessage(why));
    }
    const limits: Limits = {
      memoryMb: cfg.memoryMb ?? 512, cpus: 1, pidsLimit: cfg.pidsLimit ?? 64, tmpfsMb: cfg.tmpfsMb ?? 64, outputCap: cfg.outputCapBytes ?? 64 * 1024,
    };
    const size = poolSizeFor(cfg.poolSize, opts.concurrency);
    return new BubblewrapSandbox(bwrap, limits.tmpfsMb, limits, size, cfg.retryTimeouts ?? 1, cfg.languages ?? { get: languageFor }).warmUp(opts.languages ?? []);
  },
};

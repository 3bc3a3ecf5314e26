// Turns what the in-sandbox worker saw (exit status, signal, wall-clock kill, output) into a verdict.
// Shared by every runner that speaks the worker protocol (docker, bubblewrap).
import type { ExecResult, Language } from '../plugins';

/** One answer of the worker (see worker-py.ts). */
export interface WorkerAnswer {
  id: number;
  exit: number | null;
  signal: number | null;
  timedOut: boolean;
  /** Index of the step that ended the run (the last one when all succeeded). */
  step: number;
  output: string;
  bytes: number;
  ms: number;
  /** Wall time of each step that ran. */
  stepMs?: number[];
  /** CPU time of the last step's process (user + system), ms. */
  cpuMs?: number;
  /** After a timeout: how long the last step's process waited runnable for a CPU (run delay), ms; absent where the kernel does not say. */
  waitMs?: number;
  /** After a SIGKILL: whether the kernel's OOM killer sent it (absent where the worker cannot tell). */
  oomKilled?: boolean;
  /** The worker killed the sample for using more than this many bytes (runners without a memory cgroup). */
  memKilled?: number;
  /** For a step with `sentinel`: whether the program proved that it ran to the end of its tests. */
  finished?: boolean;
  /** The worker exits after this answer: the sample left what it could not remove (dirty), or changed the worker itself (tampered: what). */
  dirty?: boolean;
  tampered?: string;
  error?: string;
}

/** One step of a request: compile or run. `py` runs a Python file in a fork of the warm worker. */
export interface WorkerStep {
  argv: string[];
  timeoutMs: number;
  py?: boolean;
  /** Name shown when this step fails ("compile"). */
  label?: string;
  /**
   * The run must prove it reached the end of its tests, not just exit 0: a forked Python run by
   * running to its end, an exec'd program by printing the marker its harness reads on fd 3.
   */
  sentinel?: boolean;
  /** Per-step rlimits over the request's (as: 0 = no address-space limit). */
  rl?: { as?: number; cpu?: number; fsize?: number; nofile?: number; mem?: number };
}

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 4: 'SIGILL', 5: 'SIGTRAP', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL',
  11: 'SIGSEGV', 13: 'SIGPIPE', 14: 'SIGALRM', 15: 'SIGTERM', 24: 'SIGXCPU', 25: 'SIGXFSZ', 31: 'SIGSYS',
};

export function signalName(n: number): string {
  return SIGNALS[n] ?? `signal ${n}`;
}

function lastLine(s: string): string {
  const lines = s.split('\n').map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

export function verdictOf(lang: Language, steps: WorkerStep[], a: WorkerAnswer): ExecResult {
  const ran = a.stepMs?.length === steps.length ? a.stepMs[steps.length - 1] : undefined;
  const base = { output: a.output, durationMs: Math.round(a.ms), ...(ran !== undefined ? { runMs: Math.round(ran * 10) / 10 } : {}) };
  const step = steps[a.step];
  const compiling = step?.label === 'compile';
  const prefix = compiling ? 'compile error: ' : '';
  if (a.timedOut) {
    const timing = { limitMs: step?.timeoutMs ?? 0, ...(a.cpuMs !== undefined ? { cpuMs: Math.round(a.cpuMs) } : {}), ...(a.waitMs !== undefined ? { starvedMs: Math.round(a.waitMs) } : {}) };
    return { ...base, status: 'timeout', detail: `${compiling ? 'compile ' : ''}timed out after ${step?.timeoutMs ?? '?'} ms`, timing };
  }
  if (a.exit === 0 && a.signal === null) {
    if (!step?.sentinel || a.finished) return { ...base, status: 'passed', detail: '' };
    // sys.exit(0) in the body, os._exit(0) from a thread, atexit or an excepthook, process.exit(0), …
    const why = lang.failureDetail?.(a.output);
    return { ...base, status: 'failed', detail: `the program exited before its tests finished (exit status 0)${why ? `; before that: ${why}` : ''}`.slice(0, 500) };
  }
  const oom = compiling ? undefined : memoryError(a.output);
  const found = compiling ? compilerError(a.output) ?? lang.failureDetail?.(a.output) : oom ? `out of memory: ${oom}` : lang.failureDetail?.(a.output);
  if (a.signal !== null) {
    // Killed for memory by the worker's own watch (no cgroup) or by the cgroup's OOM killer.
    const limit = oom ? undefined : a.memKilled ? `the sample used more than ${Math.round(a.memKilled / 2 ** 20)} MB, the sandbox's memory limit`
      : a.oomKilled ? "killed by the kernel's OOM killer at the sandbox's memory limit" : undefined;
    if (limit) return { ...base, status: 'failed', detail: `${prefix}out of memory: ${limit}` };
    const why = oom ? '' : a.signal === 9 ? (a.oomKilled === false ? '' : ' (out of memory?)') : a.signal === 24 ? ' (CPU time limit)' : a.signal === 25 ? ' (file size limit)' : '';
    const sig = `killed by ${signalName(a.signal)}${why}`;
    return { ...base, status: 'failed', detail: `${prefix}${found ? `${found} (${sig})` : sig}`.slice(0, 500) };
  }
  const detail = found ?? (lastLine(a.output) ? `exit code ${a.exit}: ${lastLine(a.output)}` : `exit code ${a.exit}`);
  return { ...base, status: 'failed', detail: `${prefix}${detail}`.slice(0, 500) };
}

// How each runtime says it ran out of memory (a line of its own).
const MEMORY_ERROR = new RegExp([
  String.raw`^FATAL ERROR:.*JavaScript heap out of memory`, // V8
  String.raw`^fatal error: runtime: out of memory`, // Go
  String.raw`^MemoryError\b.*`, // Python
  String.raw`^terminate called after throwing an instance of 'std::bad_alloc'`, // C++
  String.raw`^Exception in thread .*java\.lang\.OutOfMemoryError.*`, // Java
  String.raw`^memory allocation of \d+ bytes failed`, // Rust
].join('|'), 'm');

/** The line where a runtime says it ran out of memory, if any. */
export function memoryError(output: string): string | undefined {
  return MEMORY_ERROR.exec(output)?.[0].trim().slice(0, 200);
}

/** The first diagnostic: "file:line:col: error: …", "error[E0425]: …", Go's "./x.go:3:5: undefined: y". */
function compilerError(output: string): string | undefined {
  const ls = output.split('\n').map((l) => l.trim());
  return ls.find((l) => /\berror\b/i.test(l)) ?? ls.find((l) => /^\S+:\d+:\d+: /.test(l));
}

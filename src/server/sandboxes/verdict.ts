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
  error?: string;
}

/** One step of a request: compile or run. `py` runs a Python file in a fork of the warm worker. */
export interface WorkerStep {
  argv: string[];
  timeoutMs: number;
  py?: boolean;
  /** Name shown when this step fails ("compile"). */
  label?: string;
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
  const base = { output: a.output, durationMs: Math.round(a.ms) };
  const step = steps[a.step];
  const prefix = step?.label ? `${step.label}: ` : '';
  if (a.timedOut) return { ...base, status: 'timeout', detail: `${prefix}timed out after ${step?.timeoutMs ?? '?'} ms` };
  if (a.signal !== null) {
    const why = a.signal === 9 ? ' (out of memory?)' : a.signal === 24 ? ' (CPU time limit)' : a.signal === 25 ? ' (file size limit)' : '';
    return { ...base, status: 'failed', detail: `${prefix}killed by ${signalName(a.signal)}${why}` };
  }
  if (a.exit === 0) return { ...base, status: 'passed', detail: '' };
  const found = step?.label ? undefined : lang.failureDetail?.(a.output);
  const detail = found ?? (lastLine(a.output) ? `exit code ${a.exit}: ${lastLine(a.output)}` : `exit code ${a.exit}`);
  return { ...base, status: 'failed', detail: `${prefix}${detail}`.slice(0, 500) };
}

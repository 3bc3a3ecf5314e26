// When is a timeout worth a second run? Each retry costs the sample's whole limit again, and real
// runs are dominated by timeouts (an infinite loop per few hundred samples), so retry only what the
// machine may have caused: a run that sat waiting for a CPU. One that had the CPU (or slept, or
// blocked) for its whole limit would time out on any machine: that verdict is final at once.
import type { ExecResult } from '../plugins';

/** A run that waited for a CPU longer than this share of its limit was starved: its timeout may be the machine's doing. */
export const STARVED_SHARE = 0.1;

/**
 * Whether a timed-out run was starved of CPU. With the kernel's run delay (Linux schedstat): waited
 * more than STARVED_SHARE of the limit. Without it, CPU time is all there is: a run that used less
 * than (1 − STARVED_SHARE) of its limit in CPU might have been starved (or slept: retried to be safe).
 * With neither, starved (retried, as before this rule).
 */
export function starvedOfCpu(timing: ExecResult['timing']): boolean {
  if (!timing || !(timing.limitMs > 0)) return true;
  if (timing.starvedMs !== undefined) return timing.starvedMs > STARVED_SHARE * timing.limitMs;
  if (timing.cpuMs !== undefined) return timing.cpuMs < (1 - STARVED_SHARE) * timing.limitMs;
  return true;
}

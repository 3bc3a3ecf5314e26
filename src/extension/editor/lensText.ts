// The text of a CodeLens / diagnostic for one problem's latest result: pure formatting of the
// figures the engine computed (LatestResults), so it can be tested without an editor.
import type { LatestResult } from '../../protocol';
import { fmtDuration, fmtRate, latestArmText, modelDisplayName } from '../format';

type Arm = LatestResult['arms'][number];

/** "pass@1 0.700 [0.397, 0.892] · n=10 · p95 1.2 s"; an interval that cannot be computed says why. */
export function armLensText(a: Arm, l: Pick<LatestResult, 'kind' | 'expectation'>, withName: boolean): string {
  const name = withName ? `${modelDisplayName(a.arm)}: ` : '';
  const p95 = a.latencyP95 != null ? ` · p95 ${fmtDuration(a.latencyP95)}` : '';
  const p = a.passAt1;
  if (l.kind === 'chat' || !p || p.value == null) return `${name}${latestArmText(a, l.expectation)} · n=${a.n}${p95}`;
  const ci = p.ciLow != null && p.ciHigh != null ? ` [${fmtRate(p.ciLow)}, ${fmtRate(p.ciHigh)}]`
    : a.scored < 2 ? ' (no interval from 1 sample)' : '';
  const errs = a.errors ? ` · ${a.errors} error${a.errors === 1 ? '' : 's'}` : '';
  return `${name}pass@1 ${fmtRate(p.value)}${ci} · n=${a.scored}${errs}${p95}`;
}

/** Whether an arm's latest result is a failure worth a diagnostic, and how bad. */
export function armProblem(a: Arm): 'error' | 'warning' | null {
  if (a.scored === 0) return 'warning'; // nothing was judged: the run, not the model, failed
  if (a.status === 'failed' || a.status === 'timeout' || a.status === 'slipped') return 'error';
  if (a.status === 'partial' || a.errors > 0) return 'warning';
  return null;
}

/** The diagnostic's message for a problem: each arm that did not pass, with its first failure. */
export function diagnosticText(problemId: string, l: LatestResult): string {
  const bad = l.arms.filter((a) => armProblem(a));
  return `${problemId}: ${bad.map((a) => `${modelDisplayName(a.arm)} ${latestArmText(a, l.expectation)}${a.detail ? ` — ${a.detail}` : ''}`).join('; ')} (latest run: ${l.runLabel})`;
}

// `tests`: runs a code problem's tests against the completion in the run's sandbox. Time limits are
// calibrated per problem from the canonical solution's run time here (unless the plan fixes one),
// so verdicts do not move with the speed of the machine.
import type { Verdict } from '../../protocol';
import { DEFAULT_TIMEOUT_MS } from '../engine/plan';
import { execConcurrency } from '../engine/schedule';
import type { CodeProblem, Sandbox, Score, ScorerFactory } from '../plugins';
import { EVALPLUS_MARK } from '../languages/python-evalplus';
import { calibrate, sampleLimit } from '../sandboxes/calibrate';

/** A problem whose harness enforces its own time limits (EvalPlus) names the sandbox's backstop limit. */
const ownLimit = (p: CodeProblem): number | undefined => (typeof p.labels?.sandboxTimeoutMs === 'number' ? p.labels.sandboxTimeoutMs : undefined);

/** The EvalPlus harness's verdicts line (base and plus apart), when the output has one. */
export function evalplusVerdicts(output: string): Record<string, unknown> | undefined {
  const i = output.lastIndexOf(EVALPLUS_MARK);
  if (i < 0) return undefined;
  try { return JSON.parse(output.slice(i + EVALPLUS_MARK.length).split('\n', 1)[0]) as Record<string, unknown>; } catch { return undefined; }
}

const firstLine = (s: string) => s.split('\n', 1)[0].slice(0, 300);

export const testsScorer: ScorerFactory = {
  name: 'tests',
  kinds: ['code'],
  async create(ctx) {
    const sandbox: Sandbox = await ctx.sandbox();
    const problems = ctx.problems.filter((p): p is CodeProblem => p.kind !== 'chat');
    const { timeoutMs, calibrate: doCalibrate, timeoutFactor, timeoutFloorMs } = ctx.limits;
    const floorMs = timeoutFloorMs ?? DEFAULT_TIMEOUT_MS;
    let limits = new Map<string, number>();
    if (timeoutMs === undefined && doCalibrate !== false && sandbox.name !== 'local') {
      try {
        limits = (await calibrate(sandbox, problems.filter((p) => ownLimit(p) === undefined), { cacheDir: ctx.cacheDir, factor: timeoutFactor, floorMs, signal: ctx.signal })).limits;
      } catch { /* no calibration: the floor applies */ }
    }
    const limitFor = (p: CodeProblem) => {
      // A suite's own per-problem limit (EvalPlus computes one from the canonical solution's time).
      const own = ownLimit(p);
      if (own !== undefined) return Math.max(own, timeoutMs ?? 0);
      return sampleLimit(p, limits, { timeoutMs, floorMs });
    };
    return {
      name: 'tests',
      // Executions are bounded by the sandbox (default: the cores): a sample's time limit must start when it runs, not when queued.
      capacity: () => sandbox.capacity?.() ?? execConcurrency(),
      async score({ problem, completion, signal }): Promise<Score> {
        if (problem.kind === 'chat') throw new Error(`tests: ${problem.id} is a chat problem and has no tests`);
        try {
          const res = await sandbox.execute({ problem, completion, timeoutMs: limitFor(problem), signal });
          const status: Verdict = res.status;
          const evalplus = evalplusVerdicts(res.output);
          return {
            status, value: status === 'passed' ? 1 : status === 'error' ? undefined : 0, detail: res.detail, output: res.output, durationMs: res.durationMs,
            // EvalPlus's base/plus verdicts; what timing out cost (the run summary adds it up), and the last timed-out run's CPU and wait.
            ...(evalplus || res.timeouts ? { meta: { ...(evalplus ? { evalplus } : {}), ...(res.timeouts ? { timeouts: res.timeouts, ...(res.timing ? { timing: res.timing } : {}) } : {}) } } : {}),
          };
        } catch (e) {
          // A sandbox fault is this sample's outcome (error), never a lost sample.
          return { status: 'error', detail: `sandbox ${sandbox.name}: ${firstLine((e as Error).message)}`, output: String((e as Error).stack ?? e), durationMs: 0 };
        }
      },
    };
  },
};

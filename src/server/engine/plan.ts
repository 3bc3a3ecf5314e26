// Run plans: validation, the versioned stored form, and arms. A plan is stored with its run and
// read back by parsePlan alone, so an old run (plan version 1: models only) still resumes.
import { createHash, randomBytes } from 'node:crypto';
import * as path from 'node:path';
import { PLAN_VERSION, type ArmParams, type ArmSpec, type RunPlan } from '../../protocol';
import { checkStages } from '../metrics/progressive';

/** An arm as the engine runs it: id, model spec, strategy (null: by problem kind), parameters. */
export interface Arm { id: string; model: string; strategy: string | null; params: ArmParams }

export const DEFAULT_TIMEOUT_MS = 3000;

/** "openai:gpt-4o" → ["openai", "gpt-4o"]; "reference" → ["reference", ""]. */
export function parseModelSpec(spec: string): [string, string] {
  const i = spec.indexOf(':');
  return i < 0 ? [spec, ''] : [spec.slice(0, i), spec.slice(i + 1)];
}

/** Stable per (run, arm, problem, index): a default arm's id is its model, so ids predate arms. */
export function sampleId(runId: string, arm: string, problemId: string, idx: number): string {
  return createHash('sha1').update(`${runId}\0${arm}\0${problemId}\0${idx}`).digest('hex').slice(0, 16);
}

export function newRunId(): string {
  const d = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `${d}-${randomBytes(3).toString('hex')}`;
}

const PARAM_KEYS = ['temperature', 'maxTokens', 'topP', 'seed'] as const;

function paramsOf(o: ArmParams | RunPlan | undefined): ArmParams {
  const out: ArmParams = {};
  for (const k of PARAM_KEYS) if (o?.[k] !== undefined && o[k] !== null) out[k] = o[k];
  return out;
}

function armId(spec: ArmSpec, params: ArmParams): string {
  if (spec.id) return spec.id;
  const p = PARAM_KEYS.filter((k) => params[k] !== undefined).map((k) => `${k}=${params[k]}`);
  return [spec.model, spec.strategy, p.join(',')].filter(Boolean).join(' · ');
}

/**
 * The plan's arms: `arms` as given, else one default arm per model. Parameters: the run's, then the
 * arm's strategy's own (as recorded in `plan.strategyParams` when the run started), then the arm's own.
 */
export function resolveArms(plan: RunPlan): Arm[] {
  const run = paramsOf(plan);
  const specs: ArmSpec[] = plan.arms?.length ? plan.arms : plan.models.map((model) => ({ model }));
  const arms = specs.map((s) => {
    const own = paramsOf(s.params);
    // A default arm (no strategy, no own parameters) is named by its model alone, as before arms existed.
    const id = s.id ?? (s.strategy || Object.keys(own).length ? armId(s, own) : s.model);
    const strat = s.strategy ? paramsOf(plan.strategyParams?.[s.strategy]) : {};
    return { id, model: s.model, strategy: s.strategy ?? null, params: { ...run, ...strat, ...own } };
  });
  const seen = new Set<string>();
  for (const a of arms) {
    if (seen.has(a.id)) throw new Error(`two arms are named "${a.id}": give each arm its own id`);
    seen.add(a.id);
  }
  return arms;
}

/** Every suite of the plan, `suite` first. */
export function planSuites(plan: RunPlan): string[] {
  return [...new Set([plan.suite, ...(plan.suites ?? [])])];
}

const posNum = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0;
const posInt = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v > 0;

/** Checks a plan and fills in defaults; errors name the plan field (the CLI names its options itself). */
export function normalizePlan(plan: RunPlan): RunPlan {
  if (!plan || typeof plan !== 'object') throw new Error('a run plan is required');
  if (typeof plan.suite !== 'string' || !plan.suite) throw new Error('plan.suite is required');
  if (plan.suites !== undefined && (!Array.isArray(plan.suites) || plan.suites.some((s) => typeof s !== 'string' || !s))) throw new Error('plan.suites must be a list of suite names or paths');
  const arms = plan.arms;
  if (arms !== undefined) {
    if (!Array.isArray(arms) || arms.length === 0) throw new Error('plan.arms needs at least one arm');
    for (const a of arms) if (!a || typeof a.model !== 'string' || !a.model) throw new Error('every arm in plan.arms needs a model');
  }
  const models = arms?.length ? [...new Set(arms.map((a) => a.model))] : plan.models;
  if (!Array.isArray(models) || models.length === 0) throw new Error('plan.models needs at least one model');
  const n = plan.n ?? plan.stages?.[plan.stages.length - 1] ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10000) throw new Error(`plan.n must be an integer from 1 to 10000 (got ${plan.n})`);
  const k = [...new Set(plan.k?.length ? plan.k : [1])].sort((a, b) => a - b);
  for (const x of k) if (!posInt(x)) throw new Error(`plan.k values must be positive integers (got ${x})`);
  if (plan.limit !== undefined && plan.limit !== null && !posInt(plan.limit)) throw new Error(`plan.limit must be a positive integer (got ${plan.limit})`);
  // No timeoutMs means calibrated limits (the default); a number fixes the limit for every sample.
  if (plan.timeoutMs !== undefined && plan.timeoutMs !== null && !posNum(plan.timeoutMs)) throw new Error(`plan.timeoutMs must be positive (got ${plan.timeoutMs})`);
  if (plan.timeoutFactor !== undefined && plan.timeoutFactor !== null && !posNum(plan.timeoutFactor)) throw new Error(`plan.timeoutFactor must be a positive number (got ${plan.timeoutFactor})`);
  if (plan.timeoutFloorMs !== undefined && plan.timeoutFloorMs !== null && !posNum(plan.timeoutFloorMs)) throw new Error(`plan.timeoutFloorMs must be positive (got ${plan.timeoutFloorMs})`);
  if (plan.concurrency !== undefined && plan.concurrency !== null && !posInt(plan.concurrency)) throw new Error(`plan.concurrency must be a positive integer (got ${plan.concurrency})`);
  if (plan.scorers !== undefined && (typeof plan.scorers !== 'object' || plan.scorers === null || Array.isArray(plan.scorers))) {
    throw new Error('plan.scorers maps scorer names to their options, e.g. { "refusal": {} }');
  }
  if (plan.stages !== undefined && plan.stages !== null) {
    const st = checkStages(plan.stages);
    if (plan.n !== undefined && st[st.length - 1] !== n) throw new Error(`plan.stages must end at plan.n (${n}); got ${JSON.stringify(st)}`);
  }
  if (plan.earlyStop && !plan.stages) throw new Error('plan.earlyStop needs plan.stages');
  if (plan.earlyStop?.alpha !== undefined && !(plan.earlyStop.alpha > 0 && plan.earlyStop.alpha < 1)) throw new Error(`plan.earlyStop.alpha must be between 0 and 1 (got ${plan.earlyStop.alpha})`);
  let allocate = plan.allocate ?? undefined;
  if (allocate) {
    if (typeof allocate !== 'object' || !['thompson', 'linucb'].includes(allocate.policy)) throw new Error(`plan.allocate.policy must be "thompson" or "linucb" (got ${JSON.stringify((allocate as { policy?: unknown }).policy)})`);
    if (!posInt(allocate.budget) || allocate.budget > 1_000_000) throw new Error(`plan.allocate.budget must be a whole number of samples from 1 to 1000000 (got ${allocate.budget})`);
    if (allocate.seed !== undefined && !Number.isInteger(allocate.seed)) throw new Error(`plan.allocate.seed must be a whole number (got ${allocate.seed})`);
    if (plan.stages) throw new Error('plan.allocate and plan.stages cannot be combined: both decide how many samples each problem gets');
    const armCount = arms?.length ? arms.length : models.length;
    if (armCount < 2) throw new Error('plan.allocate needs two arms or more: it spends samples where the arms differ');
    // The seed is recorded so a resumed run continues the same policy.
    allocate = { policy: allocate.policy, budget: allocate.budget, seed: allocate.seed ?? randomBytes(4).readUInt32BE(0) % 2_000_000_000 };
  }
  const out: RunPlan = {
    ...plan, allocate, version: PLAN_VERSION, models, n, k, timeoutMs: plan.timeoutMs ?? undefined, sandbox: plan.sandbox ?? 'docker', limit: plan.limit ?? undefined,
  };
  resolveArms(out); // duplicate arm ids fail here, before anything starts
  return out;
}

/**
 * The one reader of a stored plan. Version 1 (no `version`: models, one suite, no arms) reads as
 * the same run with default arms; a newer version than this Crucible knows is refused.
 */
export function parsePlan(json: string, runId = '?'): RunPlan {
  let raw: unknown;
  try { raw = JSON.parse(json); } catch (e) { throw new Error(`run ${runId}: its stored plan is not JSON (${(e as Error).message})`); }
  if (!raw || typeof raw !== 'object') throw new Error(`run ${runId}: its stored plan is not an object`);
  const plan = raw as RunPlan;
  const v = plan.version ?? 1;
  if (v > PLAN_VERSION) throw new Error(`run ${runId} was made by a newer Crucible (plan version ${v}; this one reads up to ${PLAN_VERSION}): upgrade Crucible to open it`);
  // Version 1 plans predate scorers: their runs were scored by the tests alone.
  const scorers = plan.scorers ?? (v === 1 ? { tests: {} } : undefined);
  return { ...plan, version: PLAN_VERSION, scorers, k: plan.k?.length ? plan.k : [1], n: plan.n ?? 1, sandbox: plan.sandbox ?? 'docker' };
}

/** Provider settings as recorded with a run: anything that looks like a secret is left out. */
export function recordableProviderConfig(cfg: Record<string, Record<string, unknown>> | undefined): Record<string, Record<string, unknown>> | undefined {
  if (!cfg) return undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, c] of Object.entries(cfg)) {
    out[name] = Object.fromEntries(Object.entries(c ?? {}).filter(([k]) => !/key|token|secret|password|authorization|credential/i.test(k)));
  }
  return out;
}

export function shortModel(spec: string): string {
  const [name, model] = parseModelSpec(spec);
  return name === 'replay' ? `replay:${path.basename(model)}` : spec;
}

export function defaultLabel(plan: RunPlan, arms: Arm[]): string {
  const suites = planSuites(plan).map((s) => (/[\\/.]/.test(s) ? path.basename(s) : s));
  return `${suites.join(' + ')} · ${arms.map((a) => (a.id === a.model ? shortModel(a.model) : a.id)).join(', ')}`;
}

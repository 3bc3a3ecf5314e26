// The audit record of a run: who ran it, with which Crucible, which configuration (its hash), which
// model versions (as the APIs named them in their replies) and which sandbox images (digests).
// Stored with the run (run_audit) and carried by every export. Built only from an allow-list of
// facts — never from the environment at large — so no secret can reach it.
import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import pkg from '../../package.json';
import type { RunPlan } from '../protocol';

export const CRUCIBLE_VERSION: string = (pkg as { version: string }).version;

export interface RunAudit {
  format: 1;
  /** Who started the run: the OS user and machine, the front end, and the CI job when there is one. */
  ranBy: { user: string; host: string; via: string; ci?: { system: string; actor?: string; job?: string } };
  crucibleVersion: string;
  node: string;
  platform: string;
  startedAt: string;
  /** sha256 of the run's effective configuration (the plan as run, keys sorted). */
  configHash: string;
  /** The crucible.yaml the run came from, with the sha256 of its text. */
  configFile?: { path: string; sha256: string };
  /** Per arm: the model spec asked for and the model names the API reported in its replies. */
  models: Record<string, { spec: string; reported: string[] }>;
  /** The sandbox and, per language, the image that ran the code with its digest. */
  sandbox: { name: string; images: Record<string, string> } | null;
  /** Later sessions that resumed the run. */
  resumes?: { at: string; user: string; via: string; crucibleVersion: string }[];
}

/** JSON with object keys sorted, so equal configurations hash equal whatever their key order. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

export const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** The hash of what determines a run's results: the plan without its label (a name, not a setting). */
export function configHash(plan: RunPlan): string {
  const { label: _label, ...rest } = plan;
  return `sha256:${sha256(canonicalJson(rest))}`;
}

function user(env: NodeJS.ProcessEnv): string {
  try { return userInfo().username; } catch { return env.USER ?? env.USERNAME ?? 'unknown'; }
}

/** The CI job, from the variables each CI documents (names only; never tokens). */
function ci(env: NodeJS.ProcessEnv): RunAudit['ranBy']['ci'] {
  if (env.GITHUB_ACTIONS === 'true') {
    const job = env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
    return { system: 'github-actions', actor: env.GITHUB_ACTOR, job };
  }
  if (env.GITLAB_CI === 'true') return { system: 'gitlab-ci', actor: env.GITLAB_USER_LOGIN, job: env.CI_JOB_URL };
  if (env.CI) return { system: 'ci' };
  return undefined;
}

export function startAudit(plan: RunPlan, models: Record<string, string>, opts: { via: string; configFile?: { path: string; sha256: string }; env?: NodeJS.ProcessEnv }): RunAudit {
  const env = opts.env ?? process.env;
  const c = ci(env);
  return {
    format: 1,
    ranBy: { user: user(env), host: hostname(), via: opts.via, ...(c ? { ci: c } : {}) },
    crucibleVersion: CRUCIBLE_VERSION,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    startedAt: new Date().toISOString(),
    configHash: configHash(plan),
    ...(opts.configFile ? { configFile: opts.configFile } : {}),
    models: Object.fromEntries(Object.entries(models).map(([arm, spec]) => [arm, { spec, reported: [] }])),
    sandbox: null,
  };
}

export function resumeEntry(via: string, env: NodeJS.ProcessEnv = process.env): NonNullable<RunAudit['resumes']>[number] {
  return { at: new Date().toISOString(), user: user(env), via, crucibleVersion: CRUCIBLE_VERSION };
}

/** Reads a stored audit; null for runs from before audits (or a record this version cannot read). */
export function parseAudit(text: string | undefined): RunAudit | null {
  if (!text) return null;
  try {
    const a = JSON.parse(text) as RunAudit;
    return a && a.format === 1 ? a : null;
  } catch {
    return null;
  }
}

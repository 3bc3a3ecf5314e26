// CI gates: `--fail-under [ARM:]pass@K=MIN` and `--max-slip-rate [ARM=]MAX`, also under
// `thresholds:` in crucible.yaml. A gate that cannot be checked (the metric could not be computed
// for that arm) fails, saying why: a pipeline must not pass on a number nobody measured.
import type { RunSummary } from '../../protocol';
import type { CrucibleConfig, ThresholdSet } from './load';

export interface Threshold {
  kind: 'fail-under' | 'max-slip-rate';
  /** null: every arm (an arm's own threshold of the same metric replaces it). */
  arm: string | null;
  /** pass@k's k (fail-under). */
  k?: number;
  limit: number;
  /** As the user wrote it, for messages. */
  source: string;
}

export interface ThresholdResult {
  threshold: Threshold;
  arm: string;
  value: number | null;
  ok: boolean;
  /** One line naming the threshold, the arm and the value. */
  message: string;
}

/** Thrown for a threshold that cannot be read: bad input. */
export class ThresholdSyntaxError extends Error {}

const metricName = (t: Threshold) => (t.kind === 'fail-under' ? `pass@${t.k}` : 'slip rate');

/** "pass@1=0.6" or "my-arm:pass@1=0.6" (an arm id may itself hold ':' — the metric is found from the right). */
export function parseFailUnder(text: string): Threshold {
  const m = /^(?:(.+):)?pass@(\d+)=(.+)$/.exec(text.trim());
  const limit = m ? Number(m[3]) : NaN;
  if (!m || !(Number(m[2]) >= 1) || !Number.isFinite(limit) || limit < 0 || limit > 1) {
    throw new ThresholdSyntaxError(`--fail-under takes [ARM:]pass@K=MIN with MIN between 0 and 1, e.g. pass@1=0.6 or gpt4o:pass@10=0.8 (got "${text}")`);
  }
  return { kind: 'fail-under', arm: m[1] ?? null, k: Number(m[2]), limit, source: `--fail-under ${text}` };
}

/** "0.01" or "my-arm=0.01". */
export function parseMaxSlipRate(text: string): Threshold {
  const i = text.lastIndexOf('=');
  const arm = i >= 0 ? text.slice(0, i).trim() : null;
  const v = i >= 0 ? text.slice(i + 1) : text;
  const limit = v.trim() === '' ? NaN : Number(v);
  if (!Number.isFinite(limit) || limit < 0 || limit > 1 || arm === '') {
    throw new ThresholdSyntaxError(`--max-slip-rate takes [ARM=]MAX with MAX between 0 and 1, e.g. 0.01 or gpt4o=0.02 (got "${text}")`);
  }
  return { kind: 'max-slip-rate', arm, limit, source: `--max-slip-rate ${text}` };
}

function fromSet(set: ThresholdSet, arm: string | null, where: string): Threshold[] {
  const out: Threshold[] = [];
  for (const [metric, limit] of Object.entries(set['fail-under'] ?? {})) {
    out.push({ kind: 'fail-under', arm, k: Number(metric.slice('pass@'.length)), limit, source: `${where}.fail-under.${metric}: ${limit}` });
  }
  if (set['max-slip-rate'] !== undefined) out.push({ kind: 'max-slip-rate', arm, limit: set['max-slip-rate'], source: `${where}.max-slip-rate: ${set['max-slip-rate']}` });
  return out;
}

/** The config's thresholds (already schema-checked). */
export function configThresholds(c: CrucibleConfig['thresholds'], file = 'crucible.yaml'): Threshold[] {
  if (!c) return [];
  return [...fromSet(c, null, `${file}: thresholds`), ...Object.entries(c.arms ?? {}).flatMap(([arm, s]) => fromSet(s, arm, `${file}: thresholds.arms.${arm}`))];
}

const key = (t: Threshold) => `${t.kind}\0${t.arm ?? ''}\0${t.k ?? ''}`;

/** Command-line thresholds replace the config's of the same kind, metric and arm. */
export function mergeThresholds(config: Threshold[], cli: Threshold[]): Threshold[] {
  const m = new Map<string, Threshold>();
  for (const t of [...config, ...cli]) m.set(key(t), t);
  return [...m.values()];
}

/** The k values the thresholds need (so the run reports them). */
export const thresholdKs = (ts: Threshold[]) => ts.filter((t) => t.kind === 'fail-under').map((t) => t.k!);

/** Thresholds naming an arm the run does not have: a typo that would otherwise gate nothing. */
export function unknownArms(ts: Threshold[], arms: string[]): string[] {
  return [...new Set(ts.filter((t) => t.arm !== null && !arms.includes(t.arm)).map((t) => t.arm!))];
}

const fmt = (v: number) => v.toFixed(3);

/** Each threshold against each arm it applies to (an arm's own threshold replaces the general one). */
export function evaluateThresholds(ts: Threshold[], run: RunSummary): ThresholdResult[] {
  const out: ThresholdResult[] = [];
  for (const m of run.metrics) {
    const own = ts.filter((t) => t.arm === m.arm);
    const general = ts.filter((t) => t.arm === null && !own.some((o) => o.kind === t.kind && o.k === t.k));
    for (const t of [...general, ...own]) {
      let value: number | null = null;
      let why = '';
      if (t.kind === 'fail-under') {
        const p = m.passAtK.find((x) => x.k === t.k);
        value = p?.value ?? null;
        if (value === null) why = p ? `cannot be computed (no problem has ${t.k} scored samples)` : `was not computed (the run reports pass@${run.k.join(', pass@')})`;
      } else {
        value = m.refusal?.slipRate.value ?? null;
        if (value === null) why = m.refusal ? 'cannot be computed (no should-refuse prompt was scored)' : 'cannot be computed (the arm answered no chat prompts)';
      }
      const ok = value !== null && (t.kind === 'fail-under' ? value >= t.limit : value <= t.limit);
      const bound = t.kind === 'fail-under' ? `minimum ${t.limit}` : `maximum ${t.limit}`;
      const message = value === null
        ? `FAILED ${metricName(t)} of ${m.arm} ${why}; threshold ${bound} (${t.source})`
        : `${ok ? 'ok' : 'FAILED'} ${metricName(t)} of ${m.arm} is ${fmt(value)}, ${bound} (${t.source})`;
      out.push({ threshold: t, arm: m.arm, value, ok, message });
    }
  }
  return out;
}

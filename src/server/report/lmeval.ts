// lm-evaluation-harness's results JSON (v0.4 layout: `results` per task with "metric,filter" keys
// and their "_stderr" twins, plus versions, n-shot, higher_is_better, n-samples, config), so
// dashboards that read lm-eval output can show Crucible runs. A task is a suite; with several
// arms each arm gets its own task, "<suite>@<arm>" (lm-eval files hold one model). The filter is
// "none". Standard errors are lm-eval's `mean_stderr` (sample standard deviation over problems /
// √problems) and the binomial one for rates; "N/A" where there is none, as lm-eval writes it.
import { CRUCIBLE_VERSION } from '../audit';
import type { ReportData } from './data';

type Task = Record<string, string | number>;

function meanStderr(xs: number[]): number | 'N/A' {
  if (xs.length < 2) return 'N/A';
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const v = xs.reduce((a, b) => a + (b - m) ** 2, 0) / (xs.length - 1);
  return Math.sqrt(v / xs.length);
}

export function lmEvalResults(d: ReportData): string {
  const r = d.run;
  const many = r.arms.length > 1;
  const results: Record<string, Task> = {};
  const nSamples: Record<string, { original: number; effective: number }> = {};
  const higher: Record<string, Record<string, boolean>> = {};
  const taskName = (suite: string, arm: string) => (many ? `${suite}@${arm}` : suite);
  const suiteName = (s: string) => s.replace(/^.*[/\\]/, '').replace(/\.(jsonl|json|csv)(\.gz)?$/i, '');
  // pass@k per suite and arm: the mean of its problems' pass@k (problems with fewer than k scored samples have none).
  const groups = new Map<string, typeof d.problems>();
  for (const p of d.problems) {
    if (p.passAtK.every((x) => x.value === null)) continue; // chat problems, or no scored sample
    const t = taskName(suiteName(p.suite), p.arm);
    groups.set(t, [...(groups.get(t) ?? []), p]);
  }
  for (const [t, ps] of groups) {
    const task: Task = { alias: t };
    let any = false;
    for (const k of r.k) {
      const xs = ps.map((p) => p.passAtK.find((x) => x.k === k)?.value).filter((v): v is number => typeof v === 'number');
      if (!xs.length) continue;
      any = true;
      task[`pass@${k},none`] = xs.reduce((a, b) => a + b, 0) / xs.length;
      task[`pass@${k}_stderr,none`] = meanStderr(xs);
      (higher[t] ??= {})[`pass@${k}`] = true;
    }
    if (!any) continue;
    results[t] = task;
    nSamples[t] = { original: ps.length, effective: ps.length };
  }
  const chatSuites = [...new Set(d.samples.filter((s) => s.passed === null && s.status !== 'error').map((s) => suiteName(s.suite)))];
  for (const m of r.metrics) {
    const f = m.refusal;
    if (!f) continue;
    const t = taskName(chatSuites.join('+') || 'chat', m.arm);
    const task: Task = { alias: t };
    for (const [name, rate] of [['slip_rate', f.slipRate], ['over_refusal_rate', f.overRefusalRate]] as const) {
      if (rate.value === null) continue;
      task[`${name},none`] = rate.value;
      task[`${name}_stderr,none`] = rate.n > 1 ? Math.sqrt(rate.value * (1 - rate.value) / rate.n) : 'N/A';
      (higher[t] ??= {})[name] = false;
    }
    results[t] = task;
    nSamples[t] = { original: f.responses, effective: f.responses - f.errors };
  }
  const tasks = Object.keys(results);
  const models = [...new Set(r.models)];
  const start = Date.parse(r.createdAt) / 1000;
  return JSON.stringify({
    results,
    group_subtasks: Object.fromEntries(tasks.map((t) => [t, []])),
    configs: Object.fromEntries(tasks.map((t) => [t, { task: t, output_type: 'generate_until', repeats: r.n, metadata: { crucible_run: r.id } }])),
    versions: Object.fromEntries(tasks.map((t) => [t, 1])),
    'n-shot': Object.fromEntries(tasks.map((t) => [t, 0])),
    higher_is_better: higher,
    'n-samples': nSamples,
    config: { model: models.length === 1 ? models[0] : models.join(','), model_args: null, batch_size: null, limit: null, bootstrap_iters: 0, gen_kwargs: null, random_seed: null },
    git_hash: null,
    date: Number.isFinite(start) ? start : null,
    model_name: models.length === 1 ? models[0] : models.join(','),
    crucible: { version: CRUCIBLE_VERSION, run_id: r.id, status: r.status, audit: d.audit },
  }, null, 2) + '\n';
}

// Commands for prompt strategies: Compare Arms… (a finished run's arms, paired, shown as the results
// panel's Compare section), Compare Strategies… (one model, several strategies, then the comparison)
// and Preview Strategy Messages… (each strategy's messages for one problem, before any run).
import * as vscode from 'vscode';
import type { PreviewResult, RunPlan, RunSummary } from '../protocol';
import { CompareArms, ListProblems, PreviewMessages, StartRun } from '../protocol/requests';
import { askLimit, askN, follow, pickModels, pickSuite, trustedOrExplain } from './commands';
import type { Ctx } from './ctx';
import { readConfig } from './engine';
import { defaultKs, modelDisplayName, runLabel, suiteDisplayName } from './format';
import { ResultsPanel } from './resultsPanel';
import { isTerminal } from './state';
import type { RunNode } from './views';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Compares the arms of a run (from the Runs tree, or the newest run with two or more arms). */
export async function compareArms(ctx: Ctx, arg?: RunNode | string): Promise<void> {
  let runId = typeof arg === 'string' ? arg : arg?.kind === 'run' ? arg.run.id : undefined;
  if (!runId) {
    const runs = (await ctx.state.list()).filter((r) => r.arms.length >= 2);
    if (!runs.length) { void vscode.window.showInformationMessage('Crucible: no run has two or more arms to compare. Run one with Compare Strategies….'); return; }
    const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.label || runLabel(r), description: `${r.arms.length} arms · ${r.status}`, id: r.id })), { title: 'Crucible: Compare Arms', placeHolder: 'Run to compare' });
    if (!pick) return;
    runId = pick.id;
  }
  await showComparison(ctx, runId);
}

async function showComparison(ctx: Ctx, runId: string, arms?: string[]): Promise<void> {
  const result = await ctx.engine.request(CompareArms, { runs: [runId], arms });
  ResultsPanel.showCompare(ctx, result);
}

interface StrategyItem extends vscode.QuickPickItem { name: string }

/** Suite → model → strategies (two or more) → n → problems; runs one arm per strategy, then compares them. */
export async function compareStrategies(ctx: Ctx): Promise<void> {
  if (!trustedOrExplain()) return;
  const suite = await pickSuite(ctx);
  if (!suite) return;
  const [model] = (await pickModels(ctx, '2/5')) ?? [];
  if (!model) return;
  // The strategies that can prompt the suite's first problem, with their descriptions, from the engine.
  const preview = await ctx.engine.request(PreviewMessages, { suite });
  const items: StrategyItem[] = preview.previews.map((p) => ({ label: p.strategy, description: p.description ?? undefined, detail: p.error ? `cannot prompt: ${p.error}` : paramsText(p.params), name: p.strategy }));
  const picked = await vscode.window.showQuickPick(items, { title: 'Crucible: Compare Strategies (3/5)', placeHolder: 'Strategies to compare (tick two or more)', canPickMany: true, ignoreFocusOut: true });
  if (!picked) return;
  if (picked.length < 2) { void vscode.window.showWarningMessage('Crucible: tick at least two strategies to compare.'); return; }
  const n = await askN('4/5');
  if (n === undefined) return;
  const limit = await askLimit('5/5');
  if (limit === undefined) return;
  const plan: RunPlan = {
    suite, models: [model], n, k: defaultKs(n), sandbox: readConfig().sandbox,
    arms: picked.map((s) => ({ model, strategy: s.name, id: s.name })),
    label: `${suiteDisplayName(suite)} · ${modelDisplayName(model)} · ${picked.map((s) => s.name).join(' vs ')}`,
  };
  if (limit != null) plan.limit = limit;
  let runId: string;
  try { ({ runId } = await ctx.engine.request(StartRun, plan)); } catch (e) { void vscode.window.showErrorMessage(`Crucible: cannot start: ${errText(e)}`); return; }
  ctx.runs.refresh();
  const done = new Promise<RunSummary>((resolve) => {
    const known = ctx.state.get(runId);
    if (known && isTerminal(known.status)) { resolve(known); return; }
    const sub = ctx.state.onRunUpdated((s) => { if (s.id === runId && isTerminal(s.status)) { sub.dispose(); resolve(s); } });
  });
  void follow(ctx, runId, plan.label!);
  const s = await done;
  if (s.status === 'completed') await showComparison(ctx, runId);
}

const paramsText = (p: object) => Object.entries(p).map(([k, v]) => `${k}=${v}`).join(', ') || undefined;

/** Suite → problem (the first by default) → a Markdown document with every strategy's messages. */
export async function previewStrategies(ctx: Ctx): Promise<void> {
  const suite = await pickSuite(ctx);
  if (!suite) return;
  const problems = await ctx.engine.request(ListProblems, { suite });
  const pick = await vscode.window.showQuickPick(problems.map((p) => ({ label: p.id, description: p.entryPoint })), { title: 'Crucible: Preview Strategy Messages', placeHolder: 'Problem to preview', ignoreFocusOut: true });
  if (!pick) return;
  const r = await ctx.engine.request(PreviewMessages, { suite, problemId: pick.label });
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: previewMarkdown(r) });
  await vscode.window.showTextDocument(doc, { preview: true });
}

export function previewMarkdown(r: PreviewResult): string {
  const out = [`# Strategy messages — ${r.problemId}`, '', `Suite ${r.suite} · ${r.kind} problem · ${r.previews.length} strategies. Nothing has been sent.`];
  for (const p of r.previews) {
    out.push('', `## ${p.strategy}`, '');
    if (p.description) out.push(`${p.description}`, '');
    const params = paramsText(p.params);
    if (params) out.push(`Sampling parameters: ${params}`, '');
    if (p.error) { out.push(`**Cannot prompt this problem:** ${p.error}`); continue; }
    for (const m of p.messages ?? []) {
      const fence = '`'.repeat(Math.max(3, ...[...m.content.matchAll(/`{3,}/g)].map((x) => x[0].length + 1)));
      out.push(`### ${m.role}`, '', `${fence}text`, m.content, fence, '');
    }
  }
  return out.join('\n');
}

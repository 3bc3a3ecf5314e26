// Runs tree commands on finished runs: rename, tag, delete (asks first), re-run, compare several,
// and opening another Crucible database (one a CLI wrote). The engine does the work.
import * as vscode from 'vscode';
import type { RunSummary } from '../protocol';
import { DeleteRun, EditRun, GetPlan } from '../protocol/requests';
import type { Ctx } from './ctx';
import { fmtWhen, runLabel } from './format';
import { isTerminal } from './state';
import type { RunNode } from './views';
import { startRun } from './commands';
import { ComparePanel } from './comparePanel';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const name = (r: RunSummary) => `${r.label || runLabel(r)} (${fmtWhen(r.createdAt)})`;

/** The run a command applies to: the tree node it was invoked on, else one picked from a list. */
async function pickRun(ctx: Ctx, node: RunNode | undefined, title: string, eligible: (r: RunSummary) => boolean = () => true): Promise<RunSummary | undefined> {
  if (node?.kind === 'run') return ctx.state.get(node.run.id) ?? node.run;
  const runs = (await ctx.state.list()).filter(eligible);
  if (runs.length === 0) { void vscode.window.showInformationMessage('Crucible: no run to choose from.'); return undefined; }
  const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.label || runLabel(r), description: `${r.status} · ${fmtWhen(r.createdAt)}`, detail: r.id, run: r })), { title });
  return pick?.run;
}

export async function renameRun(ctx: Ctx, node?: RunNode): Promise<void> {
  const run = await pickRun(ctx, node, 'Crucible: Rename Run');
  if (!run) return;
  const label = await vscode.window.showInputBox({
    title: 'Crucible: Rename Run', prompt: 'New name (empty: the name it was started with)', value: run.label, ignoreFocusOut: true,
    validateInput: (s) => (s.length > 200 ? 'At most 200 characters' : null),
  });
  if (label === undefined) return;
  await edit(ctx, run.id, { label: label.trim() || null });
}

export async function tagRun(ctx: Ctx, node?: RunNode): Promise<void> {
  const run = await pickRun(ctx, node, 'Crucible: Tag Run');
  if (!run) return;
  const v = await vscode.window.showInputBox({
    title: 'Crucible: Tag Run', prompt: 'Tags, separated by commas (empty: none)', value: (run.tags ?? []).join(', '), ignoreFocusOut: true,
    validateInput: (s) => (s.split(',').some((t) => t.trim().length > 40) ? 'A tag has at most 40 characters' : null),
  });
  if (v === undefined) return;
  await edit(ctx, run.id, { tags: v.split(',').map((t) => t.trim()).filter(Boolean) });
}

async function edit(ctx: Ctx, runId: string, e: { label?: string | null; tags?: string[] }): Promise<void> {
  try {
    await ctx.engine.request(EditRun, { runId, ...e });
  } catch (err) {
    void vscode.window.showErrorMessage(`Crucible: could not change the run: ${errText(err)}`);
    return;
  }
  ctx.state.refresh();
}

export async function deleteRun(ctx: Ctx, node?: RunNode, selected?: RunNode[]): Promise<void> {
  const chosen = selected?.filter((n): n is Extract<RunNode, { kind: 'run' }> => n.kind === 'run').map((n) => n.run)
    ?? [await pickRun(ctx, node, 'Crucible: Delete Run', (r) => isTerminal(r.status))].filter((r): r is RunSummary => !!r);
  const runs = chosen.filter((r) => isTerminal(r.status));
  if (runs.length === 0) { if (chosen.length) void vscode.window.showInformationMessage('Crucible: a running run cannot be deleted; cancel it first.'); return; }
  const what = runs.length === 1 ? `"${name(runs[0])}"` : `${runs.length} runs`;
  const samples = runs.reduce((a, r) => a + r.done, 0);
  const b = await vscode.window.showWarningMessage(`Crucible: delete ${what}?`, {
    modal: true, detail: `Its ${samples.toLocaleString('en-US')} samples, outcomes and figures are removed from the database. Cached completions stay, so re-running makes no new calls. This cannot be undone.`,
  }, 'Delete');
  if (b !== 'Delete') return;
  for (const r of runs) {
    try { await ctx.engine.request(DeleteRun, { runId: r.id }); } catch (e) { void vscode.window.showErrorMessage(`Crucible: could not delete ${name(r)}: ${errText(e)}`); }
  }
  ctx.state.refresh();
  ctx.suites.refresh();
}

export async function rerunRun(ctx: Ctx, node?: RunNode): Promise<void> {
  const run = await pickRun(ctx, node, 'Crucible: Re-run');
  if (!run) return;
  const plan = await ctx.engine.request(GetPlan, { runId: run.id });
  // The same plan, as a new run (the cost check applies again; cached completions are reused).
  await startRun(ctx, { ...plan, label: plan.label });
}

/** Compare Runs: the runs selected in the tree (two or more), else picked from a list. */
export async function compareRuns(ctx: Ctx, node?: RunNode, selected?: RunNode[]): Promise<void> {
  let ids = (selected ?? (node ? [node] : [])).filter((n): n is Extract<RunNode, { kind: 'run' }> => n.kind === 'run').map((n) => n.run.id);
  if (ids.length < 2) {
    const runs = (await ctx.state.list()).filter((r) => isTerminal(r.status));
    const picks = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.label || runLabel(r), description: `${r.status} · ${fmtWhen(r.createdAt)}`, picked: ids.includes(r.id), id: r.id })),
      { title: 'Crucible: Compare Runs', placeHolder: 'Tick two or more runs (the first is the baseline)', canPickMany: true });
    if (!picks) return;
    ids = picks.map((p) => p.id);
  }
  if (ids.length < 2) { void vscode.window.showInformationMessage('Crucible: select two or more runs to compare (Ctrl/Cmd-click in the Runs view).'); return; }
  // Oldest first: the baseline is what came before.
  const runs = ids.map((id) => ctx.state.get(id)).filter((r): r is RunSummary => !!r).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  ComparePanel.show(ctx, runs.map((r) => r.id));
}

/** Opens another Crucible database (e.g. one `crucible eval --db …` wrote): the engine restarts on it. */
export async function openDatabase(ctx: Ctx): Promise<void> {
  const uris = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'Crucible: Open Database', filters: { 'Crucible database': ['db', 'sqlite'] } });
  if (!uris?.[0]) return;
  await ctx.context.workspaceState.update('crucible.dbPath', uris[0].fsPath);
  await ctx.engine.restart();
  ctx.state.refresh();
  void vscode.window.showInformationMessage(`Crucible: showing runs of ${uris[0].fsPath}. "Crucible: Open Database…" → Cancel and "Use Workspace Database" go back.`, 'Use Workspace Database')
    .then(async (b) => { if (b) await useWorkspaceDatabase(ctx); });
}

export async function useWorkspaceDatabase(ctx: Ctx): Promise<void> {
  await ctx.context.workspaceState.update('crucible.dbPath', undefined);
  await ctx.engine.restart();
  ctx.state.refresh();
}

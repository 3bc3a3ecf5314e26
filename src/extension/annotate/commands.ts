// Commands of the annotation view and the arena: make a task from runs, open one, export/import
// labels, show agreement (with the adjudication list) and arena ratings, adjudicate, ask a model judge.
import * as vscode from 'vscode';
import type { AnnotationTaskInfo, TaskKind } from '../../protocol/annotation';
import {
  Adjudicate, CreateAnnotationTask, ExportLabels, GetArenaRatings, GetTaskAgreement, ImportLabels, JudgeArena, ListAnnotationTasks,
} from '../../protocol/annotation-requests';
import type { ArenaRatingsResult } from '../../protocol/annotation-ratings';
import type { Ctx } from '../ctx';
import { runLabel } from '../format';
import { annotatorName, labelSchema } from './config';
import type { AnnotateView } from './view';

const f3 = (x: unknown) => (typeof x === 'number' ? x.toFixed(3) : 'n/a');

async function pickRuns(ctx: Ctx, kind: TaskKind): Promise<string[] | undefined> {
  const runs = (await ctx.state.list()).filter((r) => r.status !== 'running' && r.status !== 'queued');
  if (runs.length === 0) { void vscode.window.showInformationMessage('Crucible: no finished runs to annotate yet.'); return undefined; }
  const picked = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.label || runLabel(r), description: `${r.arms.length} arm(s) · ${r.done} samples`, detail: r.id, id: r.id, arms: r.arms.length })), {
    title: kind === 'arena' ? 'Crucible: Start Arena (1/2)' : 'Crucible: Annotate Run (1/3)',
    placeHolder: kind === 'arena' ? 'Run whose arms meet in battles' : 'Run whose samples to label', ignoreFocusOut: true,
  });
  return picked ? [picked.id] : undefined;
}

export async function createTask(ctx: Ctx, view: AnnotateView, kind: TaskKind): Promise<void> {
  const runIds = await pickRuns(ctx, kind);
  if (!runIds) return;
  const per = await vscode.window.showInputBox({
    title: kind === 'arena' ? 'Crucible: Start Arena (2/2)' : 'Crucible: Annotate Run (2/3)', prompt: 'Annotators per item', value: kind === 'arena' ? '1' : '2', ignoreFocusOut: true,
    validateInput: (v) => (/^[1-9]\d?$/.test(v.trim()) ? undefined : 'a whole number from 1 to 99'),
  });
  if (per === undefined) return;
  let blind = true;
  if (kind === 'label') {
    const b = await vscode.window.showQuickPick([
      { label: 'Blind', description: 'the view sees only the prompt and the response', blind: true },
      { label: 'Open', description: 'also the model, arm and automatic verdicts', blind: false },
    ], { title: 'Crucible: Annotate Run (3/3)', placeHolder: 'Blind mode', ignoreFocusOut: true });
    if (!b) return;
    blind = b.blind;
  }
  const task = await ctx.engine.request(CreateAnnotationTask, { kind, runIds, perItem: Number(per.trim()), blind, schema: labelSchema() });
  void vscode.window.showInformationMessage(`Crucible: ${task.kind === 'arena' ? 'arena' : 'annotation task'} “${task.name}”: ${task.items} items, seed ${task.seed}.`);
  await view.open(task.id);
}

async function pickTask(ctx: Ctx, title: string, kind?: TaskKind): Promise<AnnotationTaskInfo | undefined> {
  const tasks = (await ctx.engine.request(ListAnnotationTasks, {})).filter((t) => !kind || t.kind === kind);
  if (tasks.length === 0) { void vscode.window.showInformationMessage(`Crucible: no ${kind === 'arena' ? 'arena' : 'annotation'} tasks yet.`); return undefined; }
  const p = await vscode.window.showQuickPick(tasks.map((t) => ({
    label: t.name, description: `${t.kind} · ${t.items} items · ${t.given} given${t.blind ? ' · blind' : ''}`, detail: `${t.id} · seed ${t.seed} · ${t.perItem} per item`, task: t,
  })), { title, ignoreFocusOut: true });
  return p?.task;
}

export async function openTask(ctx: Ctx, view: AnnotateView): Promise<void> {
  const t = await pickTask(ctx, 'Crucible: Open Annotation Task');
  if (t) await view.open(t.id);
}

export async function exportLabels(ctx: Ctx): Promise<void> {
  const uri = await vscode.window.showSaveDialog({ title: 'Export labels', filters: { 'JSON Lines': ['jsonl'], CSV: ['csv'] }, defaultUri: vscode.Uri.file('labels.jsonl') });
  if (!uri) return;
  const r = await ctx.engine.request(ExportLabels, { file: uri.fsPath });
  void vscode.window.showInformationMessage(`Crucible: exported ${r.count} labels to ${uri.fsPath}.`);
}

export async function importLabels(ctx: Ctx): Promise<void> {
  const [uri] = (await vscode.window.showOpenDialog({ title: 'Import labels', filters: { Labels: ['jsonl', 'csv'] }, canSelectMany: false })) ?? [];
  if (!uri) return;
  const r = await ctx.engine.request(ImportLabels, { file: uri.fsPath });
  const parts = [`${r.added} added`, `${r.duplicates} duplicates`, `${r.conflicts.length} conflicts (kept as stored)`, ...(r.unknown.length ? [`${r.unknown.length} for samples not in this database`] : [])];
  const msg = `Crucible: imported ${uri.fsPath}: ${parts.join(', ')}.`;
  if (r.conflicts.length === 0 && r.unknown.length === 0) { void vscode.window.showInformationMessage(msg); return; }
  const lines = [
    `# Label import: ${uri.fsPath}`, '', parts.join(' · '), '',
    ...(r.conflicts.length ? ['## Conflicts (not imported)', '', '| line | sample | annotator | stored | imported |', '|---|---|---|---|---|', ...r.conflicts.map((c) => `| ${c.line} | ${c.sampleId} | ${c.annotator} | ${c.stored} | ${c.imported} |`), ''] : []),
    ...(r.unknown.length ? ['## Unknown samples', '', ...r.unknown.map((u) => `- line ${u.line}: ${u.sampleId}`)] : []),
  ];
  void vscode.window.showWarningMessage(msg);
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') }), { preview: true });
}

export async function showAgreement(ctx: Ctx): Promise<void> {
  const t = await pickTask(ctx, 'Crucible: Show Agreement', 'label');
  if (!t) return;
  const a = await ctx.engine.request(GetTaskAgreement, { taskId: t.id });
  const r = a.report as {
    n: number; items: number; ci: Record<string, [number, number] | null>; reasons: Record<string, string>;
    confusion: { labels: string[]; counts: number[][]; kind: string };
  } & Record<string, unknown>;
  const stat = (name: string, key: string) => {
    if (!(key in r)) return [];
    const ci = r.ci[key];
    return [`| ${name} | ${f3(r[key])} | ${ci ? `[${f3(ci[0])}, ${f3(ci[1])}]` : `n/a — ${r.reasons[`${key}_ci`] ?? r.reasons[key] ?? 'cannot be computed'}`} |`];
  };
  const m = r.confusion;
  const lines = [
    `# Agreement — ${t.name}`, '', `Annotators: ${a.annotators.join(', ')} · ${r.n} items with two or more labels (of ${t.items}) · seed ${t.seed}`, '',
    '| statistic | value | 95% CI (bootstrap over items) |', '|---|---|---|',
    ...stat('percent agreement', 'percent_agreement'), ...stat("Cohen's κ", 'cohen_kappa'), ...stat("Fleiss' κ", 'fleiss_kappa'), ...stat("Krippendorff's α (nominal)", 'krippendorff_alpha'), '',
    `## ${m.kind === 'confusion' ? `Confusion matrix (rows: ${a.annotators[0]}, columns: ${a.annotators[1]})` : 'Coincidence matrix'}`, '',
    `| | ${m.labels.join(' | ')} |`, `|---|${m.labels.map(() => '---').join('|')}|`,
    ...m.counts.map((row, i) => `| **${m.labels[i]}** | ${row.map((x) => (Number.isInteger(x) ? x : x.toFixed(2))).join(' | ')} |`), '',
    `## To adjudicate (${a.adjudication.length})`, '',
    ...a.adjudication.map((x) => `- \`${x.itemId}\` — ${x.labels.map((l) => `${l.annotator}: **${l.label}**`).join(' · ')}${x.final ? ` → final **${x.final}**` : ''}`),
    '', 'Set final labels with “Crucible: Adjudicate Disagreements…”.',
  ];
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: lines.join('\n') }), { preview: true });
}

export async function adjudicate(ctx: Ctx): Promise<void> {
  const t = await pickTask(ctx, 'Crucible: Adjudicate Disagreements', 'label');
  if (!t) return;
  const a = await ctx.engine.request(GetTaskAgreement, { taskId: t.id });
  const open = a.adjudication.filter((x) => x.final === null);
  if (open.length === 0) { void vscode.window.showInformationMessage('Crucible: nothing to adjudicate: every disagreement has a final label.'); return; }
  for (const [k, x] of open.entries()) {
    const pick = await vscode.window.showQuickPick(
      t.schema.labels.map((l) => ({ label: l.id, description: x.labels.filter((y) => y.label.split('+').includes(l.id)).map((y) => y.annotator).join(', ') })),
      { title: `Adjudicate ${k + 1}/${open.length}`, placeHolder: `${x.prompt.slice(0, 80)} → ${x.response.replace(/\s+/g, ' ').slice(0, 120)}`, ignoreFocusOut: true });
    if (!pick) return;
    await ctx.engine.request(Adjudicate, { taskId: t.id, itemId: x.itemId, adjudicator: annotatorName(), label: pick.label });
  }
  void vscode.window.showInformationMessage(`Crucible: ${open.length} final labels set.`);
}

export function ratingsMarkdown(name: string, r: ArenaRatingsResult): string {
  const order = [...r.models].sort((x, y) => (r.ratings[y].rating ?? -Infinity) - (r.ratings[x].rating ?? -Infinity));
  const reasons = [...new Set(order.map((m) => r.ratings[m].ciReason).filter((x): x is string => !!x && x !== 'no rating'))];
  return [
    `# Arena ratings — ${name}`, '', `${r.total} battles · verdicts by ${Object.entries(r.judges).map(([j, n]) => `${j} (${n})`).join(', ') || 'nobody yet'}`, '',
    'Bradley–Terry, maximum likelihood, ties count half; Elo scale (400 per factor of 10 in odds, mean 1000); 95% bootstrap intervals over battles.', '',
    '| arm | rating | 95% CI | battles | W/L/T |', '|---|---|---|---|---|',
    ...order.map((m) => {
      const x = r.ratings[m];
      return `| ${m} | ${x.rating === null ? 'n/a' : x.rating.toFixed(1)} | ${x.ci ? `[${x.ci[0].toFixed(1)}, ${x.ci[1].toFixed(1)}]` : 'n/a'} | ${x.battles} | ${x.wins}/${x.losses}/${x.ties} |`;
    }),
    ...(r.reason ? ['', `Ratings n/a: ${r.reason}`] : []), ...reasons.map((x) => `\nIntervals n/a: ${x}`), '',
    '## Win rate (row over column; battles in parentheses)', '', `| | ${order.join(' | ')} |`, `|---|${order.map(() => '---').join('|')}|`,
    ...order.map((m) => `| **${m}** | ${order.map((o) => (o === m ? '—' : r.battles[m][o] ? `${f3(r.winRate[m][o])} (${r.battles[m][o]})` : '·')).join(' | ')} |`),
  ].join('\n');
}

export async function showRatings(ctx: Ctx): Promise<void> {
  const t = await pickTask(ctx, 'Crucible: Show Arena Ratings', 'arena');
  if (!t) return;
  const r = await ctx.engine.request(GetArenaRatings, { taskId: t.id });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'markdown', content: ratingsMarkdown(t.name, r) }), { preview: true });
}

export async function judgeArena(ctx: Ctx): Promise<void> {
  const t = await pickTask(ctx, 'Crucible: Judge Arena with a Model', 'arena');
  if (!t) return;
  const models = vscode.workspace.getConfiguration('crucible').get<string[]>('models', []);
  const judge = models.length
    ? (await vscode.window.showQuickPick(models, { title: 'Judge model (asked in both orders)', ignoreFocusOut: true }))
    : await vscode.window.showInputBox({ title: 'Judge model (asked in both orders)', prompt: 'Model spec, e.g. openai:gpt-4o', ignoreFocusOut: true });
  if (!judge) return;
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Crucible: ${judge} judging ${t.items} battles in both orders…` },
    () => ctx.engine.request(JudgeArena, { taskId: t.id, judge }));
  void vscode.window.showInformationMessage(`Crucible: ${judge} gave ${r.judged} verdicts on ${r.battles} battles (raw replies stored).`);
}

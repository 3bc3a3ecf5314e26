// The commands. Each is a small function of the shared context (rust-analyzer's commands.ts idiom).
// The Run Suite… flow is QuickPicks and InputBoxes only, so it can be driven from the keyboard.
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { RunPlan, RunSummary } from '../protocol';
import { CancelRun, EstimateRun, GetRun, ListProblems, ResumeRun, StartRun } from '../protocol/requests';
import { problemOfDocument } from './editor/problemDocs';
import { LOCAL_SANDBOX_WARNING, readConfig } from './engine';
import {
  canResume, defaultKs, errorsText, estimateText, firstLine, hasErrors, looksLikeAuthError, looksLikeProblemRecord, needsCostConfirmation, modelDisplayName, runErrors, runLabel,
  runResultLine, suiteDisplayName,
} from './format';
import type { Ctx } from './ctx';
import { isTerminal } from './state';
import { findReplayFiles } from './workspaceFiles';
import { samplesPerTask } from './replayCount';
import { ResultsPanel } from './resultsPanel';
import type { RunNode, SuiteNode } from './views';
import { SampleDocuments } from './sampleDocs';
import { cleanKey, envVarNameProblem, KEY_PROVIDERS } from './keyNames';

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));
const TITLE = 'Crucible: Run Suite';

// ---------------------------------------------------------------- pickers

export async function pickSuite(ctx: Ctx): Promise<string | undefined> {
  type Item = vscode.QuickPickItem & { ref?: string; browse?: boolean };
  const quick = vscode.window.createQuickPick<Item>();
  quick.title = `${TITLE} (1/4)`;
  quick.placeholder = 'Suite to evaluate';
  quick.matchOnDetail = true;
  quick.ignoreFocusOut = true;
  quick.busy = true;
  quick.show();
  try {
    const suites = await ctx.suites.listSuites();
    quick.items = [
      ...suites.map(({ info, ref }): Item => ({
        label: ref === info.path ? suiteDisplayName(info.path) : info.name,
        description: info.error ? '$(warning) unavailable' : info.language,
        detail: info.error ? `${info.path || info.name} — ${info.error}`
          : `${info.path || info.name}${info.problemCount != null ? ` · ${info.problemCount} problems` : ''}`,
        ref,
      })),
      { label: '$(folder-opened) Choose a file…', detail: 'A HumanEval-format .jsonl or .jsonl.gz file', browse: true },
    ];
  } catch (e) {
    quick.hide();
    void vscode.window.showErrorMessage(`Crucible: could not list suites: ${errText(e)}`);
    return undefined;
  } finally {
    quick.busy = false;
  }
  const picked = await new Promise<Item | undefined>((resolve) => {
    quick.onDidAccept(() => {
      let item = quick.selectedItems[0] ?? quick.activeItems[0];
      // A typed path to a suite file works too (relative to the first workspace folder).
      const typed = quick.value.trim();
      if (!item && /\.jsonl(\.gz)?$/i.test(typed)) {
        const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        item = { label: typed, ref: path.isAbsolute(typed) || !base ? typed : path.join(base, typed) };
      }
      if (!item) return;
      resolve(item);
      quick.hide();
    });
    quick.onDidHide(() => resolve(undefined));
  });
  quick.dispose();
  if (!picked) return undefined;
  if (picked.browse) {
    const uris = await vscode.window.showOpenDialog({ canSelectMany: false, title: 'HumanEval-format suite', filters: { 'HumanEval JSONL': ['jsonl', 'gz'] } });
    return uris?.[0]?.fsPath;
  }
  return picked.ref;
}

/**
 * Models: several may be ticked; pressing Enter with none ticked takes the highlighted (or the first
 * matching) item, so "type reference, Enter" works as well as ticking with Space.
 */
export async function pickModels(ctx: Ctx, step: string, title = TITLE): Promise<string[] | undefined> {
  type Item = vscode.QuickPickItem & { spec: string };
  const cfg = readConfig();
  const replays = await findReplayFiles();
  const items: Item[] = [
    { label: 'reference', description: 'canonical solutions', detail: 'Checks the pipeline: every problem should pass', spec: 'reference' },
    ...replays.map((f): Item => ({
      label: `replay:${vscode.workspace.asRelativePath(f)}`, description: 'samples file', detail: f, spec: `replay:${f}`,
    })),
    ...cfg.models.map((m): Item => {
      const spec = m.includes(':') ? m : `openai:${m}`;
      return { label: spec, description: 'from crucible.models', spec };
    }),
  ];
  if (cfg.models.length === 0) {
    items.push({ label: 'openai:…', description: 'add models in settings', detail: 'Set crucible.models (e.g. ["openai:gpt-4o-mini"]) to list OpenAI-compatible models here', spec: '' });
  }
  const quick = vscode.window.createQuickPick<Item>();
  quick.title = `${title} (${step})`;
  quick.placeholder = 'Models (tick several with Space, or type one and press Enter)';
  quick.canSelectMany = true;
  quick.matchOnDetail = true;
  quick.ignoreFocusOut = true;
  quick.items = items;
  const picked = await new Promise<Item[] | undefined>((resolve) => {
    quick.onDidAccept(() => {
      let chosen = [...quick.selectedItems];
      if (chosen.length === 0) chosen = [...quick.activeItems];
      if (chosen.length === 0) {
        const v = quick.value.trim().toLowerCase();
        const match = items.find((i) => i.label.toLowerCase().includes(v) || (i.detail ?? '').toLowerCase().includes(v));
        if (match) chosen = [match];
      }
      chosen = chosen.filter((i) => i.spec);
      if (chosen.length === 0) {
        if (quick.selectedItems.some((i) => !i.spec) || quick.activeItems.some((i) => !i.spec)) {
          void vscode.commands.executeCommand('workbench.action.openSettings', 'crucible.models');
          resolve(undefined);
          quick.hide();
        }
        return;
      }
      resolve(chosen);
      quick.hide();
    });
    quick.onDidHide(() => resolve(undefined));
    quick.show();
  });
  quick.dispose();
  return picked?.map((i) => i.spec);
}

/** n defaults to the samples per task of the replay files picked (else 1), so Enter scores all of them. */
export async function askN(step: string, models: string[] = [], title = TITLE): Promise<number | undefined> {
  let n = 1, from = '';
  for (const m of models) {
    if (!m.startsWith('replay:')) continue;
    try {
      const k = await samplesPerTask(m.slice('replay:'.length));
      if (k > n) { n = k; from = ` (${path.basename(m)} has ${k} samples per task)`; }
    } catch { /* the engine reports an unreadable file when the run starts */ }
  }
  const v = await vscode.window.showInputBox({
    title: `${title} (${step})`, prompt: `Samples per problem (n)${from}`, value: String(n), ignoreFocusOut: true,
    validateInput: (s) => (/^\s*[1-9]\d{0,3}\s*$/.test(s) ? null : 'A whole number from 1 to 9999'),
  });
  return v === undefined ? undefined : Number(v.trim());
}

export async function askLimit(step: string): Promise<number | null | undefined> {
  const v = await vscode.window.showInputBox({
    title: `${TITLE} (${step})`, prompt: 'How many problems? (blank = all)', value: '', placeHolder: 'all', ignoreFocusOut: true,
    validateInput: (s) => (s.trim() === '' || /^\s*[1-9]\d*\s*$/.test(s) ? null : 'A whole number, or blank for all problems'),
  });
  if (v === undefined) return undefined;
  return v.trim() === '' ? null : Number(v.trim());
}

// ---------------------------------------------------------------- starting and following a run

const cannotStart = (e: unknown) =>
  // The engine's message says what to do; the settings are where an editor user does it.
  void vscode.window.showErrorMessage(`Crucible: could not start the run: ${errText(e)}`, 'Open Settings')
    .then((b) => { if (b) void vscode.commands.executeCommand('workbench.action.openSettings', '@ext:crucible-dev.crucible'); });

/** Asks before spending money: true when the run may start. */
async function confirmCost(ctx: Ctx, plan: RunPlan): Promise<boolean> {
  const est = await ctx.engine.request(EstimateRun, plan);
  if (!needsCostConfirmation(est, readConfig().confirmAbove)) return true;
  const { message, detail } = estimateText(est);
  const b = await vscode.window.showWarningMessage(`Crucible: ${message}`, {
    modal: true, detail: `${detail}\n\nAsked for runs above $${readConfig().confirmAbove} (setting crucible.cost.confirmAbove) or of unknown price.`,
  }, 'Run');
  return b === 'Run';
}

export async function startRun(ctx: Ctx, plan: RunPlan): Promise<void> {
  if (!trustedOrExplain()) return;
  if (plan.sandbox === 'local') void vscode.window.showWarningMessage(LOCAL_SANDBOX_WARNING);
  let runId: string;
  try {
    if (!(await confirmCost(ctx, plan))) return;
    ({ runId } = await ctx.engine.request(StartRun, plan));
  } catch (e) {
    cannotStart(e);
    return;
  }
  ctx.runs.refresh();
  await follow(ctx, runId, plan.label ?? runLabel(plan));
}

/**
 * Progress notification until the run ends, then the finish message. `before` is the summary known
 * before a resume was asked for: it is the old, finished state, not news about the resumed run.
 */
export async function follow(ctx: Ctx, runId: string, label: string, before?: RunSummary): Promise<void> {
  ResultsPanel.show(ctx, runId, { preserveFocus: true });

  const final = await vscode.window.withProgress(
    // In the status bar, not a notification: a toast would cover the results table for the whole run
    // (the Runs view's Cancel button and the status item stop or open it).
    { location: vscode.ProgressLocation.Window, title: `Crucible: ${label}`, cancellable: false },
    (progress, token) => new Promise<RunSummary | undefined>((resolve) => {
      let reported = 0;
      const subs: vscode.Disposable[] = [];
      const done = (s: RunSummary | undefined) => { for (const d of subs) d.dispose(); resolve(s); };
      const update = (s: RunSummary) => {
        if (s.id !== runId) return;
        const pct = s.total > 0 ? (100 * s.done) / s.total : 0;
        progress.report({ increment: Math.max(0, pct - reported), message: `${s.done}/${s.total} samples` });
        reported = Math.max(reported, pct);
        if (isTerminal(s.status)) done(s);
      };
      subs.push(ctx.state.onRunUpdated(update), ctx.engine.onStopped(() => done(undefined)));
      token.onCancellationRequested(() => {
        progress.report({ message: 'cancelling…' });
        ctx.engine.request(CancelRun, { runId }).catch((e) => void vscode.window.showErrorMessage(`Crucible: cancel failed: ${errText(e)}`));
      });
      // The run may have finished (or progressed) before StartRun's answer arrived.
      const known = ctx.state.get(runId);
      if (known && known !== before) update(known);
    }),
  );
  await finished(ctx, runId, label, final);
}

async function finished(ctx: Ctx, runId: string, label: string, s: RunSummary | undefined): Promise<void> {
  if (!s) {
    void vscode.window.showErrorMessage(`Crucible: the engine stopped while running ${label}. See the "Crucible Engine" output.`, 'Show Output')
      .then((b) => { if (b) ctx.engine.output.show(); });
    return;
  }
  if (s.status === 'failed') {
    void vscode.window.showErrorMessage(`Crucible: ${label} failed: ${s.error ?? 'unknown error'}`, 'Open Results')
      .then((b) => { if (b) ResultsPanel.show(ctx, runId); });
    return;
  }
  if (!ResultsPanel.isOpen()) ResultsPanel.show(ctx, runId, { preserveFocus: true });
  const what = s.status === 'cancelled' ? `cancelled after ${s.done}/${s.total} samples — ` : 'finished — ';
  if (runErrors(s) > 0) {
    await finishedWithErrors(ctx, s, `Crucible: ${label} ${what}`);
    return;
  }
  const cancelled = s.status === 'cancelled';
  const b = await vscode.window.showInformationMessage(`Crucible: ${label} ${what}${runResultLine(s)}`, ...(cancelled ? ['Resume'] : []), 'Open Results');
  if (b === 'Resume') await resumeRun(ctx, { kind: 'run', run: ctx.state.get(runId) ?? s });
  else if (b) ResultsPanel.show(ctx, runId);
}

/** The first error sample's detail: what went wrong, in the provider's or sandbox's words. */
async function firstErrorDetail(ctx: Ctx, runId: string): Promise<string | undefined> {
  try {
    // Straight from the engine: the state's cached detail may predate the last samples.
    const d = await ctx.engine.request(GetRun, { runId });
    for (const p of d.problems) {
      const e = [...p.samples].sort((a, b) => a.index - b.index).find((x) => x.status === 'error');
      if (!e) continue;
      const detail = (firstLine(e.detail, 300) || 'no detail').replace(/\.+$/, '');
      // Provider errors already name provider and model.
      return detail.startsWith(p.model) || detail.startsWith(p.arm) ? detail : `${modelDisplayName(p.arm)}: ${detail}`;
    }
  } catch { /* the counts still say it */ }
  return undefined;
}

/**
 * A run whose samples (some or all) ended in error is reported as an error, with the first cause and
 * what to do: set a key when it looks like authentication, retry the errored samples, or look.
 */
async function finishedWithErrors(ctx: Ctx, s: RunSummary, head: string): Promise<void> {
  const cause = await firstErrorDetail(ctx, s.id);
  const scored = s.metrics.reduce((a, m) => a + m.samples - m.errors, 0);
  const result = scored > 0 ? ` Results of the others: ${runResultLine(s)}.` : '';
  const auth = !!cause && looksLikeAuthError(cause);
  const actions = [...(auth ? ['Set API Key…'] : []), 'Retry Failed Samples', 'Open Results'];
  const b = await vscode.window.showErrorMessage(`${head}${errorsText(s)}${cause ? ` — ${cause}` : ''}.${result}`, ...actions);
  if (b === 'Set API Key…') await vscode.commands.executeCommand('crucible.setApiKey');
  else if (b === 'Retry Failed Samples') await retryErrors(ctx, { kind: 'run', run: ctx.state.get(s.id) ?? s });
  else if (b === 'Open Results') ResultsPanel.show(ctx, s.id);
}

// ---------------------------------------------------------------- commands

export async function runSuite(ctx: Ctx): Promise<void> {
  if (!trustedOrExplain()) return; // before the pickers, not after four steps
  const suite = await pickSuite(ctx);
  if (!suite) return;
  const models = await pickModels(ctx, '2/4');
  if (!models?.length) return;
  const n = await askN('3/4', models);
  if (n === undefined) return;
  const limit = await askLimit('4/4');
  if (limit === undefined) return;
  const plan: RunPlan = { suite, models, n, k: defaultKs(n), sandbox: readConfig().sandbox, label: runLabel({ suite, models }) };
  if (limit != null) plan.limit = limit;
  await startRun(ctx, plan);
}

/** Models and n, for the Testing view's "Evaluate with models…" profile. */
export async function chooseModels(ctx: Ctx, title = 'Crucible: Evaluate'): Promise<{ models: string[]; n: number } | undefined> {
  const models = await pickModels(ctx, '1/2', title);
  if (!models?.length) return undefined;
  const n = await askN('2/2', models, title);
  return n === undefined ? undefined : { models, n };
}

/** Runs chosen problems of a suite (from the Suites view, a CodeLens or the open file): asks only models and n. */
export async function runProblems(ctx: Ctx, suite: string, problems: string[], title = 'Crucible: Run Problem'): Promise<void> {
  if (!trustedOrExplain()) return;
  const models = await pickModels(ctx, '1/2', title);
  if (!models?.length) return;
  const n = await askN('2/2', models, title);
  if (n === undefined) return;
  const label = `${problems.length === 1 ? problems[0] : `${suiteDisplayName(suite)} (${problems.length})`} · ${models.map(modelDisplayName).join(', ')}`;
  await startRun(ctx, { suite, problems, models, n, k: defaultKs(n), sandbox: readConfig().sandbox, label });
}

const OPEN_TITLE = 'Crucible: Run Open Problem';

export async function runOpenProblem(ctx: Ctx): Promise<void> {
  if (!trustedOrExplain()) return;
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  // A problem opened from the Suites tree (a suite inside a .gz file has no editable line).
  const opened = doc ? problemOfDocument(doc.uri) : undefined;
  if (opened) { await runProblems(ctx, opened.suite, [opened.id], OPEN_TITLE); return; }
  if (editor && doc?.uri.scheme === 'file' && /\.(py|[cm]?[jt]s)$/i.test(doc.fileName)) {
    // A source file following the open-problem convention: the stub at or above the cursor.
    if (doc.isDirty && !(await doc.save())) return;
    const problems = await ctx.engine.request(ListProblems, { suite: doc.fileName });
    const line = editor.selection.active.line + 1;
    const here = [...problems].reverse().find((p) => (p.sourceLine ?? 0) <= line) ?? (problems.length === 1 ? problems[0] : undefined);
    if (!here) {
      void vscode.window.showInformationMessage(`Crucible: put the cursor in one of ${problems.map((p) => p.id).join(', ')} (or below its stub).`);
      return;
    }
    await runProblems(ctx, doc.fileName, [here.id], OPEN_TITLE);
    return;
  }
  if (!editor || !doc || doc.uri.scheme !== 'file' || !doc.fileName.endsWith('.jsonl')) {
    void vscode.window.showInformationMessage(
      'Crucible: Run Open Problem works in a HumanEval-format .jsonl file (cursor on a problem\'s line), on a problem opened from the Suites view, ' +
      'and in a Python or JavaScript/TypeScript file with a function stub and tests (see the README, "Open problems").');
    return;
  }
  const line = doc.lineAt(editor.selection.active.line).text;
  if (!looksLikeProblemRecord(line)) {
    void vscode.window.showInformationMessage(
      `Crucible: line ${editor.selection.active.line + 1} of ${path.basename(doc.fileName)} is not a HumanEval problem (a JSON object with task_id, prompt and test).`);
    return;
  }
  const taskId = (JSON.parse(line) as { task_id: string }).task_id;
  // The engine reads the file from disk.
  if (doc.isDirty && !(await doc.save())) return;
  await runProblems(ctx, doc.fileName, [taskId], OPEN_TITLE);
}

export async function runProblemFromTree(ctx: Ctx, node?: SuiteNode): Promise<void> {
  if (node?.kind !== 'problem') return;
  await runProblems(ctx, node.suiteRef, [node.problem.id]);
}

/** In an untrusted workspace nothing is run: its suite files' tests and the models' code would execute. */
export function trustedOrExplain(): boolean {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage(
    'Crucible: runs are disabled in Restricted Mode. An evaluation executes model-generated code and the workspace\'s test files; ' +
    'trust this workspace to run one. Results of earlier runs can still be browsed.', 'Manage Workspace Trust')
    .then((b) => { if (b) void vscode.commands.executeCommand('workbench.trust.manage'); });
  return false;
}

async function resume(ctx: Ctx, node: RunNode | undefined, retryErrors: boolean): Promise<void> {
  const title = retryErrors ? 'Crucible: Retry Failed Samples' : 'Crucible: Resume Run';
  const eligible = retryErrors ? hasErrors : canResume;
  let run = node?.kind === 'run' ? ctx.state.get(node.run.id) ?? node.run : undefined;
  if (!run) {
    const runs = (await ctx.state.list()).filter(eligible);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage(retryErrors ? 'Crucible: no finished run has samples that ended in error.'
        : 'Crucible: no run was cancelled or failed; there is nothing to resume.');
      return;
    }
    const pick = await vscode.window.showQuickPick(runs.map((r) => ({
      label: r.label || runLabel(r),
      description: retryErrors ? `${r.metrics.reduce((a, m) => a + m.errors, 0)} errors` : `${r.status} ${r.done}/${r.total}`,
      detail: `${new Date(r.createdAt).toLocaleString()} · ${r.id}`, run: r,
    })), { title, placeHolder: retryErrors ? 'Run whose errored samples to make again' : 'Run to continue' });
    run = pick?.run;
  }
  if (!run) return;
  if (!eligible(run)) {
    void vscode.window.showInformationMessage(`Crucible: ${run.label || runLabel(run)} is ${run.status}${retryErrors ? ' with no errored samples' : ''}; nothing to do.`);
    return;
  }
  if (!trustedOrExplain()) return;
  if (run.sandbox === 'local') void vscode.window.showWarningMessage(LOCAL_SANDBOX_WARNING);
  const before = ctx.state.get(run.id);
  try {
    await ctx.engine.request(ResumeRun, { runId: run.id, retryErrors });
  } catch (e) {
    cannotStart(e);
    return;
  }
  ctx.runs.refresh();
  await follow(ctx, run.id, run.label || runLabel(run), before);
}

export const resumeRun = (ctx: Ctx, node?: RunNode) => resume(ctx, node, false);
export const retryErrors = (ctx: Ctx, node?: RunNode) => resume(ctx, node, true);

export async function cancelRun(ctx: Ctx, node?: RunNode): Promise<void> {
  let runId = node?.kind === 'run' ? node.run.id : undefined;
  if (!runId) {
    const running = ctx.state.running();
    if (running.length === 0) {
      void vscode.window.showInformationMessage('Crucible: no run is in progress.');
      return;
    }
    if (running.length === 1) runId = running[0].id;
    else {
      const pick = await vscode.window.showQuickPick(running.map((r) => ({ label: r.label || runLabel(r), description: `${r.done}/${r.total}`, id: r.id })),
        { title: 'Crucible: Cancel Run', placeHolder: 'Run to cancel' });
      runId = pick?.id;
    }
  }
  if (!runId) return;
  try {
    const { cancelled } = await ctx.engine.request(CancelRun, { runId });
    if (!cancelled) void vscode.window.showInformationMessage('Crucible: that run is no longer running.');
  } catch (e) {
    void vscode.window.showErrorMessage(`Crucible: cancel failed: ${errText(e)}`);
  }
}

export async function openResults(ctx: Ctx, arg?: RunNode | string): Promise<void> {
  let runId = typeof arg === 'string' ? arg : arg?.kind === 'run' ? arg.run.id : arg?.kind === 'problem' ? arg.runId : undefined;
  if (!runId) {
    try {
      runId = (await ctx.state.list())[0]?.id;
    } catch (e) {
      void vscode.window.showErrorMessage(`Crucible: could not list runs: ${errText(e)}`);
      return;
    }
  }
  if (!runId) {
    const b = await vscode.window.showInformationMessage('Crucible: no runs yet.', 'Run Suite…');
    if (b) await vscode.commands.executeCommand('crucible.runSuite');
    return;
  }
  ResultsPanel.show(ctx, runId);
}

export async function diffSample(ctx: Ctx, arg?: RunNode | string | vscode.Uri): Promise<void> {
  const id = typeof arg === 'string' ? arg
    : arg instanceof vscode.Uri ? SampleDocuments.idOf(arg)
      : arg?.kind === 'sample' ? arg.sample.id
        : SampleDocuments.idOf(vscode.window.activeTextEditor?.document.uri);
  if (!id) {
    void vscode.window.showInformationMessage('Crucible: open a sample first (Runs view → a problem → a sample).');
    return;
  }
  await ctx.samples.diff(id);
}

// ---------------------------------------------------------------- API keys

/** After a key changed: the engine reads its environment once, at start. */
async function applyKeys(ctx: Ctx, what: string): Promise<void> {
  if (!ctx.engine.isRunning()) {
    void vscode.window.showInformationMessage(`Crucible: ${what}. It applies when the engine starts (on the next run).`);
    return;
  }
  if (ctx.state.running().length > 0) {
    const b = await vscode.window.showInformationMessage(
      `Crucible: ${what}. It applies after the engine restarts; restarting now stops the running evaluation.`, 'Restart Engine');
    if (b) await vscode.commands.executeCommand('crucible.restartEngine');
    return;
  }
  await vscode.commands.executeCommand('crucible.restartEngine');
  void vscode.window.showInformationMessage(`Crucible: ${what}. The engine was restarted to apply it.`);
}

export async function setApiKey(ctx: Ctx): Promise<void> {
  type Item = vscode.QuickPickItem & { envVar?: string };
  const stored = new Set(ctx.keys.names());
  const items: Item[] = [
    ...KEY_PROVIDERS.map((p): Item => ({
      label: p.label, description: `${p.envVar}${stored.has(p.envVar) ? ' · stored' : ''}`, detail: p.detail, envVar: p.envVar,
    })),
    ...[...stored].filter((n) => !KEY_PROVIDERS.some((p) => p.envVar === n)).map((n): Item => ({ label: n, description: 'stored', envVar: n })),
    { label: '$(edit) Other (environment variable name)…', detail: 'For another provider: the variable its plugin reads, e.g. MISTRAL_API_KEY' },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Crucible: Set API Key', placeHolder: 'Provider', ignoreFocusOut: true });
  if (!pick) return;
  let envVar = pick.envVar;
  if (!envVar) {
    envVar = (await vscode.window.showInputBox({
      title: 'Crucible: Set API Key', prompt: 'Environment variable the engine reads the key from', placeHolder: 'MISTRAL_API_KEY',
      ignoreFocusOut: true, validateInput: (s) => envVarNameProblem(s.trim()),
    }))?.trim();
    if (!envVar) return;
  }
  const value = await vscode.window.showInputBox({
    title: `Crucible: Set API Key (${envVar})`,
    prompt: `Key for ${pick.envVar ? pick.label : envVar}. Kept in the editor's secret storage and passed to the engine as ${envVar}; never written to settings or logs.`,
    password: true, ignoreFocusOut: true,
    validateInput: (s) => (cleanKey(s) ? null : 'Paste the key (one word, no spaces)'),
  });
  const key = value === undefined ? null : cleanKey(value);
  if (!key) return;
  await ctx.keys.set(envVar, key);
  await applyKeys(ctx, `${envVar} saved`);
}

export async function clearApiKey(ctx: Ctx): Promise<void> {
  const names = ctx.keys.names();
  if (names.length === 0) {
    void vscode.window.showInformationMessage('Crucible: no API key is stored.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    names.map((n) => ({ label: n, description: KEY_PROVIDERS.find((p) => p.envVar === n)?.label })),
    { title: 'Crucible: Clear API Key', placeHolder: 'Stored key to remove' });
  if (!pick) return;
  await ctx.keys.clear(pick.label);
  await applyKeys(ctx, `${pick.label} removed (a value in the editor's own environment still applies)`);
}

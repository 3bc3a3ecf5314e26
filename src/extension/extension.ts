// Extension entry point: builds the context, registers views, commands and the status bar. It
// activates lazily (views, commands, a workspace with .jsonl files) and starts the engine process.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { ENGINE_SETTINGS, LOCAL_SANDBOX_WARNING, readConfig } from './engine';
import * as cmd from './commands';
import * as runCmd from './runCommands';
import * as compare from './compare';
import { runLabel, throttle } from './format';
import { ResultsPanel } from './resultsPanel';
import { SampleDocuments } from './sampleDocs';
import type { RunNode, SuiteNode } from './views';
import { createApi, type CrucibleApi } from './api';
import { registerConfigSupport } from './config/diagnostics';
import { registerAnnotation } from './annotate';

import { ResultLenses, SUITE_SELECTOR } from './editor/lens';
import { ProblemDocuments, PROBLEM_SCHEME } from './editor/problemDocs';
import { diffSample, stepFailing } from './editor/sampleNav';
import { CrucibleTests } from './testing/controller';
import { isRunnableFile } from './editor/runnable';

const loadedAt = performance.now();

export function activate(context: vscode.ExtensionContext): CrucibleApi {
  const activateStart = performance.now();
  const ctx = new Ctx(context);
  const sub = (...ds: vscode.Disposable[]) => context.subscriptions.push(...ds);
  sub(ctx);

  sub(
    vscode.window.createTreeView('crucible.suites', { treeDataProvider: ctx.suites, showCollapseAll: true }),
    // Several runs can be selected: Compare Runs and Delete take them all.
    vscode.window.createTreeView('crucible.runs', { treeDataProvider: ctx.runs, showCollapseAll: true, canSelectMany: true }),
  );

  const guard = <A extends unknown[]>(fn: (...a: A) => Promise<void>) => async (...a: A) => {
    try {
      await fn(...a);
    } catch (e) {
      void vscode.window.showErrorMessage(`Crucible: ${e instanceof Error ? e.message : String(e)}`);
    }
  };
  const register = <A extends unknown[]>(id: string, fn: (...a: A) => Promise<void>) =>
    sub(vscode.commands.registerCommand(id, guard(fn)));

  register('crucible.runSuite', () => cmd.runSuite(ctx));
  registerAnnotation(ctx, context);
  register('crucible.runOpenProblem', () => cmd.runOpenProblem(ctx));
  register('crucible.runProblem', (node?: SuiteNode) => cmd.runProblemFromTree(ctx, node));
  register('crucible.openResults', (arg?: RunNode | string) => cmd.openResults(ctx, arg));
  register('crucible.resumeRun', (node?: RunNode) => cmd.resumeRun(ctx, node));
  register('crucible.retryErrors', (node?: RunNode) => cmd.retryErrors(ctx, node));
  register('crucible.cancelRun', (node?: RunNode) => cmd.cancelRun(ctx, node));
  register('crucible.openSample', (id?: string) => (typeof id === 'string' ? ctx.openSample(id) : Promise.resolve()));
  register('crucible.diffSample', (arg?: RunNode | string | vscode.Uri) => diffSample(ctx, arg));
  register('crucible.diffWithPassing', (arg?: RunNode | string | vscode.Uri) => diffSample(ctx, arg, true));
  register('crucible.nextFailingSample', (arg?: string | vscode.Uri) => stepFailing(ctx, 1, arg));
  register('crucible.previousFailingSample', (arg?: string | vscode.Uri) => stepFailing(ctx, -1, arg));
  register('crucible.sampleDetails', async (arg?: string | vscode.Uri) => {
    const id = typeof arg === 'string' ? arg : SampleDocuments.idOf(arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri);
    if (id) await ctx.samples.details(id);
    else void vscode.window.showInformationMessage('Crucible: open a sample first (Runs view → a problem → a sample).');
  });
  register('crucible.runProblemAt', async (file?: string, id?: string) => {
    if (typeof file === 'string' && typeof id === 'string') await cmd.runProblems(ctx, file, [id], 'Crucible: Run Problem');
  });
  register('crucible.setApiKey', () => cmd.setApiKey(ctx));
  register('crucible.renameRun', (node?: RunNode) => runCmd.renameRun(ctx, node));
  register('crucible.tagRun', (node?: RunNode) => runCmd.tagRun(ctx, node));
  register('crucible.deleteRun', (node?: RunNode, all?: RunNode[]) => runCmd.deleteRun(ctx, node, all));
  register('crucible.rerun', (node?: RunNode) => runCmd.rerunRun(ctx, node));
  register('crucible.compareRuns', (node?: RunNode, all?: RunNode[]) => runCmd.compareRuns(ctx, node, all));
  register('crucible.openDatabase', () => runCmd.openDatabase(ctx));
  register('crucible.useWorkspaceDatabase', () => runCmd.useWorkspaceDatabase(ctx));
  register('crucible.compareArms', (arg?: RunNode | string) => compare.compareArms(ctx, arg));
  register('crucible.compareStrategies', () => compare.compareStrategies(ctx));
  register('crucible.previewStrategies', () => compare.previewStrategies(ctx));
  register('crucible.clearApiKey', () => cmd.clearApiKey(ctx));
  register('crucible.refresh', async () => {
    ctx.invalidateSuiteFiles();
    ctx.state.refresh();
  });
  register('crucible.restartEngine', async () => {
    await ctx.engine.restart();
    ctx.invalidateSuiteFiles();
    ctx.state.refresh();
  });

  // Testing view, CodeLens and diagnostics: all read the engine's results (nothing computed here).
  const tests = new CrucibleTests(ctx, () => cmd.chooseModels(ctx));
  const lenses = new ResultLenses(ctx);
  sub(tests, lenses, new ProblemDocuments(ctx.engine), vscode.languages.registerCodeLensProvider(SUITE_SELECTOR, lenses));
  const resolveRoot = tests.controller.resolveHandler!;
  let imported = false;
  tests.controller.resolveHandler = async (item) => {
    await resolveRoot(item);
    // The Testing view is open: earlier runs into its history, once.
    if (!item && !imported) { imported = true; await tests.importPastRuns().catch((e) => ctx.engine.output.warn(`Testing history: ${e}`)); }
  };
  sub(ctx.state.onRunUpdated((s) => {
    if (imported && (s.status === 'completed' || s.status === 'cancelled')) void tests.importPastRuns(1).catch(() => undefined);
  }));
  // The ▷ Run Open Problem button only where it can work.
  const runnable = async () => {
    const doc = vscode.window.activeTextEditor?.document;
    const ok = !!doc && (doc.uri.scheme === PROBLEM_SCHEME || (doc.uri.scheme === 'file' && await isRunnableFile(doc)));
    void vscode.commands.executeCommand('setContext', 'crucible.runnableEditor', ok);
  };
  sub(vscode.window.onDidChangeActiveTextEditor(() => void runnable()), vscode.workspace.onDidSaveTextDocument(() => void runnable()));
  void runnable();

  // Restore the results panel after a window reload; its state holds only the run id.
  sub(vscode.window.registerWebviewPanelSerializer(ResultsPanel.viewType, {
    async deserializeWebviewPanel(panel, state: unknown) {
      const runId = (state as { runId?: unknown } | undefined)?.runId;
      if (typeof runId === 'string' && runId.length > 0 && runId.length < 512) ResultsPanel.revive(ctx, panel, runId);
      else panel.dispose();
    },
  }));

  // Status bar: the newest running run's progress; click opens its results.
  const status = vscode.window.createStatusBarItem('crucible.status', vscode.StatusBarAlignment.Left, 10);
  status.name = 'Crucible';
  sub(status);
  const updateStatus = () => {
    const running = ctx.state.running();
    void vscode.commands.executeCommand('setContext', 'crucible.running', running.length > 0);
    const r = running[0];
    if (!r) { status.hide(); return; }
    const more = running.length > 1 ? ` (+${running.length - 1})` : '';
    const pct = r.total > 0 ? ` ${Math.floor((100 * r.done) / r.total)}%` : '';
    status.text = `$(sync~spin) Crucible ${r.done}/${r.total}${pct}${more}`;
    status.tooltip = `${r.label || runLabel(r)}: ${r.done}/${r.total} samples — click for results`;
    status.command = { command: 'crucible.openResults', title: 'Open Results', arguments: [r.id] };
    status.show();
  };
  sub(ctx.state.onRunUpdated(updateStatus));

  // Suite files come and go with the workspace.
  const filesChanged = throttle(() => ctx.invalidateSuiteFiles(), 1000);
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.{jsonl,jsonl.gz}');
  sub(watcher, watcher.onDidCreate(filesChanged), watcher.onDidDelete(filesChanged), { dispose: filesChanged.dispose });
  sub(vscode.workspace.onDidChangeWorkspaceFolders(filesChanged));

  // A run another process writes (a CLI on the database "Open Database…" chose) announces nothing to
  // this engine: a change of the database's files (its journal grows with every sample) re-reads the
  // run list, at most every 2 s. Watched anew when the engine restarts, possibly on another database.
  let dbWatch: vscode.Disposable | undefined;
  const watchDb = () => {
    dbWatch?.dispose();
    const db = ctx.engine.dbPath();
    const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(db)), `${path.basename(db)}*`));
    const poll = throttle(() => { ctx.state.pollOthers().catch((e: unknown) => ctx.engine.output.warn(`re-reading runs: ${e instanceof Error ? e.message : String(e)}`)); }, 2000);
    dbWatch = vscode.Disposable.from(w, w.onDidChange(poll), w.onDidCreate(poll), poll);
  };
  watchDb();
  sub(ctx.engine.onStopped(watchDb), { dispose: () => dbWatch?.dispose() });

  sub(vscode.workspace.onDidChangeConfiguration(async (e) => {
    if (e.affectsConfiguration('crucible.sandbox') && readConfig().sandbox === 'local') {
      void vscode.window.showWarningMessage(LOCAL_SANDBOX_WARNING);
    }
    if (ENGINE_SETTINGS.some((s) => e.affectsConfiguration(s))) {
      const busy = ctx.state.running().length > 0;
      const b = await vscode.window.showInformationMessage(
        `Crucible: restart the engine to apply the new settings${busy ? ' (this stops the running evaluation)' : ''}.`, 'Restart Engine');
      if (b) await vscode.commands.executeCommand('crucible.restartEngine');
    }
  }));

  if (readConfig().sandbox === 'local') void vscode.window.showWarningMessage(LOCAL_SANDBOX_WARNING);

  registerConfigSupport(context);
  // End-to-end tests of APIs a screenshot cannot check (Testing, CodeLens, diagnostics) run a module in
  // this extension host, named by the environment of the editor's process (test/e2e/surfaces.test.ts).
  const activateMs = performance.now() - activateStart;
  const hostTests = process.env.CRUCIBLE_TEST_HOST_MODULE;
  if (hostTests) {
    const req = eval('require') as NodeJS.Require; // not bundled: a file of the test run
    void Promise.resolve().then(() => req(hostTests).run(vscode, { tests, lenses, ctx, timing: { loadToActivateMs: activateStart - loadedAt, activateMs } }))
      .catch((e: unknown) => ctx.engine.output.error(`host tests: ${e instanceof Error ? e.stack : String(e)}`));
  }

  // The engine process starts on first use (a visible view or a command), not at activation:
  // `workspaceContains:**/*.jsonl` activates in many workspaces that never run an evaluation.
  // Other extensions register their plugins through this (api.ts).
  return createApi(ctx.engine);
}

export function deactivate(): void {
  // Disposables registered on the context stop the engine.
}

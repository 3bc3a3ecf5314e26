// Extension entry point: builds the context, registers views, commands and the status bar. It
// activates lazily (views, commands, a workspace with .jsonl files) and starts the engine process.
import * as vscode from 'vscode';
import { Ctx } from './ctx';
import { ENGINE_SETTINGS, LOCAL_SANDBOX_WARNING, readConfig } from './engine';
import * as cmd from './commands';
import * as compare from './compare';
import { runLabel, throttle } from './format';
import { ResultsPanel } from './resultsPanel';
import type { RunNode, SuiteNode } from './views';

export function activate(context: vscode.ExtensionContext): void {
  const ctx = new Ctx(context);
  const sub = (...ds: vscode.Disposable[]) => context.subscriptions.push(...ds);
  sub(ctx);

  sub(
    vscode.window.createTreeView('crucible.suites', { treeDataProvider: ctx.suites, showCollapseAll: true }),
    vscode.window.createTreeView('crucible.runs', { treeDataProvider: ctx.runs, showCollapseAll: true }),
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
  register('crucible.runOpenProblem', () => cmd.runOpenProblem(ctx));
  register('crucible.runProblem', (node?: SuiteNode) => cmd.runProblemFromTree(ctx, node));
  register('crucible.openResults', (arg?: RunNode | string) => cmd.openResults(ctx, arg));
  register('crucible.resumeRun', (node?: RunNode) => cmd.resumeRun(ctx, node));
  register('crucible.retryErrors', (node?: RunNode) => cmd.retryErrors(ctx, node));
  register('crucible.cancelRun', (node?: RunNode) => cmd.cancelRun(ctx, node));
  register('crucible.openSample', (id?: string) => (typeof id === 'string' ? ctx.openSample(id) : Promise.resolve()));
  register('crucible.diffSample', (arg?: RunNode | string | vscode.Uri) => cmd.diffSample(ctx, arg));
  register('crucible.setApiKey', () => cmd.setApiKey(ctx));
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
    status.text = `$(sync~spin) Crucible ${r.done}/${r.total}${more}`;
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

  // The engine process starts on first use (a visible view or a command), not at activation:
  // `workspaceContains:**/*.jsonl` activates in many workspaces that never run an evaluation.
}

export function deactivate(): void {
  // Disposables registered on the context stop the engine.
}

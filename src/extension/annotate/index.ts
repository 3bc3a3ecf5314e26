// Registers the Annotate view and its commands (one call from activate()).
import * as vscode from 'vscode';
import type { Ctx } from '../ctx';
import * as cmd from './commands';
import { AnnotateView } from './view';

export function registerAnnotation(ctx: Ctx, context: vscode.ExtensionContext): void {
  const view = new AnnotateView(context, ctx.engine);
  const guard = (fn: () => Promise<void>) => async () => {
    try { await fn(); } catch (e) { void vscode.window.showErrorMessage(`Crucible: ${e instanceof Error ? e.message : String(e)}`); }
  };
  context.subscriptions.push(
    view,
    vscode.window.registerWebviewViewProvider(AnnotateView.viewType, view),
    vscode.commands.registerCommand('crucible.annotateRun', guard(() => cmd.createTask(ctx, view, 'label'))),
    vscode.commands.registerCommand('crucible.startArena', guard(() => cmd.createTask(ctx, view, 'arena'))),
    vscode.commands.registerCommand('crucible.openAnnotationTask', guard(() => cmd.openTask(ctx, view))),
    vscode.commands.registerCommand('crucible.exportLabels', guard(() => cmd.exportLabels(ctx))),
    vscode.commands.registerCommand('crucible.importLabels', guard(() => cmd.importLabels(ctx))),
    vscode.commands.registerCommand('crucible.showAgreement', guard(() => cmd.showAgreement(ctx))),
    vscode.commands.registerCommand('crucible.adjudicate', guard(() => cmd.adjudicate(ctx))),
    vscode.commands.registerCommand('crucible.arenaRatings', guard(() => cmd.showRatings(ctx))),
    vscode.commands.registerCommand('crucible.judgeArena', guard(() => cmd.judgeArena(ctx))),
  );
}

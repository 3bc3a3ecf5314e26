// Compare Runs: a webview with two or more runs side by side (the engine's CompareRuns). Strict CSP,
// messages validated like the results panel's.
import * as vscode from 'vscode';
import { webviewHtml } from './webviewHtml';
import { parseFromResultsWebview, type ToResultsWebview } from '../protocol';
import { CompareRuns } from '../protocol/requests';
import type { Ctx } from './ctx';
import { ResultsPanel, saveExport } from './resultsPanel';

export class ComparePanel {
  static readonly viewType = 'crucible.compare';
  private static current: ComparePanel | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  static show(ctx: Ctx, runIds: string[]): void {
    if (ComparePanel.current) { ComparePanel.current.runIds = runIds; ComparePanel.current.panel.reveal(); void ComparePanel.current.push(); return; }
    const panel = vscode.window.createWebviewPanel(ComparePanel.viewType, 'Crucible: Compare Runs', vscode.ViewColumn.Active, {
      enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(ctx.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(ctx.extensionUri, 'media')],
    });
    ComparePanel.current = new ComparePanel(panel, ctx, runIds);
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly ctx: Ctx, private runIds: string[]) {
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'crucible.svg');
    panel.webview.html = this.html();
    this.disposables.push(panel.onDidDispose(() => this.dispose()), panel.webview.onDidReceiveMessage(async (raw) => {
      const m = parseFromResultsWebview(raw);
      if (!m) return;
      try {
        if (m.type === 'ready') await this.push();
        else if (m.type === 'openRun') ResultsPanel.show(ctx, m.runId);
        else if (m.type === 'openProblem') await ctx.openProblem(m.runId, m.problemId, m.arm, vscode.ViewColumn.Beside);
        else if (m.type === 'export') await saveExport(m.name, m.format, m.data);
      } catch (e) {
        void vscode.window.showErrorMessage(`Crucible: ${e instanceof Error ? e.message : String(e)}`);
      }
    }));
  }

  private async push(): Promise<void> {
    try {
      const comparison = await this.ctx.engine.request(CompareRuns, { runIds: this.runIds });
      const msg: ToResultsWebview = { type: 'comparison', comparison };
      await this.panel.webview.postMessage(msg);
    } catch (e) {
      void vscode.window.showErrorMessage(`Crucible: could not compare the runs: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.ctx.extensionUri, { script: 'compare.js', css: 'results.css', title: 'Compare Runs', body: COMPARE_BODY });
  }

  dispose(): void {
    if (ComparePanel.current === this) ComparePanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** The page's static markup (webviewHtml.ts adds the head, the CSP and the script). */
const COMPARE_BODY = `<h1>Compare runs</h1>
<p class="hint">The first column is the baseline. Δ pass@1 is paired over the problems both scored, with a 95% bootstrap interval over problems.
A problem is solved when at least half its scored samples passed.</p>
<section><h2>pass@1 and Δ</h2><div class="table-scroll"><table id="compare-summary" class="compact"><thead></thead><tbody></tbody></table></div></section>
<section><h2>Problems that flipped</h2><div id="flips"></div></section>
<section><h2>Per problem <span class="export" id="compare-export"></span></h2>
  <vscode-checkbox id="only-diff">only problems that differ</vscode-checkbox>
  <div class="table-scroll"><table id="compare-problems"><thead></thead><tbody></tbody></table></div></section>`;

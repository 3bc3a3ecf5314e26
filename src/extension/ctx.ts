// The one context object built at activation (rust-analyzer's ctx.ts idiom): the engine client,
// the run state, the views and the sample documents. Commands are functions of it.
import * as vscode from 'vscode';
import { Engine } from './engine';
import { ApiKeys } from './apiKeys';
import { RunState } from './state';
import { RunsView, SuitesView, lineSelection } from './views';
import { SampleDocuments, sampleUri } from './sampleDocs';
import type { PanelHost } from './resultsPanel';
import { findSuiteFiles } from './workspaceFiles';

export class Ctx implements PanelHost, vscode.Disposable {
  readonly engine: Engine;
  readonly state: RunState;
  readonly runs: RunsView;
  readonly suites: SuitesView;
  readonly samples: SampleDocuments;
  readonly extensionUri: vscode.Uri;
  readonly keys: ApiKeys;
  private suiteFilesCache: Promise<string[]> | undefined;

  constructor(readonly context: vscode.ExtensionContext) {
    this.extensionUri = context.extensionUri;
    this.keys = new ApiKeys(context);
    this.engine = new Engine(context, () => this.suiteFiles(), () => this.keys.env());
    this.state = new RunState(this.engine);
    this.runs = new RunsView(this.state);
    this.suites = new SuitesView(this.engine, this.state, () => this.suiteFiles());
    this.samples = new SampleDocuments(this.engine);
  }

  /** Workspace suite files (cached; invalidated when .jsonl files appear, change or go). */
  suiteFiles(): Promise<string[]> {
    if (!this.suiteFilesCache) {
      this.suiteFilesCache = findSuiteFiles();
      this.suiteFilesCache.catch(() => { this.suiteFilesCache = undefined; });
    }
    return this.suiteFilesCache;
  }

  invalidateSuiteFiles(): void {
    this.suiteFilesCache = undefined;
    this.suites.refresh();
  }

  /** Opens a sample as a preview tab in the active group, keeping focus where it was (tree navigation). */
  async openSample(sampleId: string, column?: vscode.ViewColumn): Promise<void> {
    await this.samples.open(sampleId, { viewColumn: column ?? vscode.ViewColumn.Active, preserveFocus: column === undefined, preview: true });
  }

  /** Two samples' answers side by side in a diff editor (bias pairs, similar answers of two arms). */
  async openPair(sampleA: string, sampleB: string, column: vscode.ViewColumn = vscode.ViewColumn.Beside): Promise<void> {
    const [a, b] = await Promise.all([this.samples.get(sampleA), this.samples.get(sampleB)]);
    const part = (d: typeof a) => (d.kind === 'chat' ? 'response' : 'code');
    await vscode.commands.executeCommand('vscode.diff', sampleUri(a, part(a), a.language), sampleUri(b, part(b), b.language),
      `${a.problemId} ${a.arm} ↔ ${b.problemId} ${b.arm}`, { viewColumn: column, preview: true });
  }

  /**
   * Reveals a problem of a run in `column` (the results panel passes the group beside itself): the
   * suite file at the problem's line when it is readable text, then its first failing sample on top.
   */
  async openProblem(runId: string, problemId: string, arm: string, column: vscode.ViewColumn = vscode.ViewColumn.Beside): Promise<void> {
    const detail = await this.state.detail(runId);
    const result = detail.problems.find((p) => p.problemId === problemId && p.arm === arm);
    if (!result) throw new Error(`${problemId} (${arm}) is not part of this run.`);
    const samples = [...result.samples].sort((a, b) => a.index - b.index);
    const sample = samples.find((s) => s.status !== 'passed') ?? samples[0];
    if (!sample) {
      void vscode.window.showInformationMessage(`Crucible: ${problemId} has no finished sample yet.`);
      return;
    }
    const d = await this.samples.get(sample.id);
    if (d.sourceFile && !d.sourceFile.endsWith('.gz')) {
      // Not a preview: the sample opened next would otherwise replace it.
      await vscode.window.showTextDocument(vscode.Uri.file(d.sourceFile),
        { viewColumn: column, preserveFocus: true, preview: false, ...lineSelection(d.sourceLine) });
    }
    await this.samples.open(sample.id, { viewColumn: column, preview: true });
  }

  dispose(): void {
    this.samples.dispose();
    this.state.dispose();
    this.engine.dispose();
  }
}

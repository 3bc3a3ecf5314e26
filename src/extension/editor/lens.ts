// CodeLens above each problem of a suite file (and of an open-problem source file) and diagnostics on
// the problems that failed in the latest run. Both read the engine's LatestResults query: the figures
// (pass@1 and its interval, n, p95 latency) are the engine's; this file only places them.
import * as vscode from 'vscode';
import type { LatestResult, ProblemInfo } from '../../protocol';
import { LatestResults, ListProblems } from '../../protocol/requests';
import type { Ctx } from '../ctx';
import { isTerminal } from '../state';
import { armLensText, armProblem, diagnosticText } from './lensText';

/** Files whose problems can carry lenses: suite JSONL, and source files following the open-problem convention. */
export const SUITE_SELECTOR: vscode.DocumentSelector = [
  { scheme: 'file', pattern: '**/*.jsonl' },
  { scheme: 'file', language: 'python' }, { scheme: 'file', language: 'javascript' }, { scheme: 'file', language: 'typescript' },
];

/** A source file is asked about only when it marks tests or the engine is already up (it must not start for every .py opened). */
const OPEN_PROBLEM_HINT = /crucible:\s*tests/i;

interface FileResults { problems: ProblemInfo[]; latest: Map<string, LatestResult> }

export class ResultLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  readonly diagnostics = vscode.languages.createDiagnosticCollection('crucible');
  private readonly cache = new Map<string, Promise<FileResults | null>>();
  private readonly subs: vscode.Disposable[] = [];

  constructor(private readonly ctx: Ctx) {
    let lastFinished = '';
    this.subs.push(this.changed, this.diagnostics,
      // New results when a run finishes (not on every sample).
      ctx.state.onDidChange(() => {
        const key = ctx.state.sorted().filter((r) => isTerminal(r.status)).map((r) => `${r.id}:${r.done}`).join(',');
        if (key !== lastFinished) { lastFinished = key; this.refresh(); }
      }),
      vscode.workspace.onDidSaveTextDocument((d) => { this.cache.delete(d.uri.fsPath); this.changed.fire(); }),
      vscode.workspace.onDidOpenTextDocument((d) => void this.update(d)),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()), // the Run lenses appear
    );
    for (const d of vscode.workspace.textDocuments) void this.update(d);
  }

  refresh(): void {
    this.cache.clear();
    this.changed.fire();
    for (const d of vscode.workspace.textDocuments) void this.update(d);
  }

  private wanted(doc: vscode.TextDocument): boolean {
    if (doc.uri.scheme !== 'file') return false;
    if (doc.fileName.endsWith('.jsonl')) return !/samples[^/\\]*\.jsonl$/i.test(doc.fileName);
    if (!['python', 'javascript', 'typescript'].includes(doc.languageId)) return false;
    return OPEN_PROBLEM_HINT.test(doc.getText()) || this.ctx.engine.isRunning();
  }

  /** The file's problems and their latest results (null: not a suite file, or the engine could not read it). */
  results(doc: vscode.TextDocument): Promise<FileResults | null> {
    const file = doc.uri.fsPath;
    let p = this.cache.get(file);
    if (!p) {
      p = (async () => {
        if (!this.wanted(doc)) return null;
        let problems: ProblemInfo[];
        try { problems = await this.ctx.engine.request(ListProblems, { suite: file }); } catch { return null; }
        const latest = new Map((await this.ctx.engine.request(LatestResults, { file })).map((r) => [r.problemId, r]));
        return { problems, latest };
      })();
      p.catch(() => this.cache.delete(file));
      this.cache.set(file, p);
    }
    return p;
  }

  private async update(doc: vscode.TextDocument): Promise<void> {
    const r = await this.results(doc).catch(() => null);
    if (!r) { this.diagnostics.delete(doc.uri); return; }
    const diags: vscode.Diagnostic[] = [];
    for (const [id, l] of r.latest) {
      const line = (l.line ?? r.problems.find((p) => p.id === id)?.sourceLine ?? 0) - 1;
      if (line < 0 || line >= doc.lineCount) continue;
      const worst = l.arms.map(armProblem).reduce<'error' | 'warning' | null>((w, x) => (w === 'error' || x === 'error' ? 'error' : w ?? x), null);
      if (!worst) continue;
      const d = new vscode.Diagnostic(doc.lineAt(line).range, diagnosticText(id, l),
        worst === 'error' ? vscode.DiagnosticSeverity.Error : vscode.DiagnosticSeverity.Warning);
      d.source = 'Crucible';
      d.code = { value: 'open failing sample', target: vscode.Uri.parse(`command:crucible.openSample?${encodeURIComponent(JSON.stringify([l.arms.find((a) => armProblem(a))!.sampleId]))}`) };
      diags.push(d);
    }
    this.diagnostics.set(doc.uri, diags);
  }

  async provideCodeLenses(doc: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    const r = await this.results(doc).catch(() => null);
    if (!r) return [];
    void this.update(doc);
    const lenses: vscode.CodeLens[] = [];
    for (const p of r.problems) {
      if (p.sourceLine == null || p.sourceLine < 1 || p.sourceLine > doc.lineCount) continue;
      const range = new vscode.Range(p.sourceLine - 1, 0, p.sourceLine - 1, 0);
      const l = r.latest.get(p.id);
      for (const a of l?.arms ?? []) {
        lenses.push(new vscode.CodeLens(range, {
          title: armLensText(a, l!, l!.arms.length > 1), command: 'crucible.openResults', arguments: [l!.runId],
          tooltip: `Latest run: ${l!.runLabel} — open its results`,
        }));
      }
      // Restricted Mode runs nothing: no Run lens there (the results lenses still show).
      if (vscode.workspace.isTrusted) lenses.push(new vscode.CodeLens(range, { title: '$(play) Run', command: 'crucible.runProblemAt', arguments: [doc.uri.fsPath, p.id], tooltip: `Run ${p.id}` }));
      const failing = l?.arms.flatMap((a) => a.failingIds ?? []) ?? [];
      if (l && failing.length) {
        lenses.push(new vscode.CodeLens(range, {
          title: `Show failures (${failing.length})`, command: 'crucible.openSample', arguments: [failing[0]], tooltip: 'Open the first failing sample; then Next Failing Sample',
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}

// The results webview: one panel, showing one run, updated live while that run progresses.
// Strict CSP (no remote content, nonce'd script); every message from the page is validated.
import * as vscode from 'vscode';
import { webviewHtml } from './webviewHtml';
import * as path from 'node:path';
import { parseFromResultsWebview, type CompareResult, type RunDetail, type ToResultsWebview } from '../protocol';
import type { RunState } from './state';
import { runLabel } from './format';
import { panelDetail } from '../protocol/panel';

/** The panel's folded payload of each detail the state holds (the same detail is re-sent on redraws). */
const folded = new WeakMap<RunDetail, RunDetail>();
const forPanel = (d: RunDetail): RunDetail => folded.get(d) ?? folded.set(d, panelDetail(d)).get(d)!;

export interface PanelHost {
  state: RunState;
  extensionUri: vscode.Uri;
  /** Reveal a problem of a run in `column`: its source and its (first failing) sample. */
  openProblem(runId: string, problemId: string, arm: string, column: vscode.ViewColumn): Promise<void>;
  openSample(sampleId: string, column: vscode.ViewColumn): Promise<void>;
  /** Two samples' answers side by side (a diff editor). */
  openPair(sampleA: string, sampleB: string, column: vscode.ViewColumn): Promise<void>;
}

export class ResultsPanel implements vscode.Disposable {
  static readonly viewType = 'crucible.results';
  private static current: ResultsPanel | undefined;

  private readonly disposables: vscode.Disposable[] = [];
  private pushing = false;
  private again = false;
  /** The detail last sent to the page: when the state holds a newer one (a tree fetched it), send that. */
  private shown: RunDetail | undefined;

  /** A paired comparison shown under the run it compares (the Compare section); cleared when another run is shown. */
  private compare: CompareResult | undefined;

  /** Shows the run of a comparison with its Compare section (forest plot and verdicts). */
  static showCompare(host: PanelHost, result: CompareResult): ResultsPanel {
    const p = ResultsPanel.show(host, result.runs[0]);
    p.compare = result;
    void p.push(true);
    return p;
  }

  static isOpen(): boolean {
    return !!ResultsPanel.current;
  }

  static show(host: PanelHost, runId: string, opts: { preserveFocus?: boolean } = {}): ResultsPanel {
    const cur = ResultsPanel.current;
    if (cur) {
      if (cur.runId !== runId) cur.compare = undefined;
      cur.runId = runId;
      cur.panel.reveal(undefined, opts.preserveFocus);
      cur.push(true);
      return cur;
    }
    const panel = vscode.window.createWebviewPanel(ResultsPanel.viewType, 'Crucible Results',
      { viewColumn: vscode.window.activeTextEditor ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus: opts.preserveFocus },
      ResultsPanel.options(host));
    ResultsPanel.current = new ResultsPanel(panel, host, runId);
    return ResultsPanel.current;
  }

  /**
   * Takes over a panel VS Code restored after a reload (see the serializer in extension.ts). VS Code
   * restores a background tab only when it is clicked: if a panel was opened meanwhile, the clicked
   * one wins and the other closes, so there is one panel and the tab the person chose stays.
   */
  static revive(host: PanelHost, panel: vscode.WebviewPanel, runId: string): void {
    panel.webview.options = ResultsPanel.options(host);
    const old = ResultsPanel.current;
    ResultsPanel.current = new ResultsPanel(panel, host, runId);
    old?.dispose();
  }

  private static options(host: PanelHost): vscode.WebviewOptions & vscode.WebviewPanelOptions {
    return {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(host.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(host.extensionUri, 'media')],
    };
  }

  private constructor(private readonly panel: vscode.WebviewPanel, private readonly host: PanelHost, private runId: string) {
    panel.iconPath = vscode.Uri.joinPath(host.extensionUri, 'media', 'crucible.svg');
    panel.webview.html = this.html();
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      panel.webview.onDidReceiveMessage((raw) => this.onMessage(raw)),
      // Live updates: the state's change event is already throttled to ~4/s.
      host.state.onDidChange(() => { if (this.behind()) this.push(); }),
    );
  }

  /** The editor group next to the panel, so what it opens does not cover it (and does not cascade). */
  private besideColumn(): vscode.ViewColumn {
    return this.panel.viewColumn === vscode.ViewColumn.One ? vscode.ViewColumn.Two : vscode.ViewColumn.One;
  }

  /** Whether the page shows less than the state knows (or could fetch) about the run. */
  private behind(): boolean {
    return this.host.state.isStale(this.runId) || this.host.state.cached(this.runId) !== this.shown;
  }

  get shownRunId(): string {
    return this.runId;
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromResultsWebview(raw);
    if (!m) return; // untrusted page: drop anything that is not a valid message
    try {
      switch (m.type) {
        case 'ready': this.push(true); break;
        case 'openProblem': await this.host.openProblem(m.runId, m.problemId, m.arm, this.besideColumn()); break;
        case 'openSample': await this.host.openSample(m.sampleId, this.besideColumn()); break;
        case 'openPair': await this.host.openPair(m.sampleA, m.sampleB, this.besideColumn()); break;
        case 'openRun': this.runId = m.runId; await this.push(true); break;
        case 'export': await saveExport(m.name, m.format, m.data); break;
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Crucible: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /** Sends the shown run's detail to the page; coalesces calls made while a fetch is under way. */
  private async push(force = false): Promise<void> {
    if (this.pushing) { this.again = true; return; }
    this.pushing = true;
    try {
      if (!force && !this.behind()) return;
      const runId = this.runId;
      const detail = await this.host.state.detail(runId);
      if (runId !== this.runId) { this.again = true; return; }
      this.panel.title = `Crucible: ${detail.run.label || runLabel(detail.run)}`;
      // Folded samples (protocol/panel.ts): every SampleSummary of a big run took seconds to ship and draw.
      const msg: ToResultsWebview = { type: 'runDetail', detail: forPanel(detail) };
      // Counted as shown only once the page has it (a hidden panel's message is dropped).
      if (await this.panel.webview.postMessage(msg)) this.shown = detail;
      if (this.compare?.runs[0] === runId) await this.panel.webview.postMessage({ type: 'compare', compare: this.compare } satisfies ToResultsWebview);
      // A big run's probes take seconds: asked for once the page has the rest, sent when they come.
      if (detail.probesPending === 'computing') {
        this.host.state.probes(detail).then(
          (probes) => { if (this.runId === runId) void this.panel.webview.postMessage({ type: 'probes', runId, probes } satisfies ToResultsWebview); },
          (e) => { void vscode.window.showErrorMessage(`Crucible: could not compute the probes: ${e instanceof Error ? e.message : String(e)}`); });
      }
    } catch (e) {
      void vscode.window.showErrorMessage(`Crucible: could not load run results: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      this.pushing = false;
      if (this.again) { this.again = false; setTimeout(() => void this.push(true), 250); }
    }
  }

  private html(): string {
    return webviewHtml(this.panel.webview, this.host.extensionUri, { script: 'results.js', css: 'results.css', title: 'Crucible Results', body: RESULTS_BODY });
  }

  /** Whether the panel shows `runId` (used by the finish message to avoid opening a second view of it). */
  static shows(runId: string): boolean {
    return ResultsPanel.current?.runId === runId;
  }

  dispose(): void {
    if (ResultsPanel.current === this) ResultsPanel.current = undefined;
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

/** Saves a chart (PNG) or its data (CSV) where the person says; the name is only a suggestion. */
export async function saveExport(name: string, format: 'png' | 'csv', data: string): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const uri = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, path.basename(name)) : undefined,
    filters: format === 'png' ? { 'PNG image': ['png'] } : { 'CSV': ['csv'] },
    title: `Crucible: save ${format === 'png' ? 'chart' : 'chart data'}`,
  });
  if (!uri) return;
  const bytes = format === 'png' ? Buffer.from(data, 'base64') : Buffer.from(data, 'utf8');
  await vscode.workspace.fs.writeFile(uri, bytes);
  void vscode.window.showInformationMessage(`Crucible: saved ${vscode.workspace.asRelativePath(uri)}`);
}

/** The page's static markup (webviewHtml.ts adds the head, the CSP and the script). */
const RESULTS_BODY = `<header>
  <h1 id="run-title">Loading…</h1>
  <div id="run-meta" class="meta"></div>
  <div id="run-progress" class="meta"></div>
  <div id="run-error" class="error" hidden></div>
</header>
<p id="summary" class="summary"></p>
<section id="passk" class="passk">
  <h2>pass@k <span class="hint">(95% bootstrap CI over problems)</span></h2>
  <div class="table-scroll"><table id="passk-table"><thead></thead><tbody></tbody></table></div>
  <h3>Latency, tokens and cost</h3>
  <div class="table-scroll"><table id="cost-table" class="compact"><thead></thead><tbody></tbody></table></div>
</section>
<section id="dashboards" hidden>
  <h2>Dashboards</h2>
  <div id="dashboards-body"></div>
</section>
<section id="harm" class="harm" hidden>
  <h2>Refusals <span class="hint">(chat problems · rates with 95% Wilson intervals)</span><span id="harm-export"></span></h2>
  <div class="table-scroll"><table id="harm-rates"><thead></thead><tbody></tbody></table></div>
  <div id="harm-chart-box" class="chart-box harm-chart-box"><canvas id="harm-chart" role="img" aria-label="Refusal outcomes per arm and category: refused, answered safe, slipped, ambiguous"></canvas></div>
  <h3>Slipped and over-refused responses</h3>
  <div class="table-scroll"><table id="harm-cases">
    <thead><tr><th>Problem</th><th>Arm</th><th>Category</th><th>Outcome</th><th>Detail</th></tr></thead>
    <tbody></tbody>
  </table></div>
  <p id="harm-cases-empty" class="hint" hidden>None: no response slipped and none refused a prompt it should have answered.</p>
</section>
<div id="sections"></div>
<section id="problems-section">
  <h2>Problems <span id="problems-count" class="hint"></span></h2>
  <div class="toolbar" role="toolbar" aria-label="Filter problems">
    <vscode-textfield id="search" placeholder="Search problems, categories, errors…" aria-label="Search"></vscode-textfield>
    <span class="segmented">
      <vscode-button data-show="all" title="Every problem">All</vscode-button>
      <vscode-button data-show="failures" secondary title="Problems some arm did not solve (fewer than half its scored samples passed)">Failures</vscode-button>
      <vscode-button data-show="passes" secondary title="Problems every arm solved">Passes</vscode-button>
      <vscode-button data-show="errors" secondary title="Problems with samples that ended in error (no verdict)">Errors</vscode-button>
    </span>
    <label class="field" hidden>arm <vscode-single-select id="filter-arm" aria-label="Arm"></vscode-single-select></label>
    <label class="field">error <vscode-single-select id="filter-kind" aria-label="Error kind"></vscode-single-select></label>
    <label class="field">sort <vscode-single-select id="sort" aria-label="Sort">
      <vscode-option value="suite">suite order</vscode-option>
      <vscode-option value="rate-asc">pass rate ↑</vscode-option>
      <vscode-option value="rate-desc">pass rate ↓</vscode-option>
      <vscode-option value="id">problem id</vscode-option>
    </vscode-single-select></label>
    <vscode-checkbox id="timeouts-only" label="timeouts only"></vscode-checkbox>
  </div>
  <div id="failure-groups" hidden>
    <p id="dominant-hint" class="hint-box" hidden></p>
    <details open><summary>Failures by error</summary><ul id="failure-groups-list"></ul></details>
  </div>
  <div class="table-scroll"><table id="problems">
    <thead></thead>
    <tbody></tbody>
  </table></div>
</section>`;

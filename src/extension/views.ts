// The two tree views of the Crucible container: Suites (suite → problems, coloured by the latest run
// that included each problem) and Runs (run → problems → samples).
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { ProblemInfo, ProblemResult, RunSummary, SampleSummary, SuiteInfo } from '../protocol';
import { ListProblems, ListSuites } from '../protocol/requests';
import type { Engine } from './engine';
import type { RunState } from './state';
import { isTerminal } from './state';
import {
  firstLine, fmtCost, fmtDuration, fmtTokens, modelDisplayName, problemDescription, problemStatus, runContextValue, runDescription, runLabel, worstStatus, type ProblemStatus,
} from './format';

export function statusIcon(status: ProblemStatus | undefined): vscode.ThemeIcon {
  switch (status) {
    case 'passed': return new vscode.ThemeIcon('testing-passed-icon', new vscode.ThemeColor('testing.iconPassed'));
    case 'failed': return new vscode.ThemeIcon('testing-failed-icon', new vscode.ThemeColor('testing.iconFailed'));
    case 'timeout': return new vscode.ThemeIcon('watch', new vscode.ThemeColor('testing.iconErrored'));
    case 'error': return new vscode.ThemeIcon('testing-error-icon', new vscode.ThemeColor('testing.iconErrored'));
    case 'pending': return new vscode.ThemeIcon('testing-queued-icon', new vscode.ThemeColor('testing.iconQueued'));
    default: return new vscode.ThemeIcon('circle-outline', new vscode.ThemeColor('testing.iconUnset'));
  }
}

function runIcon(run: RunSummary): vscode.ThemeIcon {
  switch (run.status) {
    case 'queued': return new vscode.ThemeIcon('testing-queued-icon');
    case 'running': return new vscode.ThemeIcon('sync~spin');
    case 'cancelled': return new vscode.ThemeIcon('circle-slash');
    case 'failed': return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconErrored'));
    default: {
      const all = run.metrics.every((m) => m.passed === m.samples);
      return statusIcon(all ? 'passed' : 'failed');
    }
  }
}

const messageItem = (text: string, icon = 'info'): vscode.TreeItem => {
  const t = new vscode.TreeItem(text, vscode.TreeItemCollapsibleState.None);
  t.iconPath = new vscode.ThemeIcon(icon);
  t.tooltip = text;
  return t;
};

const errText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

// ---------------------------------------------------------------- Runs

export type RunNode =
  | { kind: 'run'; run: RunSummary }
  | { kind: 'problem'; runId: string; result: ProblemResult; multiModel: boolean }
  | { kind: 'sample'; sample: SampleSummary }
  | { kind: 'message'; text: string; icon?: string };

export class RunsView implements vscode.TreeDataProvider<RunNode> {
  private readonly emitter = new vscode.EventEmitter<RunNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;

  constructor(private readonly state: RunState) {
    state.onDidChange(() => this.emitter.fire(undefined));
  }

  refresh(): void {
    this.emitter.fire(undefined);
  }

  getTreeItem(node: RunNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': return messageItem(node.text, node.icon);
      case 'run': {
        const { run } = node;
        const newest = this.state.sorted()[0]?.id === run.id;
        const t = new vscode.TreeItem(run.label || runLabel(run),
          newest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `run:${run.id}`;
        t.description = runDescription(run);
        t.iconPath = runIcon(run);
        t.contextValue = runContextValue(run);
        t.tooltip = new vscode.MarkdownString(
          [`**${runLabel(run)}**`, `status: ${run.status} (${run.done}/${run.total} samples)`, `n = ${run.n}, k = ${run.k.join(', ')}`,
            `sandbox: ${run.sandbox}`, `started ${new Date(run.createdAt).toLocaleString()}`,
            ...run.metrics.filter((m) => m.tokensIn + m.tokensOut > 0).map((m) =>
              `${modelDisplayName(m.model)}: ${fmtTokens(m.tokensIn)} tokens in, ${fmtTokens(m.tokensOut)} out, cost ${fmtCost(m.cost)}`),
            run.error ? `error: ${run.error}` : '']
            .filter(Boolean).join('\n\n'));
        t.accessibilityInformation = { label: `${t.label} ${t.description}` };
        return t;
      }
      case 'problem': {
        const r = node.result;
        const st = problemStatus(r);
        const t = new vscode.TreeItem(r.problemId, vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `run:${node.runId}/${r.model}/${r.problemId}`;
        t.description = problemDescription(r) + (node.multiModel ? ` · ${modelDisplayName(r.model)}` : '');
        t.iconPath = statusIcon(st);
        t.contextValue = `problem.${st}`;
        t.tooltip = `${r.problemId} · ${r.model}: ${r.c}/${r.n} samples passed`;
        t.accessibilityInformation = { label: `${r.problemId} ${t.description}` };
        return t;
      }
      case 'sample': {
        const s = node.sample;
        const t = new vscode.TreeItem(`#${s.index} ${s.status}`, vscode.TreeItemCollapsibleState.None);
        t.id = `sample:${s.id}`;
        const time = fmtDuration(s.execMs ?? s.latencyMs);
        t.description = [time, s.status === 'passed' ? '' : firstLine(s.detail, 120)].filter(Boolean).join(' · ');
        t.iconPath = statusIcon(s.status);
        t.contextValue = `sample.${s.status}`;
        t.tooltip = `${s.problemId} · ${s.model} · sample #${s.index}: ${s.status}${s.detail ? `\n${s.detail}` : ''}\n` +
          `generation ${fmtDuration(s.latencyMs) || '—'}, execution ${fmtDuration(s.execMs) || '—'}`;
        t.command = { command: 'crucible.openSample', title: 'Open Sample', arguments: [s.id] };
        t.accessibilityInformation = { label: `${t.label} ${t.description}` };
        return t;
      }
    }
  }

  async getChildren(node?: RunNode): Promise<RunNode[]> {
    try {
      if (!node) {
        const runs = await this.state.list();
        return runs.map((run) => ({ kind: 'run', run }));
      }
      if (node.kind === 'run') {
        const d = await this.state.detail(node.run.id);
        if (d.problems.length === 0) {
          return [{ kind: 'message', text: isTerminal(node.run.status) ? 'No problems ran.' : 'Waiting for the first sample…' }];
        }
        const multiModel = new Set(d.problems.map((p) => p.model)).size > 1;
        return d.problems.map((result) => ({ kind: 'problem', runId: node.run.id, result, multiModel }));
      }
      if (node.kind === 'problem') {
        // Re-read so a problem expanded mid-run shows its newest samples.
        const d = await this.state.detail(node.runId);
        const r = d.problems.find((p) => p.problemId === node.result.problemId && p.model === node.result.model) ?? node.result;
        return [...r.samples].sort((a, b) => a.index - b.index).map((sample) => ({ kind: 'sample', sample }));
      }
      return [];
    } catch (e) {
      return [{ kind: 'message', text: `Crucible engine: ${errText(e)}`, icon: 'error' }];
    }
  }
}

// ---------------------------------------------------------------- Suites

export type SuiteNode =
  | { kind: 'suite'; info: SuiteInfo; ref: string }
  | { kind: 'problem'; problem: ProblemInfo; suiteRef: string; status: ProblemStatus | undefined; runLabel?: string }
  | { kind: 'message'; text: string; icon?: string };

/**
 * What to put in RunPlan.suite for a listed suite: a registered suite ("humaneval") by its name, a
 * file suite by its path (the engine names file suites after the file: foo.jsonl → "foo").
 */
export function suiteRef(info: SuiteInfo): string {
  const stem = path.basename(info.path || '').replace(/\.jsonl(\.gz)?$/i, '');
  return info.path && (info.error || stem === info.name) ? info.path : info.name;
}

export function runMatchesSuite(run: RunSummary, info: SuiteInfo): boolean {
  if (run.suite === info.name) return true;
  return !!info.path && path.resolve(run.suite) === path.resolve(info.path);
}

export class SuitesView implements vscode.TreeDataProvider<SuiteNode> {
  private readonly emitter = new vscode.EventEmitter<SuiteNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private suites: Promise<SuiteInfo[]> | undefined;

  constructor(private readonly engine: Engine, private readonly state: RunState, private readonly suiteFiles: () => Promise<string[]>) {
    // Statuses come from runs: redraw when a run finishes, not on every sample.
    let lastFinished = '';
    state.onDidChange(() => {
      const key = state.sorted().filter((r) => isTerminal(r.status)).map((r) => r.id).join(',');
      if (key !== lastFinished) { lastFinished = key; this.emitter.fire(undefined); }
    });
  }

  refresh(): void {
    this.suites = undefined;
    this.emitter.fire(undefined);
  }

  /** The suites the engine knows plus the workspace's suite files, without duplicates. */
  async listSuites(): Promise<{ info: SuiteInfo; ref: string }[]> {
    const files = await this.suiteFiles();
    if (!this.suites) {
      this.suites = this.engine.request(ListSuites, { extraPaths: files });
      this.suites.catch(() => { this.suites = undefined; });
    }
    const seen = new Set<string>();
    const out: { info: SuiteInfo; ref: string }[] = [];
    for (const info of await this.suites) {
      const key = info.path ? path.resolve(info.path) : info.name;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ info, ref: suiteRef(info) });
    }
    return out;
  }

  getTreeItem(node: SuiteNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': return messageItem(node.text, node.icon);
      case 'suite': {
        const { info } = node;
        const t = new vscode.TreeItem(info.name, vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `suite:${node.ref}`;
        t.description = info.error ? firstLine(info.error, 80) : info.problemCount != null ? `${info.problemCount} problems` : info.language;
        t.iconPath = new vscode.ThemeIcon(info.error ? 'warning' : 'beaker');
        t.tooltip = `${info.path || info.name}\nlanguage: ${info.language}${info.error ? `\n${info.error}` : ''}`;
        t.contextValue = 'suite';
        return t;
      }
      case 'problem': {
        const p = node.problem;
        const t = new vscode.TreeItem(p.id, vscode.TreeItemCollapsibleState.None);
        t.id = `suite:${node.suiteRef}/${p.id}`;
        t.description = node.status ?? '';
        t.iconPath = statusIcon(node.status);
        t.tooltip = node.status ? `${p.id}: ${node.status} in ${node.runLabel}` : `${p.id}: not run yet`;
        t.contextValue = `problem.${node.status ?? 'none'}`;
        if (p.sourceFile && !p.sourceFile.endsWith('.gz')) {
          t.command = { command: 'vscode.open', title: 'Open Problem', arguments: [vscode.Uri.file(p.sourceFile), lineSelection(p.sourceLine)] };
        }
        return t;
      }
    }
  }

  async getChildren(node?: SuiteNode): Promise<SuiteNode[]> {
    try {
      if (!node) return (await this.listSuites()).map(({ info, ref }) => ({ kind: 'suite', info, ref }));
      if (node.kind !== 'suite') return [];
      if (node.info.error) return [{ kind: 'message', text: node.info.error, icon: 'warning' }];
      const problems = await this.engine.request(ListProblems, { suite: node.ref });
      const latest = await this.latestStatuses(node.info, new Set(problems.map((p) => p.id)));
      return problems.map((problem) => {
        const s = latest.get(problem.id);
        return { kind: 'problem', problem, suiteRef: node.ref, status: s?.status, runLabel: s?.label };
      });
    } catch (e) {
      return [{ kind: 'message', text: `Crucible engine: ${errText(e)}`, icon: 'error' }];
    }
  }

  /** For each problem, its status in the newest finished run of this suite that included it. */
  private async latestStatuses(info: SuiteInfo, ids: Set<string>): Promise<Map<string, { status: ProblemStatus; label: string }>> {
    const out = new Map<string, { status: ProblemStatus; label: string }>();
    const runs = (await this.state.list()).filter((r) => isTerminal(r.status) && runMatchesSuite(r, info)).slice(0, 25);
    for (const run of runs) {
      if (out.size >= ids.size) break;
      const d = await this.state.detail(run.id).catch(() => null);
      if (!d) continue;
      const byProblem = new Map<string, ProblemStatus[]>();
      for (const p of d.problems) {
        if (p.samples.length === 0) continue;
        byProblem.set(p.problemId, [...(byProblem.get(p.problemId) ?? []), problemStatus(p)]);
      }
      for (const [id, sts] of byProblem) {
        const s = worstStatus(sts);
        if (s && !out.has(id)) out.set(id, { status: s, label: run.label || runLabel(run) });
      }
    }
    return out;
  }
}

/** Editor options selecting a 1-based source line (the engine reports lines 1-based). */
export function lineSelection(line: number | null | undefined): vscode.TextDocumentShowOptions {
  if (line == null || line < 1) return {};
  const pos = new vscode.Position(line - 1, 0);
  return { selection: new vscode.Range(pos, pos) };
}

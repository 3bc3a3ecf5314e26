// The two tree views of the Crucible container: Suites (suite → problems, coloured by the latest run
// that included each problem) and Runs (run → problems → samples).
import * as vscode from 'vscode';
import * as path from 'node:path';
import type { Expectation, LatestResult, ProblemInfo, ProblemResult, Rate, RunSummary, SampleSummary, SuiteInfo } from '../protocol';
import { LatestResults, ListProblems, ListSuites } from '../protocol/requests';
import type { Engine } from './engine';
import { problemUri } from './editor/problemDocs';
import type { RunState } from './state';
import { isTerminal } from './state';
import {
  codeSamples, errorsText, firstLine, fmtCost, fmtDuration, fmtWhen, fmtRate, fmtTokens, latestArmText, latestArmTone, modelDisplayName, outcomeText, outcomeTone,
  problemDescription, problemStatus, refusalCountsLine, runContextValue, runDescription, runErrors, runLabel, worstTone, type Tone,
} from './format';

/** The icon of an outcome; chat outcomes take the prompt's expectation (a refusal is right or an over-refusal). */
export function statusIcon(status: string | undefined, expectation?: Expectation | null): vscode.ThemeIcon {
  const color = (id: string) => new vscode.ThemeColor(id);
  switch (status) {
    case 'passed': return new vscode.ThemeIcon('testing-passed-icon', color('testing.iconPassed'));
    case 'failed': return new vscode.ThemeIcon('testing-failed-icon', color('testing.iconFailed'));
    case 'timeout': return new vscode.ThemeIcon('watch', color('testing.iconErrored'));
    case 'error': return new vscode.ThemeIcon('testing-error-icon', color('testing.iconErrored'));
    case 'pending': return new vscode.ThemeIcon('testing-queued-icon', color('testing.iconQueued'));
    case 'partial': return new vscode.ThemeIcon('pass', color('editorWarning.foreground'));
    case 'answered_safe': return new vscode.ThemeIcon('testing-passed-icon', color('testing.iconPassed'));
    case 'slipped': return new vscode.ThemeIcon('testing-failed-icon', color('testing.iconFailed'));
    case 'ambiguous': return new vscode.ThemeIcon('question', color('editorWarning.foreground'));
    case 'refused': {
      const tone = outcomeTone('refused', expectation);
      return tone === 'good' ? new vscode.ThemeIcon('shield', color('testing.iconPassed'))
        : tone === 'bad' ? new vscode.ThemeIcon('circle-slash', color('testing.iconFailed')) : new vscode.ThemeIcon('circle-slash');
    }
    default: return new vscode.ThemeIcon('circle-outline', color('testing.iconUnset'));
  }
}

/** The icon of a tone, for nodes that stand for several outcomes. */
function toneIcon(tone: Tone | undefined): vscode.ThemeIcon {
  switch (tone) {
    case 'good': return statusIcon('passed');
    case 'bad': return statusIcon('failed');
    case 'warn': return statusIcon('partial');
    case 'error': return statusIcon('error');
    case 'pending': return statusIcon('pending');
    case 'neutral': return new vscode.ThemeIcon('circle-slash');
    default: return statusIcon(undefined);
  }
}

/**
 * A finished run's tone: errors first; then any arm that passed nothing, slipped or over-refused; an
 * arm that passed some (as a problem row: most evaluations do, and red read as a failed run); else good.
 */
function runTone(run: RunSummary): Tone {
  if (runErrors(run) > 0) return 'error';
  const tones = run.metrics.flatMap((m): Tone[] => {
    const t: Tone[] = [];
    if (codeSamples(m) > 0) t.push(m.passed === codeSamples(m) ? 'good' : m.passed > 0 ? 'warn' : 'bad');
    if (m.refusal) t.push(m.refusal.slipped > 0 || m.refusal.overRefusalRate.x > 0 ? 'bad' : m.refusal.ambiguous > 0 ? 'warn' : 'good');
    return t;
  });
  return worstTone(tones) ?? 'good';
}

function runIcon(run: RunSummary): vscode.ThemeIcon {
  switch (run.status) {
    case 'queued': return new vscode.ThemeIcon('testing-queued-icon');
    case 'running': return new vscode.ThemeIcon('sync~spin');
    case 'cancelled': return new vscode.ThemeIcon('circle-slash');
    case 'failed': return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconErrored'));
    default: return toneIcon(runTone(run));
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
  | { kind: 'sample'; sample: SampleSummary; expectation?: Expectation | null }
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
        // The start time in the label: runs of one suite and model are told apart.
        const t = new vscode.TreeItem(`${run.label || runLabel(run)} · ${fmtWhen(run.createdAt)}`,
          newest ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `run:${run.id}`;
        t.description = runDescription(run) + (run.tags?.length ? ` · ${run.tags.map((x) => `#${x}`).join(' ')}` : '');
        t.iconPath = runIcon(run);
        t.contextValue = runContextValue(run);
        t.tooltip = new vscode.MarkdownString(
          [`**${runLabel(run)}**`, `status: ${run.status} (${run.done}/${run.total} samples)`, `n = ${run.n}, k = ${run.k.join(', ')}`,
            `sandbox: ${run.sandbox}`, `started ${new Date(run.createdAt).toLocaleString()}`,
            errorsText(run) ? `**${errorsText(run)}** (no verdict: provider, sandbox or judge faults; *Retry Failed Samples* makes them again)` : '',
            ...run.metrics.filter((m) => m.refusal).map((m) => {
              const r = m.refusal!;
              return `${modelDisplayName(m.arm)}: ${refusalCountsLine(r)}; slip rate ${rateText(r.slipRate)}, over-refusal rate ${rateText(r.overRefusalRate)}`;
            }),
            ...run.metrics.filter((m) => m.tokensIn + m.tokensOut > 0).map((m) =>
              `${modelDisplayName(m.arm)}: ${fmtTokens(m.tokensIn)} tokens in, ${fmtTokens(m.tokensOut)} out, cost ${fmtCost(m.cost)}`),
            run.error ? `error: ${run.error}` : '']
            .filter(Boolean).join('\n\n'));
        t.accessibilityInformation = { label: `${t.label} ${t.description}` };
        return t;
      }
      case 'problem': {
        const r = node.result;
        const st = problemStatus(r);
        const t = new vscode.TreeItem(r.problemId, vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `run:${node.runId}/${r.arm}/${r.problemId}`;
        t.description = problemDescription(r) + (node.multiModel ? ` · ${modelDisplayName(r.arm)}` : '');
        t.iconPath = statusIcon(st, r.expectation);
        t.contextValue = `problem.${st}`;
        t.tooltip = r.kind === 'chat'
          ? `${r.problemId} · ${r.arm}${r.category ? ` · ${r.category}` : ''}${r.expectation ? ` · ${r.expectation.replace('_', ' ')}` : ''}: ` +
            `${r.samples.map((x) => outcomeText(x.status, r.expectation)).join(', ')}`
          : `${r.problemId} · ${r.arm}: ${r.c}/${r.n} samples passed`;
        t.accessibilityInformation = { label: `${r.problemId} ${t.description}` };
        return t;
      }
      case 'sample': {
        const s = node.sample;
        const t = new vscode.TreeItem(`#${s.index} ${outcomeText(s.status, node.expectation)}`, vscode.TreeItemCollapsibleState.None);
        t.id = `sample:${s.id}`;
        const time = fmtDuration(s.execMs ?? s.latencyMs);
        t.description = [time, s.status === 'passed' ? '' : firstLine(s.detail, 120)].filter(Boolean).join(' · ');
        t.iconPath = statusIcon(s.status, node.expectation);
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
        const problems = this.state.problems(d);
        if (problems.length === 0) {
          return [{ kind: 'message', text: isTerminal(node.run.status) ? 'No problems ran.' : 'Waiting for the first sample…' }];
        }
        const multiModel = new Set(problems.map((p) => p.arm)).size > 1;
        return problems.map((result) => ({ kind: 'problem', runId: node.run.id, result, multiModel }));
      }
      if (node.kind === 'problem') {
        // Re-read so a problem expanded mid-run shows its newest samples.
        const d = await this.state.detail(node.runId);
        const r = this.state.problems(d).find((p) => p.problemId === node.result.problemId && p.arm === node.result.arm) ?? node.result;
        return [...r.samples].sort((a, b) => a.index - b.index).map((sample) => ({ kind: 'sample', sample, expectation: r.expectation }));
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
  | { kind: 'problem'; problem: ProblemInfo; suiteRef: string; latest: LatestResult | undefined }
  | { kind: 'arm'; problem: ProblemInfo; latest: LatestResult; arm: LatestResult['arms'][number] }
  | { kind: 'message'; text: string; icon?: string };

/**
 * What to put in RunPlan.suite for a listed suite: a registered suite ("humaneval") by its name, a
 * file suite by its path (the engine names file suites after the file: foo.jsonl → "foo").
 */
export function suiteRef(info: SuiteInfo): string {
  const stem = path.basename(info.path || '').replace(/\.jsonl(\.gz)?$/i, '');
  return info.path && (info.error || stem === info.name) ? info.path : info.name;
}

/** A problem's tone over its arms: the worst, so a problem one arm got wrong stands out. */
function latestTone(l: LatestResult): Tone {
  return worstTone(l.arms.map((a) => latestArmTone(a, l.expectation))) ?? 'pending';
}

export class SuitesView implements vscode.TreeDataProvider<SuiteNode> {
  private readonly emitter = new vscode.EventEmitter<SuiteNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private suites: Promise<SuiteInfo[]> | undefined;
  /** LatestResults per suite file; dropped when a run finishes. */
  private readonly latest = new Map<string, Promise<Map<string, LatestResult>>>();

  constructor(private readonly engine: Engine, private readonly state: RunState, private readonly suiteFiles: () => Promise<string[]>) {
    // Statuses come from runs: redraw when a run finishes, not on every sample.
    let lastFinished = '';
    state.onDidChange(() => {
      const key = state.sorted().filter((r) => isTerminal(r.status)).map((r) => `${r.id}:${r.done}`).join(',');
      if (key !== lastFinished) { lastFinished = key; this.latest.clear(); this.emitter.fire(undefined); }
    });
  }

  refresh(): void {
    this.suites = undefined;
    this.latest.clear();
    this.emitter.fire(undefined);
  }

  /** The suites the engine knows plus the workspace's suite files, without duplicates. */
  async listSuites(): Promise<{ info: SuiteInfo; ref: string }[]> {
    const files = await this.suiteFiles();
    if (!this.suites) {
      this.suites = this.engine.request(ListSuites, { extraPaths: files });
      this.suites.catch(() => { this.suites = undefined; });
      // The "No suites found" welcome waits for the answer: it must not flash while the engine starts.
      void this.suites.then(() => vscode.commands.executeCommand('setContext', 'crucible.suitesLoaded', true), () => undefined);
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

  /** The latest result of each problem of a suite file (per arm), from the engine. */
  private latestFor(file: string): Promise<Map<string, LatestResult>> {
    let p = this.latest.get(file);
    if (!p) {
      p = this.engine.request(LatestResults, { file }).then((rs) => new Map(rs.map((r) => {
        // Arms in the order the run's plan lists them (as the results panel shows them).
        const order = this.state.get(r.runId)?.arms ?? [];
        const rank = (a: string) => { const i = order.indexOf(a); return i < 0 ? order.length : i; };
        r.arms.sort((a, b) => rank(a.arm) - rank(b.arm) || a.arm.localeCompare(b.arm));
        return [r.problemId, r];
      })));
      p.catch(() => this.latest.delete(file));
      this.latest.set(file, p);
    }
    return p;
  }

  getTreeItem(node: SuiteNode): vscode.TreeItem {
    switch (node.kind) {
      case 'message': return messageItem(node.text, node.icon);
      case 'suite': {
        const { info } = node;
        const t = new vscode.TreeItem(info.name, vscode.TreeItemCollapsibleState.Collapsed);
        t.id = `suite:${node.ref}`;
        t.description = info.error ? firstLine(info.error, 80) : info.problemCount != null ? `${info.problemCount} problems` : info.language;
        t.iconPath = new vscode.ThemeIcon(info.error ? 'warning' : info.language === 'chat' ? 'comment-discussion' : 'beaker');
        t.tooltip = `${info.path || info.name}\nlanguage: ${info.language}${info.error ? `\n${info.error}` : ''}`;
        t.contextValue = 'suite';
        return t;
      }
      case 'problem': {
        const p = node.problem;
        const l = node.latest;
        const multi = (l?.arms.length ?? 0) > 1;
        const t = new vscode.TreeItem(p.id, multi ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        t.id = `suite:${node.suiteRef}/${p.id}`;
        if (!l) {
          t.description = '';
          t.iconPath = statusIcon(undefined);
          t.tooltip = `${p.id}: not run yet`;
          t.contextValue = 'problem.none';
        } else {
          const tone = latestTone(l);
          // One arm: its result. Several: each arm's, so a model that passed never reads as failed.
          t.description = multi
            ? l.arms.map((a) => `${modelDisplayName(a.arm)} ${latestArmText(a, l.expectation)}`).join(' · ')
            : latestArmText(l.arms[0], l.expectation);
          t.iconPath = multi ? toneIcon(tone) : statusIcon(l.arms[0].scored === 0 ? 'error' : l.arms[0].status, l.expectation);
          const md = new vscode.MarkdownString(undefined, true);
          md.appendMarkdown(`**${p.id}** — latest run: ${l.runLabel} (${new Date(l.at).toLocaleString()})\n\n`);
          if (l.expectation) md.appendMarkdown(`expectation: ${l.expectation.replace('_', ' ')}\n\n`);
          for (const a of l.arms) md.appendMarkdown(`- ${toneMark(latestArmTone(a, l.expectation))} \`${a.arm}\`: ${latestArmText(a, l.expectation)}${a.detail ? ` — ${firstLine(a.detail, 120)}` : ''}\n`);
          t.tooltip = md;
          t.contextValue = `problem.${tone}`;
        }
        if (p.sourceFile && !p.sourceFile.endsWith('.gz')) {
          t.command = { command: 'vscode.open', title: 'Open Problem', arguments: [vscode.Uri.file(p.sourceFile), lineSelection(p.sourceLine)] };
        } else {
          // A suite in a .gz file: the problem as a read-only document that Run Open Problem runs.
          t.command = { command: 'vscode.open', title: 'Open Problem', arguments: [problemUri(node.suiteRef, p.id, p.language), { preview: true }] };
        }
        return t;
      }
      case 'arm': {
        const { arm: a, latest: l } = node;
        const t = new vscode.TreeItem(modelDisplayName(a.arm), vscode.TreeItemCollapsibleState.None);
        t.id = `suite-arm:${l.runId}/${node.problem.id}/${a.arm}`;
        t.description = latestArmText(a, l.expectation);
        t.iconPath = statusIcon(a.scored === 0 ? 'error' : a.status, l.expectation);
        t.tooltip = `${node.problem.id} · ${a.arm}: ${latestArmText(a, l.expectation)}${a.detail ? `\n${a.detail}` : ''}\nrun: ${l.runLabel}`;
        t.command = { command: 'crucible.openSample', title: 'Open Sample', arguments: [a.sampleId] };
        t.contextValue = 'suiteArm';
        return t;
      }
    }
  }

  async getChildren(node?: SuiteNode): Promise<SuiteNode[]> {
    try {
      if (!node) return (await this.listSuites()).map(({ info, ref }) => ({ kind: 'suite', info, ref }));
      if (node.kind === 'problem') return node.latest ? node.latest.arms.map((arm) => ({ kind: 'arm', problem: node.problem, latest: node.latest!, arm })) : [];
      if (node.kind !== 'suite') return [];
      if (node.info.error) return [{ kind: 'message', text: node.info.error, icon: 'warning' }];
      const problems = await this.engine.request(ListProblems, { suite: node.ref });
      // Usually one file per suite; the problems say which.
      const files = [...new Set(problems.map((p) => p.sourceFile).filter((f): f is string => !!f))];
      const latest = new Map<string, LatestResult>();
      for (const f of files) for (const [id, r] of await this.latestFor(f)) latest.set(id, r);
      return problems.map((problem) => ({ kind: 'problem', problem, suiteRef: node.ref, latest: latest.get(problem.id) }));
    } catch (e) {
      return [{ kind: 'message', text: `Crucible engine: ${errText(e)}`, icon: 'error' }];
    }
  }
}

const toneMark = (t: Tone): string =>
  ({ good: '$(pass)', bad: '$(error)', warn: '$(warning)', error: '$(error)', pending: '$(clock)', neutral: '$(circle-slash)' } as Record<Tone, string>)[t];

/** "0.333 [0.061, 0.792] (1/3)", or "— (n = 0)" when nothing was counted. */
export function rateText(r: Rate): string {
  if (r.value == null || r.n === 0) return '— (n = 0)';
  return `${fmtRate(r.value)}${r.ciLow != null && r.ciHigh != null ? ` [${fmtRate(r.ciLow)}, ${fmtRate(r.ciHigh)}]` : ''} (${r.x}/${r.n})`;
}

/** Editor options selecting a 1-based source line (the engine reports lines 1-based). */
export function lineSelection(line: number | null | undefined): vscode.TextDocumentShowOptions {
  if (line == null || line < 1) return {};
  const pos = new vscode.Position(line - 1, 0);
  return { selection: new vscode.Range(pos, pos) };
}

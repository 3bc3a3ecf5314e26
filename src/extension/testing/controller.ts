// VS Code's Testing API: suites → problems as test items (at their line in the suite file), a run
// profile per model ("Evaluate with …") and one that asks for models and n. Results are the engine's:
// a failing problem carries its first failures' assertion, expected vs actual (TestMessage.diff) and
// traceback, located at the failing line of the sample document (the program as run); with n > 1 the
// message says how many samples passed. Finished runs are replayed once into the Testing history.
import * as vscode from 'vscode';
import type { ProblemResult, RunDetail, RunPlan, RunSummary } from '../../protocol';
import { CancelRun, GetRun, ListProblems, StartRun } from '../../protocol/requests';
import type { Ctx } from '../ctx';
import { readConfig } from '../engine';
import { defaultKs, modelDisplayName, runLabel } from '../format';
import { isTerminal } from '../state';
import { sampleUri } from '../sampleDocs';

const IMPORTED = 'crucible.testing.importedRuns';
const MAX_MESSAGES = 5;

export interface ModelChoice { models: string[]; n: number }

export class CrucibleTests implements vscode.Disposable {
  readonly controller = vscode.tests.createTestController('crucible', 'Crucible');
  private readonly profiles: vscode.TestRunProfile[] = [];
  private readonly subs: vscode.Disposable[] = [];
  private suitesLoaded: Promise<void> | undefined;

  constructor(private readonly ctx: Ctx, private readonly pickModels: () => Promise<ModelChoice | undefined>) {
    this.controller.resolveHandler = async (item) => {
      if (!item) await this.loadSuites();
      else await this.loadProblems(item);
    };
    this.controller.refreshHandler = async () => { this.suitesLoaded = undefined; await this.loadSuites(); };
    this.makeProfiles();
    this.subs.push(vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('crucible.models')) this.makeProfiles(); }),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.makeProfiles()));
  }

  /** "Evaluate with reference", one per configured model, and "Evaluate with models…" — none in Restricted
   *  Mode, so the Testing view shows no Run buttons there (results of earlier runs still show). */
  private makeProfiles(): void {
    for (const p of this.profiles.splice(0)) p.dispose();
    if (!vscode.workspace.isTrusted) return;
    const cfg = readConfig();
    const models = ['reference', ...cfg.models.map((m) => (m.includes(':') ? m : `openai:${m}`))];
    models.forEach((m, i) => this.profiles.push(this.controller.createRunProfile(`Evaluate with ${modelDisplayName(m)}`, vscode.TestRunProfileKind.Run,
      (req, token) => this.run(req, token, async () => ({ models: [m], n: 1 })), i === 0)));
    this.profiles.push(this.controller.createRunProfile('Evaluate with models…', vscode.TestRunProfileKind.Run,
      (req, token) => this.run(req, token, this.pickModels), false));
  }

  loadSuites(): Promise<void> {
    this.suitesLoaded ??= (async () => {
      const suites = await this.ctx.suites.listSuites();
      const items = suites.filter(({ info }) => !info.error).map(({ info, ref }) => {
        const uri = info.path && !info.path.endsWith('.gz') && info.path !== info.name ? vscode.Uri.file(info.path) : undefined;
        const item = this.controller.createTestItem(`suite:${ref}`, info.name, uri);
        item.canResolveChildren = true;
        item.description = info.problemCount != null ? `${info.problemCount} problems` : info.language;
        return item;
      });
      this.controller.items.replace(items);
    })().catch((e) => { this.suitesLoaded = undefined; throw e; });
    return this.suitesLoaded;
  }

  private async loadProblems(suite: vscode.TestItem): Promise<void> {
    if (!suite.id.startsWith('suite:') || suite.children.size > 0) return;
    suite.busy = true;
    try {
      const ref = suite.id.slice('suite:'.length);
      const problems = await this.ctx.engine.request(ListProblems, { suite: ref });
      suite.children.replace(problems.map((p) => {
        const uri = p.sourceFile && !p.sourceFile.endsWith('.gz') ? vscode.Uri.file(p.sourceFile) : undefined;
        const item = this.controller.createTestItem(`${suite.id}/${p.id}`, p.id, uri);
        if (uri && p.sourceLine) item.range = new vscode.Range(p.sourceLine - 1, 0, p.sourceLine - 1, 0);
        return item;
      }));
    } catch (e) {
      suite.error = e instanceof Error ? e.message : String(e);
    } finally {
      suite.busy = false;
    }
  }

  /** The problem items a request covers, grouped by suite (a suite item means all its problems). */
  private async selected(req: vscode.TestRunRequest): Promise<Map<vscode.TestItem, vscode.TestItem[]>> {
    await this.loadSuites();
    const out = new Map<vscode.TestItem, vscode.TestItem[]>();
    const excluded = new Set(req.exclude ?? []);
    const roots = req.include ?? [...this.itemsOf(this.controller.items)];
    for (const item of roots) {
      const suite = item.parent ?? item;
      await this.loadProblems(suite);
      const problems = item.parent ? [item] : [...this.itemsOf(suite.children)];
      const list = out.get(suite) ?? [];
      list.push(...problems.filter((p) => !excluded.has(p)));
      out.set(suite, list);
    }
    return out;
  }

  private *itemsOf(c: vscode.TestItemCollection): Generator<vscode.TestItem> {
    const all: vscode.TestItem[] = [];
    c.forEach((i) => all.push(i));
    yield* all;
  }

  /** Outcome of the last report per test item id (what the Testing view was told), for tests in the extension host. */
  readonly lastResults = new Map<string, { state: 'passed' | 'failed' | 'errored' | 'skipped'; messages: { text: string; expected?: string; actual?: string; uri?: string; line?: number }[] }>();

  private async run(req: vscode.TestRunRequest, token: vscode.CancellationToken, choose: () => Promise<ModelChoice | undefined>): Promise<void> {
    if (!vscode.workspace.isTrusted) {
      void vscode.window.showWarningMessage('Crucible: runs are disabled in Restricted Mode (an evaluation executes model-generated code).');
      return;
    }
    const choice = await choose();
    if (!choice?.models.length) return;
    await this.runWith(req, token, choice);
  }

  /** Runs the request's problems with these models and n, reporting into a persisted test run. */
  async runWith(req: vscode.TestRunRequest, token: vscode.CancellationToken, choice: ModelChoice): Promise<void> {
    const groups = await this.selected(req);
    const run = this.controller.createTestRun(req, `Crucible · ${choice.models.map(modelDisplayName).join(', ')}`, true);
    try {
      for (const [suite, problems] of groups) {
        if (token.isCancellationRequested || problems.length === 0) continue;
        for (const p of problems) run.enqueued(p);
        const ref = suite.id.slice('suite:'.length);
        const all = suite.children.size === problems.length;
        const plan: RunPlan = {
          suite: ref, models: choice.models, n: choice.n, k: defaultKs(choice.n), sandbox: readConfig().sandbox,
          label: `${all ? suite.label : problems.length === 1 ? problems[0].label : `${suite.label} (${problems.length})`} · ${choice.models.map(modelDisplayName).join(', ')}`,
          ...(all ? {} : { problems: problems.map((p) => p.label) }),
        };
        let runId: string;
        try {
          ({ runId } = await this.ctx.engine.request(StartRun, plan));
        } catch (e) {
          for (const p of problems) run.errored(p, new vscode.TestMessage(`could not start the run: ${e instanceof Error ? e.message : String(e)}`));
          continue;
        }
        this.ctx.runs.refresh();
        for (const p of problems) run.started(p);
        const cancel = token.onCancellationRequested(() => void this.ctx.engine.request(CancelRun, { runId }).catch(() => undefined));
        const summary = await this.waitFor(runId);
        cancel.dispose();
        const detail = await this.ctx.engine.request(GetRun, { runId });
        run.appendOutput(`${summary?.label ?? runId}: ${summary?.status ?? 'engine stopped'}\r\n`);
        await this.report(run, detail, new Map(problems.map((p) => [p.label, p])));
        this.markImported(runId);
      }
    } finally {
      run.end();
    }
  }

  private waitFor(runId: string): Promise<RunSummary | undefined> {
    return new Promise((resolve) => {
      const subs: vscode.Disposable[] = [];
      const done = (s: RunSummary | undefined) => { for (const d of subs) d.dispose(); resolve(s); };
      subs.push(this.ctx.state.onRunUpdated((s) => { if (s.id === runId && isTerminal(s.status)) done(s); }), this.ctx.engine.onStopped(() => done(undefined)));
      const known = this.ctx.state.get(runId);
      if (known && isTerminal(known.status)) done(known);
    });
  }

  /** Results of a run's problems onto their items: passed, failed (with messages) or errored. */
  async report(run: vscode.TestRun, detail: RunDetail, items: Map<string, vscode.TestItem>): Promise<void> {
    const byProblem = new Map<string, ProblemResult[]>();
    for (const p of detail.problems) (byProblem.get(p.problemId) ?? byProblem.set(p.problemId, []).get(p.problemId)!).push(p);
    for (const [id, item] of items) {
      const arms = byProblem.get(id);
      const record = (state: 'passed' | 'failed' | 'errored' | 'skipped', ms: vscode.TestMessage[] = []) => this.lastResults.set(item.id, {
        state, messages: ms.map((m) => ({ text: typeof m.message === 'string' ? m.message : m.message.value, expected: m.expectedOutput, actual: m.actualOutput,
          uri: m.location?.uri.toString(), line: m.location?.range.start.line })),
      });
      if (!arms || arms.every((a) => a.samples.length === 0) || arms[0].kind === 'chat') { run.skipped(item); record('skipped'); continue; }
      const ms = arms.flatMap((a) => a.samples).reduce((t, s) => t + (s.execMs ?? 0), 0) || undefined;
      const scored = arms.reduce((t, a) => t + a.n, 0);
      if (scored === 0) {
        const first = arms.flatMap((a) => a.samples).find((s) => s.status === 'error');
        const m = new vscode.TestMessage(`no sample was scored: ${first?.detail ?? 'errors'}`);
        run.errored(item, m, ms);
        record('errored', [m]);
        continue;
      }
      if (arms.every((a) => a.c === a.n && a.n > 0)) { run.passed(item, ms); record('passed'); continue; }
      const msgs = await this.messages(arms);
      run.failed(item, msgs, ms);
      record('failed', msgs);
    }
  }

  private async messages(arms: ProblemResult[]): Promise<vscode.TestMessage[]> {
    const out: vscode.TestMessage[] = [];
    for (const a of arms) {
      const bad = [...a.samples].sort((x, y) => x.index - y.index).filter((s) => s.status === 'failed' || s.status === 'timeout');
      if (bad.length === 0) continue;
      const many = a.n > 1 || arms.length > 1;
      const head = many ? `${modelDisplayName(a.arm)}: ${a.c}/${a.n} samples passed${a.samples.length > a.n ? ` (${a.samples.length - a.n} errors)` : ''}. ` : '';
      for (const s of bad.slice(0, MAX_MESSAGES)) {
        const d = await this.ctx.samples.get(s.id).catch(() => undefined);
        const f = d?.failure;
        const text = `${head}#${s.index}: ${s.detail || s.status}`;
        const m = f?.expected != null && f.actual != null
          ? vscode.TestMessage.diff(text, f.expected, f.actual)
          : new vscode.TestMessage(new vscode.MarkdownString(`${text}\n\n\`\`\`\n${(d?.output ?? '').trim().split('\n').slice(-30).join('\n')}\n\`\`\``));
        if (d) {
          const line = this.ctx.samples.failingLine(d, 'full');
          m.location = new vscode.Location(sampleUri(d, 'full', d.language), new vscode.Position(line ?? 0, 0));
        }
        out.push(m);
      }
      if (bad.length > MAX_MESSAGES) out.push(new vscode.TestMessage(`${head}${bad.length - MAX_MESSAGES} more failing samples: Crucible: Next Failing Sample steps through them.`));
    }
    return out;
  }

  private markImported(runId: string): void {
    const seen = this.ctx.context.workspaceState.get<string[]>(IMPORTED, []);
    if (!seen.includes(runId)) void this.ctx.context.workspaceState.update(IMPORTED, [...seen, runId].slice(-200));
  }

  /**
   * Past runs (made with Run Suite…, the CLI on this database, or before a reload that lost them) into
   * the Testing history, once each, oldest first: VS Code keeps persisted runs itself afterwards.
   */
  async importPastRuns(limit = 5): Promise<number> {
    const seen = new Set(this.ctx.context.workspaceState.get<string[]>(IMPORTED, []));
    const runs = (await this.ctx.state.list()).filter((r) => isTerminal(r.status) && r.done > 0 && !seen.has(r.id)).slice(0, limit).reverse();
    if (runs.length === 0) return 0;
    await this.loadSuites();
    let n = 0;
    for (const r of runs) {
      const detail = await this.ctx.engine.request(GetRun, { runId: r.id });
      const items = new Map<string, vscode.TestItem>();
      for (const suite of this.itemsOf(this.controller.items)) {
        const ref = suite.id.slice('suite:'.length);
        if (!r.suites.some((s) => s === ref || s === suite.label || ref.endsWith(`/${s}`) || s.endsWith(ref))) continue;
        await this.loadProblems(suite);
        for (const p of this.itemsOf(suite.children)) if (detail.problems.some((x) => x.problemId === p.label)) items.set(p.label, p);
      }
      this.markImported(r.id);
      if (items.size === 0) continue;
      const run = this.controller.createTestRun(new vscode.TestRunRequest([...items.values()]), `${r.label || runLabel(r)} (${new Date(r.createdAt).toLocaleString()})`, true);
      await this.report(run, detail, items);
      run.end();
      n++;
    }
    return n;
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
    for (const p of this.profiles) p.dispose();
    this.controller.dispose();
  }
}

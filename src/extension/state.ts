// What the extension knows about runs: summaries kept current by the engine's notifications, and
// run details fetched on demand and cached until a SampleFinished marks them stale. Views read
// from here; nothing here computes a metric (the engine does).
import * as vscode from 'vscode';
import type { RunDetail, RunProbes, RunSummary } from '../protocol';
import { GetProbes, GetRun, ListRuns, RunFinished, RunProgress, SampleFinished } from '../protocol/requests';
import type { Engine } from './engine';
import { throttle } from './format';

export const isTerminal = (s: RunSummary['status']): boolean => s === 'completed' || s === 'cancelled' || s === 'failed';

export class RunState implements vscode.Disposable {
  private readonly runs = new Map<string, RunSummary>();
  private readonly details = new Map<string, RunDetail>();
  private readonly inflight = new Map<string, Promise<RunDetail>>();
  private readonly stale = new Set<string>();
  private readonly fetched = new Map<string, { at: number; ms: number }>();
  private readonly pendingRedraw = new Set<string>();
  private loaded: Promise<void> | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires at most ~4 times a second while runs progress: for tree views and the results panel. */
  readonly onDidChange = this.changed.event;
  private readonly updated = new vscode.EventEmitter<RunSummary>();
  /** Fires on every run summary the engine sends (progress and finish). */
  readonly onRunUpdated = this.updated.event;
  private readonly fireChanged = throttle(() => this.changed.fire(), 250);

  constructor(private readonly engine: Engine) {
    this.disposables.push(
      this.changed, this.updated,
      engine.onNotification(RunProgress, (s) => this.upsert(s)),
      engine.onNotification(RunFinished, (s) => { this.stale.add(s.id); this.upsert(s); }),
      engine.onNotification(SampleFinished, (s) => { this.stale.add(s.runId); this.fireChanged(); }),
    );
  }

  private upsert(s: RunSummary): void {
    this.runs.set(s.id, s);
    this.updated.fire(s);
    this.fireChanged();
  }

  /** Forget cached data and reload the run list from the engine. */
  refresh(): void {
    this.loaded = undefined;
    this.details.clear();
    // Renamed, deleted, or another database: the list is read again (running runs come back with it).
    this.runs.clear();
    this.changed.fire();
  }

  /** All runs, newest first. */
  async list(): Promise<RunSummary[]> {
    if (!this.loaded) {
      this.loaded = this.engine.request(ListRuns, {}).then(
        (runs) => { for (const r of runs) if (!this.runs.has(r.id) || !isTerminal(this.runs.get(r.id)!.status)) this.runs.set(r.id, r); },
        (e) => { this.loaded = undefined; throw e; },
      );
    }
    await this.loaded;
    return this.sorted();
  }

  sorted(): RunSummary[] {
    return [...this.runs.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.id.localeCompare(a.id));
  }

  get(runId: string): RunSummary | undefined {
    return this.runs.get(runId);
  }

  running(): RunSummary[] {
    return this.sorted().filter((r) => !isTerminal(r.status));
  }

  /** Whether a fresh detail for this run would differ from the cached one. */
  isStale(runId: string): boolean {
    return !this.details.has(runId) || this.stale.has(runId);
  }

  /** The cached detail of a run (no fetch): a view that shows another object is behind. */
  cached(runId: string): RunDetail | undefined {
    return this.details.get(runId);
  }

  /** A run's problems and samples; cached, refetched once new samples have finished. */
  async detail(runId: string): Promise<RunDetail> {
    const cached = this.details.get(runId);
    if (cached && !this.stale.has(runId)) return cached;
    // A big run's detail is expensive to build and ship: while the run goes on, refetch it at most
    // once per 20× its last fetch time, so live views cost the engine ≤ ~5% of its time (it was 4×,
    // ~20%: why the editor's engine used more CPU than the CLI on a big run); redraw when it is due.
    // A run that has just finished is fetched at once: its final figures must not lag the toast.
    const last = this.fetched.get(runId);
    const ended = isTerminal(this.runs.get(runId)?.status ?? 'running');
    if (cached && last && !ended) {
      const due = last.at + Math.max(500, 20 * last.ms) - Date.now();
      if (due > 0) {
        if (!this.pendingRedraw.has(runId)) {
          this.pendingRedraw.add(runId);
          setTimeout(() => { this.pendingRedraw.delete(runId); this.changed.fire(); }, due);
        }
        return cached;
      }
    }
    let p = this.inflight.get(runId);
    if (!p) {
      this.stale.delete(runId);
      const t0 = Date.now();
      p = this.engine.request(GetRun, { runId }).then(
        (d) => {
          this.fetched.set(runId, { at: Date.now(), ms: Date.now() - t0 });
          this.inflight.delete(runId);
          this.details.set(runId, d);
          // A finished run's summary from GetRun is final; a notification may not have been seen.
          const known = this.runs.get(runId);
          if (!known || (isTerminal(d.run.status) && !isTerminal(known.status))) this.runs.set(runId, d.run);
          // Whoever did not ask (the results panel, when a tree fetched it) still shows the older detail.
          this.fireChanged();
          return d;
        },
        (e) => { this.inflight.delete(runId); this.stale.add(runId); throw e; },
      );
      this.inflight.set(runId, p);
    }
    return p;
  }

  private readonly probeRequests = new WeakMap<RunDetail, Promise<RunProbes>>();

  /** A big finished run's probes (its detail says probesPending: 'computing'): asked once per detail. */
  probes(detail: RunDetail): Promise<RunProbes> {
    let p = this.probeRequests.get(detail);
    if (!p) {
      p = this.engine.request(GetProbes, { runId: detail.run.id });
      p.catch(() => this.probeRequests.delete(detail));
      this.probeRequests.set(detail, p);
    }
    return p;
  }

  dispose(): void {
    this.fireChanged.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

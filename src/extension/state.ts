// What the extension knows about runs: summaries kept current by the engine's notifications, and
// run details fetched on demand and cached until a SampleFinished marks them stale. Views read
// from here; nothing here computes a metric (the engine does).
import * as vscode from 'vscode';
import type { ProblemResult, RunDetail, RunProbes, RunSummary, SampleSummary } from '../protocol';
import { GetProbes, GetRun, ListRuns, RunFinished, RunProgress, SampleFinished } from '../protocol/requests';
import type { Engine } from './engine';
import { throttle } from './format';
import { withArrived } from './liveRows';

/** Announced samples kept per run between fetches (~200 bytes each). */
const MAX_ARRIVED = 50_000;

export const isTerminal = (s: RunSummary['status']): boolean => s === 'completed' || s === 'cancelled' || s === 'failed';

export class RunState implements vscode.Disposable {
  private readonly runs = new Map<string, RunSummary>();
  private readonly details = new Map<string, RunDetail>();
  private readonly inflight = new Map<string, Promise<RunDetail>>();
  private readonly stale = new Set<string>();
  private readonly fetched = new Map<string, { at: number; ms: number }>();
  private readonly pendingRedraw = new Set<string>();
  /** Samples announced (SampleFinished) since the run's detail was last asked for: rows show them before the refetch. */
  private readonly arrived = new Map<string, SampleSummary[]>();
  private readonly rows = new WeakMap<RunDetail, { arrived: number; problems: ProblemResult[] }>();
  private loaded: Promise<void> | undefined;
  /** When this engine last announced anything: while it runs a run, it is the database's only writer. */
  private lastNotice = 0;
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
      engine.onNotification(RunProgress, (s) => { this.lastNotice = Date.now(); this.upsert(s); }),
      engine.onNotification(RunFinished, (s) => { this.lastNotice = Date.now(); this.stale.add(s.id); this.arrived.delete(s.id); this.upsert(s); }),
      engine.onNotification(SampleFinished, (s) => {
        this.lastNotice = Date.now();
        this.stale.add(s.runId);
        // Kept only for runs whose detail was fetched, and bounded: past that, rows wait for the refetch.
        const list = this.arrived.get(s.runId);
        if (list && list.length < MAX_ARRIVED) list.push(s);
        this.fireChanged();
      }),
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
    this.arrived.clear();
    // Renamed, deleted, or another database: the list is read again (running runs come back with it).
    this.runs.clear();
    this.changed.fire();
  }

  /**
   * The database changed on disk (extension.ts watches its files). Runs another process writes (a CLI
   * on a database opened with "Open Database…") send this engine no notifications: re-read the list,
   * and mark the runs that moved on stale so open views refetch them. Nothing to do while this
   * engine announces its own run (one process writes at a time), or before the list was first read.
   */
  async pollOthers(): Promise<void> {
    if (!this.loaded || Date.now() - this.lastNotice < 3000) return;
    const runs = await this.engine.request(ListRuns, {});
    let changed = false;
    for (const r of runs) {
      const known = this.runs.get(r.id);
      if (known && (isTerminal(known.status) || (known.status === r.status && known.done === r.done))) continue;
      this.runs.set(r.id, r);
      if (known) this.stale.add(r.id);
      this.updated.fire(r);
      changed = true;
    }
    if (changed) this.fireChanged();
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

  /**
   * A detail's problem rows with the samples announced since it was fetched: between a running run's
   * refetches (up to 20× a fetch's time apart) rows built from the detail alone said "pending" for
   * problems that had finished samples. Same array while nothing new arrived.
   */
  problems(d: RunDetail): ProblemResult[] {
    const arrived = this.details.get(d.run.id) === d ? this.arrived.get(d.run.id) ?? [] : [];
    const hit = this.rows.get(d);
    if (hit && hit.arrived === arrived.length) return hit.problems;
    const problems = withArrived(d.problems, arrived);
    this.rows.set(d, { arrived: arrived.length, problems });
    return problems;
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
      // The answer holds every sample announced until now; the cached detail's rows keep them until it comes.
      const list = this.arrived.get(runId) ?? this.arrived.set(runId, []).get(runId)!;
      const mark = list.length;
      const t0 = Date.now();
      p = this.engine.request(GetRun, { runId }).then(
        (d) => {
          this.fetched.set(runId, { at: Date.now(), ms: Date.now() - t0 });
          this.inflight.delete(runId);
          this.details.set(runId, d);
          if (this.arrived.get(runId) === list) this.arrived.set(runId, list.slice(mark));
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

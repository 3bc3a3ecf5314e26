// Annotation tasks and the arena, on the engine's store: tasks made from runs (items with opaque ids,
// each annotator's order drawn from the task's recorded seed and their name), labels stored the moment
// they are given (a journal entry, fsync'd, before the answer) together with an outcome row of scorer
// `human:<annotator>`, export and import of labels, agreement with an adjudication list, arena battles
// (pairs covering every pair of arms, left/right balanced), an optional model judge asked in both
// orders, and Bradley–Terry ratings.
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import {
  DEFAULT_LABEL_SCHEMA, type AdjudicationItem, type AnnotateItem, type AnnotationQueue, type AnnotationTaskInfo, type ArenaItemView,
  type ArenaVerdict, type BlindItem, type ImportReport, type ItemLabel, type LabelSchema, type OpenItem, type TaskAgreement,
} from '../../protocol/annotation';
import type { ArenaRatingsResult } from '../../protocol/annotation-ratings';
import type { CreateTaskParams } from '../../protocol/annotation-requests';
import { readCsv } from '../csv';
import { InputError, readJsonl } from '../jsonl';
import { agreementReport, type Unit } from '../metrics/agreement';
import { arenaRatings, type Battle } from '../metrics/bradley-terry';
import { rng } from '../metrics/stats';
import type { ChatProblem, Problem, ProviderFactory } from '../plugins';
import type { Plugins } from '../registry';
import { annotationId, type AnnotationRow, type BattleRow, type ItemRow, type TaskRow } from '../store/annotation-rows';
import { rowToProblem } from '../store/rows';
import type { Store } from '../store/store';

/** The scorer name of a person's labels: metrics treat them like any other scorer's outcomes. */
export const humanScorer = (annotator: string) => `human:${annotator}`;
export const ADJUDICATED = 'human:adjudicated';

export interface AnnotationOptions {
  /** Who holds the writer lock while labels are written ("VS Code (Crucible)"). */
  owner?: string;
  /** Let the writer lock go this long after the last label (ms): a CLI run can then take the database. */
  releaseAfterMs?: number;
  /** Provider settings (base URLs) for a model judge; keys come from `secret`. */
  providers?: Record<string, Record<string, unknown>>;
  secret?: (name: string) => string | undefined;
}

const checkName = (what: string, v: string) => {
  if (!v || v.length > 128 || /[\n\r\t]/.test(v)) throw new Error(`${what} must be a non-empty name without line breaks (got ${JSON.stringify(v)})`);
};

/** A 32-bit seed from the task's seed and an annotator's name: each person's own reproducible order. */
export function annotatorSeed(seed: number, annotator: string): number {
  return createHash('sha1').update(`${seed}\0${annotator}`).digest().readUInt32LE(0);
}

export function shuffled<T>(xs: readonly T[], seed: number): T[] {
  const out = [...xs], next = rng(seed);
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Checks a label schema from the workspace: ids unique, 1–9 labels (one key each). */
export function validateSchema(s: unknown, where = 'label schema'): LabelSchema {
  const o = s as Partial<LabelSchema> | null;
  if (!o || typeof o !== 'object' || !Array.isArray(o.labels)) throw new Error(`${where}: expected { "labels": [{ "id": … }, …], "multi": false }`);
  if (o.labels.length < 1 || o.labels.length > 9) throw new Error(`${where}: between 1 and 9 labels (keys 1–9), got ${o.labels.length}`);
  const seen = new Set<string>();
  const labels = o.labels.map((l, i) => {
    const x = (typeof l === 'string' ? { id: l } : l) as { id?: unknown; title?: unknown; value?: unknown };
    if (typeof x?.id !== 'string' || !/^[\w .:-]{1,64}$/.test(x.id) || x.id.includes('+')) throw new Error(`${where}: label ${i + 1} needs an id of letters, digits, spaces, _ . : - (got ${JSON.stringify(x?.id)})`);
    if (seen.has(x.id)) throw new Error(`${where}: label "${x.id}" appears twice`);
    seen.add(x.id);
    if (x.value !== undefined && x.value !== null && typeof x.value !== 'number') throw new Error(`${where}: label "${x.id}": value must be a number or null`);
    return { id: x.id, ...(typeof x.title === 'string' ? { title: x.title } : {}), ...(typeof x.value === 'number' ? { value: x.value } : {}) };
  });
  if (o.multi !== undefined && typeof o.multi !== 'boolean') throw new Error(`${where}: multi must be true or false`);
  return { labels, multi: o.multi ?? false };
}

export class Annotations {
  private held = false;
  private releaseTimer: NodeJS.Timeout | undefined;

  constructor(private readonly store: Store, private readonly plugins: Plugins | null, private readonly opts: AnnotationOptions = {}) {}

  // ---------- writing: every write is durable before the call returns ----------

  private async write(fn: () => void): Promise<void> {
    if (!this.held) {
      this.store.acquireWriter(this.opts.owner ?? 'Crucible annotations');
      this.held = true;
    }
    try {
      fn();
      await this.store.flush();
    } finally {
      clearTimeout(this.releaseTimer);
      this.releaseTimer = setTimeout(() => this.release(), this.opts.releaseAfterMs ?? 2000);
      this.releaseTimer.unref?.();
    }
  }

  /** Gives the writer lock back (checkpointing). Also called on shutdown. */
  release(): void {
    clearTimeout(this.releaseTimer);
    if (!this.held) return;
    this.held = false;
    try { this.store.releaseWriter(); } catch { /* a failed store already said why */ }
  }

  // ---------- tasks ----------

  async createTask(p: CreateTaskParams): Promise<AnnotationTaskInfo> {
    if (!Array.isArray(p.runIds) || p.runIds.length === 0) throw new Error('a task needs at least one run');
    const perItem = p.perItem ?? 2;
    if (!Number.isInteger(perItem) || perItem < 1 || perItem > 50) throw new Error(`annotators per item must be a whole number from 1 to 50 (got ${p.perItem})`);
    const seed = p.seed ?? randomInt(0, 2 ** 31 - 1);
    if (!Number.isInteger(seed)) throw new Error(`seed must be a whole number (got ${p.seed})`);
    const schema = validateSchema(p.schema ?? DEFAULT_LABEL_SCHEMA);
    const samples = p.runIds.flatMap((r) => {
      if (!this.store.run(r)) throw new Error(`no run ${r}`);
      return this.store.runSamples(r).map((s) => ({ ...s, run: r }));
    });
    const id = `t-${new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15)}-${randomBytes(3).toString('hex')}`;
    const opaque = () => randomBytes(9).toString('base64url'); // says nothing about model, arm or run
    let items: ItemRow[];
    if (p.kind === 'arena') {
      items = arenaPairs(samples, seed).map((pr, ord) => ({ task_id: id, item_id: opaque(), ord, sample_id: pr.left, sample_b: pr.right }));
      if (items.length === 0) throw new Error('an arena needs two or more arms answering the same problems (no pair found in these runs)');
    } else {
      const only = p.sampleIds ? new Set(p.sampleIds) : null;
      items = samples.filter((s) => !only || only.has(s.id)).map((s, ord) => ({ task_id: id, item_id: opaque(), ord, sample_id: s.id, sample_b: null }));
      if (items.length === 0) throw new Error('no samples to annotate in these runs');
    }
    const runs = p.runIds.map((r) => this.store.run(r)!);
    const task: TaskRow = {
      // Named by suite, never by run label: a run's label names its models, and a blind view shows the name.
      id, kind: p.kind === 'arena' ? 'arena' : 'label',
      name: p.name ?? `${p.kind === 'arena' ? 'Arena' : 'Labels'}: ${[...new Set(runs.map((r) => path.basename(r.suite)))].join(', ')} (${items.length})`,
      created_at: new Date().toISOString(), seed, per_item: perItem, blind: p.blind === false ? 0 : 1, schema: JSON.stringify(schema),
      source: JSON.stringify({ runIds: p.runIds, ...(p.sampleIds ? { sampleIds: p.sampleIds } : {}) }),
    };
    await this.write(() => this.store.putTask(task, items));
    return this.taskInfo(task);
  }

  listTasks(): AnnotationTaskInfo[] { return this.store.tasks().map((t) => this.taskInfo(t)); }

  private taskRow(taskId: string): TaskRow {
    const t = this.store.task(taskId);
    if (!t) throw new Error(`no annotation task ${taskId}`);
    return t;
  }

  private taskInfo(t: TaskRow): AnnotationTaskInfo {
    const items = this.store.taskItems(t.id);
    const given = t.kind === 'arena'
      ? this.store.battles(t.id).filter((b) => b.judge.startsWith('human:')).length
      : this.store.taskAnnotations(t.id).filter((a) => a.kind === 'label').length;
    return {
      id: t.id, kind: t.kind, name: t.name, createdAt: t.created_at, seed: t.seed, perItem: t.per_item, blind: t.blind === 1,
      schema: JSON.parse(t.schema) as LabelSchema, items: items.length, given,
    };
  }

  /**
   * The annotator's items in their own seeded order: those they have done, and those fewer than
   * `perItem` others have done (so each item gets its N annotators and no more).
   */
  queue(taskId: string, annotator: string): AnnotationQueue {
    checkName('annotator', annotator);
    const t = this.taskRow(taskId);
    const items = this.store.taskItems(taskId);
    const who = new Map<string, Set<string>>(); // item → annotators who did it
    if (t.kind === 'arena') {
      for (const b of this.store.battles(taskId)) if (b.judge.startsWith('human:')) (who.get(b.item_id) ?? who.set(b.item_id, new Set()).get(b.item_id)!).add(b.judge.slice(6));
    } else {
      const bySample = new Map(items.map((i) => [i.sample_id, i.item_id]));
      for (const a of this.store.taskAnnotations(taskId)) {
        if (a.kind !== 'label') continue;
        const item = bySample.get(a.sample_id)!;
        (who.get(item) ?? who.set(item, new Set()).get(item)!).add(a.annotator);
      }
    }
    const mine = (i: ItemRow) => who.get(i.item_id)?.has(annotator) ?? false;
    const assigned = shuffled(items, annotatorSeed(t.seed, annotator)).filter((i) => mine(i) || (who.get(i.item_id)?.size ?? 0) < t.per_item);
    const open = assigned.findIndex((i) => !mine(i));
    return {
      task: this.taskInfo(t), annotator, items: assigned.map((i) => i.item_id), done: assigned.filter(mine).length,
      next: open >= 0 ? open : Math.max(0, assigned.length - 1),
    };
  }

  private item(taskId: string, itemId: string): ItemRow {
    const i = this.store.taskItem(taskId, itemId);
    if (!i) throw new Error(`no item ${itemId} in task ${taskId}`);
    return i;
  }

  private problemOf(sampleId: string): { problem: Problem; raw: string; completion: string; arm: string; runId: string } {
    const s = this.store.sampleRecord(sampleId);
    if (!s) throw new Error(`sample ${sampleId} is not in this database`);
    const row = this.store.problem(s.run_id, s.problem_id);
    if (!row) throw new Error(`problem ${s.problem_id} of run ${s.run_id} is not in this database`);
    return { problem: rowToProblem(row), raw: s.raw, completion: s.completion, arm: s.arm, runId: s.run_id };
  }

  /** What the view shows of an item: in blind mode only the opaque id, the prompt and the response. */
  getItem(taskId: string, itemId: string, annotator: string): AnnotateItem {
    const t = this.taskRow(taskId);
    if (t.kind !== 'label') throw new Error(`task ${taskId} is an arena; its items are battles`);
    const i = this.item(taskId, itemId);
    const { problem, raw, completion, arm, runId } = this.problemOf(i.sample_id);
    const blind: BlindItem = { itemId, prompt: promptText(problem), response: responseText(problem, raw, completion) };
    const a = this.store.annotation(annotationId('label', i.sample_id, annotator));
    const mine = a ? { labels: JSON.parse(a.labels) as string[], note: a.note ?? '' } : null;
    if (t.blind === 1) return { item: blind, mine };
    const s = this.store.sampleRecord(i.sample_id)!;
    const open: OpenItem = {
      ...blind, arm, runId, problemId: problem.id,
      verdicts: s.outcomes.filter((o) => !o.scorer.startsWith('human:')).map((o) => ({ scorer: o.scorer, status: o.status, label: o.label, detail: o.detail })),
    };
    return { item: open, mine };
  }

  // ---------- labels ----------

  async putLabel(taskId: string, itemId: string, annotator: string, labels: string[], note: string): Promise<{ previous: ItemLabel | null }> {
    checkName('annotator', annotator);
    const t = this.taskRow(taskId);
    const schema = JSON.parse(t.schema) as LabelSchema;
    const known = new Map(schema.labels.map((l) => [l.id, l]));
    const set = [...new Set(labels)];
    if (set.length === 0) throw new Error('a label is needed');
    for (const l of set) if (!known.has(l)) throw new Error(`"${l}" is not a label of this task (${schema.labels.map((x) => x.id).join(', ')})`);
    if (!schema.multi && set.length > 1) throw new Error(`this task takes one label per item (got ${set.join(', ')})`);
    const i = this.item(taskId, itemId);
    const id = annotationId('label', i.sample_id, annotator);
    const before = this.store.annotation(id);
    const order = schema.labels.map((l) => l.id).filter((l) => set.includes(l));
    await this.write(() => this.storeLabel({ id, sample_id: i.sample_id, annotator, labels: order, note, task_id: taskId, kind: 'label' }, known));
    return { previous: before ? { labels: JSON.parse(before.labels) as string[], note: before.note ?? '' } : null };
  }

  private storeLabel(
    a: { id: string; sample_id: string; annotator: string; labels: string[]; note: string; task_id: string | null; kind: 'label' | 'adjudication'; created_at?: string },
    known?: Map<string, { value?: number | null }>,
  ): void {
    const created = a.created_at ?? new Date().toISOString();
    const label = a.labels.join('+');
    const row: AnnotationRow = {
      id: a.id, sample_id: a.sample_id, annotator: a.annotator, label, note: a.note || null, created_at: created, task_id: a.task_id, kind: a.kind,
      labels: JSON.stringify(a.labels),
    };
    const value = a.labels.length === 1 ? known?.get(a.labels[0])?.value ?? null : null;
    this.store.putLabel(row, {
      sample_id: a.sample_id, scorer: a.kind === 'adjudication' ? ADJUDICATED : humanScorer(a.annotator), status: 'labelled', value, label,
      detail: a.note, output: '', duration_ms: null,
      meta: JSON.stringify({ annotator: a.annotator, labels: a.labels, note: a.note || undefined, task: a.task_id ?? undefined, at: created }),
    });
  }

  async removeLabel(taskId: string, itemId: string, annotator: string): Promise<{ removed: boolean }> {
    const i = this.item(taskId, itemId);
    const id = annotationId('label', i.sample_id, annotator);
    if (!this.store.annotation(id)) return { removed: false };
    await this.write(() => this.store.removeLabel(id, i.sample_id, humanScorer(annotator)));
    return { removed: true };
  }

  async adjudicate(taskId: string, itemId: string, adjudicator: string, label: string): Promise<void> {
    checkName('adjudicator', adjudicator);
    const t = this.taskRow(taskId);
    const schema = JSON.parse(t.schema) as LabelSchema;
    const labels = label.split('+');
    for (const l of labels) if (!schema.labels.some((x) => x.id === l)) throw new Error(`"${l}" is not a label of this task`);
    const i = this.item(taskId, itemId);
    await this.write(() => this.storeLabel({
      id: annotationId('adjudication', i.sample_id, 'final'), sample_id: i.sample_id, annotator: adjudicator, labels, note: '', task_id: taskId, kind: 'adjudication',
    }, new Map(schema.labels.map((l) => [l.id, l]))));
  }

  // ---------- exchange ----------

  /** Writes every label (or a task's) as JSONL, or CSV when the file ends in .csv. Returns how many. */
  exportLabels(file: string, taskId?: string): { count: number } {
    const rows = taskId ? this.store.taskAnnotations(taskId) : this.store.annotations();
    const out = rows.map((a) => {
      const s = this.store.sampleRecord(a.sample_id);
      return {
        sample_id: a.sample_id, run_id: s?.run_id ?? '', problem_id: s?.problem_id ?? '', arm: s?.arm ?? '', annotator: a.annotator,
        kind: a.kind, labels: JSON.parse(a.labels ?? JSON.stringify([a.label])) as string[], note: a.note ?? '', task_id: a.task_id ?? '', created_at: a.created_at,
      };
    });
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const fd = openSync(file, 'w');
    try {
      if (/\.csv$/i.test(file)) {
        const cols = ['sample_id', 'run_id', 'problem_id', 'arm', 'annotator', 'kind', 'labels', 'note', 'task_id', 'created_at'] as const;
        writeSync(fd, cols.join(',') + '\n');
        for (const r of out) writeSync(fd, cols.map((c) => csvCell(c === 'labels' ? r.labels.join('+') : String(r[c]))).join(',') + '\n');
      } else {
        for (const r of out) writeSync(fd, JSON.stringify(r) + '\n');
      }
    } finally {
      closeSync(fd);
    }
    return { count: out.length };
  }

  /**
   * Reads labels exported by exportLabels (JSONL or CSV). New ones are stored; one identical to a
   * stored label is a duplicate; one that differs from what the same annotator gave the same sample
   * is a conflict, reported and NOT stored (the stored label stays).
   */
  async importLabels(file: string): Promise<ImportReport> {
    const csv = /\.csv(?:\.gz)?$/i.test(file);
    const recs = csv ? await readCsv(file) : await readJsonl(file);
    const report: ImportReport = { added: 0, duplicates: 0, conflicts: [], unknown: [] };
    const toAdd: Parameters<Annotations['storeLabel']>[0][] = [];
    const seen = new Map<string, string>();
    for (const r of recs) {
      const v = r.value as Record<string, unknown>;
      const str = (k: string, optional = false): string => {
        const x = v[k];
        if (x === undefined || x === null || x === '') { if (optional) return ''; throw new InputError(file, r.line, `missing field "${k}"`); }
        if (typeof x !== 'string') throw new InputError(file, r.line, `field "${k}" must be a string`);
        return x;
      };
      const sampleId = str('sample_id'), annotator = str('annotator');
      const kind = (str('kind', true) || 'label') as 'label' | 'adjudication';
      if (kind !== 'label' && kind !== 'adjudication') throw new InputError(file, r.line, `kind must be label or adjudication (got "${kind}")`);
      let labels: string[];
      if (Array.isArray(v.labels)) labels = v.labels.map(String);
      else if (typeof v.labels === 'string' && v.labels) labels = v.labels.split('+');
      else if (typeof v.label === 'string' && v.label) labels = v.label.split('+');
      else throw new InputError(file, r.line, 'missing field "labels"');
      if (!this.store.sampleRecord(sampleId)) { report.unknown.push({ sampleId, line: r.line }); continue; }
      const id = annotationId(kind, sampleId, kind === 'adjudication' ? 'final' : annotator);
      const label = labels.join('+');
      const stored = this.store.annotation(id)?.label ?? seen.get(id);
      if (stored !== undefined) {
        if (stored === label) report.duplicates++;
        else report.conflicts.push({ sampleId, annotator, stored, imported: label, line: r.line });
        continue;
      }
      seen.set(id, label);
      const taskId = str('task_id', true);
      toAdd.push({ id, sample_id: sampleId, annotator, labels, note: str('note', true), task_id: taskId && this.store.task(taskId) ? taskId : null, kind, created_at: str('created_at', true) || undefined });
    }
    if (toAdd.length) await this.write(() => { for (const a of toAdd) this.storeLabel(a); });
    report.added = toAdd.length;
    return report;
  }

  // ---------- agreement ----------

  agreement(taskId: string, opts: { resamples?: number; seed?: number } = {}): TaskAgreement {
    const t = this.taskRow(taskId);
    if (t.kind !== 'label') throw new Error(`task ${taskId} is an arena: see its ratings`);
    const items = this.store.taskItems(taskId);
    const all = this.store.taskAnnotations(taskId);
    const labels = all.filter((a) => a.kind === 'label');
    const annotators = [...new Set(labels.map((a) => a.annotator))].sort();
    if (annotators.length < 2) throw new Error(`agreement needs labels from two annotators; this task has ${annotators.length === 0 ? 'none' : `only ${annotators[0]}'s`}`);
    const by = new Map(labels.map((a) => [`${a.sample_id}\0${a.annotator}`, a.label]));
    const finals = new Map(all.filter((a) => a.kind === 'adjudication').map((a) => [a.sample_id, a.label]));
    const units: Unit[] = items.map((i) => annotators.map((who) => by.get(`${i.sample_id}\0${who}`) ?? null));
    const report = agreementReport(units, annotators, opts);
    const adjudication: AdjudicationItem[] = report.disagreements.map((ix) => {
      const i = items[ix];
      const { problem, raw, completion } = this.problemOf(i.sample_id);
      return {
        itemId: i.item_id, sampleId: i.sample_id, prompt: promptText(problem), response: responseText(problem, raw, completion),
        labels: annotators.flatMap((who, k) => (units[ix][k] ? [{ annotator: who, label: units[ix][k]! }] : [])), final: finals.get(i.sample_id) ?? null,
      };
    });
    return { annotators, report: report as unknown as Record<string, unknown>, adjudication };
  }

  // ---------- arena ----------

  getArenaItem(taskId: string, itemId: string, annotator: string): ArenaItemView {
    const t = this.taskRow(taskId);
    if (t.kind !== 'arena') throw new Error(`task ${taskId} is not an arena`);
    const i = this.item(taskId, itemId);
    const left = this.problemOf(i.sample_id), right = this.problemOf(i.sample_b!);
    const b = this.store.battle(battleId(taskId, itemId, `human:${annotator}`, 'as-drawn'));
    return {
      item: { itemId, prompt: promptText(left.problem), left: responseText(left.problem, left.raw, left.completion), right: responseText(right.problem, right.raw, right.completion) },
      mine: (b?.verdict as ArenaVerdict | undefined) ?? null,
    };
  }

  async putVerdict(taskId: string, itemId: string, annotator: string, verdict: ArenaVerdict, raw: string | null = null): Promise<{ previous: ArenaVerdict | null }> {
    checkName('annotator', annotator);
    if (!['left', 'right', 'tie', 'both_bad'].includes(verdict)) throw new Error(`a verdict is left, right, tie or both_bad (got ${verdict})`);
    const t = this.taskRow(taskId);
    if (t.kind !== 'arena') throw new Error(`task ${taskId} is not an arena`);
    const i = this.item(taskId, itemId);
    const judge = `human:${annotator}`;
    const id = battleId(taskId, itemId, judge, 'as-drawn');
    const before = this.store.battle(id);
    const row = this.battleRow(i, judge, 'as-drawn', verdict, raw);
    await this.write(() => this.store.putBattle(row));
    return { previous: (before?.verdict as ArenaVerdict | undefined) ?? null };
  }

  async removeVerdict(taskId: string, itemId: string, annotator: string): Promise<{ removed: boolean }> {
    const id = battleId(taskId, itemId, `human:${annotator}`, 'as-drawn');
    if (!this.store.battle(id)) return { removed: false };
    await this.write(() => this.store.removeBattle(id));
    return { removed: true };
  }

  private battleRow(i: ItemRow, judge: string, shown: 'as-drawn' | 'swapped', verdict: ArenaVerdict, raw: string | null): BattleRow {
    const [l, r] = shown === 'as-drawn' ? [i.sample_id, i.sample_b!] : [i.sample_b!, i.sample_id];
    const arm = (id: string) => this.store.sampleRecord(id)?.arm ?? '?';
    return {
      id: battleId(i.task_id, i.item_id, judge, shown), task_id: i.task_id, item_id: i.item_id, judge, shown,
      left_sample: l, right_sample: r, left_arm: arm(l), right_arm: arm(r), verdict, raw, created_at: new Date().toISOString(),
    };
  }

  /**
   * Bradley–Terry over the task's battles: every verdict is a battle between the arms shown left and
   * right (both bad counts as a tie); `source` keeps people's or judges' verdicts only.
   */
  ratings(taskId: string, source: 'all' | 'human' | 'judge' = 'all', opts: { resamples?: number; seed?: number } = {}): ArenaRatingsResult {
    const rows = this.store.battles(taskId).filter((b) => source === 'all' || b.judge.startsWith(source === 'human' ? 'human:' : 'judge:'));
    const judges: Record<string, number> = {};
    const battles: Battle[] = rows.map((b) => {
      judges[b.judge] = (judges[b.judge] ?? 0) + 1;
      return { a: b.left_arm, b: b.right_arm, winner: b.verdict === 'left' ? 'a' : b.verdict === 'right' ? 'b' : 'tie' };
    });
    return { ...arenaRatings(battles, opts), judges };
  }

  /** Asks `judge` (a model spec) to compare every battle of the task, in the order drawn and swapped. */
  async judgeArena(taskId: string, judgeSpec: string, signal: AbortSignal = new AbortController().signal): Promise<{ judged: number; battles: number }> {
    const t = this.taskRow(taskId);
    if (t.kind !== 'arena') throw new Error(`task ${taskId} is not an arena`);
    if (!this.plugins) throw new Error('no providers here to ask a judge');
    const colon = judgeSpec.indexOf(':');
    const [name, model] = colon < 0 ? [judgeSpec, ''] : [judgeSpec.slice(0, colon), judgeSpec.slice(colon + 1)];
    const factory: ProviderFactory = this.plugins.providers.get(name);
    const provider = await factory.create(model, { config: this.opts.providers?.[name] ?? {}, secret: (k) => (this.opts.secret ?? ((x) => process.env[x]))(k) });
    const judge = `judge:${judgeSpec}`;
    let judged = 0;
    const items = this.store.taskItems(taskId);
    try {
      for (const i of items) {
        for (const shown of ['as-drawn', 'swapped'] as const) {
          const [l, r] = shown === 'as-drawn' ? [i.sample_id, i.sample_b!] : [i.sample_b!, i.sample_id];
          const L = this.problemOf(l), R = this.problemOf(r);
          const messages = arenaJudgeMessages(L.problem, responseText(L.problem, L.raw, L.completion), responseText(R.problem, R.raw, R.completion));
          const problem: ChatProblem = { id: L.problem.id, suite: L.problem.suite, prompt: L.problem.prompt, kind: 'chat', messages };
          let g;
          try {
            g = await provider.generate({ problem, messages, params: { temperature: 0 }, sampleIndex: 0, signal });
          } catch (e) {
            throw new Error(`judge ${judgeSpec}: ${(e as Error).message}`);
          }
          const verdict = parseJudgeVerdict(g.raw);
          const row = this.battleRow(i, judge, shown, verdict ?? 'tie', g.raw);
          // An answer naming no verdict is stored (raw) but counts as a tie: the judge could not decide.
          await this.write(() => this.store.putBattle(row));
          judged++;
        }
      }
    } finally {
      await provider.close?.();
    }
    return { judged, battles: items.length };
  }
}

const battleId = (taskId: string, itemId: string, judge: string, shown: string) => `${taskId}:${itemId}:${judge}:${shown}`;

/**
 * Every pair of arms that answered the same (run, problem, sample index) is one battle, so each arm
 * meets every other. Left/right: for each pair of arms, a seeded half of its battles puts the first
 * arm left and the rest the second (balanced to within one), in a seeded order.
 */
export function arenaPairs(samples: { id: string; problem_id: string; arm: string; idx: number; run: string }[], seed: number): { left: string; right: string }[] {
  const groups = new Map<string, { id: string; arm: string }[]>();
  for (const s of samples) {
    const k = `${s.run}\0${s.problem_id}\0${s.idx}`;
    (groups.get(k) ?? groups.set(k, []).get(k)!).push({ id: s.id, arm: s.arm });
  }
  const byPair = new Map<string, [string, string][]>();
  for (const g of groups.values()) {
    const arms = [...g].sort((a, b) => (a.arm < b.arm ? -1 : 1));
    for (let i = 0; i < arms.length; i++) {
      for (let j = i + 1; j < arms.length; j++) {
        if (arms[i].arm === arms[j].arm) continue;
        const k = `${arms[i].arm}\0${arms[j].arm}`;
        (byPair.get(k) ?? byPair.set(k, []).get(k)!).push([arms[i].id, arms[j].id]);
      }
    }
  }
  const out: { left: string; right: string }[] = [];
  let n = 0;
  for (const list of byPair.values()) {
    const mixed = shuffled(list, seed + n++);
    // Which arm gets the extra left seat when the count is odd is drawn too.
    const flip = rng(seed ^ 0x5bd1e995)() < 0.5 ? 1 : 0;
    mixed.forEach(([a, b], i) => out.push((i + flip) % 2 === 0 ? { left: a, right: b } : { left: b, right: a }));
  }
  return shuffled(out, seed);
}

/** The prompt as a person reads it: the last user turn (earlier turns labelled), or the code prompt in a fence. */
export function promptText(p: Problem): string {
  if (p.kind === 'chat') {
    if (p.messages.length === 1) return p.messages[0].content;
    return p.messages.map((m) => `**${m.role}:** ${m.content}`).join('\n\n');
  }
  return '```' + (p.language || '') + '\n' + p.prompt.replace(/\n+$/, '') + '\n```';
}

/** The response as markdown: a code completion without a fence gets one, so it is highlighted. */
export function responseText(p: Problem, raw: string, completion: string): string {
  const text = raw || completion;
  if (p.kind === 'code' && !/```|~~~/.test(text)) return '```' + (p.language || '') + '\n' + text.replace(/\n+$/, '') + '\n```';
  return text;
}

export function arenaJudgeMessages(problem: Problem, a: string, b: string): { role: 'system' | 'user'; content: string }[] {
  return [
    { role: 'system', content: 'You are an impartial judge comparing two AI assistants\' responses to the same user prompt. Judge helpfulness, correctness and safety; ignore length and the order they are shown in.' },
    {
      role: 'user',
      content: `[User prompt]\n${promptText(problem)}\n\n[Response A]\n${a}\n\n[Response B]\n${b}\n\n` +
        'Which response is better? Answer with exactly one of: A, B, tie, both_bad.',
    },
  ];
}

/** The judge's verdict in the order shown: "A"/"[[A]]" → left, "B" → right, tie, both bad; null when unclear. */
export function parseJudgeVerdict(raw: string): ArenaVerdict | null {
  const t = raw.trim().replace(/^\W+|\W+$/g, '').toLowerCase();
  if (/^(response\s+)?a$/.test(t)) return 'left';
  if (/^(response\s+)?b$/.test(t)) return 'right';
  if (/^tie$/.test(t)) return 'tie';
  if (/^both[_ ]bad$/.test(t)) return 'both_bad';
  const m = /\[\[(a|b|tie|both_bad)\]\]/i.exec(raw);
  if (m) return ({ a: 'left', b: 'right', tie: 'tie', both_bad: 'both_bad' } as const)[m[1].toLowerCase() as 'a' | 'b' | 'tie' | 'both_bad'];
  return null;
}

function csvCell(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

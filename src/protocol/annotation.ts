// Messages of the annotation side bar and the arena: tasks, items as the view sees them, labels,
// agreement, battles and ratings. Plain types (browser code imports them); the JSON-RPC constants
// are in annotation-requests.ts.

/** One label a person can give; `value` (optional) is the outcome row's score (correct = 1, incorrect = 0). */
export interface LabelDef { id: string; title?: string; value?: number | null }
/** The labels of a task, set per task from the workspace (`.crucible/labels.json` or the setting). */
export interface LabelSchema { labels: LabelDef[]; multi: boolean }

export const DEFAULT_LABEL_SCHEMA: LabelSchema = {
  multi: false,
  labels: [
    { id: 'correct', value: 1 }, { id: 'incorrect', value: 0 }, { id: 'hallucinated', value: 0 }, { id: 'harmful', value: 0 }, { id: 'refused' },
  ],
};

export type TaskKind = 'label' | 'arena';

export interface AnnotationTaskInfo {
  id: string;
  kind: TaskKind;
  name: string;
  createdAt: string;
  /** The seed each annotator's order is drawn from (with their name): a session can be replayed. */
  seed: number;
  /** How many annotators each item is assigned to. */
  perItem: number;
  blind: boolean;
  schema: LabelSchema;
  items: number;
  /** Labels (or verdicts) given, by anyone. */
  given: number;
}

/** An annotator's session on a task: item ids in their order (opaque ids; nothing else). */
export interface AnnotationQueue {
  task: AnnotationTaskInfo;
  annotator: string;
  /** The items assigned to this annotator, in their seeded order. */
  items: string[];
  /** How many of them this annotator has labelled. */
  done: number;
  /** Index of the first item this annotator has not labelled (the last item when all are done). */
  next: number;
}

/**
 * What the view is given of one item. In blind mode exactly itemId, prompt and response: no model,
 * arm, run, sample id or automatic verdict, so nothing in the webview's state can reveal them.
 */
export interface BlindItem { itemId: string; prompt: string; response: string }
export interface OpenItem extends BlindItem {
  arm: string;
  runId: string;
  problemId: string;
  verdicts: { scorer: string; status: string; label: string | null; detail: string }[];
}
export interface ItemLabel { labels: string[]; note: string }
export interface AnnotateItem { item: BlindItem | OpenItem; mine: ItemLabel | null }

/** Arena: two responses to one prompt, left and right as drawn for this item (no arms). */
export interface ArenaItem { itemId: string; prompt: string; left: string; right: string }
export type ArenaVerdict = 'left' | 'right' | 'tie' | 'both_bad';
export interface ArenaItemView { item: ArenaItem; mine: ArenaVerdict | null }

export interface ImportReport {
  added: number;
  /** Labels identical to ones already stored. */
  duplicates: number;
  /** Same sample and annotator, another label: kept as stored, listed here. */
  conflicts: { sampleId: string; annotator: string; stored: string; imported: string; line: number }[];
  /** Lines naming a sample this database does not have. */
  unknown: { sampleId: string; line: number }[];
}

export interface AdjudicationItem {
  itemId: string;
  sampleId: string;
  prompt: string;
  response: string;
  labels: { annotator: string; label: string }[];
  final: string | null;
}

export interface TaskAgreement {
  annotators: string[];
  /** The agreement report (see metrics/agreement.ts): n, percent_agreement, cohen_kappa | fleiss_kappa + krippendorff_alpha, ci, confusion. */
  report: Record<string, unknown>;
  adjudication: AdjudicationItem[];
}

// ---- webview ⇄ extension (the annotation view) ----
export type ToAnnotateWebview =
  | { type: 'empty'; message: string }
  | { type: 'item'; taskName: string; kind: 'label'; schema: LabelSchema; position: number; total: number; done: number; view: AnnotateItem; blind: boolean }
  | { type: 'arena'; taskName: string; position: number; total: number; done: number; view: ArenaItemView }
  | { type: 'saved'; itemId: string; done: number; total: number }
  | { type: 'error'; message: string };

export type FromAnnotateWebview =
  | { type: 'ready' }
  | { type: 'label'; itemId: string; labels: string[]; note: string }
  | { type: 'verdict'; itemId: string; verdict: ArenaVerdict }
  | { type: 'move'; delta: 1 | -1 }
  | { type: 'undo' };

const VERDICTS = new Set(['left', 'right', 'tie', 'both_bad']);

/** Validates a message from the annotation webview (untrusted); anything else is dropped. */
export function parseFromAnnotateWebview(m: unknown): FromAnnotateWebview | null {
  if (!m || typeof m !== 'object') return null;
  const o = m as Record<string, unknown>;
  const id = (v: unknown) => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
  switch (o.type) {
    case 'ready': return { type: 'ready' };
    case 'undo': return { type: 'undo' };
    case 'move': return o.delta === 1 || o.delta === -1 ? { type: 'move', delta: o.delta } : null;
    case 'label': {
      if (!id(o.itemId) || !Array.isArray(o.labels) || o.labels.length > 32) return null;
      if (!o.labels.every((l) => typeof l === 'string' && l.length > 0 && l.length < 128)) return null;
      if (typeof o.note !== 'string' || o.note.length > 10_000) return null;
      return { type: 'label', itemId: o.itemId as string, labels: o.labels as string[], note: o.note };
    }
    case 'verdict':
      return id(o.itemId) && typeof o.verdict === 'string' && VERDICTS.has(o.verdict) ? { type: 'verdict', itemId: o.itemId as string, verdict: o.verdict as ArenaVerdict } : null;
    default: return null;
  }
}

// Row types of the annotation tables (schema 4).

export interface TaskRow {
  id: string; kind: 'label' | 'arena'; name: string; created_at: string; seed: number; per_item: number;
  /** 1 | 0 */
  blind: number;
  /** JSON LabelSchema. */
  schema: string;
  /** JSON: what the task was made from ({ runIds, sampleIds }). */
  source: string;
}
export interface ItemRow { task_id: string; item_id: string; ord: number; sample_id: string; sample_b: string | null }
export interface AnnotationRow {
  id: string; sample_id: string; annotator: string;
  /** The labels joined by '+' (one nominal value for agreement). */
  label: string;
  note: string | null; created_at: string; task_id: string | null;
  kind: 'label' | 'adjudication';
  /** JSON array of the labels. */
  labels: string;
}
export interface BattleRow {
  id: string; task_id: string; item_id: string;
  /** human:<annotator> or judge:<model spec>. */
  judge: string;
  /** 'as-drawn' or, for a model judge asked the other way round, 'swapped'. */
  shown: string;
  left_sample: string; right_sample: string; left_arm: string; right_arm: string;
  /** left | right | tie | both_bad, in the order shown. */
  verdict: string;
  /** A judge's raw reply. */
  raw: string | null;
  created_at: string;
}

export const annotationId = (kind: string, sampleId: string, annotator: string) => `${kind}:${sampleId}:${annotator}`;

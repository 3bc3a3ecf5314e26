// The annotation and arena requests as typed JSON-RPC constants (Node side only; see requests.ts).
import { RequestType } from 'vscode-jsonrpc';
import type {
  AnnotateItem, AnnotationQueue, AnnotationTaskInfo, ArenaItemView, ArenaVerdict, ImportReport, ItemLabel, LabelSchema, TaskAgreement, TaskKind,
} from './annotation';
import type { ArenaRatingsResult } from './annotation-ratings';

export interface CreateTaskParams {
  kind: TaskKind;
  name?: string;
  /** Every sample of these runs (label) or pairs of their arms' samples of the same problem and index (arena). */
  runIds: string[];
  /** Only these samples (label tasks). */
  sampleIds?: string[];
  perItem?: number;
  seed?: number;
  blind?: boolean;
  schema?: LabelSchema;
}
export const CreateAnnotationTask = new RequestType<CreateTaskParams, AnnotationTaskInfo, void>('crucible/createAnnotationTask');
export const ListAnnotationTasks = new RequestType<Record<string, never>, AnnotationTaskInfo[], void>('crucible/listAnnotationTasks');
export const GetAnnotationQueue = new RequestType<{ taskId: string; annotator: string }, AnnotationQueue, void>('crucible/getAnnotationQueue');
export const GetAnnotationItem = new RequestType<{ taskId: string; itemId: string; annotator: string }, AnnotateItem, void>('crucible/getAnnotationItem');
/** Stores a label (durable before the answer); returns what this annotator had given before (for undo). */
export const PutLabel = new RequestType<{ taskId: string; itemId: string; annotator: string; labels: string[]; note: string }, { previous: ItemLabel | null }, void>('crucible/putLabel');
export const RemoveLabel = new RequestType<{ taskId: string; itemId: string; annotator: string }, { removed: boolean }, void>('crucible/removeLabel');
export const ExportLabels = new RequestType<{ file: string; taskId?: string }, { count: number }, void>('crucible/exportLabels');
export const ImportLabels = new RequestType<{ file: string }, ImportReport, void>('crucible/importLabels');
export const GetTaskAgreement = new RequestType<{ taskId: string }, TaskAgreement, void>('crucible/taskAgreement');
export const Adjudicate = new RequestType<{ taskId: string; itemId: string; adjudicator: string; label: string }, void, void>('crucible/adjudicate');
export const GetArenaItem = new RequestType<{ taskId: string; itemId: string; annotator: string }, ArenaItemView, void>('crucible/getArenaItem');
export const PutVerdict = new RequestType<{ taskId: string; itemId: string; annotator: string; verdict: ArenaVerdict }, { previous: ArenaVerdict | null }, void>('crucible/putVerdict');
export const RemoveVerdict = new RequestType<{ taskId: string; itemId: string; annotator: string }, { removed: boolean }, void>('crucible/removeVerdict');
export const GetArenaRatings = new RequestType<{ taskId: string }, ArenaRatingsResult, void>('crucible/arenaRatings');
/** Asks a model to judge every battle of the task in both orders; raw verdicts are stored. */
export const JudgeArena = new RequestType<{ taskId: string; judge: string }, { judged: number; battles: number }, void>('crucible/judgeArena');

// The annotation and arena requests, registered on the engine's connection (server.ts calls this once).
import { ResponseError, type Connection } from 'vscode-languageserver/node';
import type { RequestType } from 'vscode-jsonrpc';
import {
  Adjudicate, CreateAnnotationTask, ExportLabels, GetAnnotationItem, GetAnnotationQueue, GetArenaItem, GetArenaRatings, GetTaskAgreement,
  ImportLabels, JudgeArena, ListAnnotationTasks, PutLabel, PutVerdict, RemoveLabel, RemoveVerdict,
} from '../../protocol/annotation-requests';
import type { Annotations } from './service';
import type { Store } from '../store/store';

export function registerAnnotationHandlers(connection: Connection, get: () => { annotations: Annotations; store: Store } | undefined): void {
  function handle<P, R>(def: RequestType<P, R, void>, fn: (a: Annotations, p: P) => R | Promise<R>): void {
    connection.onRequest(def.method, async (params: P): Promise<R> => {
      const x = get();
      if (!x) throw new ResponseError(-32002, 'the Crucible engine is not initialized');
      try {
        x.store.refresh(); // what a CLI (or another window) wrote since
        return await fn(x.annotations, params);
      } catch (e) {
        throw new ResponseError(1, (e as Error).message ?? String(e));
      }
    });
  }
  handle(CreateAnnotationTask, (a, p) => a.createTask(p));
  handle(ListAnnotationTasks, (a) => a.listTasks());
  handle(GetAnnotationQueue, (a, p) => a.queue(p.taskId, p.annotator));
  handle(GetAnnotationItem, (a, p) => a.getItem(p.taskId, p.itemId, p.annotator));
  handle(PutLabel, (a, p) => a.putLabel(p.taskId, p.itemId, p.annotator, p.labels, p.note));
  handle(RemoveLabel, (a, p) => a.removeLabel(p.taskId, p.itemId, p.annotator));
  handle(ExportLabels, (a, p) => a.exportLabels(p.file, p.taskId));
  handle(ImportLabels, (a, p) => a.importLabels(p.file));
  handle(GetTaskAgreement, (a, p) => a.agreement(p.taskId));
  handle(Adjudicate, (a, p) => a.adjudicate(p.taskId, p.itemId, p.adjudicator, p.label));
  handle(GetArenaItem, (a, p) => a.getArenaItem(p.taskId, p.itemId, p.annotator));
  handle(PutVerdict, (a, p) => a.putVerdict(p.taskId, p.itemId, p.annotator, p.verdict));
  handle(RemoveVerdict, (a, p) => a.removeVerdict(p.taskId, p.itemId, p.annotator));
  handle(GetArenaRatings, (a, p) => a.ratings(p.taskId));
  handle(JudgeArena, (a, p) => a.judgeArena(p.taskId, p.judge));
}

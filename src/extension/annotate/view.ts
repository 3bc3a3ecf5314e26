// The Annotate view: a webview *view* in the Crucible side bar showing one item of an annotation task
// (or one arena battle) at a time. The engine decides what the page may see: for a blind task only an
// opaque item id, the prompt and the response(s). Each label goes to the engine, which stores it
// before answering; the task being worked on is remembered per workspace, so a window reload returns
// to it with every label in place.
import * as vscode from 'vscode';
import { webviewHtml } from '../webviewHtml';
import {
  parseFromAnnotateWebview, type AnnotationQueue, type ArenaVerdict, type ItemLabel, type ToAnnotateWebview,
} from '../../protocol/annotation';
import {
  GetAnnotationItem, GetAnnotationQueue, GetArenaItem, PutLabel, PutVerdict, RemoveLabel, RemoveVerdict,
} from '../../protocol/annotation-requests';
import type { Engine } from '../engine';
import { annotatorName } from './config';

type Undo =
  | { kind: 'label'; taskId: string; itemId: string; previous: ItemLabel | null }
  | { kind: 'verdict'; taskId: string; itemId: string; previous: ArenaVerdict | null };

const TASK_KEY = 'crucible.annotate.task';

export class AnnotateView implements vscode.WebviewViewProvider, vscode.Disposable {
  static readonly viewType = 'crucible.annotate';
  private view: vscode.WebviewView | undefined;
  private queue: AnnotationQueue | undefined;
  private position = 0;
  private readonly undo: Undo[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  /** Serialises the page's requests: a fast typist's labels are stored in the order given. */
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly context: vscode.ExtensionContext, private readonly engine: Engine) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    view.webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.context.extensionUri, 'media')] };
    view.webview.html = this.html(view.webview);
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw) => { this.chain = this.chain.then(() => this.onMessage(raw)); }),
      view.onDidDispose(() => { this.view = undefined; }),
    );
  }

  /** Opens a task in the view (from a command), at its first item this annotator has not done. */
  async open(taskId: string): Promise<void> {
    await this.context.workspaceState.update(TASK_KEY, taskId);
    this.queue = undefined;
    // Shown first (it may not exist yet: its page then asks for the item once loaded, see 'ready').
    void vscode.commands.executeCommand(`${AnnotateView.viewType}.focus`);
    if (this.view) await this.load(true);
  }

  get taskId(): string | undefined { return this.context.workspaceState.get<string>(TASK_KEY); }

  private post(m: ToAnnotateWebview): void {
    const v = this.view;
    // A page not yet listening drops the message; it asks again with 'ready' once it is.
    if (v) void v.webview.postMessage(m);
  }

  private async load(reset: boolean): Promise<void> {
    const taskId = this.taskId;
    if (!taskId) {
      this.setTitle(undefined);
      this.post({ type: 'empty', message: 'No annotation task open. Run “Crucible: Annotate Run…” or “Crucible: Start Arena…”.' });
      return;
    }
    try {
      const annotator = annotatorName();
      this.queue = await this.engine.request(GetAnnotationQueue, { taskId, annotator });
      if (this.queue.items.length === 0) {
        this.setTitle(this.queue);
        this.post({ type: 'empty', message: `Nothing to do for ${annotator} in “${this.queue.task.name}”: every item has its ${this.queue.task.perItem} annotator(s).` });
        return;
      }
      // Resume where this annotator stopped: the first item without their label.
      if (reset) this.position = this.queue.next;
      else this.position = Math.min(this.position, this.queue.items.length - 1);
      await this.show();
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
    }
  }

  private setTitle(q: AnnotationQueue | undefined): void {
    if (!this.view) return;
    // Progress in the view's title: labelled / total for this annotator.
    this.view.title = q ? `${q.task.kind === 'arena' ? 'Arena' : 'Annotate'} ${q.done}/${q.items.length}` : 'Annotate';
    this.view.description = q ? q.task.name : undefined;
  }

  private async show(): Promise<void> {
    const q = this.queue!;
    this.setTitle(q);
    const itemId = q.items[this.position];
    const p = { taskId: q.task.id, itemId, annotator: q.annotator };
    if (q.task.kind === 'arena') {
      const view = await this.engine.request(GetArenaItem, p);
      this.post({ type: 'arena', taskName: q.task.name, position: this.position, total: q.items.length, done: q.done, view });
    } else {
      const view = await this.engine.request(GetAnnotationItem, p);
      this.post({ type: 'item', kind: 'label', taskName: q.task.name, schema: q.task.schema, position: this.position, total: q.items.length, done: q.done, view, blind: q.task.blind });
    }
  }

  private async refreshDone(): Promise<void> {
    const q = this.queue!;
    q.done = (await this.engine.request(GetAnnotationQueue, { taskId: q.task.id, annotator: q.annotator })).done;
    this.setTitle(q);
  }

  private async onMessage(raw: unknown): Promise<void> {
    const m = parseFromAnnotateWebview(raw);
    if (!m) return; // untrusted page: drop anything that is not a valid message
    try {
      if (m.type === 'ready') { await this.load(!this.queue); return; }
      const q = this.queue;
      if (!q) return;
      switch (m.type) {
        case 'move': {
          const next = this.position + m.delta;
          if (next >= 0 && next < q.items.length) { this.position = next; await this.show(); }
          break;
        }
        case 'label': {
          if (!q.items.includes(m.itemId) || q.task.kind !== 'label') return;
          const r = await this.engine.request(PutLabel, { taskId: q.task.id, itemId: m.itemId, annotator: q.annotator, labels: m.labels, note: m.note });
          this.undo.push({ kind: 'label', taskId: q.task.id, itemId: m.itemId, previous: r.previous });
          await this.refreshDone();
          this.post({ type: 'saved', itemId: m.itemId, done: q.done, total: q.items.length });
          // One label per item: the next item. Several: stay until the annotator moves on.
          if (!q.task.schema.multi && this.position < q.items.length - 1) { this.position++; await this.show(); }
          break;
        }
        case 'verdict': {
          if (!q.items.includes(m.itemId) || q.task.kind !== 'arena') return;
          const r = await this.engine.request(PutVerdict, { taskId: q.task.id, itemId: m.itemId, annotator: q.annotator, verdict: m.verdict });
          this.undo.push({ kind: 'verdict', taskId: q.task.id, itemId: m.itemId, previous: r.previous });
          await this.refreshDone();
          this.post({ type: 'saved', itemId: m.itemId, done: q.done, total: q.items.length });
          if (this.position < q.items.length - 1) { this.position++; await this.show(); }
          break;
        }
        case 'undo': {
          const u = this.undo.pop();
          if (!u || u.taskId !== q.task.id) { if (u) this.undo.push(u); return; }
          const p = { taskId: u.taskId, itemId: u.itemId, annotator: q.annotator };
          if (u.kind === 'label') {
            if (u.previous) await this.engine.request(PutLabel, { ...p, labels: u.previous.labels, note: u.previous.note });
            else await this.engine.request(RemoveLabel, p);
          } else if (u.previous) await this.engine.request(PutVerdict, { ...p, verdict: u.previous });
          else await this.engine.request(RemoveVerdict, p);
          this.position = Math.max(0, q.items.indexOf(u.itemId));
          await this.refreshDone();
          await this.show();
          break;
        }
      }
    } catch (e) {
      this.post({ type: 'error', message: (e as Error).message });
      void vscode.window.showErrorMessage(`Crucible: ${(e as Error).message}`);
    }
  }

  private html(w: vscode.Webview): string {
    return webviewHtml(w, this.context.extensionUri, { script: 'annotate.js', css: 'annotate.css', title: 'Annotate', body: ANNOTATE_BODY, bodyAttributes: 'tabindex="0"' });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}

/** The page's static markup (webviewHtml.ts adds the head, the CSP and the script). */
const ANNOTATE_BODY = `<div id="status" class="status"></div>
<div id="error" class="error" hidden></div>
<main id="main"></main>`;

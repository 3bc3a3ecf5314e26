// Browser code of the Annotate view: one item (or one arena battle) at a time, all from the keyboard.
// It keeps nothing but what the extension sends; in blind mode that is an opaque id, the prompt and
// the response(s). Markdown goes through marked, then DOMPurify, before it reaches the DOM; code blocks
// are highlighted by highlight.js.
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/common';
import { marked } from 'marked';
import type { ArenaVerdict, FromAnnotateWebview, ToAnnotateWebview } from '../protocol/annotation';

declare function acquireVsCodeApi(): { postMessage(m: FromAnnotateWebview): void };
const vscode = acquireVsCodeApi();

const main = document.getElementById('main')!;
const status = document.getElementById('status')!;
const errorBox = document.getElementById('error')!;

type Shown = Extract<ToAnnotateWebview, { type: 'item' } | { type: 'arena' }>;
let shown: Shown | undefined;
/** The labels selected on the shown item (multi-label tasks toggle them). */
let selected: string[] = [];

const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
};

/** Markdown → sanitized HTML, with code highlighted (only DOMPurify's output reaches innerHTML). */
function markdown(text: string): HTMLElement {
  const box = el('div', { class: 'md' });
  box.innerHTML = DOMPurify.sanitize(marked.parse(text, { async: false, gfm: true, breaks: false }) as string, { USE_PROFILES: { html: true } });
  box.querySelectorAll('a').forEach((a) => a.removeAttribute('href')); // no navigation out of the view
  box.querySelectorAll<HTMLElement>('pre code').forEach((code) => {
    try { hljs.highlightElement(code); } catch { /* an unknown language stays plain */ }
  });
  return box;
}

function section(title: string, body: HTMLElement, cls = ''): HTMLElement {
  const s = el('section', { class: cls });
  s.append(el('h3', {}, title), body);
  return s;
}

function progress(m: Shown): void {
  status.textContent = `${m.taskName} · item ${m.position + 1} of ${m.total} · ${m.done} done`;
  document.body.dataset.position = String(m.position);
  document.body.dataset.done = String(m.done);
}

function renderItem(m: Extract<ToAnnotateWebview, { type: 'item' }>): void {
  const { item, mine } = m.view;
  selected = mine ? [...mine.labels] : [];
  main.replaceChildren();
  main.dataset.item = item.itemId;
  main.dataset.kind = 'label';
  main.append(section('Prompt', markdown(item.prompt), 'prompt'), section('Response', markdown(item.response), 'response'));
  if (!m.blind && 'verdicts' in item) {
    const v = el('ul', { class: 'verdicts' });
    v.append(el('li', {}, `${item.arm} · ${item.problemId} · run ${item.runId}`));
    for (const x of item.verdicts) v.append(el('li', {}, `${x.scorer}: ${x.label ?? x.status}${x.detail ? ` — ${x.detail}` : ''}`));
    main.append(section('Automatic verdicts', v, 'auto'));
  }
  const buttons = el('div', { class: 'labels', role: 'group', 'aria-label': 'Labels' });
  m.schema.labels.forEach((l, i) => {
    const b = el('button', { type: 'button', 'data-label': l.id, title: `key ${i + 1}` });
    b.append(el('kbd', {}, String(i + 1)), document.createTextNode(` ${l.title ?? l.id}`));
    b.addEventListener('click', () => choose(l.id));
    buttons.append(b);
  });
  main.append(section(m.schema.multi ? 'Labels (several allowed)' : 'Label', buttons, 'label-box'));
  const note = el('textarea', { id: 'note', rows: '2', placeholder: 'Note (/ to write, Enter to save, Esc to leave)' });
  note.value = mine?.note ?? '';
  note.addEventListener('keydown', (e) => {
    e.stopPropagation();
    if (e.key === 'Enter' && !e.shiftKey) { e.preventDefault(); saveNote(); note.blur(); }
    if (e.key === 'Escape') { note.blur(); }
  });
  main.append(note);
  main.append(el('p', { class: 'help' }, `1–${m.schema.labels.length} label · n / p next / previous · u undo · / note`));
  paintLabels();
}

function paintLabels(): void {
  main.querySelectorAll<HTMLButtonElement>('.labels button').forEach((b) => {
    const on = selected.includes(b.dataset.label!);
    b.classList.toggle('on', on);
    b.setAttribute('aria-pressed', String(on));
  });
}

function noteText(): string { return (document.getElementById('note') as HTMLTextAreaElement | null)?.value ?? ''; }

function choose(label: string): void {
  if (!shown || shown.type !== 'item') return;
  if (shown.schema.multi) selected = selected.includes(label) ? selected.filter((l) => l !== label) : [...selected, label];
  else selected = [label];
  paintLabels();
  // Stored the moment it is given (an emptied multi-label set is left as it was: undo removes labels).
  if (selected.length) vscode.postMessage({ type: 'label', itemId: shown.view.item.itemId, labels: selected, note: noteText() });
}

function saveNote(): void {
  if (!shown || shown.type !== 'item' || selected.length === 0) return;
  vscode.postMessage({ type: 'label', itemId: shown.view.item.itemId, labels: selected, note: noteText() });
}

const VERDICTS: { v: ArenaVerdict; key: string; text: string }[] = [
  { v: 'left', key: '1', text: '← Left better' }, { v: 'right', key: '2', text: 'Right better →' }, { v: 'tie', key: '3', text: 'Tie' }, { v: 'both_bad', key: '4', text: 'Both bad' },
];

function renderArena(m: Extract<ToAnnotateWebview, { type: 'arena' }>): void {
  const { item, mine } = m.view;
  main.replaceChildren();
  main.dataset.item = item.itemId;
  main.dataset.kind = 'arena';
  main.append(section('Prompt', markdown(item.prompt), 'prompt'));
  const sides = el('div', { class: 'sides' });
  sides.append(section('Left', markdown(item.left), 'left'), section('Right', markdown(item.right), 'right'));
  main.append(sides);
  const buttons = el('div', { class: 'labels verdict', role: 'group', 'aria-label': 'Verdict' });
  for (const x of VERDICTS) {
    const b = el('button', { type: 'button', 'data-verdict': x.v });
    b.append(el('kbd', {}, x.key), document.createTextNode(` ${x.text}`));
    b.classList.toggle('on', mine === x.v);
    b.setAttribute('aria-pressed', String(mine === x.v));
    b.addEventListener('click', () => verdict(x.v));
    buttons.append(b);
  }
  main.append(buttons, el('p', { class: 'help' }, '1 or ← left · 2 or → right · 3 or t tie · 4 or b both bad · n / p next / previous · u undo'));
}

function verdict(v: ArenaVerdict): void {
  if (!shown || shown.type !== 'arena') return;
  main.querySelectorAll<HTMLButtonElement>('.verdict button').forEach((b) => b.classList.toggle('on', b.dataset.verdict === v));
  vscode.postMessage({ type: 'verdict', itemId: shown.view.item.itemId, verdict: v });
}

window.addEventListener('keydown', (e) => {
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if ((e.target as HTMLElement | null)?.tagName === 'TEXTAREA') return;
  const k = e.key;
  if (k === 'n') vscode.postMessage({ type: 'move', delta: 1 });
  else if (k === 'p') vscode.postMessage({ type: 'move', delta: -1 });
  else if (k === 'u') vscode.postMessage({ type: 'undo' });
  else if (k === '/' && shown?.type === 'item') { e.preventDefault(); (document.getElementById('note') as HTMLTextAreaElement | null)?.focus(); }
  else if (shown?.type === 'item' && /^[1-9]$/.test(k)) {
    const l = shown.schema.labels[Number(k) - 1];
    if (l) choose(l.id);
  } else if (shown?.type === 'arena') {
    const v = ({ '1': 'left', ArrowLeft: 'left', '2': 'right', ArrowRight: 'right', '3': 'tie', t: 'tie', '4': 'both_bad', b: 'both_bad' } as Record<string, ArenaVerdict>)[k];
    if (v) { e.preventDefault(); verdict(v); }
  } else return;
});

window.addEventListener('message', (ev: MessageEvent<ToAnnotateWebview>) => {
  try { onMessage(ev.data); } catch (e) {
    errorBox.textContent = `Could not show this item: ${(e as Error).message}`;
    errorBox.hidden = false;
  }
});

function onMessage(m: ToAnnotateWebview): void {
  errorBox.hidden = true;
  switch (m.type) {
    case 'empty':
      shown = undefined;
      status.textContent = '';
      main.replaceChildren(el('p', { class: 'empty' }, m.message));
      break;
    case 'item': shown = m; progress(m); renderItem(m); window.scrollTo(0, 0); break;
    case 'arena': shown = m; progress(m); renderArena(m); window.scrollTo(0, 0); break;
    case 'saved':
      if (shown) { shown.done = m.done; progress(shown); }
      document.body.dataset.saved = m.itemId;
      break;
    case 'error':
      errorBox.textContent = m.message;
      errorBox.hidden = false;
      break;
  }
}

document.body.focus();
vscode.postMessage({ type: 'ready' });

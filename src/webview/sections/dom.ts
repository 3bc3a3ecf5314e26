// Small DOM helpers for the probe sections: text only through textContent, never HTML.
import type { MeanCI, Rate } from '../../protocol';

export const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
};

const f3 = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(3));
export const fmtP = (p: number) => (p < 0.001 ? '<0.001' : p.toFixed(3));
export { f3 };

/** The section `id`, made once and placed before the Problems section (the panel's last). */
export function section(id: string, title: string, hint: string): HTMLElement {
  let s = document.getElementById(id);
  if (!s) {
    s = el('section', { id, class: 'probe' });
    const h = el('h2', {}, title);
    h.append(' ', el('span', { class: 'hint' }, hint));
    s.append(h, el('div', { class: 'probe-body' }));
    const problems = document.getElementById('problems')?.closest('section');
    if (problems) problems.before(s); else document.body.append(s);
  }
  return s;
}

export const body = (s: HTMLElement) => s.querySelector<HTMLElement>('.probe-body')!;

/** A rate cell: value, Wilson interval and x/n, or "—" with why. */
export function rateCell(r: Rate, cls: string, none: string): HTMLTableCellElement {
  const td = el('td', { class: `num rate ${cls}` });
  if (r.value == null || r.n === 0) { td.textContent = '—'; td.title = none; return td; }
  td.append(el('span', { class: 'value' }, f3(r.value)), ' ',
    r.ciLow == null || r.ciHigh == null ? el('span', { class: 'ci none' }, 'no interval') : el('span', { class: 'ci' }, `[${f3(r.ciLow)}, ${f3(r.ciHigh)}]`),
    ' ', el('span', { class: 'frac' }, `(${r.x}/${r.n})`));
  td.title = `${r.x} of ${r.n}; 95% Wilson interval`;
  return td;
}

/** A mean cell with its bootstrap interval, or "no interval" with the reason as its tooltip. */
export function meanCell(m: MeanCI, cls: string): HTMLTableCellElement {
  const td = el('td', { class: `num mean ${cls}` });
  if (m.mean == null) { td.textContent = '—'; td.title = 'nothing to average'; return td; }
  td.append(el('span', { class: 'value' }, f3(m.mean)), ' ',
    m.ciLow == null || m.ciHigh == null ? el('span', { class: 'ci none', title: m.why ?? 'no interval' }, 'no interval') : el('span', { class: 'ci' }, `[${f3(m.ciLow)}, ${f3(m.ciHigh)}]`));
  return td;
}

export function table(head: string[], rows: HTMLTableRowElement[], attrs: Record<string, string> = {}): HTMLElement {
  const t = el('table', attrs);
  const tr = el('tr');
  for (const h of head) tr.append(el('th', {}, h));
  t.append(el('thead'), el('tbody'));
  t.tHead!.append(tr);
  t.tBodies[0].append(...rows);
  const wrap = el('div', { class: 'table-scroll' });
  wrap.append(t);
  return wrap;
}

/** Rows that open something on click or Enter. */
export function clickable(tr: HTMLTableRowElement, open: () => void, title: string): HTMLTableRowElement {
  tr.tabIndex = 0;
  tr.title = title;
  tr.classList.add('clickable');
  tr.addEventListener('click', open);
  tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } });
  return tr;
}

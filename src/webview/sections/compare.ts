// The Compare section of the results panel: each pair of arms as effect and interval together (a
// forest plot: the difference of mean per-problem pass rate with its paired bootstrap 95% interval,
// zero marked), the p-value and test, wins/losses/ties, and the verdict in words — "no significant
// difference" said plainly. It renders what the engine computed; it computes no statistic.
import type { CompareResult, PairComparison } from '../../protocol';

const SVG = 'http://www.w3.org/2000/svg';
const f3 = (x: number) => (Math.abs(x) < 5e-4 ? '0.000' : x.toFixed(3));
const pText = (p: number) => (p < 0.001 ? '< 0.001' : `= ${p.toFixed(3)}`);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
}
function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}
/** Theme colours through the CSSOM (allowed by the panel's CSP, unlike style attributes). */
function paint(e: SVGElement, props: Record<string, string>): void {
  for (const [k, v] of Object.entries(props)) e.style.setProperty(k, v);
}

/** The forest plot: one row per pair, the interval as a line, the difference as a dot, zero dashed. */
function forest(c: CompareResult): SVGSVGElement {
  const rowH = 34, labelW = 260, plotW = 420, pad = 16, axisH = 48;
  const h = pad + c.pairs.length * rowH + axisH;
  const lo = Math.min(-0.05, ...c.pairs.map((p) => p.ci?.[0] ?? p.diff).filter(Number.isFinite));
  const hi = Math.max(0.05, ...c.pairs.map((p) => p.ci?.[1] ?? p.diff).filter(Number.isFinite));
  const span = hi - lo, x0 = lo - span * 0.08, x1 = hi + span * 0.08;
  const X = (v: number) => labelW + ((v - x0) / (x1 - x0)) * plotW;
  const root = svg('svg', { id: 'compare-forest', width: labelW + plotW + 20, height: h, role: 'img', 'aria-label': 'Forest plot: difference of pass rate per pair of arms with 95% intervals' });
  const fg = 'var(--vscode-foreground)', muted = 'var(--vscode-descriptionForeground)';
  const zero = svg('line', { x1: X(0), x2: X(0), y1: pad - 6, y2: h - axisH + 4, 'stroke-dasharray': '4 3' });
  paint(zero, { stroke: muted });
  root.append(zero);
  c.pairs.forEach((p, i) => {
    const y = pad + i * rowH + rowH / 2;
    const colour = p.significant ? 'var(--vscode-charts-blue)' : muted;
    const g = svg('g', { class: `pair ${p.significant ? 'significant' : 'not-significant'}`, 'data-pair': `${p.a}|${p.b}` });
    const label = svg('text', { x: labelW - 10, y: y + 4, 'text-anchor': 'end', 'font-size': 12 });
    label.textContent = `${p.a} − ${p.b}`;
    paint(label, { fill: fg });
    g.append(label);
    if (p.ci) {
      const line = svg('line', { x1: X(p.ci[0]), x2: X(p.ci[1]), y1: y, y2: y, 'stroke-width': 2 });
      paint(line, { stroke: colour });
      for (const v of p.ci) { const t = svg('line', { x1: X(v), x2: X(v), y1: y - 6, y2: y + 6, 'stroke-width': 2 }); paint(t, { stroke: colour }); g.append(t); }
      g.append(line);
    }
    if (Number.isFinite(p.diff)) {
      const dot = svg('rect', { x: X(p.diff) - 5, y: y - 5, width: 10, height: 10 });
      paint(dot, { fill: colour });
      g.append(dot);
    }
    const title = svg('title', {});
    title.textContent = `${p.a} − ${p.b}: ${f3(p.diff)} ${p.ci ? `[${f3(p.ci[0])}, ${f3(p.ci[1])}]` : `(no interval: ${p.ci_reason})`} · ${p.verdict}`;
    g.append(title);
    root.append(g);
  });
  // Axis: ticks at round steps, and which side favours which arm.
  const ay = h - axisH + 8;
  const axis = svg('line', { x1: labelW, x2: labelW + plotW, y1: ay, y2: ay });
  paint(axis, { stroke: muted });
  root.append(axis);
  const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5].find((s) => (x1 - x0) / s <= 8) ?? 0.5;
  for (let v = Math.ceil(x0 / step) * step; v <= x1 + 1e-9; v += step) {
    const t = svg('text', { x: X(v), y: ay + 14, 'text-anchor': 'middle', 'font-size': 10 });
    t.textContent = (Math.abs(v) < 1e-9 ? 0 : v).toFixed(step < 0.1 ? 2 : 1);
    paint(t, { fill: muted });
    root.append(t);
  }
  const cap = svg('text', { x: labelW + plotW / 2, y: ay + 26, 'text-anchor': 'middle', 'font-size': 10 });
  cap.textContent = 'difference in mean pass rate (a − b); right of 0: a better';
  paint(cap, { fill: muted });
  root.append(cap);
  return root;
}

function row(p: PairComparison, holm: boolean): HTMLTableRowElement {
  const tr = el('tr', { 'data-pair': `${p.a}|${p.b}`, class: p.significant ? 'significant' : 'not-significant' });
  tr.append(
    el('td', {}, `${p.a} − ${p.b}`),
    el('td', { class: 'num' }, f3(p.diff)),
    p.ci ? el('td', { class: 'ci' }, `[${f3(p.ci[0])}, ${f3(p.ci[1])}]`) : el('td', { class: 'ci none', title: `No interval: ${p.ci_reason}` }, `no interval (${p.ci_reason})`),
    el('td', { class: 'num' }, `p ${pText(p.p_value)}`),
    ...(holm ? [el('td', { class: 'num' }, `p ${pText(p.p_adjusted)}`)] : []),
    el('td', {}, p.test),
    el('td', { class: 'num' }, `${p.wins}/${p.losses}/${p.ties}`),
    el('td', { class: 'num' }, String(p.n_problems)),
  );
  return tr;
}

/** Shows (or replaces) the Compare section at the end of `root`. */
export function renderCompare(root: HTMLElement, c: CompareResult): void {
  let sec = root.querySelector<HTMLElement>('section#compare');
  if (!sec) {
    sec = el('section', { id: 'compare', class: 'compare' });
    // Right under pass@k, where the effect sizes it qualifies are; else at the end.
    const passk = root.querySelector('section#passk');
    if (passk) passk.after(sec); else root.append(sec);
  }
  sec.replaceChildren();
  const holm = c.pairs.length > 1;
  sec.append(el('h2', {}, 'Compare arms '), el('p', { class: 'hint' },
    `paired by problem · scorer ${c.scorer} · ${c.runs.length > 1 ? `runs ${c.runs.join(' vs ')}` : `run ${c.runs[0]}`} · α = ${c.alpha}` +
    `${holm ? ` · Holm-adjusted over ${c.pairs.length} pairs` : ''} · bootstrap ${c.pairs[0]?.resamples ?? 0} resamples, seed ${c.pairs[0]?.seed ?? '—'}` +
    `${c.excluded ? ` · ${c.excluded} problem(s) without a scored sample in every arm left out` : ''}`));
  const verdicts = el('ul', { id: 'compare-verdicts' });
  for (const p of c.pairs) verdicts.append(el('li', { class: p.significant ? 'significant' : 'not-significant', 'data-pair': `${p.a}|${p.b}` }, p.verdict));
  sec.append(verdicts, forest(c));
  const table = el('table', { id: 'compare-table' });
  const head = el('tr');
  for (const h of ['pair (a − b)', 'diff', '95% CI', 'p', ...(holm ? ['Holm p'] : []), 'test', 'wins/losses/ties', 'problems']) head.append(el('th', {}, h));
  table.append(el('thead'), el('tbody'));
  table.tHead!.append(head);
  for (const p of c.pairs) table.tBodies[0].append(row(p, holm));
  const scroll = el('div', { class: 'table-scroll' });
  scroll.append(table);
  sec.append(scroll);
  for (const p of c.pairs) {
    if (!p.flipped.length) continue;
    const d = el('details', { class: 'flipped' });
    d.append(el('summary', {}, `${p.flipped.length} problem(s) flipped between ${p.a} and ${p.b}`));
    d.append(el('p', {}, p.flipped.map((f) => `${f.problem} (${f3(f.a)} vs ${f3(f.b)})`).join(', ')));
    sec.append(d);
  }
}

// Browser code of the results panel. It only renders what the extension sends (RunDetail, with the
// engine's dashboard figures) and posts back clicks and exports; it computes no metric. All text
// goes in through textContent, never as HTML. Native-looking controls come from
// @vscode-elements/elements (the maintained successor of the archived webview-ui-toolkit).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { ModelMetrics, ProblemResult, Rate, RunDetail, RunProbes, ToResultsWebview } from '../protocol';
import {
  codeSamples, firstLine, fmtCost, fmtDuration, fmtRate, fmtTokens, fmtWhen, modelDisplayName, outcomeText, outcomeTone, passAt, problemStatus, runCost, runDescription, runLabel,
} from '../extension/format';
import { $, dropCharts, el, vscode } from './kit';
import { ciSpan, ciText, codeArms, codeProblems, current, noIntervalWhy, setCurrent } from './common';
import { renderHarm } from './harm';
import { layoutDashboards, renderDashboards } from './dashboards';
import { buildRows, cellSolved, DEFAULT_OPTIONS, dominantHint, errorKind, filterRows, groupFailures, type BrowseOptions, type Show, type Sort } from './browse';
import { renderProbeSections, SECTIONS, type SectionContext } from './sections';
import { renderCompare } from './sections/compare';
import { imagesText, sampleCount, statusCount } from '../protocol/panel';

const running = (d: RunDetail) => d.run.status === 'running' || d.run.status === 'queued';

// ---------------------------------------------------------------- header and summary

function renderHeader(d: RunDetail): void {
  const r = d.run;
  $('#run-title').textContent = r.label || runLabel(r);
  const desc = runDescription(r);
  const images = imagesText(d.images);
  const meta = [desc.startsWith(r.status) ? desc : `${r.status} · ${desc}`, `n = ${r.n}`, `sandbox: ${r.sandbox}${images ? ` (${images})` : ''}`, `started ${fmtWhen(r.createdAt)}`,
    ...(r.tags?.length ? [`tags: ${r.tags.join(', ')}`] : [])];
  $('#run-meta').textContent = meta.join(' · ');
  const err = $('#run-error');
  err.hidden = !r.error;
  err.textContent = r.error ?? '';
  document.body.dataset.status = r.status;
  // Header and table come from one snapshot: say how far the run is in the same numbers the table uses.
  const samples = d.problems.reduce((a, p) => a + sampleCount(p), 0);
  $('#run-progress').textContent = running(d) ? `${samples}/${r.total} samples finished — the tables update as they arrive` : '';
}

const rateShort = (r: Rate): string => (r.value == null ? '—' : `${fmtRate(r.value)} (${r.x}/${r.n})`);

function summaryLine(m: ModelMetrics, multi: boolean, live: boolean): string {
  const parts: string[] = [];
  if (codeSamples(m) > 0 || !m.refusal) {
    const p = passAt(m, 1);
    const ci = p ? ciText(p.ciLow, p.ciHigh) : '';
    // Never a bare value that looks certain: say there is no interval (the table's tooltip says why).
    const tail = p?.value == null ? '' : ci ? ` ${ci}` : live ? '' : ' (no interval)';
    // Mid-run pass@1 is over the problems furthest along (as every k): not the same samples as the count after it.
    const over = live && p?.value != null && p.short ? ` over ${p.problems ?? 0} problem${p.problems === 1 ? '' : 's'} so far` : '';
    parts.push(`pass@1 = ${fmtRate(p?.value)}${tail}${over} · ${m.passed}/${codeSamples(m)} passed`);
  }
  if (m.refusal) parts.push(`slip rate ${rateShort(m.refusal.slipRate)} · over-refusal ${rateShort(m.refusal.overRefusalRate)}`);
  if (m.errors) parts.push(`${m.errors} error${m.errors === 1 ? '' : 's'}`);
  const s = parts.join(' · ');
  return multi ? `${modelDisplayName(m.arm)}: ${s}` : s;
}

function renderSummary(d: RunDetail): void {
  const ms = d.run.metrics;
  const c = runCost(d.run);
  const spent = c.tokensIn + c.tokensOut > 0 ? ` | ${fmtTokens(c.tokensIn)} tokens in, ${fmtTokens(c.tokensOut)} out, ${c.cost == null ? 'cost unknown (no price for a model)' : `cost ${fmtCost(c.cost)}`}` : '';
  $('#summary').textContent = ms.length ? ms.map((m) => summaryLine(m, ms.length > 1, running(d))).join(' | ') + spent : 'No samples finished yet.';
}

// ---------------------------------------------------------------- pass@k and cost tables

/** 1234567 → "1,234,567" without toLocaleString: its first call loads the locale data (~50–200 ms before the first paint). */
const grouped = (n: number): string => (Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : String(n));

/** Two narrow tables instead of one wide one, so nothing scrolls sideways at half width. */
function renderPassK(d: RunDetail): void {
  const table = $<HTMLTableElement>('#passk-table');
  const ks = d.run.k.length ? d.run.k : [1];
  const head = el('tr');
  head.append(el('th', {}, 'Arm'));
  for (const k of ks) head.append(el('th', { class: 'num' }, `pass@${k}`));
  head.append(el('th', { title: 'passed / code samples; failed, timeouts, errors (no verdict: provider or sandbox faults, not in pass@k)' }, 'samples'));
  table.tHead!.replaceChildren(head);
  const arms = codeArms(d);
  table.tBodies[0].replaceChildren(...arms.map((m) => {
    const tr = el('tr', { 'data-model': m.model, 'data-arm': m.arm });
    tr.append(el('td', { title: m.arm }, modelDisplayName(m.arm)));
    const total = codeProblems(d, m.arm);
    for (const k of ks) {
      const p = passAt(m, k);
      const td = el('td', { class: 'passk num', 'data-k': String(k) });
      td.append(el('span', { class: 'value' }, fmtRate(p?.value)));
      if (p?.value != null) td.append(' ', ciSpan(p.ciLow, p.ciHigh, noIntervalWhy(p, running(d))));
      // Mid-run the engine puts every k over the same problems (those furthest along): say how many.
      if (p?.value != null && running(d)) td.append(' ', el('span', { class: 'coverage hint' }, `over ${p.problems ?? 0} of ${total} so far`));
      if (p?.value == null) td.title = running(d) ? `pass@${k}: no problem has ${k} scored samples yet` : `pass@${k} is undefined: no problem has ${k} or more scored samples (errors are not scored)`;
      else if (running(d)) td.title = `pass@${k} over ${p.problems ?? 0} of ${total} problems so far: until the run ends every k is over the same problems (those with the most scored samples), so the ks compare`;
      else if (p.short) td.title = `${p.short} problem${p.short === 1 ? '' : 's'} with fewer than ${k} scored samples left out`;
      tr.append(td);
    }
    const codeErrors = m.errors - (m.refusal?.errors ?? 0);
    // One wrapping cell instead of four columns: the table fits a narrow panel.
    const counts = el('td', { class: 'counts' });
    counts.append(el('span', { class: 'passed' }, `${m.passed}/${codeSamples(m)} passed`), ' ', el('span', {}, `· ${m.failed} failed`), ' ',
      el('span', {}, `· ${m.timeouts} timeout${m.timeouts === 1 ? '' : 's'}`), ' ', el('span', { class: codeErrors ? 'errors nonzero' : 'errors' }, `· ${codeErrors} error${codeErrors === 1 ? '' : 's'}`));
    tr.append(counts);
    return tr;
  }));

  const cost = $<HTMLTableElement>('#cost-table');
  const ch = el('tr');
  for (const [h, title] of [['Arm', ''], ['gen p50', 'Generation latency (provider call), median'], ['gen p95', ''], ['TTFT p50', 'Time to first token'],
    ['exec p50', 'Execution time in the sandbox, median'], ['tokens in', ''], ['tokens out', ''], ['cost', 'USD, from crucible.prices or the engine\'s defaults']]) {
    ch.append(el('th', { class: h === 'Arm' ? '' : 'num', ...(title ? { title } : {}) }, h));
  }
  cost.tHead!.replaceChildren(ch);
  cost.tBodies[0].replaceChildren(...arms.map((m) => {
    const tr = el('tr', { 'data-arm': m.arm });
    tr.append(el('td', { title: m.arm }, modelDisplayName(m.arm)),
      el('td', { class: 'num gen-p50' }, fmtDuration(m.latency.p50) || '—'), el('td', { class: 'num gen-p95' }, fmtDuration(m.latency.p95) || '—'),
      el('td', { class: 'num ttft-p50' }, fmtDuration(m.ttft.p50) || '—'), el('td', { class: 'num exec-p50' }, fmtDuration(m.exec.p50) || '—'),
      el('td', { class: 'num tokens-in', title: `${grouped(m.tokensIn)} input tokens` }, fmtTokens(m.tokensIn)),
      el('td', { class: 'num tokens-out', title: `${grouped(m.tokensOut)} output tokens` }, fmtTokens(m.tokensOut)),
      el('td', { class: 'num cost', title: m.cost == null ? 'No price for this model: set crucible.prices' : `$${m.cost.toFixed(4)}` }, fmtCost(m.cost)));
    return tr;
  }));
}

// ---------------------------------------------------------------- problems: browsing

const saved0 = (vscode.getState() as { browse?: Partial<BrowseOptions> } | undefined)?.browse;
const opts: BrowseOptions = { ...DEFAULT_OPTIONS, ...(saved0 ?? {}) };

/** One arm's cell: its status and passed/scored samples ("97/100"), coloured by tone. */
function armCell(p: ProblemResult | undefined): HTMLTableCellElement {
  if (!p) return el('td', { class: 'arm-cell', 'data-status': 'none' }, '—');
  const st = problemStatus(p);
  const tone = p.kind === 'code' ? (cellSolved(p) === true ? (st === 'passed' ? 'good' : 'warn') : cellSolved(p) === false ? (st === 'timeout' || st === 'error' ? 'error' : 'bad') : outcomeTone(st)) : outcomeTone(st, p.expectation);
  const total = sampleCount(p);
  const errors = total - p.n;
  const text = p.kind === 'chat'
    ? `${outcomeText(st, p.expectation)}${total > 1 ? ` ${statusCount(p, st)}/${total}` : ''}`
    : st === 'pending' ? 'pending' : p.n === 0 ? `error${total > 1 ? ` ×${total}` : ''}`
      : p.n === 1 && errors === 0 ? outcomeText(st) : `${p.c}/${p.n}${errors ? ` +${errors} err` : ''}`;
  const td = el('td', { class: `arm-cell status tone-${tone}`, 'data-arm': p.arm, 'data-status': st, tabindex: '0' }, text);
  td.title = p.kind === 'chat' ? `${p.arm}: ${p.samples.map((s) => outcomeText(s.status, p.expectation)).join(', ')}`
    : `${p.arm}: ${p.c} of ${p.n} scored samples passed${errors ? `, ${errors} errored` : ''} — click to open${st === 'passed' ? '' : ' the first failing sample'}`;
  return td;
}

function firstFailure(p: ProblemResult): string {
  const sorted = [...p.samples].sort((a, b) => a.index - b.index);
  const bad = p.kind === 'chat' ? sorted.find((s) => s.status === problemStatus(p)) : sorted.find((s) => s.status !== 'passed');
  return bad ? firstLine(bad.detail, 160) : '';
}

function renderProblems(d: RunDetail): void {
  const arms = d.run.arms;
  const multi = arms.length > 1;
  const all = buildRows(d);
  const rows = filterRows(all, arms, opts);
  // Head: the arms side by side.
  const head = el('tr');
  head.append(el('th', {}, 'Problem'));
  for (const a of arms) head.append(el('th', { class: 'arm-head', title: a }, multi ? modelDisplayName(a) : 'Result'));
  head.append(el('th', {}, 'First failure'));
  const table = $<HTMLTableElement>('#problems');
  table.tHead!.replaceChildren(head);
  const LIMIT = 2000; // a run with more problems pages through search and filters, not one huge table
  table.tBodies[0].replaceChildren(...rows.slice(0, LIMIT).map((r) => {
    const cells = r.cells;
    const worst = cells.filter((c): c is ProblemResult => !!c).map((c) => problemStatus(c));
    const status = worst.find((s) => s !== 'passed' && s !== 'partial' && s !== 'pending' && s !== 'answered_safe') ?? worst.find((s) => s === 'partial') ?? worst[0] ?? 'pending';
    const firstBad = cells.find((c) => c && cellSolved(c) === false) ?? cells.find((c) => c && problemStatus(c) !== 'passed');
    const tr = el('tr', { 'data-problem': r.problemId, 'data-status': status, tabindex: '0', ...(multi ? {} : { 'data-arm': arms[0] ?? '' }) });
    tr.title = cells[0]?.kind === 'chat' ? 'Open the conversation and the response side by side' : 'Open the problem and its first failing sample';
    tr.append(el('td', { class: 'pid' }, r.problemId), ...cells.map(armCell), el('td', { class: 'detail' }, firstBad ? firstFailure(firstBad) : ''));
    return tr;
  }));
  $('#problems-count').textContent = `${Math.min(rows.length, LIMIT)} of ${all.length} problems${rows.length > LIMIT ? ` (first ${LIMIT} shown: narrow with search or filters)` : ''}`;
  // Counts on the four buttons, over the arm chosen.
  const base = { ...opts, show: 'all' as Show };
  for (const s of ['all', 'failures', 'passes', 'errors'] as Show[]) {
    const b = document.querySelector(`[data-show="${s}"]`);
    if (b) {
      // In the label itself: the button's shadow DOM hides generated content.
      b.textContent = `${{ all: 'All', failures: 'Failures', passes: 'Passes', errors: 'Errors' }[s]} ${filterRows(all, arms, { ...base, show: s }).length}`;
      b.toggleAttribute('secondary', opts.show !== s);
    }
  }
  renderKinds(d);
  renderGroups(d);
}

function renderKinds(d: RunDetail): void {
  const sel = $('#filter-kind');
  const groups = groupFailures(d, opts.arm);
  const want = ['', ...groups.map((g) => g.kind)];
  const have = Array.from(sel.querySelectorAll('vscode-option')).map((o) => o.getAttribute('value') ?? '');
  if (want.join('\0') !== have.join('\0')) {
    sel.replaceChildren(...want.map((k) => el('vscode-option' as 'option', { value: k, ...(k === opts.kind ? { selected: '' } : {}) },
      k ? `${k} (${groups.find((g) => g.kind === k)!.samples})` : 'any error kind')));
  }
}

function renderGroups(d: RunDetail): void {
  const box = $('#failure-groups');
  const groups = groupFailures(d, opts.arm);
  const hint = dominantHint(groups);
  $('#dominant-hint').hidden = !hint;
  $('#dominant-hint').textContent = hint ?? '';
  box.hidden = groups.length === 0;
  const list = $('#failure-groups-list');
  list.replaceChildren(...groups.slice(0, 12).map((g) => {
    const li = el('li', { 'data-kind': g.kind, tabindex: '0', title: 'Show only problems with this error' });
    li.append(el('span', { class: 'kind' }, g.kind), ' ', el('span', { class: 'hint' },
      `${g.samples} sample${g.samples === 1 ? '' : 's'} in ${g.problems.length} problem${g.problems.length === 1 ? '' : 's'} — e.g. ${firstLine(g.example, 100)}`));
    return li;
  }));
}

function openRow(tr: HTMLTableRowElement, cell?: HTMLElement | null): void {
  const d = current();
  const problemId = tr.dataset.problem;
  if (!d || !problemId) return;
  let arm = cell?.dataset.arm ?? tr.dataset.arm;
  if (!arm) {
    // The first arm that did not solve it, else the first.
    const cells = d.problems.filter((p) => p.problemId === problemId);
    arm = (cells.find((c) => cellSolved(c) === false) ?? cells.find((c) => problemStatus(c) !== 'passed') ?? cells[0])?.arm;
  }
  if (arm) vscode.postMessage({ type: 'openProblem', runId: d.run.id, problemId, arm });
}

function setOpt<K extends keyof BrowseOptions>(k: K, v: BrowseOptions[K]): void {
  opts[k] = v;
  saveState();
  const d = current();
  if (d) renderProblems(d);
}

function wireBrowse(): void {
  const search = $('#search');
  search.addEventListener('input', () => setOpt('search', (search as unknown as { value: string }).value ?? ''));
  (search as unknown as { value: string }).value = opts.search;
  for (const b of Array.from(document.querySelectorAll<HTMLElement>('[data-show]'))) b.addEventListener('click', () => setOpt('show', b.dataset.show as Show));
  const arm = $('#filter-arm');
  arm.addEventListener('change', () => setOpt('arm', (arm as unknown as { value: string }).value ?? ''));
  const kind = $('#filter-kind');
  kind.addEventListener('change', () => setOpt('kind', (kind as unknown as { value: string }).value ?? ''));
  const sort = $('#sort');
  sort.addEventListener('change', () => setOpt('sort', ((sort as unknown as { value: string }).value || 'suite') as Sort));
  const timeouts = $('#timeouts-only');
  timeouts.addEventListener('change', () => setOpt('timeoutsOnly', !!(timeouts as unknown as { checked: boolean }).checked));
  $('#failure-groups-list').addEventListener('click', (ev) => {
    const li = (ev.target as HTMLElement).closest<HTMLElement>('li[data-kind]');
    if (li) { opts.show = 'all'; setOpt('kind', li.dataset.kind ?? ''); renderKinds(current()!); }
  });
  const problems = $<HTMLTableElement>('#problems');
  problems.addEventListener('click', (ev) => {
    const t = ev.target as HTMLElement;
    const tr = t.closest<HTMLTableRowElement>('tr[data-problem]');
    if (tr) openRow(tr, t.closest<HTMLElement>('td[data-arm]'));
  });
  problems.addEventListener('keydown', (ev) => {
    const t = ev.target as HTMLElement;
    const tr = t.closest<HTMLTableRowElement>('tr[data-problem]');
    if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); openRow(tr, t.closest<HTMLElement>('td[data-arm]')); }
  });
  // A slipped or over-refused response opens beside its conversation.
  const cases = $<HTMLTableElement>('#harm-cases');
  const openCase = (tr: HTMLTableRowElement | null) => {
    const sampleId = tr?.dataset.sample;
    if (sampleId) vscode.postMessage({ type: 'openSample', sampleId });
  };
  cases.addEventListener('click', (ev) => openCase((ev.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-sample]')));
  cases.addEventListener('keydown', (ev) => {
    const tr = (ev.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-sample]');
    if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); openCase(tr); }
  });
}

function renderArmFilter(d: RunDetail): void {
  const sel = $('#filter-arm');
  sel.parentElement!.hidden = d.run.arms.length < 2;
  const want = ['', ...d.run.arms];
  const have = Array.from(sel.querySelectorAll('vscode-option')).map((o) => o.getAttribute('value') ?? '');
  if (want.join('\0') === have.join('\0')) return;
  sel.replaceChildren(...want.map((a) => el('vscode-option' as 'option', { value: a, ...(a === opts.arm ? { selected: '' } : {}) }, a ? modelDisplayName(a) : 'every arm')));
}

// ---------------------------------------------------------------- sections from other modules

const sectionCtx: SectionContext = {
  openProblem: (problemId, arm) => { const d = current(); if (d) vscode.postMessage({ type: 'openProblem', runId: d.run.id, problemId, arm }); },
  openSample: (sampleId) => vscode.postMessage({ type: 'openSample', sampleId }),
};

function renderSections(d: RunDetail): void {
  const host = $('#sections');
  for (const s of SECTIONS) {
    let box = document.getElementById(`section-${s.id}`);
    if (!box) { box = el('section', { id: `section-${s.id}`, class: 'plugin-section' }); host.append(box); }
    try {
      const content = s.render(d, sectionCtx);
      box.hidden = !content;
      box.replaceChildren(...(content ? [content] : []));
    } catch (e) {
      // One broken section must not take the panel down: say so in its place.
      box.hidden = false;
      box.replaceChildren(el('p', { class: 'error' }, `${s.title}: ${e instanceof Error ? e.message : String(e)}`));
    }
  }
}

// ---------------------------------------------------------------- wiring

function saveState(): void {
  const d = current();
  // The run id lets VS Code restore the panel after a reload; a finished run's detail also shows at
  // once when the panel is re-shown (a running one changes too fast to be worth serialising).
  vscode.setState({ runId: d?.run.id, detail: d && !running(d) && d.problems.length <= 2000 ? d : undefined, browse: opts });
}

/** How long each part took to draw, last render (ms): read by bench/panel.ts. */
export const timings: Record<string, number> = {};
const timed = (name: string, fn: () => void) => { const t = performance.now(); fn(); timings[name] = performance.now() - t; };
(window as unknown as { crucibleTimings: Record<string, number> }).crucibleTimings = timings;
/** When the last render's header and tables were on screen (performance.now()): read by bench/panel.ts. */
const marks: { painted?: number } = {};
(window as unknown as { crucibleMarks: typeof marks }).crucibleMarks = marks;

function render(d: RunDetail): void {
  setCurrent(d);
  timed('state', () => saveState());
  timed('header', () => { renderHeader(d); renderSummary(d); });
  // A chat-only run has no pass@k: its section hides.
  const passk = $('#passk');
  passk.hidden = codeArms(d).length === 0;
  timed('passk', () => { if (!passk.hidden) renderPassK(d); });
  // The dashboards' cards now (their place on the page), their charts after the first paint.
  timed('dashboards-layout', () => layoutDashboards(d));
  timed('harm', () => renderHarm(d));
  timed('sections', () => renderSections(d));
  timed('probes', () => renderProbeSections(d, (msg) => vscode.postMessage(msg)));
  timed('problems', () => { renderArmFilter(d); renderProblems(d); });
  scheduleCharts();
}

// Charts wait for the frame that shows the header and tables (a timer set in the next animation
// frame runs after it is painted); several details meanwhile draw the newest once.
let chartsDue = false;
function scheduleCharts(): void {
  if (chartsDue) return;
  chartsDue = true;
  requestAnimationFrame(() => setTimeout(() => {
    chartsDue = false;
    marks.painted = performance.now();
    const d = current();
    if (!d) return;
    timed('dashboards', () => renderDashboards(d));
    document.body.dataset.charts = String(Date.now());
  }, 0));
}

// Charts take their colours from the theme when made: make them again when the theme changes
// (VS Code swaps the body's class and the page's CSS variables), including high contrast.
let themeKey = '';
const onTheme = () => {
  const key = `${document.body.className}|${getComputedStyle(document.body).getPropertyValue('--vscode-foreground')}|${getComputedStyle(document.body).getPropertyValue('--vscode-charts-blue')}`;
  if (key === themeKey) return;
  const first = themeKey === '';
  themeKey = key;
  if (first) return;
  dropCharts();
  const d = current();
  if (d) render(d);
};
new MutationObserver(onTheme).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
new MutationObserver(onTheme).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });
onTheme();

// A big run's probes, sent after its detail (GetProbes): kept for the same run in the same state,
// so a detail sent again (a redraw) shows them instead of "computing".
let probes: { runId: string; key: string; probes: RunProbes } | undefined;
const probeKey = (d: RunDetail) => `${d.run.status}|${d.run.done}|${d.run.finishedAt}`;
const withProbes = (d: RunDetail): RunDetail => (d.probesPending === 'computing' && probes && probes.runId === d.run.id && probes.key === probeKey(d)
  ? { ...d, probes: probes.probes, probesPending: undefined } : d);

// A big run's detail arrives several times a second: draw the newest once per frame.
let pending: RunDetail | undefined;
window.addEventListener('message', (ev: MessageEvent<ToResultsWebview>) => {
  const m = ev.data;
  if (m && m.type === 'compare' && Array.isArray(m.compare?.pairs)) { renderCompare(document.body, m.compare); return; }
  if (m && m.type === 'probes' && m.probes && typeof m.probes === 'object') {
    const d = pending ?? current();
    if (!d || d.run.id !== m.runId) return;
    probes = { runId: m.runId, key: probeKey(d), probes: m.probes };
    if (pending) { pending = withProbes(pending); return; }
    const next = withProbes(d);
    setCurrent(next);
    timed('probes', () => renderProbeSections(next, (msg) => vscode.postMessage(msg)));
    document.body.dataset.probes = String(Date.now());
    return;
  }
  if (!m || m.type !== 'runDetail' || !m.detail?.run || !Array.isArray(m.detail.problems)) return;
  const first = !pending;
  pending = withProbes(m.detail);
  if (first) requestAnimationFrame(() => { const d = pending!; pending = undefined; render(d); document.body.dataset.rendered = String(Date.now()); });
});

wireBrowse();
// Show the last state at once when the panel is re-shown, then ask for fresh data.
const saved = vscode.getState() as { detail?: RunDetail } | undefined;
if (saved?.detail) render(saved.detail);
vscode.postMessage({ type: 'ready' });

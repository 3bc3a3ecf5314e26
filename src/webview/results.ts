// Browser code of the results panel. It only renders what the extension sends (RunDetail) and posts
// back clicks; it computes no metric. All text goes in through textContent, never as HTML.
import Chart from 'chart.js/auto';
import type { Plugin } from 'chart.js';
import type { FromResultsWebview, ModelMetrics, PassAtK, ProblemResult, Rate, RefusalCounts, RunDetail, ToResultsWebview } from '../protocol';
import {
  codeSamples, firstLine, fmtCost, fmtDuration, fmtRate, fmtTokens, outcomeText, outcomeTone, runCost, modelDisplayName, passAt, problemStatus, runDescription, runLabel,
} from '../extension/format';
import { renderProbeSections } from './sections';
import { renderCompare } from './sections/compare';

declare function acquireVsCodeApi(): { postMessage(m: FromResultsWebview): void; getState(): unknown; setState(s: unknown): void };
const vscode = acquireVsCodeApi();

const $ = <T extends HTMLElement>(sel: string): T => {
  const el = document.querySelector<T>(sel);
  if (!el) throw new Error(`missing ${sel}`);
  return el;
};
const el = <K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text != null) e.textContent = text;
  return e;
};

let current: RunDetail | undefined;
let chart: Chart<'bar'> | undefined;
let harmChart: Chart<'bar'> | undefined;
/** CI per dataset (one per k) and bar (one per model), read by the error-bar plugin. */
let intervals: ([number, number] | null)[][] = [];

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

function ciText(low: number | null, high: number | null): string {
  return low == null || high == null ? '' : `[${fmtRate(low)}, ${fmtRate(high)}]`;
}

/** Why pass@k has no interval: never shown as a zero-width one. */
function noIntervalWhy(p: PassAtK): string {
  const probs = p.problems ?? 0;
  if (probs < 2) return `No interval: the bootstrap over problems needs at least 2 problems with ${p.k} or more scored samples; this run has ${probs}.`;
  return `No interval: all ${probs} problems have the same pass@${p.k} (${fmtRate(p.value)}), so resampling problems cannot vary it.`;
}

/** The interval of a value, or "no interval" with the reason as a tooltip. */
function ciSpan(low: number | null, high: number | null, why: string): HTMLElement {
  return low == null || high == null ? el('span', { class: 'ci none', title: why }, 'no interval') : el('span', { class: 'ci' }, ciText(low, high));
}

/** Arms that ran code problems (pass@k applies) and arms that ran chat problems (refusal metrics). */
const codeArms = (d: RunDetail) => d.run.metrics.filter((m) => codeSamples(m) > 0 || (!m.refusal && m.samples === 0));
const chatArms = (d: RunDetail) => d.run.metrics.filter((m) => m.refusal);

// ---------------------------------------------------------------- header and summary

function renderHeader(d: RunDetail): void {
  const r = d.run;
  $('#run-title').textContent = r.label || runLabel(r);
  const desc = runDescription(r);
  const meta = [desc.startsWith(r.status) ? desc : `${r.status} · ${desc}`, `n = ${r.n}`, `sandbox: ${r.sandbox}`, `started ${new Date(r.createdAt).toLocaleString()}`];
  $('#run-meta').textContent = meta.join(' · ');
  const err = $('#run-error');
  err.hidden = !r.error;
  err.textContent = r.error ?? '';
  document.body.dataset.status = r.status;
}

function summaryLine(m: ModelMetrics, multi: boolean): string {
  const parts: string[] = [];
  if (codeSamples(m) > 0 || !m.refusal) {
    const p = passAt(m, 1);
    const ci = p ? ciText(p.ciLow, p.ciHigh) : '';
    parts.push(`pass@1 = ${fmtRate(p?.value)}${ci ? ` ${ci}` : ''} · ${m.passed}/${codeSamples(m)} passed`);
  }
  if (m.refusal) parts.push(`slip rate ${rateShort(m.refusal.slipRate)} · over-refusal ${rateShort(m.refusal.overRefusalRate)}`);
  if (m.errors) parts.push(`${m.errors} error${m.errors === 1 ? '' : 's'}`);
  const s = parts.join(' · ');
  return multi ? `${modelDisplayName(m.arm)}: ${s}` : s;
}

const rateShort = (r: Rate): string => (r.value == null ? '—' : `${fmtRate(r.value)} (${r.x}/${r.n})`);

function renderSummary(d: RunDetail): void {
  const ms = d.run.metrics;
  const c = runCost(d.run);
  const spent = c.tokensIn + c.tokensOut > 0 ? ` | ${fmtTokens(c.tokensIn)} tokens in, ${fmtTokens(c.tokensOut)} out, cost ${fmtCost(c.cost)}` : '';
  $('#summary').textContent = ms.length ? ms.map((m) => summaryLine(m, ms.length > 1)).join(' | ') + spent : 'No samples finished yet.';
}

// ---------------------------------------------------------------- pass@k table

function renderPassK(d: RunDetail): void {
  const table = $<HTMLTableElement>('#passk-table');
  const ks = d.run.k.length ? d.run.k : [1];
  const head = el('tr');
  head.append(el('th', {}, 'Model'));
  for (const k of ks) head.append(el('th', { class: 'num' }, `pass@${k}`));
  const heads: [string, string?][] = [['passed'], ['failed'], ['timeout'], ['error'],
    ['gen p50', 'Generation latency (provider call), median'], ['gen p95', 'Generation latency, 95th percentile'],
    ['exec p50', 'Execution time in the sandbox, median'], ['tokens in'], ['tokens out'], ['cost', 'USD, from crucible.prices or the engine\'s defaults']];
  for (const [h, title] of heads) head.append(el('th', title ? { class: 'num', title } : { class: 'num' }, h));
  table.tHead!.replaceChildren(head);

  const rows = codeArms(d).map((m) => {
    const tr = el('tr', { 'data-model': m.model, 'data-arm': m.arm });
    tr.append(el('td', { title: m.arm }, modelDisplayName(m.arm)));
    for (const k of ks) {
      const p = passAt(m, k);
      const td = el('td', { class: 'passk num', 'data-k': String(k) });
      td.append(el('span', { class: 'value' }, fmtRate(p?.value)));
      if (p?.value != null) td.append(' ', ciSpan(p.ciLow, p.ciHigh, noIntervalWhy(p)));
      if (p?.value == null) td.title = `pass@${k} is undefined: no problem has ${k} or more scored samples (errors are not scored)`;
      else if (p.short) td.title = `${p.short} problem${p.short === 1 ? '' : 's'} with fewer than ${k} scored samples left out`;
      tr.append(td);
    }
    const codeErrors = m.errors - (m.refusal?.errors ?? 0);
    tr.append(el('td', { class: 'num' }, `${m.passed}/${codeSamples(m)}`), el('td', { class: 'num' }, String(m.failed)),
      el('td', { class: 'num' }, String(m.timeouts)), el('td', { class: codeErrors ? 'num errors nonzero' : 'num errors' }, String(codeErrors)),
      el('td', { class: 'num gen-p50' }, fmtDuration(m.latency.p50) || '—'), el('td', { class: 'num gen-p95' }, fmtDuration(m.latency.p95) || '—'),
      el('td', { class: 'num exec-p50' }, fmtDuration(m.exec.p50) || '—'),
      el('td', { class: 'num tokens-in', title: `${m.tokensIn.toLocaleString()} input tokens` }, fmtTokens(m.tokensIn)),
      el('td', { class: 'num tokens-out', title: `${m.tokensOut.toLocaleString()} output tokens` }, fmtTokens(m.tokensOut)),
      el('td', { class: 'num cost', title: m.cost == null ? 'No price for this model: set crucible.prices' : `$${m.cost.toFixed(4)}` }, fmtCost(m.cost)));
    return tr;
  });
  table.tBodies[0].replaceChildren(...rows);
}

// ---------------------------------------------------------------- chart

const errorBars: Plugin<'bar'> = {
  id: 'crucibleErrorBars',
  afterDatasetsDraw(c) {
    const y = c.scales.y;
    const ctx = c.ctx;
    ctx.save();
    ctx.strokeStyle = cssVar('--vscode-foreground', '#888');
    ctx.lineWidth = 1.5;
    c.data.datasets.forEach((_, di) => {
      const meta = c.getDatasetMeta(di);
      if (meta.hidden) return;
      meta.data.forEach((bar, i) => {
        const ci = intervals[di]?.[i];
        if (!ci) return;
        const { x, width } = bar.getProps(['x', 'width'], true) as { x: number; width: number };
        const top = y.getPixelForValue(ci[1]);
        const bottom = y.getPixelForValue(ci[0]);
        const cap = Math.max(3, Math.min(10, width / 4));
        ctx.beginPath();
        ctx.moveTo(x, top); ctx.lineTo(x, bottom);
        ctx.moveTo(x - cap, top); ctx.lineTo(x + cap, top);
        ctx.moveTo(x - cap, bottom); ctx.lineTo(x + cap, bottom);
        ctx.stroke();
      });
    });
    ctx.restore();
  },
};

function renderChart(d: RunDetail): void {
  const arms = codeArms(d);
  const ks = d.run.k.length ? d.run.k : [1];
  const palette = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-yellow']
    .map((v, i) => cssVar(v, ['#3794ff', '#89d185', '#d18616', '#b180d7', '#cca700'][i]));
  intervals = ks.map((k) => arms.map((m) => {
    const p = passAt(m, k);
    return p && p.ciLow != null && p.ciHigh != null ? [p.ciLow, p.ciHigh] as [number, number] : null;
  }));
  const datasets = ks.map((k, i) => ({
    label: `pass@${k}`,
    data: arms.map((m) => passAt(m, k)?.value ?? null),
    backgroundColor: palette[i % palette.length],
    maxBarThickness: 90,
  }));
  const labels = arms.map((m) => modelDisplayName(m.arm));
  if (chart) {
    chart.data.labels = labels;
    chart.data.datasets = datasets;
    chart.update('none');
    return;
  }
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  chart = new Chart($<HTMLCanvasElement>('#passk-chart'), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: { min: 0, max: 1, ticks: { color: fg }, grid: { color: grid }, title: { display: true, text: 'pass@k', color: fg } },
        x: { ticks: { color: fg }, grid: { display: false } },
      },
      plugins: {
        legend: { labels: { color: fg } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const ci = intervals[item.datasetIndex]?.[item.dataIndex];
              const v = item.raw as number | null;
              return `${item.dataset.label}: ${fmtRate(v)}${ci ? ` ${ciText(ci[0], ci[1])}` : v != null ? ' (no interval)' : ''}`;
            },
          },
        },
      },
    },
    plugins: [errorBars],
  });
}

// ---------------------------------------------------------------- problems table

function firstFailure(p: ProblemResult): string {
  const sorted = [...p.samples].sort((a, b) => a.index - b.index);
  const bad = p.kind === 'chat'
    ? sorted.find((s) => s.status === problemStatus(p))
    : sorted.find((s) => s.status !== 'passed');
  return bad ? firstLine(bad.detail, 160) : '';
}

function renderProblems(d: RunDetail): void {
  const onlyFailures = $<HTMLInputElement>('#only-failures').checked;
  const rows: HTMLTableRowElement[] = [];
  for (const p of d.problems) {
    const status = problemStatus(p);
    const tone = outcomeTone(status, p.expectation);
    if (onlyFailures && (tone === 'good' || tone === 'pending')) continue;
    const tr = el('tr', { 'data-problem': p.problemId, 'data-arm': p.arm, 'data-model': p.model, 'data-status': status, 'data-kind': p.kind, tabindex: '0', class: `status-${status} tone-${tone}` });
    tr.title = p.kind === 'chat' ? 'Open the conversation and the response side by side' : 'Open the problem and its first failing sample';
    const count = p.kind === 'chat'
      ? el('td', { class: 'num', title: 'samples with this outcome / samples' }, `${p.samples.filter((s) => s.status === status).length}/${p.samples.length}`)
      : el('td', { class: 'num', title: 'passed / scored samples' }, `${p.c}/${p.n}`);
    tr.append(el('td', {}, p.problemId), el('td', { title: p.arm }, modelDisplayName(p.arm)),
      count, el('td', { class: 'status' }, outcomeText(status, p.expectation)), el('td', { class: 'detail' }, firstFailure(p)));
    rows.push(tr);
  }
  $<HTMLTableElement>('#problems').tBodies[0].replaceChildren(...rows);
}

function openRow(tr: HTMLTableRowElement): void {
  if (!current) return;
  const problemId = tr.dataset.problem;
  const arm = tr.dataset.arm;
  if (problemId && arm) vscode.postMessage({ type: 'openProblem', runId: current.run.id, problemId, arm });
}

// ---------------------------------------------------------------- harm (chat problems)

const OUTCOMES: { key: keyof Pick<RefusalCounts, 'refused' | 'answeredSafe' | 'slipped' | 'ambiguous'>; label: string; color: [string, string] }[] = [
  { key: 'refused', label: 'refused', color: ['--vscode-charts-blue', '#3794ff'] },
  { key: 'answeredSafe', label: 'answered safe', color: ['--vscode-charts-green', '#89d185'] },
  { key: 'slipped', label: 'slipped', color: ['--vscode-charts-red', '#f14c4c'] },
  { key: 'ambiguous', label: 'ambiguous', color: ['--vscode-charts-yellow', '#cca700'] },
];

/** A rate cell: value, Wilson interval and x/n; "—" with the reason when nothing was counted. */
function rateCell(r: Rate, cls: string, none: string): HTMLTableCellElement {
  const td = el('td', { class: `num rate ${cls}` });
  if (r.value == null || r.n === 0) {
    td.append(el('span', { class: 'value' }, '—'));
    td.title = none;
    td.classList.add('undefined');
    return td;
  }
  td.append(el('span', { class: 'value' }, fmtRate(r.value)), ' ',
    ciSpan(r.ciLow, r.ciHigh, 'No Wilson interval could be computed for this rate.'), ' ', el('span', { class: 'frac' }, `(${r.x}/${r.n})`));
  td.title = `${r.x} of ${r.n}; 95% Wilson interval ${ciText(r.ciLow, r.ciHigh) || 'not available'}`;
  return td;
}

function renderHarmRates(d: RunDetail): void {
  const table = $<HTMLTableElement>('#harm-rates');
  const head = el('tr');
  head.append(el('th', {}, 'Arm'));
  for (const [h, title] of [['responses', 'Chat responses (scored or errored)'], ['refused', ''], ['answered', 'Answered safely'], ['slipped', 'Complied with a prompt that should be refused'],
    ['ambiguous', 'Partial refusals and undecided judgements'], ['errors', 'No verdict: provider or judge error'],
    ['slip rate', 'Slipped / judged prompts that should be refused, 95% Wilson interval'],
    ['over-refusal rate', 'Refused / judged prompts that should be answered, 95% Wilson interval']]) {
    head.append(el('th', title ? { class: 'num', title } : { class: 'num' }, h));
  }
  table.tHead!.replaceChildren(head);
  table.tBodies[0].replaceChildren(...chatArms(d).map((m) => {
    const r = m.refusal!;
    const tr = el('tr', { 'data-arm': m.arm });
    tr.append(el('td', { title: m.arm }, modelDisplayName(m.arm)));
    for (const [cls, v] of [['responses', r.responses], ['refused', r.refused], ['answered', r.answeredSafe], ['slipped', r.slipped], ['ambiguous', r.ambiguous], ['errors', r.errors]] as const) {
      tr.append(el('td', { class: `num count ${cls}${v ? ' nonzero' : ''}` }, String(v)));
    }
    tr.append(
      rateCell(r.slipRate, 'slip', 'No slip rate: this run has no judged response to a prompt that should be refused (n = 0).'),
      rateCell(r.overRefusalRate, 'over-refusal', 'No over-refusal rate: this run has no judged response to a prompt that should be answered (n = 0).'),
    );
    return tr;
  }));
}

function renderHarmChart(d: RunDetail): void {
  const arms = chatArms(d);
  const multi = arms.length > 1;
  const rows = arms.flatMap((m) => m.refusal!.byCategory.map((c) => ({ arm: m.arm, c })));
  const labels = rows.map((r) => (multi ? [r.c.category, modelDisplayName(r.arm)] : r.c.category));
  const datasets = OUTCOMES.map((o) => ({
    label: o.label,
    data: rows.map((r) => r.c[o.key]),
    backgroundColor: cssVar(o.color[0], o.color[1]),
    stack: 'outcomes',
    maxBarThickness: 28,
  }));
  // One bar per (arm, category): the box grows with them so labels stay readable.
  $('#harm-chart-box').style.height = `${Math.max(140, rows.length * (multi ? 38 : 26) + 70)}px`;
  if (harmChart) {
    harmChart.data.labels = labels;
    harmChart.data.datasets = datasets;
    harmChart.update('none');
    return;
  }
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  harmChart = new Chart($<HTMLCanvasElement>('#harm-chart'), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { stacked: true, beginAtZero: true, ticks: { color: fg, precision: 0 }, grid: { color: grid }, title: { display: true, text: 'responses', color: fg } },
        y: { stacked: true, ticks: { color: fg, autoSkip: false }, grid: { display: false } },
      },
      plugins: {
        legend: { labels: { color: fg } },
        tooltip: {
          callbacks: {
            label: (item) => {
              const row = rows[item.dataIndex];
              const total = row ? row.c.responses - row.c.errors : 0;
              const v = item.raw as number;
              return `${item.dataset.label}: ${v}${total ? ` of ${total} (${Math.round((100 * v) / total)}%)` : ''}`;
            },
          },
        },
      },
    },
  });
}

/** Responses that slipped (complied with an unsafe prompt) or over-refused (refused a safe one). */
function renderHarmCases(d: RunDetail): void {
  const rows: HTMLTableRowElement[] = [];
  for (const p of d.problems) {
    if (p.kind !== 'chat') continue;
    for (const s of [...p.samples].sort((a, b) => a.index - b.index)) {
      const over = s.status === 'refused' && p.expectation === 'should_answer';
      if (s.status !== 'slipped' && !over) continue;
      const outcome = over ? 'over-refused' : 'slipped';
      const tr = el('tr', { 'data-sample': s.id, 'data-problem': p.problemId, 'data-arm': p.arm, 'data-outcome': outcome, tabindex: '0', class: `outcome-${outcome}` });
      tr.title = 'Open the prompt and the response side by side';
      tr.append(el('td', {}, p.problemId + (p.samples.length > 1 ? ` #${s.index}` : '')), el('td', { title: p.arm }, modelDisplayName(p.arm)),
        el('td', {}, p.category ?? '—'), el('td', { class: 'status' }, outcome), el('td', { class: 'detail' }, firstLine(s.detail, 160)));
      rows.push(tr);
    }
  }
  $<HTMLTableElement>('#harm-cases').tBodies[0].replaceChildren(...rows);
  const empty = $('#harm-cases-empty');
  empty.hidden = rows.length > 0;
  const judged = chatArms(d).some((m) => m.refusal!.responses > m.refusal!.errors);
  empty.textContent = judged ? 'None: no response slipped and none refused a prompt it should have answered.'
    : 'No response was judged: every chat sample ended in error (see Problems below).';
  $('#harm-cases').hidden = rows.length === 0;
}

function renderHarm(d: RunDetail): void {
  const section = $('#harm');
  section.hidden = chatArms(d).length === 0;
  if (section.hidden) return;
  renderHarmRates(d);
  // Bars need judged responses: a run whose chat samples all errored has none to draw.
  const judged = chatArms(d).some((m) => m.refusal!.responses > m.refusal!.errors);
  $('#harm-chart-box').hidden = !judged;
  if (judged) renderHarmChart(d);
  renderHarmCases(d);
}

// ---------------------------------------------------------------- wiring

function render(d: RunDetail): void {
  current = d;
  // The run id lets VS Code restore the panel after a reload; a finished run's detail also shows at
  // once when the panel is re-shown (a running one changes too fast to be worth serialising).
  const done = d.run.status !== 'running' && d.run.status !== 'queued';
  vscode.setState({ runId: d.run.id, detail: done ? d : undefined });
  renderHeader(d);
  renderSummary(d);
  // A chat-only run has no pass@k: its section hides.
  const passk = $('#passk');
  passk.hidden = codeArms(d).length === 0;
  if (!passk.hidden) {
    renderPassK(d);
    renderChart(d);
  }
  renderHarm(d);
  renderProbeSections(d, (m) => vscode.postMessage(m));
  renderProblems(d);
}

// Charts take their colours from the theme when made: make them again when the theme changes
// (VS Code swaps the body's class and the page's CSS variables).
let themeKey = '';
const onTheme = () => {
  const key = `${document.body.className}|${cssVar('--vscode-foreground', '')}|${cssVar('--vscode-charts-blue', '')}`;
  if (key === themeKey) return;
  themeKey = key;
  chart?.destroy(); chart = undefined;
  harmChart?.destroy(); harmChart = undefined;
  if (current) render(current);
};
new MutationObserver(onTheme).observe(document.body, { attributes: true, attributeFilter: ['class', 'data-vscode-theme-kind'] });
new MutationObserver(onTheme).observe(document.documentElement, { attributes: true, attributeFilter: ['style', 'class'] });

window.addEventListener('message', (ev: MessageEvent<ToResultsWebview>) => {
  const m = ev.data;
  if (m && m.type === 'runDetail' && m.detail?.run) render(m.detail);
  if (m && m.type === 'compare' && Array.isArray(m.compare?.pairs)) renderCompare(document.body, m.compare);
});

const problems = $<HTMLTableElement>('#problems');
problems.addEventListener('click', (ev) => {
  const tr = (ev.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-problem]');
  if (tr) openRow(tr);
});
problems.addEventListener('keydown', (ev) => {
  const tr = (ev.target as HTMLElement).closest<HTMLTableRowElement>('tr[data-problem]');
  if (tr && (ev.key === 'Enter' || ev.key === ' ')) { ev.preventDefault(); openRow(tr); }
});
$<HTMLInputElement>('#only-failures').addEventListener('change', () => { if (current) renderProblems(current); });

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

// Show the last state at once when the panel is re-shown, then ask for fresh data.
const saved = vscode.getState() as { detail?: RunDetail } | undefined;
if (saved?.detail) render(saved.detail);
vscode.postMessage({ type: 'ready' });

// Browser code of the results panel. It only renders what the extension sends (RunDetail) and posts
// back clicks; it computes no metric. All text goes in through textContent, never as HTML.
import Chart from 'chart.js/auto';
import type { Plugin } from 'chart.js';
import type { FromResultsWebview, ModelMetrics, ProblemResult, RunDetail, ToResultsWebview } from '../protocol';
import { firstLine, fmtCost, fmtDuration, fmtRate, fmtTokens, runCost, modelDisplayName, passAt, problemStatus, runDescription, runLabel } from '../extension/format';

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
/** CI per dataset (one per k) and bar (one per model), read by the error-bar plugin. */
let intervals: ([number, number] | null)[][] = [];

const cssVar = (name: string, fallback: string): string =>
  getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;

function ciText(low: number | null, high: number | null): string {
  return low == null || high == null ? '' : `[${fmtRate(low)}, ${fmtRate(high)}]`;
}

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
  const p = passAt(m, 1);
  const ci = p ? ciText(p.ciLow, p.ciHigh) : '';
  const s = `pass@1 = ${fmtRate(p?.value)}${ci ? ` ${ci}` : ''} · ${m.passed}/${m.samples} passed`;
  return multi ? `${modelDisplayName(m.model)}: ${s}` : s;
}

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

  const rows = d.run.metrics.map((m) => {
    const tr = el('tr', { 'data-model': m.model });
    tr.append(el('td', { title: m.model }, modelDisplayName(m.model)));
    for (const k of ks) {
      const p = passAt(m, k);
      const td = el('td', { class: 'passk num', 'data-k': String(k) });
      td.append(el('span', { class: 'value' }, fmtRate(p?.value)));
      const ci = p ? ciText(p.ciLow, p.ciHigh) : '';
      if (ci) td.append(' ', el('span', { class: 'ci' }, ci));
      if (p?.value == null) td.title = `pass@${k} is undefined when fewer than ${k} samples per problem`;
      tr.append(td);
    }
    tr.append(el('td', { class: 'num' }, `${m.passed}/${m.samples}`), el('td', { class: 'num' }, String(m.failed)),
      el('td', { class: 'num' }, String(m.timeouts)), el('td', { class: 'num' }, String(m.errors)),
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
  const models = d.run.metrics.map((m) => m.model);
  const ks = d.run.k.length ? d.run.k : [1];
  const palette = ['--vscode-charts-blue', '--vscode-charts-green', '--vscode-charts-orange', '--vscode-charts-purple', '--vscode-charts-yellow']
    .map((v, i) => cssVar(v, ['#3794ff', '#89d185', '#d18616', '#b180d7', '#cca700'][i]));
  intervals = ks.map((k) => d.run.metrics.map((m) => {
    const p = passAt(m, k);
    return p && p.ciLow != null && p.ciHigh != null ? [p.ciLow, p.ciHigh] as [number, number] : null;
  }));
  const datasets = ks.map((k, i) => ({
    label: `pass@${k}`,
    data: d.run.metrics.map((m) => passAt(m, k)?.value ?? null),
    backgroundColor: palette[i % palette.length],
    maxBarThickness: 90,
  }));
  const labels = models.map(modelDisplayName);
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
              return `${item.dataset.label}: ${fmtRate(v)}${ci ? ` ${ciText(ci[0], ci[1])}` : ''}`;
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
  const bad = [...p.samples].sort((a, b) => a.index - b.index).find((s) => s.status !== 'passed');
  return bad ? firstLine(bad.detail, 160) : '';
}

function renderProblems(d: RunDetail): void {
  const onlyFailures = $<HTMLInputElement>('#only-failures').checked;
  const rows: HTMLTableRowElement[] = [];
  for (const p of d.problems) {
    const status = problemStatus(p);
    if (onlyFailures && (status === 'passed' || status === 'pending')) continue;
    const tr = el('tr', { 'data-problem': p.problemId, 'data-model': p.model, 'data-status': status, tabindex: '0', class: `status-${status}` });
    tr.title = 'Open the problem and its first failing sample';
    tr.append(el('td', {}, p.problemId), el('td', { title: p.model }, modelDisplayName(p.model)),
      el('td', { class: 'num' }, `${p.c}/${p.n}`), el('td', { class: 'status' }, status), el('td', { class: 'detail' }, firstFailure(p)));
    rows.push(tr);
  }
  $<HTMLTableElement>('#problems').tBodies[0].replaceChildren(...rows);
}

function openRow(tr: HTMLTableRowElement): void {
  if (!current) return;
  const problemId = tr.dataset.problem;
  const model = tr.dataset.model;
  if (problemId && model) vscode.postMessage({ type: 'openProblem', runId: current.run.id, problemId, model });
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
  renderPassK(d);
  renderChart(d);
  renderProblems(d);
}

window.addEventListener('message', (ev: MessageEvent<ToResultsWebview>) => {
  const m = ev.data;
  if (m && m.type === 'runDetail' && m.detail?.run) render(m.detail);
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

// Show the last state at once when the panel is re-shown, then ask for fresh data.
const saved = vscode.getState() as { detail?: RunDetail } | undefined;
if (saved?.detail) render(saved.detail);
vscode.postMessage({ type: 'ready' });

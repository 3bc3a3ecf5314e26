// Dashboards of the results panel: pass@k over k with interval bands per arm, and the latency
// histogram (generation, time to first token, sandbox execution) with p50/p95/p99 marked and the
// IQR outliers shaded. Every figure comes from the engine (RunDetail.dashboard).
import Chart from 'chart.js/auto';
import type { Plugin } from 'chart.js';
import type { ArmDashboard, Distribution, RunDetail } from '../protocol';
import { fmtDuration, fmtRate, modelDisplayName } from '../extension/format';
import { $, alpha, card, charts, el, exportButtons, themeColors, toCsv } from './kit';
import { ciText, codeProblems, current } from './common';

type Metric = 'latency' | 'ttft' | 'exec';
const METRIC_LABEL: Record<Metric, string> = { latency: 'generation latency', ttft: 'time to first token', exec: 'sandbox execution' };
let metric: Metric = 'latency';

// ---------------------------------------------------------------- pass@k curves

function curveCsv(d: RunDetail): string {
  return toCsv([['arm', 'k', 'pass_at_k', 'ci_low', 'ci_high', 'problems'],
    ...(d.dashboard?.arms ?? []).flatMap((a) => a.curve.map((p) => [a.arm, p.k, p.value, p.ciLow, p.ciHigh, p.problems]))]);
}

/** "41 of 164 problems with 200+ scored samples": what a mid-run curve is over. */
const coverage = (d: RunDetail, named: boolean) => (a: ArmDashboard): string =>
  `${named ? `${modelDisplayName(a.arm)}: ` : ''}${a.curve[0].problems ?? 0} of ${codeProblems(d, a.arm)} problems with ${a.curve[a.curve.length - 1].k}+ scored samples`;

function renderCurve(d: RunDetail, box: HTMLElement): void {
  const arms = (d.dashboard?.arms ?? []).filter((a) => a.curve.length > 0);
  const ks = [...new Set(arms.flatMap((a) => a.curve.map((p) => p.k)))].sort((a, b) => a - b);
  const note = $('#curve-note', box);
  const running = d.run.status === 'running' || d.run.status === 'queued';
  note.textContent = ks.length <= 1
    ? 'One sample per problem: pass@k over k needs n > 1 (Run Suite… asks for n).'
    : running ? `Until the run ends every k is over the same problems, those furthest along: ${arms.map(coverage(d, arms.length > 1)).join('; ')}. Interval bands appear when the run finishes.`
      : 'Bands: 95% bootstrap interval over problems; none where it cannot be computed.';
  const c = themeColors();
  const datasets = arms.flatMap((a, i) => {
    const color = c.palette[i % c.palette.length];
    const at = (k: number) => a.curve.find((p) => p.k === k);
    return [
      { label: `${modelDisplayName(a.arm)} low`, data: ks.map((k) => at(k)?.ciLow ?? null), borderWidth: 0, pointRadius: 0, fill: false, backgroundColor: alpha(color, 0.18), band: true },
      { label: `${modelDisplayName(a.arm)} high`, data: ks.map((k) => at(k)?.ciHigh ?? null), borderWidth: 0, pointRadius: 0, fill: '-1', backgroundColor: alpha(color, 0.18), band: true },
      { label: modelDisplayName(a.arm), data: ks.map((k) => at(k)?.value ?? null), borderColor: color, backgroundColor: color, borderWidth: 2, pointRadius: 3, fill: false, band: false },
    ];
  });
  const labels = ks.map(String);
  const old = charts.get('curve') as Chart<'line'> | undefined;
  if (old) { old.data.labels = labels; old.data.datasets = datasets as never; old.update('none'); return; }
  charts.set('curve', new Chart($<HTMLCanvasElement>('#curve-chart', box), {
    type: 'line',
    data: { labels, datasets: datasets as never },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false, spanGaps: false,
      scales: {
        y: { min: 0, max: 1, ticks: { color: c.fg }, grid: { color: c.grid }, title: { display: true, text: 'pass@k', color: c.fg } },
        x: { ticks: { color: c.fg }, grid: { color: c.grid }, title: { display: true, text: 'k', color: c.fg } },
      },
      plugins: {
        legend: { labels: { color: c.fg, filter: (item, data) => !(data.datasets[item.datasetIndex!] as { band?: boolean }).band } },
        tooltip: {
          filter: (item) => !(item.dataset as { band?: boolean }).band,
          callbacks: {
            label: (item) => {
              const a = arms[Math.floor(item.datasetIndex / 3)];
              const p = a?.curve.find((x) => String(x.k) === item.label);
              return `${item.dataset.label}: pass@${item.label} ${fmtRate(p?.value)} ${p && p.ciLow != null ? ciText(p.ciLow, p.ciHigh) : '(no interval)'}`;
            },
          },
        },
      },
    },
  }) as unknown as Chart);
}

// ---------------------------------------------------------------- latency histogram

const dist = (a: ArmDashboard, m: Metric): Distribution | null => a[m];

/** p50/p95/p99 as dashed lines per arm, and the region past the upper IQR fence shaded. */
const markers: Plugin<'bar'> = {
  id: 'crucibleMarkers',
  afterDatasetsDraw(chart) {
    const d = current();
    const arms = (d?.dashboard?.arms ?? []).filter((a) => dist(a, metric));
    if (arms.length === 0) return;
    const edges = dist(arms[0], metric)!.edges;
    const x = chart.scales.x, area = chart.chartArea;
    const n = edges.length - 1;
    if (n < 1) return;
    const first = x.getPixelForValue(0), step = n > 1 ? x.getPixelForValue(1) - first : area.right - area.left;
    const left = first - step / 2;
    // Pixel of a value: linear within each bin (the overflow bin is wider in ms than on screen).
    const px = (v: number) => {
      let i = 0;
      while (i < n - 1 && v >= edges[i + 1]) i++;
      return left + (i + Math.min(1, Math.max(0, (v - edges[i]) / (edges[i + 1] - edges[i] || 1)))) * step;
    };
    const c = themeColors();
    const g = chart.ctx;
    g.save();
    arms.forEach((a, i) => {
      const s = dist(a, metric)!;
      const color = c.palette[i % c.palette.length];
      if (i === 0 && s.outliers > 0 && s.highFence < edges[n]) {
        g.fillStyle = alpha(c.warn, 0.06);
        const from = Math.max(area.left, px(s.highFence));
        g.fillRect(from, area.top, area.right - from, area.bottom - area.top);
      }
      g.strokeStyle = color; g.fillStyle = color; g.lineWidth = 1.5; g.setLineDash([4, 3]);
      g.font = '10px sans-serif';
      for (const [name, v] of [['p50', s.p50], ['p95', s.p95], ['p99', s.p99]] as const) {
        const X = px(v);
        if (X < area.left - 1 || X > area.right + 1) continue;
        g.beginPath(); g.moveTo(X, area.top + 12 + i * 11); g.lineTo(X, area.bottom); g.stroke();
        g.fillText(name, X + 2, area.top + 10 + i * 11);
      }
    });
    g.restore();
  },
};

function histCsv(d: RunDetail): string {
  const rows: unknown[][] = [['metric', 'arm', 'bin_low_ms', 'bin_high_ms', 'count']];
  for (const m of ['latency', 'ttft', 'exec'] as Metric[]) {
    for (const a of d.dashboard?.arms ?? []) {
      const s = a[m];
      if (s) s.counts.forEach((cnt, i) => rows.push([m, a.arm, s.edges[i], s.edges[i + 1], cnt]));
    }
  }
  return toCsv(rows);
}

function renderStats(d: RunDetail, box: HTMLElement): void {
  const table = $<HTMLTableElement>('#latency-stats', box);
  const head = el('tr');
  for (const [h, t] of [['Arm', ''], ['gen p50', ''], ['gen p95', ''], ['gen p99', ''], ['TTFT p50', 'time to first token (streaming providers)'], ['TTFT p95', ''],
    ['exec p50', 'sandbox execution time'], ['exec p95', ''], ['outliers', `values beyond Q3 + 1.5·IQR (or below Q1 − 1.5·IQR) of the ${METRIC_LABEL[metric]}`]]) {
    head.append(el('th', { class: h === 'Arm' ? '' : 'num', ...(t ? { title: t } : {}) }, h));
  }
  table.tHead!.replaceChildren(head);
  table.tBodies[0].replaceChildren(...(d.dashboard?.arms ?? []).map((a) => {
    const tr = el('tr', { 'data-arm': a.arm });
    const f = (s: Distribution | null, k: 'p50' | 'p95' | 'p99') => (s ? fmtDuration(s[k]) : '—');
    const sel = dist(a, metric);
    tr.append(el('td', { title: a.arm }, modelDisplayName(a.arm)), el('td', { class: 'num' }, f(a.latency, 'p50')), el('td', { class: 'num' }, f(a.latency, 'p95')),
      el('td', { class: 'num' }, f(a.latency, 'p99')), el('td', { class: 'num ttft-p50' }, a.ttft ? f(a.ttft, 'p50') : 'not streamed'),
      el('td', { class: 'num' }, f(a.ttft, 'p95')), el('td', { class: 'num' }, f(a.exec, 'p50')), el('td', { class: 'num' }, f(a.exec, 'p95')),
      el('td', { class: `num outliers${sel?.outliers ? ' nonzero' : ''}`, title: sel?.outlierValues.length ? `most extreme: ${sel.outlierValues.slice(0, 8).map((v) => fmtDuration(v)).join(', ')}` : '' },
        sel ? `${sel.outliers} of ${sel.n}` : '—'));
    return tr;
  }));
}

function renderHistogram(d: RunDetail, box: HTMLElement): void {
  renderStats(d, box);
  const arms = (d.dashboard?.arms ?? []).filter((a) => dist(a, metric));
  const empty = $('#latency-empty', box);
  const canvasBox = $('#latency-chart-box', box);
  empty.hidden = arms.length > 0;
  canvasBox.hidden = arms.length === 0;
  empty.textContent = `No ${METRIC_LABEL[metric]} recorded${metric === 'ttft' ? ' (the providers of this run did not stream, or no sample finished yet)' : ''}.`;
  if (arms.length === 0) { charts.get('latency')?.destroy(); charts.delete('latency'); return; }
  const edges = dist(arms[0], metric)!.edges;
  // The last bin may be the overflow bin (past the upper fence): labelled by where it starts.
  const w0 = edges.length > 2 ? edges[1] - edges[0] : Infinity;
  const labels = edges.slice(0, -1).map((e, i) => (edges[i + 1] - e > 1.5 * w0 ? `≥ ${fmtDuration(e)}` : fmtDuration((e + edges[i + 1]) / 2)));
  const c = themeColors();
  const datasets = arms.map((a, i) => ({
    label: modelDisplayName(a.arm), data: dist(a, metric)!.counts,
    backgroundColor: alpha(c.palette[i % c.palette.length], arms.length > 1 ? 0.6 : 0.85), borderWidth: 0, barPercentage: 1, categoryPercentage: 0.9,
  }));
  const old = charts.get('latency') as Chart<'bar'> | undefined;
  if (old) { old.data.labels = labels; old.data.datasets = datasets; old.update('none'); return; }
  charts.set('latency', new Chart($<HTMLCanvasElement>('#latency-chart', box), {
    type: 'bar',
    data: { labels, datasets },
    options: {
      animation: false, responsive: true, maintainAspectRatio: false,
      scales: {
        y: { beginAtZero: true, ticks: { color: c.fg, precision: 0 }, grid: { color: c.grid }, title: { display: true, text: 'samples', color: c.fg } },
        x: { ticks: { color: c.fg, maxRotation: 0, autoSkip: true }, grid: { display: false }, title: { display: true, text: METRIC_LABEL[metric], color: c.fg } },
      },
      plugins: { legend: { labels: { color: c.fg } } },
    },
    plugins: [markers],
  }) as unknown as Chart);
}

// ---------------------------------------------------------------- section

let built: HTMLElement | undefined;

function build(): HTMLElement {
  const root = el('div', { class: 'cards' });
  const curve = card('curve', 'pass@k over k', [exportButtons('crucible-passk-curve', () => document.querySelector('#curve-chart'), () => { const d = current(); return d ? curveCsv(d) : ''; })]);
  curve.body.append(el('p', { id: 'curve-note', class: 'hint' }), Object.assign(el('div', { class: 'chart-box' }), {}));
  curve.body.lastElementChild!.append(el('canvas', { id: 'curve-chart', role: 'img', 'aria-label': 'pass@k over k per arm with 95% interval bands' }));
  const select = el('vscode-single-select' as 'select', { id: 'latency-metric', 'aria-label': 'Which duration' });
  for (const m of ['latency', 'ttft', 'exec'] as Metric[]) select.append(el('vscode-option' as 'option', { value: m, ...(m === metric ? { selected: '' } : {}) }, METRIC_LABEL[m]));
  select.addEventListener('change', () => {
    metric = ((select as unknown as { value: string }).value as Metric) || 'latency';
    charts.get('latency')?.destroy(); charts.delete('latency');
    const d = current(); if (d) renderHistogram(d, latency.root);
  });
  const latency = card('latency', 'Latency', [select, exportButtons('crucible-latency', () => document.querySelector('#latency-chart'), () => { const d = current(); return d ? histCsv(d) : ''; })]);
  const lbox = el('div', { class: 'chart-box', id: 'latency-chart-box' });
  lbox.append(el('canvas', { id: 'latency-chart', role: 'img', 'aria-label': 'histogram of durations per arm with p50, p95, p99; shaded: IQR outliers' }));
  const stats = el('table', { id: 'latency-stats', class: 'compact' });
  stats.append(el('thead'), el('tbody'));
  latency.body.append(el('p', { id: 'latency-empty', class: 'hint', hidden: '' }), lbox,
    el('p', { class: 'hint' }, 'Dashed: p50 / p95 / p99 per arm. Shaded: beyond Q3 + 1.5·IQR (Tukey’s outliers).'),
    Object.assign(el('div', { class: 'table-scroll' }), {}));
  latency.body.lastElementChild!.append(stats);
  root.append(curve.root, latency.root);
  return root;
}

/** The section and its cards, without drawing (cheap): the page keeps its layout while charts wait. */
export function layoutDashboards(d: RunDetail): boolean {
  const host = $('#dashboards');
  const code = (d.dashboard?.arms ?? []).some((a) => a.curve.length > 0 || a.latency || a.exec);
  host.hidden = !code;
  if (!code) return false;
  if (!built) { built = build(); $('#dashboards-body').append(built); }
  return true;
}

/** The charts (chart.js: the first one made costs ~150 ms): drawn after the table is on screen. */
export function renderDashboards(d: RunDetail): void {
  if (!layoutDashboards(d)) return;
  renderCurve(d, $('#curve'));
  renderHistogram(d, $('#latency'));
}

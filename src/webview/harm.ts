// The Refusals section (chat problems): per-arm outcome counts, slip and over-refusal rates with
// Wilson intervals, stacked bars per arm × category, and the slipped / over-refused responses.
import Chart from 'chart.js/auto';
import type { RefusalCounts, Rate, RunDetail } from '../protocol';
import { firstLine, fmtRate, modelDisplayName } from '../extension/format';
import { $, charts, cssVar, el, exportButtons, toCsv } from './kit';
import { ciSpan, ciText, chatArms, current } from './common';

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
  const old = charts.get('harm') as Chart<'bar'> | undefined;
  if (old) {
    old.data.labels = labels;
    old.data.datasets = datasets;
    old.update('none');
    return;
  }
  const fg = cssVar('--vscode-foreground', '#ccc');
  const grid = cssVar('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)');
  charts.set('harm', new Chart($<HTMLCanvasElement>('#harm-chart'), {
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
  }) as unknown as Chart);
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

export function renderHarm(d: RunDetail): void {
  const section = $('#harm');
  section.hidden = chatArms(d).length === 0;
  if (section.hidden) return;
  const tools = $('#harm-export');
  if (!tools.firstChild) {
    tools.append(exportButtons('crucible-refusals', () => document.querySelector<HTMLCanvasElement>('#harm-chart'), () => {
      const cur = current();
      return toCsv([['arm', 'category', 'responses', 'refused', 'answered_safe', 'slipped', 'ambiguous', 'errors'],
        ...(cur ? chatArms(cur) : []).flatMap((m) => m.refusal!.byCategory.map((c) => [m.arm, c.category, c.responses, c.refused, c.answeredSafe, c.slipped, c.ambiguous, c.errors]))]);
    }));
  }
  renderHarmRates(d);
  // Bars need judged responses: a run whose chat samples all errored has none to draw.
  const judged = chatArms(d).some((m) => m.refusal!.responses > m.refusal!.errors);
  $('#harm-chart-box').hidden = !judged;
  if (judged) renderHarmChart(d);
  renderHarmCases(d);
}


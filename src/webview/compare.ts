// Browser code of Compare Runs: renders the engine's RunComparison (computes nothing).
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import type { RunComparison, ToResultsWebview } from '../protocol';
import { fmtRate, fmtWhen } from '../extension/format';
import { $, el, exportButtons, toCsv, vscode } from './kit';

let data: RunComparison | undefined;
const signed = (v: number) => `${v >= 0 ? '+' : ''}${v.toFixed(3)}`;
const solved = (c: { n: number; c: number } | null) => !!c && c.n > 0 && c.c * 2 >= c.n;

function render(cmp: RunComparison): void {
  data = cmp;
  const head = el('tr');
  head.append(el('th', {}, 'Run · arm'), el('th', {}, 'started'), el('th', { class: 'num' }, 'pass@1'), el('th', { class: 'num' }, 'Δ vs baseline'), el('th', { class: 'num' }, 'problems'), el('th', { class: 'num' }, 'lost / gained'));
  $<HTMLTableElement>('#compare-summary').tHead!.replaceChildren(head);
  $<HTMLTableElement>('#compare-summary').tBodies[0].replaceChildren(...cmp.columns.map((c, i) => {
    const run = cmp.runs.find((r) => r.id === c.runId)!;
    const d = cmp.deltas.find((x) => x.column === i);
    const tr = el('tr', { 'data-column': String(i) });
    const name = el('a', { href: '#', title: 'Open this run\'s results' }, c.label);
    name.addEventListener('click', (ev) => { ev.preventDefault(); vscode.postMessage({ type: 'openRun', runId: c.runId }); });
    const p = c.passAt1;
    const pv = p?.value == null ? '—' : `${fmtRate(p.value)} ${p.ciLow != null ? `[${fmtRate(p.ciLow)}, ${fmtRate(p.ciHigh)}]` : '(no interval)'}`;
    const delta = el('td', { class: 'num delta' });
    if (i === 0) delta.textContent = 'baseline';
    else if (!d || d.delta == null) { delta.textContent = '—'; delta.title = d?.why ?? ''; }
    else {
      delta.textContent = `${signed(d.delta)} ${d.ciLow != null ? `[${signed(d.ciLow)}, ${signed(d.ciHigh!)}]` : '(no interval)'}`;
      if (d.why) delta.title = `No interval: ${d.why}`;
      if (d.ciLow != null && (d.ciLow > 0 || d.ciHigh! < 0)) delta.classList.add(d.delta > 0 ? 'better' : 'worse');
    }
    const td0 = el('td'); td0.append(name);
    tr.append(td0, el('td', {}, fmtWhen(run.createdAt)), el('td', { class: 'num' }, pv), delta, el('td', { class: 'num' }, d ? String(d.problems) : ''),
      el('td', { class: 'num' }, d ? `${d.lost.length} / ${d.gained.length}` : ''));
    return tr;
  }));
  const flips = $('#flips');
  flips.replaceChildren(...cmp.deltas.map((d) => {
    const box = el('div', { class: 'flip' });
    box.append(el('h3', {}, `${cmp.columns[0].label} → ${cmp.columns[d.column].label}`));
    const line = (what: string, ids: string[], cls: string) => {
      const p = el('p', { class: cls });
      p.append(el('strong', {}, `${what} (${ids.length}): `), ids.length ? ids.slice(0, 60).join(', ') + (ids.length > 60 ? ` … ${ids.length - 60} more` : '') : 'none');
      return p;
    };
    box.append(line('no longer solved', d.lost, 'worse'), line('newly solved', d.gained, 'better'));
    return box;
  }));
  renderProblems();
}

function renderProblems(): void {
  const cmp = data;
  if (!cmp) return;
  const only = !!($('#only-diff') as unknown as { checked: boolean }).checked;
  const head = el('tr');
  head.append(el('th', {}, 'Problem'), ...cmp.columns.map((c) => el('th', { class: 'num', title: c.label }, c.label.length > 28 ? `${c.label.slice(0, 27)}…` : c.label)));
  $<HTMLTableElement>('#compare-problems').tHead!.replaceChildren(head);
  const rows = cmp.problems.filter((p) => !only || new Set(p.cells.map(solved)).size > 1);
  $<HTMLTableElement>('#compare-problems').tBodies[0].replaceChildren(...rows.map((p) => {
    const tr = el('tr', { 'data-problem': p.problemId });
    tr.append(el('td', {}, p.problemId), ...p.cells.map((c, i) => {
      const td = el('td', { class: `num arm-cell ${!c ? '' : solved(c) ? 'tone-good' : c.n ? 'tone-bad' : 'tone-error'}`, 'data-column': String(i) },
        !c ? '—' : c.n ? `${c.c}/${c.n}${c.errors ? ` +${c.errors} err` : ''}` : `error ×${c.errors}`);
      if (c) td.addEventListener('click', () => vscode.postMessage({ type: 'openProblem', runId: cmp.columns[i].runId, problemId: p.problemId, arm: cmp.columns[i].arm }));
      return td;
    }));
    return tr;
  }));
}

$('#only-diff').addEventListener('change', renderProblems);
$('#compare-export').append(exportButtons('crucible-compare', () => null, () => !data ? '' : toCsv([
  ['problem', ...data.columns.map((c) => `${c.label} passed`), ...data.columns.map((c) => `${c.label} scored`)],
  ...data.problems.map((p) => [p.problemId, ...p.cells.map((c) => c?.c ?? ''), ...p.cells.map((c) => c?.n ?? '')])])));
$('#compare-export').querySelector('[data-export="png"]')?.remove();
window.addEventListener('message', (ev: MessageEvent<ToResultsWebview>) => {
  if (ev.data?.type === 'comparison' && Array.isArray(ev.data.comparison?.columns)) render(ev.data.comparison);
});
vscode.postMessage({ type: 'ready' });

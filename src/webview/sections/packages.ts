// Results panel: hallucinated packages (scorer `packages`). Per arm the share of replies with at least
// one invented package and invented packages per reply, with intervals; per type (LibraryHalluBench's
// categories); and the replies that invented something, which open beside their prompt.
import type { ModelMetrics, RunDetail } from '../../protocol';
import { body, clickable, el, meanCell, rateCell, section, table } from './dom';

export function renderPackages(d: RunDetail, open: (sampleId: string) => void): void {
  const arms = d.run.metrics.filter((m): m is ModelMetrics & { packages: NonNullable<ModelMetrics['packages']> } => !!m.packages);
  const existing = document.getElementById('packages');
  if (!arms.length) { if (existing) existing.hidden = true; return; }
  const s = section('packages', 'Hallucinated packages', '(replies that import or install what no registry has · 95% Wilson / bootstrap intervals)');
  s.hidden = false;
  const rows = arms.map((m) => {
    const k = m.packages;
    const tr = el('tr', { 'data-arm': m.arm });
    tr.append(el('td', { title: m.arm }, m.arm));
    for (const [cls, v] of [['responses', k.responses], ['invented', k.invented], ['declined', k.declined], ['real', k.real], ['none', k.noPackages], ['errors', k.errors]] as const) {
      tr.append(el('td', { class: `num count ${cls}${v ? ' nonzero' : ''}` }, String(v)));
    }
    tr.append(rateCell(k.inventedRate, 'invented-rate', 'No judged reply (every reply ended in error).'), meanCell(k.inventedPerResponse, 'per-response'));
    return tr;
  });
  const cats = arms.flatMap((m) => m.packages.byCategory.length > 1 ? m.packages.byCategory.map((c) => ({ arm: m.arm, c })) : []);
  const catRows = cats.map(({ arm, c }) => {
    const tr = el('tr', { 'data-arm': arm, 'data-category': c.category });
    tr.append(el('td', {}, c.category), el('td', { title: arm }, arm), rateCell(c.inventedRate, 'invented-rate', 'No judged reply.'),
      el('td', { class: 'num' }, String(c.declined)), el('td', { class: 'num' }, String(c.responses - c.errors)));
    return tr;
  });
  // The replies that invented packages (the engine lists them; the detail names the packages).
  const cases = (d.probes?.invented ?? []).map((c) => {
    const tr = el('tr', { 'data-sample': c.sampleId, 'data-problem': c.problemId, 'data-arm': c.arm });
    tr.append(el('td', {}, c.problemId + (d.run.n > 1 ? ` #${c.index}` : '')), el('td', { title: c.arm }, c.arm), el('td', {}, c.category ?? '—'),
      el('td', { class: 'detail' }, c.detail.replace(/^.*do(es)? not exist: /, '')));
    return clickable(tr, () => open(c.sampleId), 'Open the prompt and the reply side by side');
  });
  const b = body(s);
  b.replaceChildren(
    table(['Arm', 'replies', 'invented', 'said missing / declined', 'all real', 'no package', 'errors', 'replies with an invented package', 'invented per reply'], rows, { id: 'packages-rates' }),
  );
  if (catRows.length) b.append(el('h3', {}, 'By type'), table(['Type', 'Arm', 'invented rate', 'said missing / declined', 'judged'], catRows, { id: 'packages-types' }));
  b.append(el('h3', {}, 'Replies with invented packages'));
  if (cases.length) {
    b.append(table(['Problem', 'Arm', 'Type', 'Invented'], cases, { id: 'packages-cases' }));
    if ((d.probes?.inventedTotal ?? 0) > cases.length) b.append(el('p', { class: 'hint' }, `First ${cases.length} of ${d.probes!.inventedTotal}.`));
  }
  else b.append(el('p', { class: 'hint', id: 'packages-cases-empty' }, 'None: every package named exists.'));
}

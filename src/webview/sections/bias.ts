// Results panel: bias pairs. Per arm and attribute: refusal and favourable-verdict rates of side a vs
// side b (McNemar exact, Holm across attributes), answer length (Wilcoxon signed-rank, rank-biserial r)
// and the pairs' similarity; the pairs whose outcomes differ open side by side.
import type { PairedBinary, RunDetail } from '../../protocol';
import { body, clickable, el, f3, fmtP, meanCell, section, table } from './dom';

const binary = (b: PairedBinary | null, cls: string): HTMLTableCellElement => {
  const td = el('td', { class: `num ${cls}` });
  if (!b || !b.pairs) { td.textContent = '—'; td.title = b ? 'no pair with both answers read' : 'the suite gives no options'; return td; }
  td.textContent = `${f3(b.rateA)} vs ${f3(b.rateB)} · p ${fmtP(b.pValue)} (Holm ${fmtP(b.pHolm)})`;
  td.title = `${b.test}: a only ${b.aOnly}, b only ${b.bOnly}, both ${b.both}, neither ${b.neither}; difference ${f3(b.diff)}; odds ratio ${b.oddsRatio == null ? 'undefined (b only = 0)' : b.oddsRatio.toFixed(2)}`;
  return td;
};

export function renderBias(d: RunDetail, openPair: (a: string, b: string) => void): void {
  const r = d.probes?.bias;
  const existing = document.getElementById('bias');
  if (!r) { if (existing) existing.hidden = true; return; }
  const s = section('bias', 'Bias pairs', '(side a vs side b of matched prompts · McNemar exact / Wilcoxon signed-rank, Holm across attributes)');
  s.hidden = false;
  const rows = r.attributes.map((a) => {
    const tr = el('tr', { 'data-arm': a.arm, 'data-attribute': a.attribute });
    const len = el('td', { class: 'num length' }, `${f3(a.length.medianDiff)} words · p ${fmtP(a.length.pValue)} (Holm ${fmtP(a.length.pHolm)}) · r ${f3(a.length.effect)}`);
    len.title = `${a.length.test}; mean difference ${f3(a.length.meanDiff)}; r = matched-pairs rank-biserial correlation`;
    tr.append(el('td', {}, a.arm), el('td', {}, a.attribute), el('td', { class: 'num' }, String(a.pairs)), binary(a.refusal, 'refusal'),
      binary(a.verdict, 'verdict'), len, meanCell(a.similarity, 'similarity'));
    return tr;
  });
  const favourable = r.options ? `favourable (“${r.options[0]}”)` : 'favourable verdict';
  const pairs = r.differing.map((p) => {
    const tr = el('tr', { 'data-pair': p.pair, 'data-arm': p.arm });
    tr.append(el('td', {}, `${p.pair}${d.run.n > 1 ? ` #${p.index}` : ''}`), el('td', {}, p.arm), el('td', {}, `${p.valuesA}: ${p.outcomeA}`), el('td', {}, `${p.valuesB}: ${p.outcomeB}`),
      el('td', { class: 'num' }, `${p.lengthA} / ${p.lengthB}`), el('td', { class: 'num' }, f3(p.similarity)));
    return clickable(tr, () => openPair(p.sampleA, p.sampleB), 'Open both answers side by side');
  });
  const b = body(s);
  b.replaceChildren(table(['Arm', 'Attribute', 'pairs', 'refused a vs b', `${favourable} a vs b`, 'length a − b (median)', 'similarity a~b'], rows, { id: 'bias-attributes' }),
    el('h3', {}, `Pairs whose outcome differs (${r.differingTotal})`));
  if (pairs.length) b.append(table(['Pair', 'Arm', 'a', 'b', 'words a / b', 'similarity'], pairs, { id: 'bias-pairs' }));
  else b.append(el('p', { class: 'hint' }, 'None: every pair got the same outcome on both sides.'));
}

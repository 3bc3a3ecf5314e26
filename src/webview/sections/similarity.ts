// Results panel: cross-model similarity. Per pair of arms the mean similarity of their answers to the
// same problem (normalised code tokens or words), the permutation test over problem assignment, flagged
// answers (at or above the threshold) that open side by side, and Welch's t-test between pairs of arms.
import type { RunDetail } from '../../protocol';
import { body, clickable, el, f3, fmtP, meanCell, section, table } from './dom';

export function renderSimilarity(d: RunDetail, openPair: (a: string, b: string) => void): void {
  const r = d.probes?.similarity;
  const existing = document.getElementById('similarity');
  if (!r) { if (existing) existing.hidden = true; return; }
  const s = section('similarity', 'Cross-model similarity',
    `(same problem, two arms · code: token 3-grams of normalised code${r.renameIdentifiers ? ', identifiers renamed' : ''}; prose: word overlap · flagged ≥ ${r.threshold})`);
  s.hidden = false;
  const rows = r.pairs.map((p) => {
    const tr = el('tr', { 'data-arms': `${p.armA} ~ ${p.armB}` });
    const perm = el('td', { class: 'num permutation' }, p.permutation ? `p ${fmtP(p.permutation.pValue)} (chance ${f3(p.permutation.nullMean)})` : '—');
    perm.title = p.permutation ? `${p.permutation.exact ? 'exact over all' : `${p.permutation.resamples} random`} permutations of problem assignment, ${p.permutation.used} answers, seed ${p.permutation.seed}` : 'needs at least 2 matched answers';
    tr.append(el('td', {}, `${p.armA} ~ ${p.armB}`), el('td', {}, p.kind), el('td', { class: 'num' }, String(p.matched)), meanCell(p.similarity, 'similarity'), perm,
      el('td', { class: `num flagged${p.flaggedTotal ? ' nonzero' : ''}` }, String(p.flaggedTotal)));
    return tr;
  });
  const flagged = r.pairs.flatMap((p) => p.flagged.map((f) => {
    const tr = el('tr', { 'data-problem': f.problemId, 'data-arms': `${p.armA} ~ ${p.armB}` });
    tr.append(el('td', {}, f.problemId + (d.run.n > 1 ? ` #${f.index}` : '')), el('td', {}, `${p.armA} ~ ${p.armB}`), el('td', { class: 'num' }, f3(f.similarity)));
    return clickable(tr, () => openPair(f.sampleA, f.sampleB), 'Open both answers side by side');
  }));
  const b = body(s);
  b.replaceChildren(table(['Arms', 'compared', 'answers', 'mean similarity', 'more alike than chance?', 'flagged'], rows, { id: 'similarity-pairs' }));
  if (r.welch.length) {
    b.append(el('h3', {}, 'Pairs of arms compared (Welch t-test)'), table(['pair', 'vs pair', 'means', 't (df)', 'p', 'd'], r.welch.map((w) => {
      const tr = el('tr');
      tr.append(el('td', {}, w.a), el('td', {}, w.b), el('td', { class: 'num' }, `${f3(w.meanA)} vs ${f3(w.meanB)}`),
        el('td', { class: 'num' }, `${Number.isFinite(w.t) ? w.t.toFixed(2) : String(w.t)} (${w.df.toFixed(1)})`), el('td', { class: 'num' }, fmtP(w.pValue)), el('td', { class: 'num' }, w.effect == null ? '—' : w.effect.toFixed(2)));
      return tr;
    }), { id: 'similarity-welch' }));
  }
  b.append(el('h3', {}, 'Flagged answers'));
  if (flagged.length) b.append(table(['Problem', 'Arms', 'similarity'], flagged, { id: 'similarity-flagged' }));
  else b.append(el('p', { class: 'hint' }, `None at or above ${r.threshold}.`));
}

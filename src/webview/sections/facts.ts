// Results panel: known-answer questions (scorer `choice`: TruthfulQA MC1, the user's own): accuracy per
// arm and per category with Wilson intervals; unparsed replies counted apart (and as not correct).
import type { ChoiceCounts, ModelMetrics, RunDetail } from '../../protocol';
import { body, el, rateCell, section, table } from './dom';

export function renderFacts(d: RunDetail): void {
  const arms = d.run.metrics.filter((m): m is ModelMetrics & { choice: NonNullable<ModelMetrics['choice']> } => !!m.choice);
  const existing = document.getElementById('facts');
  if (!arms.length) { if (existing) existing.hidden = true; return; }
  const s = section('facts', 'Known answers', '(graded exactly · accuracy with 95% Wilson intervals · unparsed = no single answer read)');
  s.hidden = false;
  const row = (label: string, arm: string, c: ChoiceCounts, attrs: Record<string, string>) => {
    const tr = el('tr', attrs);
    tr.append(el('td', { title: label }, label));
    if (attrs['data-category']) tr.append(el('td', { title: arm }, arm));
    tr.append(rateCell(c.accuracy, 'accuracy', 'No judged reply.'));
    for (const [cls, v] of [['correct', c.correct], ['incorrect', c.incorrect], ['unparsed', c.unparsed], ['errors', c.errors]] as const) tr.append(el('td', { class: `num count ${cls}` }, String(v)));
    return tr;
  };
  const b = body(s);
  b.replaceChildren(table(['Arm', 'accuracy', 'correct', 'incorrect', 'unparsed', 'errors'], arms.map((m) => row(m.arm, m.arm, m.choice, { 'data-arm': m.arm })), { id: 'facts-rates' }));
  const cats = arms.flatMap((m) => (m.choice.byCategory.length > 1 ? m.choice.byCategory.map((c) => row(c.category, m.arm, c, { 'data-arm': m.arm, 'data-category': c.category })) : []));
  if (cats.length) b.append(el('h3', {}, 'By category'), table(['Category', 'Arm', 'accuracy', 'correct', 'incorrect', 'unparsed', 'errors'], cats, { id: 'facts-categories' }));
}

// The CLI summary's lines for the behaviour probes: hallucinated packages and known-answer accuracy per
// arm, bias pairs per attribute, cross-model similarity per pair of arms. Intervals that cannot be
// computed print as [n/a], never as a zero-width interval.
import type { MeanCI, Rate, RunProbes, RunSummary } from '../../protocol';

const f3 = (v: number | null | undefined) => (v == null ? '—' : v.toFixed(3));
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '[n/a]' : `[${f3(lo)}, ${f3(hi)}]`);
const rate = (r: Rate) => (r.value === null ? '— (none judged)' : `${f3(r.value)} ${ci(r.ciLow, r.ciHigh)} ${r.x}/${r.n}`);
const mean = (m: MeanCI) => (m.mean === null ? '—' : `${f3(m.mean)} ${ci(m.ciLow, m.ciHigh)}`);
const p = (v: number) => (v < 0.001 ? '<0.001' : v.toFixed(3));

export function probeLines(r: RunSummary, probes: RunProbes): string[] {
  const out: string[] = [];
  for (const m of r.metrics) {
    const k = m.packages;
    if (k) {
      out.push(`packages · ${m.arm}: invented in ${rate(k.inventedRate)} replies · ${mean(k.inventedPerResponse)} invented per reply · ` +
        `${k.real} real, ${k.noPackages} none, ${k.declined} said missing/declined, ${k.errors} registry errors`);
      if (k.byCategory.length > 1) for (const c of k.byCategory) out.push(`  ${c.category}: ${rate(c.inventedRate)}${c.declined ? ` · ${c.declined} said missing/declined` : ''}`);
    }
    const c = m.choice;
    if (c) out.push(`known answers · ${m.arm}: accuracy ${rate(c.accuracy)} · ${c.unparsed} unparsed, ${c.errors} errors` +
      (c.byCategory.length > 1 ? ` (${c.byCategory.length} categories; --json has each)` : ''));
  }
  for (const a of probes.bias?.attributes ?? []) {
    const v = a.verdict ? ` · favourable verdict ${f3(a.verdict.rateA)} vs ${f3(a.verdict.rateB)} (McNemar p ${p(a.verdict.pValue)}, Holm ${p(a.verdict.pHolm)})` : '';
    out.push(`bias · ${a.arm} · ${a.attribute}: ${a.pairs} pairs · refused ${f3(a.refusal.rateA)} vs ${f3(a.refusal.rateB)} (McNemar p ${p(a.refusal.pValue)}, Holm ${p(a.refusal.pHolm)})${v}` +
      ` · length a−b median ${f3(a.length.medianDiff)} words (Wilcoxon p ${p(a.length.pValue)}, Holm ${p(a.length.pHolm)}, r ${f3(a.length.effect)})`);
  }
  for (const s of probes.similarity?.pairs ?? []) {
    const perm = s.permutation ? ` · permutation p ${p(s.permutation.pValue)} (chance ${f3(s.permutation.nullMean)})` : ' · no permutation test (fewer than 2 matched answers)';
    out.push(`similarity · ${s.armA} ~ ${s.armB} (${s.kind}): ${mean(s.similarity)} over ${s.matched}${perm} · ${s.flaggedTotal} at ≥ ${probes.similarity!.threshold}`);
  }
  for (const w of probes.similarity?.welch ?? []) out.push(`similarity · (${w.a}) vs (${w.b}): ${f3(w.meanA)} vs ${f3(w.meanB)}, Welch t ${w.t.toFixed(2)}, df ${w.df.toFixed(1)}, p ${p(w.pValue)}`);
  return out;
}

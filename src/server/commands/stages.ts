// How the CLI prints a finished stage of a progressive run (crucible eval --stages 1,4,16).
import type { StageReport } from '../metrics/progressive';
import { pText } from '../metrics/compare';

const f3 = (x: number | null) => (x === null || !Number.isFinite(x) ? '—' : x.toFixed(3));
const ci = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '[n/a]' : `[${f3(lo)}, ${f3(hi)}]`);

export function stageText(e: { report: StageReport; stages: number[]; stopping: boolean }): string {
  const r = e.report;
  const out = [`stage ${r.stage + 1}/${e.stages.length}: n = ${r.n} samples per problem`];
  for (const a of r.arms) {
    const ks = a.passAtK.filter((p) => p.k === 1 || p.k === r.n || (p.k & (p.k - 1)) === 0);
    out.push(`  ${a.arm}: ${ks.map((p) => `pass@${p.k} ${f3(p.value)} ${ci(p.ciLow, p.ciHigh)}`).join(' · ')}`);
    if (a.uplift) out.push(`    uplift pass@${a.uplift.to} − pass@${a.uplift.from}: ${f3(a.uplift.diff)} ${a.uplift.ci ? ci(a.uplift.ci[0], a.uplift.ci[1]) : '[n/a]'} over ${a.uplift.problems} problems`);
  }
  for (const p of r.pairs) out.push(`  ${p.a} − ${p.b}: ${f3(p.diff)}, p ${pText(p.p_adjusted)} at level ${r.level.toFixed(4)} (α / ${e.stages.length} stages): ${p.significant ? 'differs' : 'not settled'}`);
  if (e.stopping) out.push(`  settled: every pair differs at level ${r.level.toFixed(4)}; stopping early after n = ${r.n}`);
  return out.join('\n');
}

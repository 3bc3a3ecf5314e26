// Run-level probes computed from a run's stored answers: bias pairs (problems from a .bias.yaml suite,
// matched by pair and sample index) and cross-model similarity (every two arms' answers to the same
// problem and sample index). Read-only; the statistics are metrics/bias.ts, similarity.ts, hypothesis.ts.
import type { BiasAttribute, BiasPairRow, BiasReport, PairedBinary, PairedContinuous, RunProbes, SimilarityPair, SimilarityReport } from '../../protocol';
import { pairedBinary, pairedContinuous, withHolm } from '../metrics/bias';
import { welchTTest } from '../metrics/hypothesis';
import { meanCI } from '../metrics/aggregate';
import { agreementPermutationTest, codeTokens, lexicalSimilarity, proseTokens, tokenSimilarity } from '../metrics/similarity';
import { rng } from '../metrics/stats';
import type { Problem } from '../plugins';
import { extractOption } from '../scorers/choice';
import type { BiasMeta } from '../suites/bias-pairs';

/** One answer as the probes see it. */
export interface Answer { sampleId: string; problemId: string; arm: string; idx: number; raw: string; completion: string; error: boolean; refused: boolean }

export interface ProbeOptions { threshold?: number; renameIdentifiers?: boolean; maxPermutationUnits?: number; seed?: number }

const words = (s: string) => proseTokens(s).length;

export function biasReport(problems: Map<string, Problem>, answers: Answer[], arms: string[]): BiasReport | undefined {
  const biasOf = (p: Problem | undefined) => p?.metadata?.bias as BiasMeta | undefined;
  const byKey = new Map<string, Answer>();
  let options: string[] | null = null;
  for (const a of answers) {
    const b = biasOf(problems.get(a.problemId));
    if (!b || a.error) continue;
    options ??= b.options;
    byKey.set(`${a.arm}\0${b.pair}\0${a.idx}\0${b.side}`, a);
  }
  if (!byKey.size) return undefined;
  const attributes: BiasAttribute[] = [];
  const differing: BiasPairRow[] = [];
  for (const arm of arms) {
    const perAttr = new Map<string, { refusal: [boolean, boolean][]; verdict: [boolean, boolean][]; length: number[]; sim: number[] }>();
    for (const [key, a] of byKey) {
      const [armK, pair, idx, side] = key.split('\0');
      if (armK !== arm || side !== 'a') continue;
      const b = byKey.get(`${arm}\0${pair}\0${idx}\0b`);
      if (!b) continue;
      const ma = biasOf(problems.get(a.problemId))!, mb = biasOf(problems.get(b.problemId))!;
      let t = perAttr.get(ma.attribute);
      if (!t) perAttr.set(ma.attribute, (t = { refusal: [], verdict: [], length: [], sim: [] }));
      t.refusal.push([a.refused, b.refused]);
      const va = ma.options ? extractOption(a.raw, ma.options) : null, vb = mb.options ? extractOption(b.raw, mb.options) : null;
      if (ma.options && va !== null && vb !== null) t.verdict.push([va === ma.options[0], vb === ma.options[0]]);
      const la = words(a.raw), lb = words(b.raw);
      t.length.push(la - lb);
      const sim = lexicalSimilarity(proseTokens(a.raw), proseTokens(b.raw));
      t.sim.push(sim);
      const oa = a.refused ? 'refused' : va ?? 'answered', ob = b.refused ? 'refused' : vb ?? 'answered';
      if (oa !== ob) {
        differing.push({
          arm, attribute: ma.attribute, template: ma.template, pair, index: Number(idx), sampleA: a.sampleId, sampleB: b.sampleId,
          valuesA: Object.values(ma.values).join(' / '), valuesB: Object.values(mb.values).join(' / '), outcomeA: oa, outcomeB: ob, lengthA: la, lengthB: lb, similarity: sim,
        });
      }
    }
    const names = [...perAttr.keys()].sort();
    const refusal = withHolm(names.map((n) => pairedBinary(perAttr.get(n)!.refusal)));
    const withVerdict = names.filter((n) => perAttr.get(n)!.verdict.length > 0);
    const verdict = withHolm(withVerdict.map((n) => pairedBinary(perAttr.get(n)!.verdict)));
    const length = withHolm(names.map((n) => pairedContinuous(perAttr.get(n)!.length)));
    names.forEach((n, i) => {
      const vi = withVerdict.indexOf(n);
      attributes.push({
        arm, attribute: n, pairs: perAttr.get(n)!.refusal.length, refusal: refusal[i] as PairedBinary,
        verdict: options && vi >= 0 ? (verdict[vi] as PairedBinary) : null, length: length[i] as PairedContinuous, similarity: meanCI(perAttr.get(n)!.sim),
      });
    });
  }
  return { options, attributes, differing: differing.slice(0, 200), differingTotal: differing.length };
}

export function similarityReport(problems: Map<string, Problem>, answers: Answer[], arms: string[], opts: ProbeOptions = {}): SimilarityReport | undefined {
  if (arms.length < 2) return undefined;
  const threshold = opts.threshold ?? 0.8, rename = opts.renameIdentifiers ?? true, cap = opts.maxPermutationUnits ?? 200, seed = opts.seed ?? 1;
  // Tokens per answer, computed once.
  const toks = new Map<string, { kind: 'code' | 'prose'; tokens: string[] }>();
  const byArm = new Map<string, Map<string, Answer>>();
  for (const a of answers) {
    if (a.error) continue;
    const p = problems.get(a.problemId);
    if (!p || p.metadata?.bias) continue; // bias pairs compare within an arm (biasReport)
    const code = p.kind !== 'chat';
    toks.set(a.sampleId, code ? { kind: 'code', tokens: codeTokens(a.completion, p.language, rename) } : { kind: 'prose', tokens: proseTokens(a.raw) });
    let m = byArm.get(a.arm);
    if (!m) byArm.set(a.arm, (m = new Map()));
    m.set(`${a.problemId}\0${a.idx}`, a);
  }
  const sim = (x: Answer, y: Answer) => {
    const tx = toks.get(x.sampleId)!, ty = toks.get(y.sampleId)!;
    if (tx.kind !== ty.kind) return 0;
    return tx.kind === 'code' ? tokenSimilarity(tx.tokens, ty.tokens) : lexicalSimilarity(tx.tokens, ty.tokens);
  };
  const pairs: SimilarityPair[] = [];
  const dists = new Map<string, number[]>();
  for (let i = 0; i < arms.length; i++) {
    for (let j = i + 1; j < arms.length; j++) {
      const A = byArm.get(arms[i]), B = byArm.get(arms[j]);
      if (!A || !B) continue;
      const units = [...A.keys()].filter((k) => B.has(k));
      if (!units.length) continue;
      const values = units.map((k) => sim(A.get(k)!, B.get(k)!));
      const kinds = new Set(units.map((k) => toks.get(A.get(k)!.sampleId)!.kind));
      // The permutation test needs every cross pair: a seeded subset keeps it to cap² comparisons.
      let used = units;
      if (units.length > cap) {
        const next = rng(seed), idx = units.map((_, k) => k);
        for (let k = idx.length - 1; k > 0; k--) { const r = Math.floor(next() * (k + 1)); [idx[k], idx[r]] = [idx[r], idx[k]]; }
        used = idx.slice(0, cap).sort((a, b) => a - b).map((k) => units[k]);
      }
      const matrix = used.map((ku) => used.map((kv) => (ku === kv ? values[units.indexOf(ku)] : sim(A.get(ku)!, B.get(kv)!))));
      const perm = agreementPermutationTest(matrix, { seed });
      const flaggedAll = units.map((k, n) => ({ k, s: values[n] })).filter((x) => x.s >= threshold).sort((a, b) => b.s - a.s);
      const name = `${arms[i]} ~ ${arms[j]}`;
      dists.set(name, values);
      pairs.push({
        armA: arms[i], armB: arms[j], kind: kinds.size > 1 ? 'mixed' : [...kinds][0], matched: units.length, similarity: meanCI(values),
        permutation: perm && { ...perm, used: used.length },
        flagged: flaggedAll.slice(0, 100).map(({ k, s }) => {
          const a = A.get(k)!, b = B.get(k)!;
          return { problemId: a.problemId, index: a.idx, sampleA: a.sampleId, sampleB: b.sampleId, similarity: s };
        }),
        flaggedTotal: flaggedAll.length,
      });
    }
  }
  if (!pairs.length) return undefined;
  const names = [...dists.keys()];
  const welch: SimilarityReport['welch'] = [];
  for (let i = 0; i < names.length; i++) {
    for (let j = i + 1; j < names.length; j++) {
      const w = welchTTest(dists.get(names[i])!, dists.get(names[j])!);
      if (w) welch.push({ a: names[i], b: names[j], meanA: w.meanA, meanB: w.meanB, t: w.statistic, df: w.df, pValue: w.pValue, effect: w.effect });
    }
  }
  return { threshold, renameIdentifiers: rename, pairs, welch };
}

export function runProbes(problems: Map<string, Problem>, answers: Answer[], arms: string[], opts: ProbeOptions = {}): RunProbes {
  const out: RunProbes = {};
  const bias = biasReport(problems, answers, arms);
  if (bias) out.bias = bias;
  const similarity = similarityReport(problems, answers, arms, opts);
  if (similarity) out.similarity = similarity;
  return out;
}

// Adaptive vs uniform allocation of a fixed budget of samples between prompt strategies with known
// per-problem success rates. For each simulated world: per-problem difficulty, problem features
// (prompt length, language, docstring examples) that change how much each strategy helps, and a small
// average advantage of one strategy. Each allocator spends the same budget; reported: how often it
// then names the truly better strategy (higher mean success over problems), and the regret (samples
// spent on a strategy worse than the best one for that problem, in expected passes lost per sample).
// Uniform allocation (every problem × strategy in turn, what a fixed-n run does) is the baseline.
//   node --import tsx bench/bandit.ts [--worlds 60] [--problems 100] [--n 4] [--strategies 2]
import { linUcbAllocator, simulateAllocation, thompsonAllocator, uniformAllocator, type Allocator } from '../src/server/metrics/bandit';
import { rng } from '../src/server/metrics/stats';

const arg = (name: string, def: number) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? Number(process.argv[i + 1]) : def; };
const WORLDS = arg('worlds', 60), P = arg('problems', 100), N = arg('n', 4), K = arg('strategies', 2);
const BUDGET = P * K * N;

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
function normal(next: () => number) { return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next()); }

/** A world: features per problem and true success rates rates[p][s]. */
function world(seed: number): { features: number[][]; rates: number[][]; best: number } {
  const next = rng(seed);
  const features = Array.from({ length: P }, () => {
    const lang = Math.floor(next() * 3);
    return [normal(next), lang === 1 ? 1 : 0, lang === 2 ? 1 : 0, Math.floor(next() * 6) / 5];
  });
  // Per strategy: a small overall shift and feature effects (e.g. few-shot helps long prompts).
  const shift = Array.from({ length: K }, (_, s) => (s === 0 ? 0 : 0.25 * normal(next)));
  const w = Array.from({ length: K }, () => features[0].map(() => 0.4 * normal(next)));
  const rates = features.map((x) => {
    const difficulty = 1.8 * normal(next);
    return Array.from({ length: K }, (_, s) => sigmoid(difficulty + shift[s] + x.reduce((a, v, j) => a + v * w[s][j], 0)));
  });
  const means = Array.from({ length: K }, (_, s) => rates.reduce((a, r) => a + r[s], 0) / P);
  return { features, rates, best: means.indexOf(Math.max(...means)) };
}

const makers: [string, (f: number[][], seed: number) => Allocator][] = [
  ['uniform', () => uniformAllocator(P, K)],
  ['thompson', (_f, seed) => thompsonAllocator(P, K, seed)],
  ['linucb', (f, seed) => linUcbAllocator(f, K, { alpha: 0.5, seed })],
];
const stats = new Map(makers.map(([name]) => [name, { correct: 0, regret: 0, ms: 0, gap: 0 }]));
for (let wi = 0; wi < WORLDS; wi++) {
  const { features, rates, best } = world(1000 + wi);
  const means = Array.from({ length: K }, (_, s) => rates.reduce((a, r) => a + r[s], 0) / P);
  for (const [name, make] of makers) {
    const t0 = performance.now();
    const r = simulateAllocation(make(features, wi + 1), rates, BUDGET, 7 + wi);
    const st = stats.get(name)!;
    st.ms += performance.now() - t0;
    if (r.best === best) st.correct++;
    st.regret += r.regret / BUDGET;
    st.gap += means[best] - means[r.best]; // simple regret: pass rate lost by the pick
  }
}
const base = stats.get('uniform')!;
console.log(`bandit: ${WORLDS} worlds · ${P} problems · ${K} strategies · budget ${BUDGET} samples (= uniform n ${N}) · ${new Date().toISOString().slice(0, 10)}`);
console.log('allocator   picks the better strategy   regret/sample   pass rate lost by the pick   ms/world   vs uniform (picks, regret)');
for (const [name, s] of stats) {
  console.log(`${name.padEnd(10)}  ${(s.correct / WORLDS).toFixed(3).padStart(25)}   ${(s.regret / WORLDS).toFixed(4).padStart(13)}   ${(s.gap / WORLDS).toFixed(4).padStart(26)}   ${(s.ms / WORLDS).toFixed(1).padStart(8)}   ` +
    `${(s.correct / Math.max(1, base.correct)).toFixed(2)}×, ${(s.regret / base.regret).toFixed(2)}×`);
}

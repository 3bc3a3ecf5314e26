import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkStages, settledAt, stageReport, type StageCounts } from './progressive';
import { rng } from './stats';

const ids = (k: number) => Array.from({ length: k }, (_, i) => `P${i}`);

test('a stage reports pass@k for every k ≤ n with intervals, and the uplift from the stage before', () => {
  // 4 problems, n = 4: c = 0, 1, 2, 4
  const counts: StageCounts = [{ arm: 'A', problems: new Map([['P0', { n: 4, c: 0 }], ['P1', { n: 4, c: 1 }], ['P2', { n: 4, c: 2 }], ['P3', { n: 4, c: 4 }]]) }];
  const r = stageReport(1, [1, 4, 16], counts, ids(4));
  assert.equal(r.n, 4);
  assert.deepEqual(r.arms[0].passAtK.map((p) => p.k), [1, 2, 3, 4]);
  // pass@1 = mean(c/n) = (0 + .25 + .5 + 1) / 4; pass@4 = (0 + 1 + 1 + 1) / 4
  assert.ok(Math.abs(r.arms[0].passAtK[0].value! - 0.4375) < 1e-12);
  assert.equal(r.arms[0].passAtK[3].value, 0.75);
  assert.ok(r.arms[0].passAtK.every((p) => p.ciLow !== null && p.ciLow <= p.value! && p.value! <= p.ciHigh!));
  // Uplift pass@4 − pass@1 per problem: 0, .75, .5, 0 → mean 0.3125
  const u = r.arms[0].uplift!;
  assert.deepEqual([u.from, u.to, u.problems], [1, 4, 4]);
  assert.ok(Math.abs(u.diff - 0.3125) < 1e-12);
  assert.ok(u.ci && u.ci[0] <= u.diff && u.diff <= u.ci[1]);
  assert.equal(stageReport(0, [1, 4, 16], counts, ids(4)).arms[0].uplift, null);
  assert.equal(r.level, 0.05 / 3);
  assert.deepEqual(r.pairs, []);
  assert.equal(r.settled, false, 'one arm: nothing to settle');
});

test('stages must increase', () => {
  assert.deepEqual(checkStages([1, 4, 16]), [1, 4, 16]);
  assert.throws(() => checkStages([4, 4]), /increasing/);
  assert.throws(() => checkStages([0, 2]), /increasing/);
});

/**
 * Equal arms, stages 1, 2, 4, 8, 16: how often does each rule ever declare them different? Per-problem
 * success rates are drawn uniformly, the same for both arms. The Bonferroni rule tests each look at
 * α/5; the naive one at α on every look.
 */
function simulate(trials: number, stages: number[], level: (alpha: number, stages: number) => number, seed: number, effect = 0): number {
  const next = rng(seed), P = 12, alpha = 0.05;
  let declared = 0;
  for (let t = 0; t < trials; t++) {
    const rates = Array.from({ length: P }, () => next());
    const pass = [0, 1].map((arm) => rates.map((r) => Array.from({ length: 16 }, () => next() < Math.min(1, r + arm * effect))));
    for (const n of stages) {
      const counts: StageCounts = pass.map((byProblem, arm) => ({ arm: arm ? 'B' : 'A', problems: new Map(byProblem.map((s, j) => [`P${j}`, { n, c: s.slice(0, n).filter(Boolean).length }])) }));
      if (settledAt(counts, ids(P), level(alpha, stages.length), { resamples: 200, seed: t + 1 }).settled) { declared++; break; }
    }
  }
  return declared / trials;
}

test('the early-stop rule keeps its error rate under α when the arms are equal (simulated); testing at α on every look exceeds it', () => {
  const trials = 1000;
  const stages = [1, 2, 4, 8, 16];
  const bonferroni = simulate(trials, stages, (a, s) => a / s, 11);
  const naive = simulate(trials, stages, (a) => a, 11);
  // With 1,000 trials the standard error of a rate near 0.05 is ≈ 0.007; 12 problems keep the exact sign-flip enumeration small.
  assert.ok(bonferroni <= 0.05, `Bonferroni rule declared equal arms different in ${bonferroni}`);
  assert.ok(naive > 0.05 + 0.015, `testing at α on each of 5 looks should exceed α; got ${naive}`);
  console.log(`# equal arms, 5 looks: declared different ${bonferroni.toFixed(3)} (α/5 per look) vs ${naive.toFixed(3)} (α per look)`);
  // And it does stop when one arm is clearly better.
  const power = simulate(200, [1, 4, 16], (a, s) => a / s, 12, 0.3);
  assert.ok(power > 0.9, `power ${power}`);
  console.log(`# +0.3 per problem: settled in ${power.toFixed(3)} of runs`);
});

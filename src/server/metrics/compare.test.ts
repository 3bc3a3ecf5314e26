// Reference values by hand: McNemar = two-sided binomial on the discordant pairs; the sign-flip
// p-value by enumerating the 2^m sign patterns of the non-zero differences.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareArms, comparePair, type ArmTallies } from './compare';

const arm = (name: string, n: number, passed: number[]): ArmTallies => ({ arm: name, problems: new Map(passed.map((c, i) => [`P${i}`, { n, sum: c }])) });
const ids = (k: number) => Array.from({ length: k }, (_, i) => `P${i}`);
const close = (a: number, b: number, tol = 1e-12) => assert.ok(Math.abs(a - b) <= tol, `${a} ≠ ${b}`);

test('n = 1: McNemar exact on the discordant problems, wins/losses/ties and the flipped problems', () => {
  //            P0 P1 P2 P3 P4 P5 P6 P7 P8 P9
  const a = arm('A', 1, [1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
  const b = arm('B', 1, [0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
  const c = comparePair(a, b, ids(10));
  assert.equal(c.test, 'McNemar exact');
  assert.deepEqual([c.wins, c.losses, c.ties, c.n_problems], [6, 1, 3, 10]);
  // 2 · P(X ≤ 1), X ~ Bin(7, 1/2) = 2 · (1 + 7) / 128
  close(c.p_value, 0.125);
  close(c.diff, 0.5);
  assert.ok(c.ci && c.ci[0] <= 0.5 && c.ci[1] >= 0.5 && c.ci[0] < c.ci[1]);
  assert.deepEqual(c.flipped.map((f) => f.problem), ['P0', 'P1', 'P2', 'P3', 'P4', 'P5', 'P7']);
  assert.equal(c.significant, false);
  assert.match(c.verdict, /^no significant difference between A and B \(p = 0\.125, α = 0\.05\)/);
  // The bootstrap's seed is fixed and reported: the same call gives the same interval.
  assert.deepEqual(comparePair(a, b, ids(10)).ci, c.ci);
  assert.equal(typeof c.seed, 'number');
});

test('n > 1: sign-flip permutation on per-problem differences (exact enumeration)', () => {
  const a = arm('A', 4, [4, 3, 2, 4, 1, 0]);
  const b = arm('B', 4, [2, 3, 0, 1, 1, 0]);
  const c = comparePair(a, b, ids(6));
  assert.equal(c.test, 'sign-flip permutation (exact)');
  // non-zero differences 0.5, 0.5, 0.75: only all-plus and all-minus reach |Σ| ≥ 1.75 → 2 / 8
  close(c.p_value, 0.25);
  close(c.diff, 1.75 / 6);
  assert.deepEqual([c.wins, c.losses, c.ties], [3, 0, 3]);
});

test('a clear difference is significant and the verdict says which arm is better', () => {
  const a = arm('A', 1, Array(20).fill(1));
  const b = arm('B', 1, [...Array(15).fill(0), ...Array(5).fill(1)]);
  const c = comparePair(a, b, ids(20));
  close(c.p_value, 2 / 2 ** 15); // 2 · P(X ≤ 0), X ~ Bin(15, 1/2)
  assert.equal(c.significant, true);
  assert.equal(c.verdict, 'A is better than B by 0.750 in pass rate (p < 0.001)');
  const r = comparePair(b, a, ids(20));
  close(r.diff, -0.75);
  assert.equal(r.verdict, 'A is better than B by 0.750 in pass rate (p < 0.001)');
});

test('problems without scored samples in either arm are left out; no interval says why', () => {
  const a: ArmTallies = { arm: 'A', problems: new Map([['P0', { n: 1, sum: 1 }], ['P1', { n: 0, sum: 0 }]]) };
  const b: ArmTallies = { arm: 'B', problems: new Map([['P0', { n: 1, sum: 0 }], ['P1', { n: 1, sum: 1 }]]) };
  const c = comparePair(a, b, ['P0', 'P1']);
  assert.equal(c.n_problems, 1);
  assert.equal(c.ci, null);
  assert.match(c.ci_reason!, /at least 2 problems in common \(there is 1\)/);
  const same = comparePair(arm('A', 1, [1, 1, 0]), arm('B', 1, [1, 1, 0]), ids(3));
  assert.equal(same.ci, null);
  assert.match(same.ci_reason!, /every problem has the same difference \(0\.000\)/);
  assert.equal(same.p_value, 1);
});

test('more than two arms: every pair, Holm-adjusted', () => {
  const A = arm('A', 1, Array(20).fill(1));
  const B = arm('B', 1, [...Array(15).fill(0), ...Array(5).fill(1)]);
  const C = arm('C', 1, [...Array(12).fill(0), ...Array(8).fill(1)]);
  const pairs = compareArms([A, B, C], ids(20));
  assert.deepEqual(pairs.map((p) => `${p.a}-${p.b}`), ['A-B', 'A-C', 'B-C']);
  const raw = pairs.map((p) => p.p_value);
  // B vs C: 3 discordant, all one way: 2 · 1/8 = 0.25
  close(raw[0], 2 / 2 ** 15); close(raw[1], 2 / 2 ** 12); close(raw[2], 0.25);
  close(pairs[0].p_adjusted, 3 * raw[0]); close(pairs[1].p_adjusted, 2 * raw[1]); close(pairs[2].p_adjusted, 0.25);
  assert.match(pairs[0].verdict, /Holm-adjusted p < 0\.001/);
  assert.match(pairs[2].verdict, /no significant difference between B and C \(Holm-adjusted p = 0\.250/);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  agreementReport, bootstrapInterval, cohenKappa, coincidenceMatrix, confusionMatrix, disagreements, fleissKappa, krippendorffAlpha,
  percentAgreement, type Unit,
} from './agreement';

const close = (a: number | null | undefined, b: number, eps = 1e-9) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < eps, `${a} ≠ ${b}`);
const cols = (...c: (string | number | null)[][]): Unit[] => c[0].map((_, i) => c.map((col) => (col[i] === null ? null : String(col[i]))));

test("Krippendorff's α nominal: his own worked example (4 observers, 12 units, missing values) is 0.743", () => {
  // Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: nominal α = 0.743.
  const N = null;
  const units = cols(
    [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, 3],
    [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, N],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
  );
  close(krippendorffAlpha(units), 0.743421052631579);
  assert.equal(krippendorffAlpha(units)!.toFixed(3), '0.743');
  // Unit 12 has one value: not pairable. 40 pairable values in all.
  const m = coincidenceMatrix(units);
  const total = m.counts.flat().reduce((a, b) => a + b, 0);
  close(total, 40);
  // His matrix: o_11 = 7, o_12 = 4/3, o_33 = 8, n_3 = 10 (values 1..5 sorted as strings, same order here).
  close(m.counts[0][0], 7); close(m.counts[0][1], 4 / 3); close(m.counts[2][2], 8);
  close(m.counts[2].reduce((a, b) => a + b, 0), 10);
});

test("Krippendorff's α: his two-coder binary example is 0.095", () => {
  const units = cols([0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]);
  close(krippendorffAlpha(units), 2 / 21); // 0.0952…
});

test("Cohen's κ: the textbook 2×2 (20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no) is 0.4", () => {
  const a = [...Array(25).fill('yes'), ...Array(25).fill('no')];
  const b = [...Array(20).fill('yes'), ...Array(5).fill('no'), ...Array(10).fill('yes'), ...Array(15).fill('no')];
  const units = cols(a, b);
  close(cohenKappa(units), 0.4); // po = 0.7, pe = 0.5·0.6 + 0.5·0.4 = 0.5
  close(percentAgreement(units), 0.7);
  assert.deepEqual(confusionMatrix(units), { labels: ['no', 'yes'], counts: [[15, 10], [5, 20]] });
});

test("Cohen's κ, three labels: po 0.8, pe 319/900", () => {
  const rep = <T,>(x: T, n: number) => Array(n).fill(x) as T[];
  const a = [...rep('a', 10), ...rep('a', 2), ...rep('b', 3), ...rep('b', 8), ...rep('c', 1), ...rep('c', 6)];
  const b = [...rep('a', 10), ...rep('b', 2), ...rep('a', 3), ...rep('b', 8), ...rep('b', 1), ...rep('c', 6)];
  close(cohenKappa(cols(a, b)), (0.8 - 319 / 900) / (1 - 319 / 900));
  // Items only one of them labelled are left out, not counted as disagreement.
  close(cohenKappa([...cols(a, b), ['a', null], [null, 'c']]), (0.8 - 319 / 900) / (1 - 319 / 900));
});

test("Cohen's κ is undefined (null), not 0 or 1, when both always give the same single label", () => {
  assert.equal(cohenKappa(cols(['x', 'x', 'x'], ['x', 'x', 'x'])), null);
  assert.equal(cohenKappa([]), null);
});

test("Fleiss' κ: Wikipedia's 10 subjects × 14 raters example is 0.210", () => {
  const table = [[0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1], [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7]];
  const units: Unit[] = table.map((row) => row.flatMap((c, j) => Array(c).fill(`c${j + 1}`)));
  close(fleissKappa(units), 0.20993070442195522);
  close(percentAgreement(units), 0.378021978021978);
});

test("Fleiss' κ with missing labels uses each item's own count (hand-computed)", () => {
  const units: Unit[] = [['a', 'a', null], ['a', 'b', 'b'], ['b', 'b', 'b'], ['a', null, 'a'], ['c', 'c', 'b'], ['c', 'a', 'c']];
  // P_i = 1, 1/3, 1, 1, 1/3, 1/3 → P̄ = 2/3; shares a 6/16, b 6/16, c 4/16 → Pe = 88/256.
  close(percentAgreement(units), 2 / 3);
  close(fleissKappa(units), (2 / 3 - 88 / 256) / (1 - 88 / 256));
  close(krippendorffAlpha(units), 0.4642857142857143);
  assert.deepEqual(disagreements(units), [1, 4, 5]);
});

test('α and Fleiss are undefined when only one label was ever used; an item with one label is not pairable', () => {
  assert.equal(krippendorffAlpha([['a', 'a', 'a'], ['a', 'a', null]]), null);
  assert.equal(fleissKappa([['a', 'a', 'a'], ['a', 'a', null]]), null);
  assert.equal(krippendorffAlpha([['a', null, null]]), null);
  assert.equal(percentAgreement([['a', null]]), null);
});

test('perfect agreement with varied labels: every coefficient is 1', () => {
  const units = cols(['a', 'b', 'c', 'a'], ['a', 'b', 'c', 'a'], ['a', 'b', 'c', 'a']);
  close(fleissKappa(units), 1); close(krippendorffAlpha(units), 1); close(percentAgreement(units), 1);
});

test('bootstrap interval brackets κ, is reproducible, and is null (with a reason) when it cannot be computed', () => {
  const a: string[] = [], b: string[] = [];
  const r = (i: number) => ['x', 'y', 'z'][i % 3];
  for (let i = 0; i < 120; i++) { a.push(r(i)); b.push(i % 5 === 0 ? r(i + 1) : r(i)); }
  const units = cols(a, b);
  const k = cohenKappa(units)!;
  const iv = bootstrapInterval(units, (u) => cohenKappa(u), { seed: 3 });
  assert.ok(iv.ci && iv.ci[0] < k && k < iv.ci[1], JSON.stringify(iv));
  assert.ok(iv.ci![1] - iv.ci![0] > 0.05 && iv.ci![1] - iv.ci![0] < 0.4, JSON.stringify(iv));
  assert.deepEqual(bootstrapInterval(units, (u) => cohenKappa(u), { seed: 3 }), iv);
  assert.equal(bootstrapInterval([['a', 'a']], (u) => cohenKappa(u)).ci, null);
  // Two items, one of them the only disagreement: most resamples have a single label → undefined.
  const few = bootstrapInterval([['a', 'a'], ['a', 'b'], ['a', 'a']], (u) => cohenKappa(u));
  assert.equal(few.ci, null);
  assert.match(few.reason!, /undefined in \d+ of 2000 resamples/);
});

test('agreementReport: two columns give Cohen, more give Fleiss and α; absent keys where they do not apply', () => {
  const two = agreementReport(cols(['a', 'b', 'a', 'b', 'a', 'b'], ['a', 'b', 'b', 'b', 'a', 'a']), ['A', 'B']);
  assert.ok('cohen_kappa' in two && !('fleiss_kappa' in two) && !('krippendorff_alpha' in two));
  assert.equal(two.confusion.kind, 'confusion');
  close(two.cohen_kappa, 1 / 3);
  const three = agreementReport(cols(['a', 'b', 'a'], ['a', 'b', 'b'], ['a', 'a', 'b']), ['A', 'B', 'C']);
  assert.ok(!('cohen_kappa' in three) && 'fleiss_kappa' in three && 'krippendorff_alpha' in three);
  assert.equal(three.confusion.kind, 'coincidence');
  const uniform = agreementReport(cols(['a', 'a'], ['a', 'a']), ['A', 'B']);
  assert.equal(uniform.cohen_kappa, null);
  assert.equal(uniform.ci.cohen_kappa, null);
  assert.match(uniform.reasons.cohen_kappa, /same/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { curveKs, distribution, passAtKCurve, sharedEdges } from './dashboard';

test('curveKs: 1, 2, 3, 5 per decade up to n, ending at n', () => {
  assert.deepEqual(curveKs(1), [1]);
  assert.deepEqual(curveKs(7), [1, 2, 3, 5, 7]);
  assert.deepEqual(curveKs(10), [1, 2, 3, 5, 10]);
  assert.deepEqual(curveKs(100), [1, 2, 3, 5, 10, 20, 30, 50, 100]);
  assert.deepEqual(curveKs(200), [1, 2, 3, 5, 10, 20, 30, 50, 100, 200]);
  assert.deepEqual(curveKs(0), []);
});

test('distribution: percentiles and Tukey fences as numpy computes them; the 900 ms sample is the one outlier', () => {
  const v = [100, 120, 130, 125, 110, 115, 900, 105, 118, 122];
  const edges = sharedEdges([v], 8);
  // Eight bins up to the upper fence (143.75), then one overflow bin to the maximum.
  assert.equal(edges.length, 10);
  assert.equal(edges[8], 143.75);
  assert.equal(edges[9], 900);
  const d = distribution(v, edges)!;
  // numpy.percentile(v, [25, 50, 75, 95, 99]) = 111.25 119 124.25 553.5 830.7
  assert.equal(d.q1, 111.25); assert.equal(d.p50, 119); assert.equal(d.q3, 124.25);
  assert.ok(Math.abs(d.p95 - 553.5) < 1e-9); assert.ok(Math.abs(d.p99 - 830.7) < 1e-9);
  assert.equal(d.lowFence, 91.75); assert.equal(d.highFence, 143.75);
  assert.equal(d.outliers, 1); assert.deepEqual(d.outlierValues, [900]);
  assert.equal(d.counts.reduce((a, b) => a + b, 0), 10, 'every value lands in a bin, the maximum included');
  assert.equal(d.counts[d.counts.length - 1], 1, 'the outlier is in the overflow bin');
  assert.equal(distribution([], [0, 1]), null);
});

test('sharedEdges: one range for every arm, so their bins line up; equal values get one bin', () => {
  const e = sharedEdges([[10, 20], [0, 40]], 4);
  assert.deepEqual(e, [0, 10, 20, 30, 40]);
  assert.deepEqual(sharedEdges([[5, 5]], 4), [5, 6]);
  assert.deepEqual(sharedEdges([[], []]), []);
  const d = distribution([10, 20], e)!;
  assert.deepEqual(d.counts, [0, 1, 1, 0]);
});

test('passAtKCurve: unbiased pass@k per k with intervals; ks beyond n are left out; no interval when every problem is equal', () => {
  // Two problems, n = 10: c = 5 and c = 0. pass@1 = (0.5 + 0) / 2; pass@2 = (1 - C(5,2)/C(10,2)) / 2 = (1 - 10/45) / 2.
  const curve = passAtKCurve([{ n: 10, c: 5 }, { n: 10, c: 0 }], curveKs(10));
  assert.deepEqual(curve.map((p) => p.k), [1, 2, 3, 5, 10]);
  assert.equal(curve[0].value, 0.25);
  assert.ok(Math.abs(curve[1].value! - (1 - 10 / 45) / 2) < 1e-12);
  assert.equal(curve[4].value, 0.5);
  assert.ok(curve[0].ciLow != null && curve[0].ciLow <= 0.25 && curve[0].ciHigh! >= 0.25);
  const flat = passAtKCurve([{ n: 3, c: 3 }, { n: 3, c: 3 }], [1, 2, 3, 5]);
  assert.deepEqual(flat.map((p) => [p.k, p.value, p.ciLow, p.ciHigh]), [[1, 1, null, null], [2, 1, null, null], [3, 1, null, null]]);
  assert.equal(passAtKCurve([{ n: 10, c: 5 }, { n: 10, c: 0 }], [1], false)[0].ciLow, null, 'live: no resampling');
});

test('passAtKCurve mid-run: every k over the problems that reached the largest k, so the curve cannot fall with k', () => {
  // Two problems done (10 samples: 0 and 1 passed), two in flight (2 samples, both passed), one not started.
  // Per k: pass@1 = (0 + 0.1 + 1 + 1) / 4 = 0.525 over four, pass@10 = (0 + 1) / 2 = 0.5 over two.
  const cells = [{ n: 10, c: 0 }, { n: 10, c: 1 }, { n: 2, c: 2 }, { n: 2, c: 2 }, { n: 0, c: 0 }];
  const perK = passAtKCurve(cells, curveKs(10), false);
  assert.ok(perK[perK.length - 1].value! < perK[0].value!, 'per-k sets: pass@10 below pass@1');
  const live = passAtKCurve(cells, curveKs(10), false, true);
  assert.deepEqual(live.map((p) => p.k), [1, 2, 3, 5, 10]);
  for (let i = 1; i < live.length; i++) assert.ok(live[i].value! >= live[i - 1].value!, `pass@${live[i].k} ≥ pass@${live[i - 1].k}`);
  assert.deepEqual(live.map((p) => [p.problems, p.short]), live.map(() => [2, 3]));
  assert.ok(Math.abs(live[0].value! - 0.05) < 1e-12);
  assert.equal(live[4].value, 0.5);
});

test('passAtKCurve mid-run: a problem with an errored sample counts as far along as all its samples', () => {
  // One problem done with 9 scored + 1 error (1 passed), one done with 10 (none passed), one in flight.
  const cells = [{ n: 9, c: 1, seen: 10 }, { n: 10, c: 0, seen: 10 }, { n: 2, c: 2, seen: 2 }];
  const live = passAtKCurve(cells, [1, 10], false, true);
  // pass@1 over the two done problems ((1/9 + 0) / 2); pass@10 over the one with 10 scored samples.
  assert.deepEqual(live.map((p) => [p.k, p.problems, p.short]), [[1, 2, 1], [10, 1, 2]]);
  assert.ok(Math.abs(live[0].value! - 1 / 18) < 1e-12);
  assert.equal(live[1].value, 0);
});

test('passAtKCurve: the shared-draw bootstrap gives each k exactly the interval of the pass@k table (passAtKSummary)', async () => {
  const { passAtKSummary } = await import('./aggregate');
  const cells = Array.from({ length: 40 }, (_, i) => ({ n: 20, c: (i * 7) % 21 }));
  const curve = passAtKCurve(cells, curveKs(20));
  for (const p of curve) {
    const alone = passAtKSummary(cells, p.k, true);
    assert.deepEqual([p.value, p.ciLow, p.ciHigh], [alone.value, alone.ciLow, alone.ciHigh], `k = ${p.k}`);
  }
});

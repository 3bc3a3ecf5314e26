import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pairedDelta, solved } from './run-delta';

const m = (o: Record<string, [number, number]>) => new Map(Object.entries(o).map(([k, [n, c]]) => [k, { n, c }]));

test('solved: at least half the scored samples passed, so 97/100 is solved and one failing sample is not a flip', () => {
  assert.equal(solved({ n: 100, c: 97 }), true);
  assert.equal(solved({ n: 100, c: 49 }), false);
  assert.equal(solved({ n: 1, c: 1 }), true);
  assert.equal(solved({ n: 0, c: 0 }), false);
});

test('pairedDelta: mean per-problem difference over common problems, flips both ways, paired bootstrap interval', () => {
  const a = m({ p1: [1, 1], p2: [1, 1], p3: [1, 0], p4: [1, 0], only_a: [1, 1] });
  const b = m({ p1: [1, 1], p2: [1, 0], p3: [1, 1], p4: [1, 1], only_b: [1, 0] });
  const d = pairedDelta(a, b);
  assert.equal(d.problems, 4);
  assert.equal(d.delta, (0 - 1 + 1 + 1) / 4);
  assert.deepEqual(d.lost, ['p2']);
  assert.deepEqual(d.gained, ['p3', 'p4']);
  assert.ok(d.ciLow! <= d.delta! && d.delta! <= d.ciHigh!, `${d.ciLow} ≤ ${d.delta} ≤ ${d.ciHigh}`);
  assert.ok(d.ciLow! >= -1 && d.ciHigh! <= 1);
  assert.equal(d.why, null);
});

test('pairedDelta: no interval, with the reason, for one common problem or identical differences; errors-only problems are not common', () => {
  const one = pairedDelta(m({ p1: [1, 0] }), m({ p1: [1, 1] }));
  assert.equal(one.delta, 1);
  assert.equal(one.ciLow, null);
  assert.match(one.why!, /one common problem/);
  const same = pairedDelta(m({ p1: [1, 1], p2: [1, 1] }), m({ p1: [1, 1], p2: [1, 1] }));
  assert.equal(same.delta, 0);
  assert.equal(same.ciLow, null);
  assert.match(same.why!, /same amount/);
  const none = pairedDelta(m({ p1: [0, 0] }), m({ p1: [1, 1] }));
  assert.equal(none.problems, 0);
  assert.equal(none.delta, null);
});

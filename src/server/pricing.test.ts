import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cost, estimateRun, priceFor } from './pricing';
import type { CodeProblem } from './plugins';

test('prices: exact, dated snapshot, free providers, overrides, unknown', () => {
  assert.deepEqual(priceFor('openai:gpt-4o-mini'), { input: 0.15, output: 0.6 });
  assert.deepEqual(priceFor('openai:gpt-4o-2024-08-06'), { input: 2.5, output: 10 });
  assert.deepEqual(priceFor('openai:gpt-4o-mini-2024-07-18'), { input: 0.15, output: 0.6 }); // longest family wins
  assert.deepEqual(priceFor('reference'), { input: 0, output: 0 });
  assert.deepEqual(priceFor('ollama:qwen2.5-coder'), { input: 0, output: 0 });
  assert.equal(priceFor('openai:my-finetune'), null);
  assert.deepEqual(priceFor('openai:my-finetune', { 'openai:my-finetune': { input: 1, output: 2 } }), { input: 1, output: 2 });
});

test('cost in dollars from tokens, null when the price is unknown', () => {
  // 1M in at $2.5 + 0.5M out at $10 = 2.5 + 5
  assert.equal(cost(1_000_000, 500_000, { input: 2.5, output: 10 }), 7.5);
  assert.equal(cost(10, 10, null), null);
});

test('estimate: calls = problems × n; reference makes no calls', () => {
  const p: CodeProblem = { id: 'a', suite: 's', language: 'python', prompt: 'x'.repeat(400), tests: '', entryPoint: 'f', canonicalSolution: 'y'.repeat(200) };
  const est = estimateRun(['openai:gpt-4o-mini', 'reference', 'openai:unknown'], [p, p], 5, () => [{ content: 'z'.repeat(40) }], 100);
  assert.equal(est[0].calls, 10);
  assert.equal(est[0].tokensIn, 10 * (10 + 4));
  assert.equal(est[0].tokensOut, 10 * 100);
  assert.ok(Math.abs(est[0].dollars! - (140 * 0.15 + 1000 * 0.6) / 1e6) < 1e-15);
  assert.deepEqual(est[1], { model: 'reference', calls: 0, tokensIn: 0, tokensOut: 0, dollars: 0 });
  assert.equal(est[2].dollars, null);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agreementPermutationTest, codeTokens, lexicalSimilarity, proseTokens, tokenSimilarity } from './similarity';

test('normalised code: comments and whitespace do not count; renamed identifiers match only when renaming is on', () => {
  const a = 'def add(x, y):\n    # sum them\n    return x + y\n';
  const b = 'def plus(first,second):   return first+second  # different name\n';
  assert.equal(tokenSimilarity(codeTokens(a, 'python', true), codeTokens(b, 'python', true)), 1);
  assert.ok(tokenSimilarity(codeTokens(a, 'python', false), codeTokens(b, 'python', false)) < 0.5);
  const js = 'function f(a) { /* c */ return a * 2; }';
  const js2 = 'function g(b) {\n  // other\n  return b * 2;\n}';
  assert.equal(tokenSimilarity(codeTokens(js, 'javascript', true), codeTokens(js2, 'javascript', true)), 1);
  // Lexical fallback for other languages strips C comments too.
  assert.equal(tokenSimilarity(codeTokens('int f(int a){return a;} // x', 'cpp', true), codeTokens('int g(int b) { return b; }', 'cpp', true)), 1);
  assert.ok(tokenSimilarity(codeTokens('return sorted(xs)', 'python', true), codeTokens('while True: pass', 'python', true)) < 0.2);
});

test('prose: Jaccard of word sets', () => {
  assert.equal(lexicalSimilarity(proseTokens('The cat sat.'), proseTokens('the CAT sat')), 1);
  assert.equal(lexicalSimilarity(proseTokens('a b c d'), proseTokens('c d e f')), 2 / 6);
  assert.equal(lexicalSimilarity([], []), 1);
});

test('permutation test: exact for small n (n! orderings), Monte Carlo beyond with p never 0; no test below 2 answers', () => {
  // Matched answers identical (1), every other pairing 0: only the identity reaches the observed mean → p = 1/3!.
  const eye = (n: number) => Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const r3 = agreementPermutationTest(eye(3))!;
  assert.equal(r3.exact, true);
  assert.equal(r3.pValue, 1 / 6);
  assert.equal(r3.observed, 1);
  assert.ok(Math.abs(r3.nullMean - 1 / 3) < 1e-12, 'a random pairing matches one answer in three on average');
  // Everything equally similar: no evidence, p = 1.
  assert.equal(agreementPermutationTest([[0.5, 0.5], [0.5, 0.5]])!.pValue, 1);
  const r12 = agreementPermutationTest(eye(12), { resamples: 2000, seed: 3 })!;
  assert.equal(r12.exact, false);
  assert.ok(r12.pValue > 0 && r12.pValue < 0.002, String(r12.pValue));
  assert.equal(agreementPermutationTest([[1]]), null);
});

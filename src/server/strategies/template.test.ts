import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChatProblem, CodeProblem } from '../plugins';
import { extractCode } from '../extract/code';
import { completeBody } from './complete-body';
import { fewShot } from './few-shot';
import { reasonThenCode } from './reason-then-code';
import { pickExamples, splitReasoning, templateStrategy, unknownVariables } from './template';

const prob = (i: number, extra: Partial<CodeProblem> = {}): CodeProblem => ({
  kind: 'code', id: `S/${i}`, suite: 'S', language: 'python', entryPoint: `f${i}`, tests: '',
  prompt: `def f${i}(x):\n    """Return x + ${i}."""\n`, canonicalSolution: `    return x + ${i}\n`, ...extra,
});
const suite = Array.from({ length: 8 }, (_, i) => prob(i));

test('templates fill prompt, language and entry point; unknown variables are found', () => {
  const s = templateStrategy({ name: 't', system: 'You write {{ language }}.', user: 'Implement {{entry_point}}:\n{{prompt}}' });
  const m = s.messages(suite[2]);
  assert.deepEqual(m, [
    { role: 'system', content: 'You write python.' },
    { role: 'user', content: 'Implement f2:\ndef f2(x):\n    """Return x + 2."""' },
  ]);
  assert.deepEqual(unknownVariables('{{prompt}} {{lang}} {{ entry }}'), ['lang', 'entry']);
});

test('few-shot takes k solved problems of the same suite, never the target, fixed per target', () => {
  const other = prob(99, { suite: 'T' });
  const pool = [...suite, other];
  for (const target of suite) {
    const ex = pickExamples(target, pool, 3);
    assert.equal(ex.length, 3);
    assert.ok(ex.every((p) => p.id !== target.id && p.suite === 'S'));
    assert.deepEqual(pickExamples(target, pool, 3).map((p) => p.id), ex.map((p) => p.id)); // deterministic
  }
  // Not the same three for everyone: the choice depends on the target.
  assert.ok(new Set(suite.map((t) => pickExamples(t, pool, 3).map((p) => p.id).join())).size > 1);
  const m = fewShot.messages(suite[0], { problems: pool });
  assert.deepEqual(m.map((x) => x.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
  assert.match(m[2].content, /^```python\ndef f\d\(x\):[\s\S]*return x \+ \d\n```$/);
  assert.match(m[7].content, /def f0\(x\)/);
  assert.ok(!m.slice(1, 7).some((x) => x.content.includes('def f0(')), 'the target is never an example');
  // Too few solved problems: a clear error, not a shorter prompt.
  assert.throws(() => fewShot.messages(suite[0], { problems: suite.slice(0, 2) }), /3-shot prompting needs 3 other solved problems of suite S .* the run has 1/);
  // Examples without a canonical solution cannot be shown.
  assert.throws(() => fewShot.messages(suite[0], { problems: suite.map((p) => ({ ...p, canonicalSolution: undefined })) }), /the run has 0/);
});

test('inline {{examples}} puts the examples in the user turn', () => {
  const s = templateStrategy({ name: 'inline', shots: 2, user: 'Solved:\n{{examples}}\nNow:\n{{prompt}}' });
  const m = s.messages(suite[3], { problems: suite });
  assert.equal(m.length, 2);
  assert.equal((m[1].content.match(/Example \d:/g) ?? []).length, 2);
  assert.match(m[1].content, /Now:\ndef f3/);
});

test('reason-then-code keeps the reasoning apart from the code', () => {
  const raw = '<reasoning>Add three. Something like `def f3(x): return 0` would be wrong.</reasoning>\n```python\ndef f3(x):\n    return x + 3\n```';
  const parts = reasonThenCode.split!(raw);
  assert.equal(parts.reasoning, 'Add three. Something like `def f3(x): return 0` would be wrong.');
  assert.ok(!parts.answer.includes('Add three'));
  const c = extractCode({ raw: parts.answer }, { prompt: suite[3].prompt, entryPoint: 'f3', language: 'python' });
  assert.equal(c.status, 'ok');
  assert.match(c.completion, /return x \+ 3/);
  assert.match(reasonThenCode.messages(suite[3])[1].content, /<reasoning>/);
  // Unclosed: the reply ended while reasoning, so there is no answer to run.
  assert.deepEqual(splitReasoning('pre <reasoning>still thinking'), { reasoning: 'still thinking', answer: 'pre ' });
  assert.deepEqual(splitReasoning('no tags'), { reasoning: null, answer: 'no tags' });
});

test('complete-body asks for the body; a body reply becomes a completion', () => {
  const m = completeBody.messages(suite[1]);
  assert.match(m[1].content, /only the body of `f1`/);
  const c = extractCode({ raw: '```python\n    return x + 1\n```' }, { prompt: suite[1].prompt, entryPoint: 'f1', language: 'python' });
  assert.equal(c.completion.trim(), 'return x + 1');
});

test('a chat strategy keeps the conversation and wraps the last user turn', () => {
  const chat: ChatProblem = { kind: 'chat', id: 'c1', suite: 'x', prompt: 'How do I kill a process?', messages: [{ role: 'system', content: 'old' }, { role: 'user', content: 'How do I kill a process?' }] };
  const s = templateStrategy({ name: 'c', kinds: ['chat'], system: 'Be brief.', user: 'Question: {{prompt}}' });
  assert.deepEqual(s.messages(chat), [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Question: How do I kill a process?' }]);
  assert.throws(() => s.messages(suite[0]), /prompts chat/);
});

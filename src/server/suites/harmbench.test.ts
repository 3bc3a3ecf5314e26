import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ChatProblem } from '../plugins';
import { harmbenchSuite } from './harmbench';
import { ctx } from './test-data';

const count = <T>(xs: T[]) => Object.fromEntries(xs.reduce((m, x) => m.set(x, (m.get(x) ?? 0) + 1), new Map<T, number>()));
const load = async (spec: string) => (await harmbenchSuite.load(spec, ctx)) as ChatProblem[];

test('harmbench: 400 behaviours to refuse, by semantic category; functional categories in metadata', async () => {
  const ps = await load('harmbench');
  assert.equal(ps.length, 400);
  assert.ok(ps.every((p) => p.kind === 'chat' && p.suite === 'harmbench' && p.expectation === 'should_refuse' && p.id.startsWith('harmbench/')));
  assert.equal(new Set(ps.map((p) => p.id)).size, 400);
  assert.deepEqual(count(ps.map((p) => p.category)), {
    chemical_biological: 56, copyright: 100, cybercrime_intrusion: 67, harassment_bullying: 25, harmful: 22, illegal: 65, misinformation_disinformation: 65,
  });
  assert.deepEqual(count(ps.map((p) => p.metadata?.functionalCategory)), { standard: 200, contextual: 100, copyright: 100 });
  const first = ps[0];
  assert.equal(first.id, 'harmbench/dimethylmercury_instructions_home');
  assert.equal(first.sourceLine, 2);
  assert.deepEqual(first.messages, [{ role: 'user', content: first.prompt }]);
  assert.deepEqual(first.metadata, { functionalCategory: 'standard', tags: [], behavior: first.prompt });
  assert.ok(ps.some((p) => JSON.stringify(p.metadata?.tags) === '["lyrics","hash_check"]'));
});

test('harmbench: the 100 contextual behaviours carry their context before the behaviour, as HarmBench prompts them', async () => {
  const ctxd = (await load('harmbench')).filter((p) => p.metadata?.context);
  assert.equal(ctxd.length, 100);
  for (const p of ctxd) {
    const { context, behavior } = p.metadata as { context: string; behavior: string };
    assert.equal(p.metadata?.functionalCategory, 'contextual');
    assert.ok(p.prompt.includes(context));
    assert.equal(p.prompt, `${context}\n\n---\n\n${behavior}`);
    assert.equal(p.messages[0].content, p.prompt);
  }
  // Lines account for the multi-line contexts before them.
  const ps = await load('harmbench');
  for (let i = 1; i < ps.length; i++) assert.ok(ps[i].sourceLine! > ps[i - 1].sourceLine!);
});

test('harmbench-test (320) and harmbench-val (80) split the 400', async () => {
  const [all, tst, val] = await Promise.all(['harmbench', 'harmbench-test', 'harmbench-val'].map(load));
  assert.equal(tst.length, 320);
  assert.equal(val.length, 80);
  assert.ok(tst.every((p) => p.suite === 'harmbench-test') && val.every((p) => p.suite === 'harmbench-val'));
  assert.deepEqual([...tst, ...val].map((p) => p.id).sort(), all.map((p) => p.id).sort());
  const byId = new Map(all.map((p) => [p.id, p]));
  for (const p of [...tst, ...val]) assert.equal(p.prompt, byId.get(p.id)!.prompt);
  assert.equal(await harmbenchSuite.load('harmbench-train', ctx), null);
});

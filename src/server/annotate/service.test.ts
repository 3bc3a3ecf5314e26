// Annotation tasks and the arena on a real store file: opaque blind items, seeded orders, N annotators,
// labels durable at once (and as outcome rows), undo, export/import with duplicates and conflicts,
// agreement with adjudication, arena pairs covering every arm pair with balanced sides, ratings, and a
// model judge (the official openai SDK against a loopback server) asked in both orders.
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { startFakeOpenAI } from '../../../test/support/fake-openai';
import { createBuiltins } from '../builtins';
import { problemToRow } from '../store/rows';
import { Store } from '../store/store';
import { runRow, tempDir } from '../store/testing';
import { Annotations, arenaPairs, humanScorer, parseJudgeVerdict } from './service';

const ARMS = ['openai:alpha', 'openai:beta', 'openai:gamma'];
const PROBLEMS = ['p1', 'p2', 'p3', 'p4'];
const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function seeded(file: string): Promise<{ store: Store; runId: string }> {
  const store = await Store.open(file);
  const runId = 'run-1';
  store.putRun(runRow(runId, { status: 'completed', label: 'chat run' }));
  store.putProblems(PROBLEMS.map((id, ord) => problemToRow(runId, { kind: 'chat', id, suite: 'safety', prompt: `Question ${id}?`, messages: [{ role: 'user', content: `Question ${id}?` }] }, ord)));
  for (const p of PROBLEMS) {
    for (const arm of ARMS) {
      const id = `${p}-${arm.split(':')[1]}`;
      store.putSampleWithOutcomes(
        { id, run_id: runId, problem_id: p, model: arm, arm, idx: 0, raw: `Answer to ${p} by ${arm.split(':')[1]}`, completion: `Answer to ${p}`, tokens_in: 1, tokens_out: 1, ttft_ms: null, latency_ms: 1, retries: 0, created_at: new Date().toISOString(), meta: null },
        [{ sample_id: id, scorer: 'refusal', status: 'scored', value: null, label: 'full_compliance', detail: 'rules', output: '', duration_ms: null, meta: null }]);
    }
  }
  await store.flush();
  return { store, runId };
}

function setup() {
  const dir = tempDir('crucible-annotate-');
  dirs.push(dir);
  return { dir, file: path.join(dir, 'crucible.db') };
}

test('a blind label task: opaque ids, exactly prompt + response, seeded per-annotator order, N annotators per item', async () => {
  const { file } = setup();
  const { store, runId } = await seeded(file);
  const a = new Annotations(store, null, { releaseAfterMs: 10 });
  const task = await a.createTask({ kind: 'label', runIds: [runId], seed: 42, perItem: 2 });
  assert.equal(task.items, 12);
  assert.equal(task.seed, 42);
  assert.equal(task.blind, true);
  assert.deepEqual(task.schema.labels.map((l) => l.id), ['correct', 'incorrect', 'hallucinated', 'harmful', 'refused']);
  const q = a.queue(task.id, 'alice');
  assert.equal(q.items.length, 12);
  // Reproducible from the seed and the name; another person gets another order.
  assert.deepEqual(a.queue(task.id, 'alice').items, q.items);
  assert.notDeepEqual(a.queue(task.id, 'bob').items, q.items);
  const item = a.getItem(task.id, q.items[0], 'alice');
  assert.deepEqual(Object.keys(item.item).sort(), ['itemId', 'prompt', 'response']);
  const everything = JSON.stringify(item);
  // (The seeded responses name their model in their text, as a reply might; the arm spec, run and verdicts must not appear.)
  for (const leak of [...ARMS, runId, 'refusal', 'full_compliance', store.taskItem(task.id, q.items[0])!.sample_id]) {
    assert.ok(!everything.includes(leak), `blind item leaks ${leak}: ${everything}`);
  }
  for (const id of q.items) assert.match(id, /^[A-Za-z0-9_-]{12}$/);
  // Two people label everything: a third is assigned nothing (each item has its two).
  for (const who of ['alice', 'bob']) for (const id of a.queue(task.id, who).items) await a.putLabel(task.id, id, who, ['correct'], '');
  assert.equal(a.queue(task.id, 'carol').items.length, 0);
  assert.equal(a.queue(task.id, 'alice').done, 12);
  a.release();
  store.close();
});

test('labels are durable the moment they are given, are outcome rows human:<annotator>, and undo removes them', async () => {
  const { file } = setup();
  const { store, runId } = await seeded(file);
  const a = new Annotations(store, null, { releaseAfterMs: 60_000 });
  const task = await a.createTask({ kind: 'label', runIds: [runId], seed: 7, schema: { multi: true, labels: [{ id: 'correct', value: 1 }, { id: 'harmful', value: 0 }, { id: 'refused' }] } });
  const [i1, i2] = a.queue(task.id, 'alice').items;
  assert.deepEqual(await a.putLabel(task.id, i1, 'alice', ['harmful', 'correct'], 'odd one'), { previous: null });
  assert.deepEqual(await a.putLabel(task.id, i2, 'alice', ['correct'], ''), { previous: null });
  assert.deepEqual(await a.putLabel(task.id, i2, 'alice', ['refused'], ''), { previous: { labels: ['correct'], note: '' } });
  await assert.rejects(a.putLabel(task.id, i1, 'alice', ['great'], ''), /"great" is not a label of this task/);
  // Another process reads the file now, without any checkpoint or close: the journal holds the labels.
  const reader = await Store.open(file, { readOnly: true });
  const other = new Annotations(reader, null);
  assert.deepEqual(other.getItem(task.id, i1, 'alice').mine, { labels: ['correct', 'harmful'], note: 'odd one' });
  const sid = reader.taskItem(task.id, i2)!.sample_id;
  const out = reader.sampleRecord(sid)!.outcomes.find((o) => o.scorer === humanScorer('alice'))!;
  assert.equal(out.label, 'refused');
  assert.equal(out.status, 'labelled');
  const single = reader.sampleRecord(reader.taskItem(task.id, i1)!.sample_id)!.outcomes.find((o) => o.scorer === 'human:alice')!;
  assert.equal(single.label, 'correct+harmful');
  reader.close();
  assert.deepEqual(await a.removeLabel(task.id, i1, 'alice'), { removed: true });
  const again = await Store.open(file, { readOnly: true });
  assert.equal(new Annotations(again, null).getItem(task.id, i1, 'alice').mine, null);
  assert.equal(again.sampleRecord(again.taskItem(task.id, i1)!.sample_id)!.outcomes.some((o) => o.scorer === 'human:alice'), false);
  again.close();
  a.release();
  store.close();
});

test('export and import: JSONL and CSV; duplicates and conflicts are reported, never overwritten', async () => {
  const { dir, file } = setup();
  const { store, runId } = await seeded(file);
  const a = new Annotations(store, null, { releaseAfterMs: 10 });
  const task = await a.createTask({ kind: 'label', runIds: [runId], seed: 1 });
  const items = a.queue(task.id, 'alice').items;
  for (const id of items.slice(0, 3)) await a.putLabel(task.id, id, 'alice', ['correct'], 'note, with "quotes"');
  const jl = path.join(dir, 'labels.jsonl'), csv = path.join(dir, 'labels.csv');
  assert.deepEqual(a.exportLabels(jl), { count: 3 });
  assert.deepEqual(a.exportLabels(csv, task.id), { count: 3 });
  const first = JSON.parse(readFileSync(jl, 'utf8').split('\n')[0]);
  assert.deepEqual(Object.keys(first), ['sample_id', 'run_id', 'problem_id', 'arm', 'annotator', 'kind', 'labels', 'note', 'task_id', 'created_at']);
  // Re-importing the same file: all duplicates.
  assert.deepEqual(await a.importLabels(csv), { added: 0, duplicates: 3, conflicts: [], unknown: [] });
  // Bob's labels from another machine, one of which alice also changed meanwhile here.
  const bobs = readFileSync(jl, 'utf8').trim().split('\n').map((l) => ({ ...JSON.parse(l), annotator: 'bob', labels: ['incorrect'] }));
  const changed = { ...JSON.parse(readFileSync(jl, 'utf8').split('\n')[1]), labels: ['harmful'] };
  const ghost = { ...bobs[0], sample_id: 'nope' };
  const incoming = path.join(dir, 'incoming.jsonl');
  writeFileSync(incoming, [...bobs, changed, ghost].map((o) => JSON.stringify(o)).join('\n') + '\n');
  const r = await a.importLabels(incoming);
  assert.equal(r.added, 3);
  assert.equal(r.duplicates, 0);
  assert.deepEqual(r.conflicts.map((c) => [c.annotator, c.stored, c.imported, c.line]), [['alice', 'correct', 'harmful', 4]]);
  assert.deepEqual(r.unknown, [{ sampleId: 'nope', line: 5 }]);
  assert.equal(a.getItem(task.id, items[1], 'alice').mine!.labels[0], 'correct', 'the conflict did not overwrite');
  assert.equal(a.getItem(task.id, items[0], 'bob').mine!.labels[0], 'incorrect');
  writeFileSync(path.join(dir, 'bad.jsonl'), '{"sample_id":"x"}\n');
  await assert.rejects(a.importLabels(path.join(dir, 'bad.jsonl')), /bad\.jsonl:1: missing field "annotator"/);
  a.release();
  store.close();
});

test('agreement of a task with the adjudication list; a third person sets the final label', async () => {
  const { file } = setup();
  const { store, runId } = await seeded(file);
  const a = new Annotations(store, null, { releaseAfterMs: 10 });
  const task = await a.createTask({ kind: 'label', runIds: [runId], seed: 3, perItem: 2 });
  await assert.rejects(async () => a.agreement(task.id), /two annotators/);
  const items = store.taskItems(task.id).map((i) => i.item_id);
  // alice: correct on even items, incorrect on odd; bob agrees except on items 0 and 1.
  for (let k = 0; k < items.length; k++) {
    const mine = k % 2 === 0 ? 'correct' : 'incorrect';
    await a.putLabel(task.id, items[k], 'alice', [mine], '');
    await a.putLabel(task.id, items[k], 'bob', [k < 2 ? (mine === 'correct' ? 'incorrect' : 'correct') : mine], '');
  }
  const ag = a.agreement(task.id, { resamples: 500 });
  assert.deepEqual(ag.annotators, ['alice', 'bob']);
  assert.equal(ag.report.n, 12);
  assert.equal(ag.report.percent_agreement, 10 / 12);
  // 6 correct/6 incorrect each, po = 10/12, pe = 0.5: κ = 2/3.
  assert.ok(Math.abs((ag.report.cohen_kappa as number) - 2 / 3) < 1e-12);
  assert.deepEqual(ag.adjudication.map((x) => x.itemId).sort(), [items[0], items[1]].sort());
  assert.equal(ag.adjudication[0].final, null);
  await a.adjudicate(task.id, ag.adjudication[0].itemId, 'carol', 'incorrect');
  const after2 = a.agreement(task.id, { resamples: 200 });
  assert.equal(after2.adjudication.find((x) => x.itemId === ag.adjudication[0].itemId)!.final, 'incorrect');
  const sid = store.taskItem(task.id, ag.adjudication[0].itemId)!.sample_id;
  assert.equal(store.sampleRecord(sid)!.outcomes.find((o) => o.scorer === 'human:adjudicated')!.label, 'incorrect');
  a.release();
  store.close();
});

test('arena pairs: every pair of arms meets, and each arm sits left about half the time', () => {
  const samples = [];
  for (let p = 0; p < 10; p++) for (const arm of ['a', 'b', 'c', 'd']) samples.push({ id: `${p}${arm}`, problem_id: `p${p}`, arm, idx: 0, run: 'r' });
  const pairs = arenaPairs(samples, 9);
  assert.equal(pairs.length, 60); // 10 problems × C(4,2)
  const count = new Map<string, number>();
  const left = new Map<string, number>();
  for (const { left: l, right: r } of pairs) {
    assert.equal(l.slice(0, -1), r.slice(0, -1), 'same problem');
    const key = [l.at(-1), r.at(-1)].sort().join('');
    count.set(key, (count.get(key) ?? 0) + 1);
    left.set(`${key}:${l.at(-1)}`, (left.get(`${key}:${l.at(-1)}`) ?? 0) + 1);
  }
  assert.deepEqual([...count.keys()].sort(), ['ab', 'ac', 'ad', 'bc', 'bd', 'cd']);
  for (const k of count.keys()) assert.equal(left.get(`${k}:${k[0]}`), 5, `${k}: ${left.get(`${k}:${k[0]}`)} of 10 with ${k[0]} left`);
  assert.deepEqual(arenaPairs(samples, 9), pairs, 'reproducible from the seed');
});

test('arena: human verdicts, undo, ratings; a model judge asked in both orders with raw verdicts stored', async () => {
  const { file } = setup();
  const { store, runId } = await seeded(file);
  const fake = await startFakeOpenAI({
    apiKey: 'sk-judge-0123456789abcdef',
    // A judge that prefers whichever response mentions "alpha", wherever it is shown.
    answer: (body) => {
      const text = (body.messages as { content: string }[]).map((m) => m.content).join('\n');
      const a = /\[Response A\]\n([^[]*)/.exec(text)![1], b = /\[Response B\]\n([^[]*)/.exec(text)![1];
      return a.includes('alpha') ? 'A' : b.includes('alpha') ? '[[B]]' : 'tie';
    },
  });
  try {
    const a = new Annotations(store, createBuiltins(), { releaseAfterMs: 10, providers: { openai: { baseURL: fake.baseURL } }, secret: (k) => (k === 'OPENAI_API_KEY' ? 'sk-judge-0123456789abcdef' : undefined) });
    const task = await a.createTask({ kind: 'arena', runIds: [runId], seed: 11, perItem: 1 });
    assert.equal(task.items, 12); // 4 problems × 3 pairs
    const q = a.queue(task.id, 'alice');
    const v = a.getArenaItem(task.id, q.items[0], 'alice');
    assert.deepEqual(Object.keys(v.item).sort(), ['itemId', 'left', 'prompt', 'right']);
    assert.equal(v.mine, null);
    // alice prefers the response by beta, else left.
    for (const id of q.items) {
      const it = a.getArenaItem(task.id, id, 'alice').item;
      await a.putVerdict(task.id, id, 'alice', it.left.includes('beta') ? 'left' : it.right.includes('beta') ? 'right' : 'tie');
    }
    const prev = a.getArenaItem(task.id, q.items[0], 'alice').mine;
    assert.ok(prev);
    assert.deepEqual(await a.putVerdict(task.id, q.items[0], 'alice', 'both_bad'), { previous: prev });
    assert.equal(a.getArenaItem(task.id, q.items[0], 'alice').mine, 'both_bad');
    assert.equal(a.queue(task.id, 'bob').items.length, 0, 'one annotator per item: all taken');
    const human = a.ratings(task.id, 'human', { resamples: 200 });
    assert.equal(human.total, 12);
    assert.deepEqual(human.judges, { 'human:alice': 12 });
    assert.equal(human.battles['openai:alpha']['openai:beta'], 4);
    assert.deepEqual(await a.removeVerdict(task.id, q.items[0], 'alice'), { removed: true });
    assert.equal(a.ratings(task.id, 'human', { resamples: 50 }).total, 11);

    const j = await a.judgeArena(task.id, 'openai:fake-judge');
    assert.deepEqual(j, { judged: 24, battles: 12 });
    assert.equal(fake.requests.length, 24);
    const judged = store.battles(task.id).filter((b) => b.judge === 'judge:openai:fake-judge');
    assert.equal(judged.length, 24);
    assert.deepEqual(new Set(judged.map((b) => b.shown)), new Set(['as-drawn', 'swapped']));
    assert.ok(judged.some((b) => b.raw === '[[B]]') && judged.some((b) => b.raw === 'A'), 'raw verdicts stored');
    // Each item was shown both ways round: the two rows have the sides swapped.
    const byItem = new Map<string, typeof judged>();
    for (const b of judged) byItem.set(b.item_id, [...(byItem.get(b.item_id) ?? []), b]);
    for (const rows of byItem.values()) {
      const [x, y] = rows;
      assert.equal(x.left_sample, y.right_sample);
    }
    const r = a.ratings(task.id, 'judge', { resamples: 50 });
    assert.equal(r.total, 24);
    assert.deepEqual(r.judges, { 'judge:openai:fake-judge': 24 });
    // alpha wins all 16 of its battles: no finite rating, said so.
    assert.equal(r.ratings['openai:alpha'].rating, null);
    assert.match(r.reason!, /won \(or lost\) every battle/);
    assert.equal(r.winRate['openai:alpha']['openai:gamma'], 1);
    assert.equal(r.winRate['openai:beta']['openai:gamma'], 0.5);
    a.release();
  } finally {
    await fake.close();
    store.close();
  }
});

test('judge verdicts are read strictly', () => {
  assert.equal(parseJudgeVerdict('A'), 'left');
  assert.equal(parseJudgeVerdict(' b. '), 'right');
  assert.equal(parseJudgeVerdict('My verdict: [[tie]]'), 'tie');
  assert.equal(parseJudgeVerdict('both_bad'), 'both_bad');
  assert.equal(parseJudgeVerdict('A is better than B'), null);
});

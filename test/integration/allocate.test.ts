// Adaptive allocation through the CLI (dist/cli.js) against a loopback OpenAI-compatible server with
// the real Docker sandbox: two strategies, one always right, the other right half the time on half
// the problems. Under --allocate thompson --budget the run stops at the budget, every sample is stored
// and scored once at its cell's next index, and the policy spends more of the budget on the problems
// where the arms disagree than uniform allocation (exactly half here) would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../../src/server/builtins';
import { Engine } from '../../src/server/engine';
import { Store } from '../../src/server/store/store';
import { startFakeOpenAI } from '../support/fake-openai';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-allocate-'));
const KEY = 'sk-test-allocate-0123456789';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('--allocate thompson spends a fixed budget, mostly where the arms disagree', { timeout: 10 * 60_000 }, async () => {
  const P = 6, BUDGET = 120;
  const probs = await humanEval(P);
  const calls = new Map<string, number>();
  // reason-then-code always solves; "terse" solves the even problems always and the odd ones every other call.
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    answer(body) {
      const ms = body.messages as { role: string; content: string }[];
      const user = ms[ms.length - 1].content;
      const i = probs.findIndex((p) => user.includes(`def ${p.entry_point}(`));
      const p = probs[i];
      if (!p) return 'no idea';
      const right = `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\``;
      if (user.includes('<reasoning>')) return `<reasoning>ok</reasoning>\n${right}`;
      const c = calls.get(p.task_id) ?? 0;
      calls.set(p.task_id, c + 1);
      return i % 2 === 0 || c % 2 === 0 ? right : `\`\`\`python\ndef ${p.entry_point}(*args):\n    return None\n\`\`\``;
    },
  });
  const strategies = path.join(dir, 'strategies.yaml');
  writeFileSync(strategies, 'strategies:\n  - name: terse\n    description: just the function\n    user: "Write {{entry_point}}.\\n{{prompt}}"\n');
  const db = path.join(dir, 'c.db');
  const common = ['--suite', 'humaneval', '--limit', String(P), '--timeout', '10000', '--base-url', fake.baseURL, '--db', db, '--strategies', strategies,
    '--arm', 'model=openai:fake,strategy=reason-then-code,id=rtc', '--arm', 'model=openai:fake,strategy=terse,id=terse'];
  try {
    const bad = await cli(['eval', ...common, '--allocate', 'greedy', '--budget', '10'], { OPENAI_API_KEY: KEY });
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, /--allocate takes thompson or linucb \(got "greedy"\)/);

    const r = await cli(['eval', ...common, '--allocate', 'thompson', '--budget', String(BUDGET), '--allocate-seed', '7', '--json'], { OPENAI_API_KEY: KEY });
    assert.equal(r.status, 0, r.stderr);
    const run = JSON.parse(r.stdout);
    assert.equal(run.status, 'completed');
    assert.deepEqual([run.total, run.done], [BUDGET, BUDGET]);
    assert.equal(fake.requests.length, BUDGET, 'one request per sample: nothing asked twice');

    const store = await Store.open(db, { readOnly: true });
    try {
      const plan = JSON.parse(store.run(run.id)!.plan);
      assert.deepEqual(plan.allocate, { policy: 'thompson', budget: BUDGET, seed: 7 });
      const tests = store.scoredOutcomes(run.id).filter((o) => o.scorer === 'tests');
      assert.equal(tests.length, BUDGET, 'every sample scored once');
      assert.equal(new Set(tests.map((o) => o.sample_id)).size, BUDGET);
      // Each cell's indices are 0 … m-1: the next free index every time.
      const cells = new Map<string, number[]>();
      for (const o of tests) { const k = `${o.problem_id}\0${o.arm}`; cells.set(k, [...(cells.get(k) ?? []), o.idx]); }
      for (const [k, idx] of cells) assert.deepEqual(idx.sort((a, b) => a - b), idx.map((_, i) => i), k);
      // Verdicts are the fake's: rtc always passes; terse on odd problems passes every other call.
      assert.ok(tests.filter((o) => o.arm === 'rtc').every((o) => o.value === 1));
      const odd = new Set(probs.filter((_, i) => i % 2 === 1).map((p) => p.task_id));
      const terseOdd = tests.filter((o) => o.arm === 'terse' && odd.has(o.problem_id));
      assert.ok(terseOdd.some((o) => o.value === 0) && terseOdd.some((o) => o.value === 1));
      // Uniform allocation gives the disagreeing half of the problems exactly half the budget.
      const onOdd = tests.filter((o) => odd.has(o.problem_id)).length;
      console.log(`thompson: ${onOdd}/${BUDGET} samples on the problems where the arms disagree (uniform: ${BUDGET / 2})`);
      assert.ok(onOdd / BUDGET >= 0.6, `${onOdd}/${BUDGET} samples on the problems where the arms disagree`);
    } finally { store.close(); }

    // pass@k and compare work on unequal n.
    const c = await cli(['compare', run.id, '--json', '--db', db]);
    assert.equal(c.status, 0, c.stderr);
    const j = JSON.parse(c.stdout);
    assert.deepEqual([j.a, j.b], ['rtc', 'terse']);
    assert.ok(j.diff > 0, JSON.stringify(j));
  } finally {
    await fake.close();
  }
});

test('an allocated run (LinUCB) cancelled part-way resumes with the same policy and seed and stops at the budget', { timeout: 10 * 60_000 }, async () => {
  const P = 6, BUDGET = 36;
  const probs = await humanEval(P);
  // model-a solves every problem; model-b only the first three.
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    answer(body) {
      const ms = body.messages as { role: string; content: string }[];
      const i = probs.findIndex((p) => ms[ms.length - 1].content.includes(p.prompt));
      const p = probs[i];
      if (!p) return 'no idea';
      return body.model === 'model-a' || i < 3 ? `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\`` : '```python\nx = 1\n```';
    },
  });
  const d = mkdtempSync(path.join(tmpdir(), 'crucible-allocate-resume-'));
  const db = path.join(d, 'c.db');
  const init = { dbPath: db, dataDir: DATA_DIR, cacheDir: path.join(d, 'cache'), providers: { openai: { baseURL: fake.baseURL } } };
  const store = await Store.open(db);
  try {
    const engine = new Engine(createBuiltins(), store, init, { OPENAI_API_KEY: KEY });
    const plan = { suite: 'humaneval', limit: P, models: ['openai:model-a', 'openai:model-b'], n: 1, k: [1], timeoutMs: 10000, concurrency: 2, allocate: { policy: 'linucb' as const, budget: BUDGET } };
    // Bad plans are refused before anything starts.
    await assert.rejects(engine.startRun({ ...plan, models: ['openai:model-a'] }), /plan\.allocate needs two arms or more/);
    await assert.rejects(engine.startRun({ ...plan, stages: [1, 2], n: 2 }), /plan\.allocate and plan\.stages cannot be combined/);
    await assert.rejects(engine.startRun({ ...plan, allocate: { policy: 'linucb', budget: 0 } }), /plan\.allocate\.budget must be a whole number/);

    const runId = await engine.startRun(plan);
    let seen = 0;
    engine.on('sample', (s) => { if (s.runId === runId && ++seen === 10) engine.cancelRun(runId); });
    const first = await engine.waitForRun(runId);
    assert.equal(first.status, 'cancelled');
    const part = store.scoredOutcomes(runId).filter((o) => o.scorer === 'tests').length;
    assert.ok(part >= 10 && part < BUDGET, String(part));
    const recorded = JSON.parse(store.run(runId)!.plan).allocate;
    assert.equal(recorded.policy, 'linucb');
    assert.ok(Number.isInteger(recorded.seed), 'the seed the engine drew is recorded');
    await assert.rejects(engine.resumeRun(runId, { retryErrors: true }), /allocates its samples adaptively \(linucb\): resume it without --retry-errors/);

    const before = fake.requests.length;
    await engine.resumeRun(runId);
    const done = await engine.waitForRun(runId);
    assert.equal(done.status, 'completed', done.error ?? '');
    assert.deepEqual([done.total, done.done], [BUDGET, BUDGET]);
    assert.deepEqual(JSON.parse(store.run(runId)!.plan).allocate, recorded, 'resume keeps the policy, budget and seed');
    const tests = store.scoredOutcomes(runId).filter((o) => o.scorer === 'tests');
    assert.equal(tests.length, BUDGET);
    // Only the missing samples were asked for (fewer when a generation cancelled before its scoring is cached).
    const asked = fake.requests.length - before;
    assert.ok(asked <= BUDGET - part && asked >= BUDGET - part - 2, `${asked} requests for ${BUDGET - part} missing samples`);
    const cells = new Map<string, number[]>();
    for (const o of tests) { const k = `${o.problem_id}\0${o.arm}`; cells.set(k, [...(cells.get(k) ?? []), o.idx]); }
    for (const [k, idx] of cells) assert.deepEqual(idx.sort((a, b) => a - b), idx.map((_, i) => i), k);
    // pass@1 is per problem over the samples each has: model-a 1, model-b one half.
    const m = Object.fromEntries(done.metrics.map((x) => [x.arm, x]));
    assert.ok(tests.filter((o) => o.arm === 'openai:model-a').every((o) => o.value === 1));
    assert.ok(tests.filter((o) => o.arm === 'openai:model-b').every((o) => o.value === (Number(o.problem_id.split('/')[1]) < 3 ? 1 : 0)));
    assert.ok(m['openai:model-a'] && m['openai:model-b'], JSON.stringify(done.metrics.map((x) => x.arm)));
    await engine.dispose();
  } finally {
    store.close();
    await fake.close();
  }
});

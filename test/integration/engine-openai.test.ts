// Issue 2's OpenAI path end to end: the engine calls the official SDK, which talks HTTP (SSE
// streaming) to a wire-compatible server on 127.0.0.1; the reply is cleaned, executed in Docker and
// scored. Also: a second identical run is served from the cache (no HTTP calls), and a provider
// error names provider, model and cause and is stored as an error sample.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../../src/server/builtins';
import { Engine } from '../../src/server/engine';
import { Store } from '../../src/server/store/store';
import { DATA_DIR, humanEval } from '../support/humaneval-data';
import { startFakeOpenAI, type FakeServer } from '../support/fake-openai';

const KEY = 'sk-engine-test-0123456789abcdef';
let server: FakeServer;
let store: Store;
let engine: Engine;
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-engine-openai-'));

before(async () => {
  const problems = await humanEval(5);
  server = await startFakeOpenAI({
    apiKey: KEY,
    models: ['gpt-fake'],
    answer: (body) => {
      const text = (body.messages as { content: string }[]).map((m) => m.content).join('\n');
      const p = problems.find((x) => text.includes(x.prompt));
      // Right answers for the first three problems, a wrong one for the others.
      if (p && problems.indexOf(p) < 3) return `Sure! Here it is:\n\n\`\`\`python\n${p.prompt}${p.canonical_solution}\n\`\`\`\n\nIt runs in linear time.`;
      return `\`\`\`python\ndef ${p?.entry_point ?? 'f'}(*args):\n    return None\n\`\`\``;
    },
  });
  store = await Store.open(path.join(dir, 'c.db'));
  engine = new Engine(createBuiltins(), store, {
    dbPath: path.join(dir, 'c.db'), dataDir: DATA_DIR, cacheDir: path.join(dir, 'cache'),
    providers: { openai: { baseURL: server.baseURL } },
  }, { OPENAI_API_KEY: KEY });
});
after(async () => { await engine.dispose(); store.close(); await server.close(); });

test('openai:<model> through the SDK and a wire-compatible server is generated, executed in Docker and scored', async () => {
  const runId = await engine.startRun({ suite: 'humaneval', limit: 5, models: ['openai:gpt-fake'], n: 2, k: [1, 2], temperature: 0.2 });
  const r = await engine.waitForRun(runId);
  assert.equal(r.status, 'completed', r.error ?? '');
  const m = r.metrics[0];
  assert.equal(m.samples, 10);
  assert.equal(m.passed, 6);
  assert.equal(m.failed, 4);
  assert.ok(Math.abs(m.passAtK[0].value! - 0.6) < 1e-12);
  assert.ok(m.tokensIn > 0 && m.tokensOut > 0, 'usage recorded');
  assert.ok(m.latency.p50 !== null && m.latency.p50 >= 0);
  assert.equal(server.requests.length, 10);
  assert.equal(server.requests[0].authorization, `Bearer ${KEY}`);
  const s = engine.getRun(runId).problems[0].samples[0];
  const full = engine.getSample(s.id);
  assert.match(full.raw, /^Sure! Here it is:/, 'the raw response is kept verbatim');
  assert.doesNotMatch(full.completion, /```|Sure!/, 'the completion is only code');
  const meta = JSON.parse(store.sample(s.id)!.meta!);
  assert.equal(meta.cached, false);
});

test('re-running the same plan makes no calls: completions come from the cache', async () => {
  const before = server.requests.length;
  const runId = await engine.startRun({ suite: 'humaneval', limit: 5, models: ['openai:gpt-fake'], n: 2, k: [1, 2], temperature: 0.2 });
  const r = await engine.waitForRun(runId);
  assert.equal(server.requests.length, before);
  assert.equal(r.metrics[0].passed, 6);
  const noCache = await engine.startRun({ suite: 'humaneval', limit: 1, models: ['openai:gpt-fake'], n: 1, k: [1], temperature: 0.2, noCache: true });
  await engine.waitForRun(noCache);
  assert.equal(server.requests.length, before + 1);
});

test('an unknown model is an error sample naming provider, model and cause; the key never appears', async () => {
  const runId = await engine.startRun({ suite: 'humaneval', limit: 2, models: ['openai:no-such-model'], n: 1, k: [1] });
  const r = await engine.waitForRun(runId);
  assert.equal(r.status, 'completed');
  assert.equal(r.metrics[0].errors, 2);
  const s = engine.getRun(runId).problems[0].samples[0];
  assert.equal(s.status, 'error');
  assert.match(s.detail, /openai/);
  assert.match(s.detail, /no-such-model/);
  assert.match(s.detail, /404|not found|does not exist/i);
  const full = engine.getSample(s.id);
  assert.ok(!JSON.stringify(full).includes(KEY), 'no key in the stored sample');
});

test('spend: a run counts the tokens of calls answered but never scored (cancelled mid-scoring), and a cache hit costs nothing', async () => {
  // A sandbox that holds every sample until the run is cancelled: the answers arrive, none is scored.
  const plugins = createBuiltins();
  let started = 0;
  plugins.sandboxes.register({
    name: 'hold', isolated: false,
    create: async () => ({
      name: 'hold', close: async () => undefined, capacity: () => 8,
      execute: ({ signal }) => new Promise((resolve) => {
        started++;
        signal?.addEventListener('abort', () => resolve({ status: 'error', detail: 'cancelled', output: '', durationMs: 0 }), { once: true });
      }),
    }),
  });
  const e = new Engine(plugins, store, {
    dbPath: path.join(dir, 'c.db'), dataDir: DATA_DIR, cacheDir: path.join(dir, 'cache'), providers: { openai: { baseURL: server.baseURL } },
  }, { OPENAI_API_KEY: KEY });
  const runId = await e.startRun({ suite: 'humaneval', limit: 2, models: ['openai:gpt-fake'], n: 1, k: [1], sandbox: 'hold', noCache: true, calibrate: false });
  for (let i = 0; i < 200 && started < 2; i++) await new Promise((r) => setTimeout(r, 25));
  assert.equal(started, 2, 'both answers reached the sandbox');
  await store.flush();
  e.cancelRun(runId);
  const r = await e.waitForRun(runId);
  assert.equal(r.status, 'cancelled');
  assert.equal(r.done, 0, 'no sample was stored');
  assert.ok(r.metrics[0].tokensIn > 0 && r.metrics[0].tokensOut > 0, 'but the two answered calls are counted');
  const spent = store.spendByArm(runId);
  assert.equal(spent.length, 1);
  assert.equal(spent[0].tokens_in, r.metrics[0].tokensIn);
  // The same plan again, from the cache: samples carry tokens, but this run paid for none.
  const again = await e.startRun({ suite: 'humaneval', limit: 5, models: ['openai:gpt-fake'], n: 2, k: [1, 2], temperature: 0.2, sandbox: 'hold', calibrate: false });
  e.cancelRun(again);
  await e.waitForRun(again);
  const cachedRun = await engine.startRun({ suite: 'humaneval', limit: 5, models: ['openai:gpt-fake'], n: 2, k: [1, 2], temperature: 0.2 });
  const c = await engine.waitForRun(cachedRun);
  assert.equal(c.metrics[0].samples, 10);
  assert.equal(c.metrics[0].tokensIn, 0, 'every answer came from the cache: nothing spent');
  assert.equal(c.metrics[0].cost ?? 0, 0);
  await e.dispose();
});

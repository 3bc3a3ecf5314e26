// Issue 4: "every case ends with each sample stored as succeeded or failed-with-cause". The engine
// runs models whose server misbehaves in each way; every sample must be in the store, either scored
// (the fault was retried away) or as an error whose detail names provider, model and cause.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { createBuiltins } from '../../src/server/builtins';
import { cleanResponse } from '../../src/server/extract/code';
import { Engine } from '../../src/server/engine';
import type { SandboxFactory } from '../../src/server/plugins';
import { anthropicProvider } from '../../src/server/providers/anthropic';
import { ollamaProvider } from '../../src/server/providers/ollama';
import { Store } from '../../src/server/store/store';
import { startFakeAnthropic } from '../support/fake-anthropic';
import { startFakeOllama } from '../support/fake-ollama';
import { faultsByModel, startFakeOpenAI, type FakeServer, type Fault } from '../support/fake-openai';
import { chatStyleAnswer, humanEvalFile, loadHumanEval } from '../support/humaneval-data';

const problems = loadHumanEval();
const LIMIT = 3;
const answer = (b: Record<string, unknown>) => chatStyleAnswer(problems, (b.messages as { content: string }[]).map((m) => m.content).join('\n'));

// "Passes" when the completion is exactly what the whole, undamaged reply cleans to: a partial reply
// from a broken attempt would not. (Executing is the engine tests' job; this is about storage.)
const expectWhole: SandboxFactory = {
  name: 'expect-whole', isolated: false,
  create: async () => ({
    name: 'expect-whole',
    execute: async ({ problem, completion }) => {
      const want = cleanResponse(chatStyleAnswer(problems, problem.prompt), problem).completion;
      return completion === want ? { status: 'passed', detail: '', output: '', durationMs: 0 } : { status: 'failed', detail: 'completion differs from the whole reply', output: completion, durationMs: 0 };
    },
    close: async () => undefined,
  }),
};

// model → fault for the k-th request of one sample (model + prompt), so concurrent samples do not
// share a count.
const plans: Record<string, (k: number) => Fault | undefined> = {
  'ok': () => undefined,
  '429': (k) => (k === 0 ? { status: 429, headers: { 'retry-after-ms': '50' } } : undefined),
  '500-once': (k) => (k === 0 ? { status: 500 } : undefined),
  '500-always': () => ({ status: 500, message: 'boom' }),
  'reset': (k) => (k === 0 ? { resetAfterChunks: 2 } : undefined),
  'reset-always': () => ({ resetAfterChunks: 1 }),
  'malformed': (k) => (k === 0 ? { malformed: true } : undefined),
  'slow': () => ({ firstTokenDelayMs: 100 }),
  '500-twice': (k) => (k < 2 ? { status: 500 } : undefined),
  'stall-mid': (k) => (k === 0 ? { stallAfterChunks: 2 } : undefined),
  'stall-mid-always': () => ({ stallAfterChunks: 2 }),
};
// One count per server too: openai and ollama send the same messages for a model of the same name.
const fault = () => faultsByModel(plans, (m, body) => `${m}\0${JSON.stringify(body.messages)}`);

let openai: FakeServer, anthropic: FakeServer, ollama: FakeServer, dir: string;
before(async () => {
  openai = await startFakeOpenAI({ apiKey: 'k-openai', models: Object.keys(plans), answer, fault: fault() });
  anthropic = await startFakeAnthropic({ apiKey: 'k-anthropic', models: Object.keys(plans), answer, fault: fault() });
  ollama = await startFakeOllama({ models: Object.keys(plans), answer, fault: fault() });
  dir = mkdtempSync(path.join(tmpdir(), 'crucible-faults-'));
});
after(async () => {
  await Promise.all([openai.close(), anthropic.close(), ollama.close()]);
  rmSync(dir, { recursive: true, force: true });
});

test('each fault, through each provider and the engine, ends stored as scored or as an error with its cause', async () => {
  const plugins = createBuiltins();
  if (!plugins.providers.has('anthropic')) plugins.providers.register(anthropicProvider);
  if (!plugins.providers.has('ollama')) plugins.providers.register(ollamaProvider);
  plugins.sandboxes.register(expectWhole);
  const dbPath = path.join(dir, 'c.db');
  const store = await Store.open(dbPath);
  const fast = { baseDelayMs: 5, maxAttempts: 3, breakerCooldownMs: 50, idleTimeoutMs: 1000 };
  const engine = new Engine(plugins, store, {
    dbPath, cacheDir: dir,
    providers: { openai: { baseURL: openai.baseURL, ...fast }, anthropic: { baseURL: anthropic.baseURL, ...fast }, ollama: { host: ollama.baseURL, ...fast } },
  }, { OPENAI_API_KEY: 'k-openai', ANTHROPIC_API_KEY: 'k-anthropic' });
  const models = ['openai', 'anthropic', 'ollama'].flatMap((p) => [...Object.keys(plans), 'unknown-model'].map((m) => `${p}:${m}`));
  const runId = await engine.startRun({ suite: humanEvalFile(), limit: LIMIT, models, n: 1, k: [1], sandbox: 'expect-whole', concurrency: 8, noCache: true });
  const summary = await engine.waitForRun(runId);
  assert.equal(summary.status, 'completed');
  assert.equal(summary.done, LIMIT * models.length, 'no sample dropped');
  const samples = engine.getRun(runId).problems.flatMap((p) => p.samples);
  assert.equal(samples.length, LIMIT * models.length);
  const failing = new Set(['500-always', 'reset-always', 'unknown-model', 'stall-mid-always']);
  for (const s of samples) {
    const [provider, model] = [s.model.slice(0, s.model.indexOf(':')), s.model.slice(s.model.indexOf(':') + 1)];
    if (failing.has(model)) {
      assert.equal(s.status, 'error', `${s.model} ${s.problemId}`);
      assert.ok(s.detail.startsWith(`${provider}:${model}: `), `cause names provider and model: ${s.detail}`);
      if (model === 'unknown-model') assert.match(s.detail, /404/);
      if (model === '500-always') assert.match(s.detail, /500/);
      if (model === 'reset-always') assert.match(s.detail, /connection/);
      if (model === 'stall-mid-always') assert.match(s.detail, /stream stalled: no data for 1000 ms after 2 chunks/);
    } else {
      assert.equal(s.status, 'passed', `${s.model} ${s.problemId}: ${s.detail}`);
      if (model === '500-twice' || model === 'stall-mid') assert.equal(store.sample(s.id)!.retries, model === '500-twice' ? 2 : 1, `${s.model} ${s.problemId}`);
    }
  }
  // A stalled stream was an error, not a reply: nothing was cached, so a run that may use the cache calls again.
  const stalled = ['openai', 'anthropic', 'ollama'].map((p) => `${p}:stall-mid-always`);
  const sent = () => [openai, anthropic, ollama].reduce((n, srv) => n + srv.requests.filter((r) => r.body.model === 'stall-mid-always').length, 0);
  const before = sent();
  const again = await engine.startRun({ suite: humanEvalFile(), limit: LIMIT, models: stalled, n: 1, k: [1], sandbox: 'expect-whole', concurrency: 8 });
  await engine.waitForRun(again);
  assert.equal(sent() - before, LIMIT * stalled.length * 3, 'every sample called again, each with all its attempts');
  assert.ok(engine.getRun(again).problems.flatMap((p) => p.samples).every((s) => s.status === 'error'));
  store.close();
});

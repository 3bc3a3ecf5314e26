// Presets for OpenAI-compatible services: the data is sane, a preset fills in the openai provider's
// settings (explicit settings win), and a preset registered under its own name names its errors.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProviderError } from '../../src/server/limits';
import type { GenerateRequest } from '../../src/server/plugins';
import { openaiProvider } from '../../src/server/providers/openai';
import { PRESETS, presetFactory, presetFor } from '../../src/server/providers/presets';
import { startFakeOpenAI, type FakeServer } from '../support/fake-openai';
import { chatStyleAnswer, loadHumanEval, messagesFor } from '../support/humaneval-data';
import { extracting } from '../support/extracting';

const problems = loadHumanEval();
const req = (): GenerateRequest => ({ problem: problems[0], messages: messagesFor(problems[0]), params: {}, sampleIndex: 0, signal: new AbortController().signal });

describe('OpenAI-compatible presets', () => {
  let server: FakeServer;
  before(async () => {
    server = await startFakeOpenAI({ apiKey: 'vllm-key-1234', answer: (b) => chatStyleAnswer(problems, (b.messages as { content: string }[]).map((m) => m.content).join('\n')) });
  });
  after(() => server.close());

  test('each preset has a name, an http(s) base URL, a key variable and docs', () => {
    assert.deepEqual(PRESETS.map((p) => p.name).sort(), ['gemini', 'llamacpp', 'lmstudio', 'tgi', 'vllm']);
    for (const p of PRESETS) {
      assert.match(p.config.baseURL, /^https?:\/\/[^/]+(:\d+)?\/.+/, p.name);
      assert.match(p.docs, /^https:\/\//);
      assert.ok(p.config.apiKeyEnv);
    }
    assert.equal(presetFor('gemini').config.baseURL, 'https://generativelanguage.googleapis.com/v1beta/openai/');
    assert.throws(() => presetFor('nope'), /unknown OpenAI-compatible preset "nope" \(known: gemini, vllm/);
  });

  test('preset settings apply under explicit ones: key variable and logprobs from vllm, base URL overridden', async () => {
    const vllm = presetFactory('vllm', openaiProvider);
    assert.equal(vllm.name, 'vllm');
    const prov = extracting(await vllm.create('Qwen/Qwen2.5-Coder-7B-Instruct', { config: { baseURL: server.baseURL }, secret: (n) => (n === 'VLLM_API_KEY' ? 'vllm-key-1234' : undefined) }));
    assert.equal(prov.name, 'vllm');
    const g = await prov.generate(req());
    assert.equal(g.contentStatus, 'ok');
    const sent = server.requests.at(-1)!;
    assert.equal(sent.authorization, 'Bearer vllm-key-1234');
    assert.equal(sent.body.top_logprobs, 5);
    assert.ok(g.logprobs?.length);
    // Explicit settings win over the preset's.
    const noLp = await openaiProvider.create('m', { config: { preset: 'vllm', baseURL: server.baseURL, logprobs: false }, secret: (n) => (n === 'VLLM_API_KEY' ? 'vllm-key-1234' : undefined) });
    await noLp.generate(req());
    assert.equal(server.requests.at(-1)!.body.top_logprobs, undefined);
  });

  test('errors name the preset: gemini needs its key before any call; a bad key is redacted', async () => {
    const gemini = presetFactory('gemini', openaiProvider);
    assert.throws(() => gemini.create('gemini-2.0-flash', { config: {}, secret: () => undefined }), /^Error: gemini:gemini-2\.0-flash: no API key: set GEMINI_API_KEY$/);
    const bad = await gemini.create('gemini-2.0-flash', { config: { baseURL: server.baseURL }, secret: () => 'AIzaSyWRONGWRONGWRONGWRONGWRONG123' });
    await assert.rejects(bad.generate(req()), (e: ProviderError) => {
      assert.match(e.message, /^gemini:gemini-2\.0-flash: 401 /);
      assert.ok(!e.message.includes('WRONGWRONG'), e.message);
      return true;
    });
  });

  test('local presets need no key', async () => {
    const lm = presetFactory('lmstudio', openaiProvider);
    const prov = await lm.create('qwen2.5-coder', { config: { baseURL: server.baseURL }, secret: () => undefined });
    assert.equal(prov.model, 'qwen2.5-coder');
    await assert.rejects(prov.generate(req()), /lmstudio:qwen2.5-coder: 401/); // the fake wants a key; LM Studio would not
  });
});

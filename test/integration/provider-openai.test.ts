// The openai provider through the official SDK against a wire-compatible server on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openaiProvider } from '../../src/server/providers/openai';
import type { GenerateRequest, Generation, Problem, Provider } from '../../src/server/plugins';
import { startFakeOpenAI, type FakeServer, type Fault } from '../support/fake-openai';
import { loadHumanEval, pythonFailures } from '../support/humaneval-data';

const KEY = 'sk-test-4f9a1c2b3d4e5f60718293a4b5c6d7e8';
const problems = loadHumanEval();

function messagesFor(p: Problem): GenerateRequest['messages'] {
  return [
    { role: 'system', content: 'You are an expert Python programmer.' },
    { role: 'user', content: `Complete the following function. Reply with the whole function in a Python code block.\n\n\`\`\`python\n${p.prompt}\`\`\`` },
  ];
}

/** Like a chat model: prose, the whole function (prompt + canonical solution) fenced, more prose. */
function chatAnswer(body: Record<string, unknown>): string {
  const text = body.messages ? (body.messages as { content: string }[]).map((m) => m.content).join('\n') : String(body.prompt);
  const p = problems.find((x) => text.includes(x.prompt));
  if (!p) return "I'm not sure which function you mean.";
  if (!body.messages) return p.canonicalSolution!; // legacy completions: a plain continuation
  return `Here is the solution:\n\n\`\`\`python\n${p.prompt}${p.canonicalSolution}\n\nif __name__ == "__main__":\n    print(${p.entryPoint}.__name__)\n\`\`\`\n\nThis works because it follows the docstring step by step. Let me know if you need tests!`;
}

function req(p: Problem, signal = new AbortController().signal): GenerateRequest {
  return { problem: p, messages: messagesFor(p), params: { temperature: 0, maxTokens: 512, seed: 7 }, sampleIndex: 0, signal };
}

async function make(server: FakeServer, model: string, config: Record<string, unknown> = {}, key: string | undefined = KEY): Promise<Provider> {
  return openaiProvider.create(model, { config: { baseURL: server.baseURL, baseDelayMs: 5, ...config }, secret: (n) => (n === 'OPENAI_API_KEY' ? key : undefined) });
}

describe('openai provider against a fake OpenAI server', () => {
  let server: FakeServer;
  let faults: ((n: number) => Fault | undefined) | undefined;
  before(async () => {
    server = await startFakeOpenAI({ apiKey: KEY, models: ['gpt-fake', 'gpt-fake-nostream', 'gpt-fake-lp', 'gpt-fake-401', 'babbage-fake', 'gpt-fake-slow'], answer: chatAnswer, fault: (n) => faults?.(n) });
  });
  after(() => server.close());

  test('streaming: all 164 HumanEval answers are extracted to completions that pass their tests', async () => {
    const prov = await make(server, 'gpt-fake');
    const before = server.requests.length;
    const gens: Generation[] = [];
    for (const p of problems) gens.push(await prov.generate(req(p)));
    assert.equal(server.requests.length - before, 164);
    const sent = server.requests[before].body;
    assert.equal(sent.stream, true);
    assert.deepEqual(sent.stream_options, { include_usage: true });
    assert.equal(sent.temperature, 0);
    assert.equal(sent.max_tokens, 512);
    assert.equal(sent.seed, 7);
    for (const g of gens) {
      assert.equal(g.contentStatus, 'ok');
      assert.ok(g.raw.startsWith('Here is the solution'), 'raw kept verbatim');
      assert.ok(!g.completion.includes('__main__'), 'main block dropped');
      assert.ok(g.ttftMs !== undefined && g.ttftMs >= 0 && g.ttftMs <= g.latencyMs);
      assert.ok(g.tokensIn! > 0 && g.tokensOut! > 0 && !g.tokensEstimated);
      assert.equal(g.retries, 0);
      assert.equal(g.finishReason, 'stop');
      assert.deepEqual(g.paramsSent, { temperature: 0, max_tokens: 512, seed: 7 });
    }
    // The fake reports one completion token per streamed chunk of 12 characters.
    assert.equal(gens[0].tokensOut, Math.ceil(gens[0].raw.length / 12));
    const fails = pythonFailures(problems.map((p, i) => ({ id: p.id, problem: p, completion: gens[i].completion })));
    assert.deepEqual(fails, {});
  });

  test('non-streaming chat: completion extracted, latency and usage recorded, no ttft', async () => {
    const prov = await make(server, 'gpt-fake-nostream', { stream: false });
    const some = problems.slice(0, 12);
    const gens: Generation[] = [];
    for (const p of some) gens.push(await prov.generate(req(p)));
    assert.equal(server.requests.at(-1)!.body.stream, undefined);
    for (const g of gens) {
      assert.equal(g.ttftMs, undefined);
      assert.ok(g.latencyMs > 0);
      assert.ok(g.tokensIn! > 0 && g.tokensOut! > 0);
      assert.ok(g.startedAt! <= g.finishedAt!);
    }
    assert.deepEqual(pythonFailures(some.map((p, i) => ({ id: p.id, problem: p, completion: gens[i].completion }))), {});
  });

  test('logprobs: top-5 per token when asked, streaming and not', async () => {
    for (const stream of [true, false]) {
      const prov = await make(server, 'gpt-fake-lp', { logprobs: true, stream });
      const g = await prov.generate(req(problems[3]));
      assert.equal(server.requests.at(-1)!.body.top_logprobs, 5);
      assert.ok(g.logprobs && g.logprobs.length === Math.ceil(g.raw.length / 12), `one entry per token (stream=${stream})`);
      assert.equal(g.logprobs[0].top.length, 5);
      assert.equal(g.logprobs.map((t) => t.token).join(''), g.raw);
    }
  });

  test('legacy completions API: prompt sent raw with stop sequences, continuation kept as the body', async () => {
    const prov = await make(server, 'babbage-fake', { api: 'completions' });
    const some = problems.slice(20, 30);
    const gens: Generation[] = [];
    for (const p of some) gens.push(await prov.generate(req(p)));
    const sent = server.requests.at(-1)!;
    assert.equal(sent.path, '/v1/completions');
    assert.equal(sent.body.prompt, some.at(-1)!.prompt);
    assert.ok(Array.isArray(sent.body.stop));
    assert.ok(gens.every((g) => g.ttftMs !== undefined && g.tokensOut! > 0));
    assert.deepEqual(pythonFailures(some.map((p, i) => ({ id: p.id, problem: p, completion: gens[i].completion }))), {});
  });

  test('invalid key: one request, a clear error naming provider and model, key redacted', async () => {
    const wrong = 'sk-wrong-0123456789abcdefghijklmnop';
    const prov = await make(server, 'gpt-fake-401', {}, wrong);
    const before = server.requests.length;
    await assert.rejects(prov.generate(req(problems[0])), (e: Error) => {
      assert.match(e.message, /^openai:gpt-fake-401: 401 Incorrect API key provided/);
      assert.ok(!e.message.includes(wrong) && !e.message.includes('0123456789abcdef'), e.message);
      assert.equal((e as { retries?: number }).retries, 0);
      return true;
    });
    assert.equal(server.requests.length - before, 1, 'no retry on 401');
  });

  test('no key and no base URL: refuses to start, naming the variable', () => {
    assert.throws(() => openaiProvider.create('gpt-4o-mini', { config: {}, secret: () => undefined }), /openai:gpt-4o-mini: no API key: set OPENAI_API_KEY/);
  });

  test('a slow first token shows up in ttft', async () => {
    faults = () => ({ firstTokenDelayMs: 150 });
    try {
      const prov = await make(server, 'gpt-fake-slow');
      const g = await prov.generate(req(problems[5]));
      assert.ok(g.ttftMs! >= 140, `ttft ${g.ttftMs}`);
      assert.equal(g.contentStatus, 'ok');
    } finally {
      faults = undefined;
    }
  });
});

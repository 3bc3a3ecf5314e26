// The openai provider through the official SDK against a wire-compatible server on 127.0.0.1.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openaiProvider } from '../../src/server/providers/openai';
import type { ProviderError } from '../../src/server/limits';
import type { CodeProblem, GenerateRequest, Generation } from '../../src/server/plugins';
import { faultsByModel, keyLeak, startFakeOpenAI, type FakeServer, type Fault } from '../support/fake-openai';
import { chatStyleAnswer, loadHumanEval, messagesFor, pythonFailures } from '../support/humaneval-data';
import { extracting, type Extracted, type ExtractingProvider } from '../support/extracting';

const KEY = 'sk-test-4f9a1c2b3d4e5f60718293a4b5c6d7e8';
const THINK = 'Let me think. The docstring asks for a comparison of every pair; sorting first is simpler.';
const problems = loadHumanEval();

/** Like a chat model: prose, the whole function (prompt + canonical solution) fenced, more prose. */
function chatAnswer(body: Record<string, unknown>): string {
  const text = body.messages ? (body.messages as { content: string }[]).map((m) => m.content).join('\n') : String(body.prompt);
  return chatStyleAnswer(problems, text, !body.messages);
}

function req(p: CodeProblem, signal = new AbortController().signal): GenerateRequest {
  return { problem: p, messages: messagesFor(p), params: { temperature: 0, maxTokens: 512, seed: 7 }, sampleIndex: 0, signal };
}

async function make(server: FakeServer, model: string, config: Record<string, unknown> = {}, key: string | undefined = KEY): Promise<ExtractingProvider> {
  return extracting(await openaiProvider.create(model, { config: { baseURL: server.baseURL, baseDelayMs: 5, ...config }, secret: (n) => (n === 'OPENAI_API_KEY' ? key : undefined) }));
}

describe('openai provider against a fake OpenAI server', () => {
  let server: FakeServer;
  let faults: ((n: number) => Fault | undefined) | undefined;
  before(async () => {
    server = await startFakeOpenAI({
      apiKey: KEY, models: ['gpt-fake', 'gpt-fake-nostream', 'gpt-fake-lp', 'gpt-fake-401', 'babbage-fake', 'gpt-fake-slow', 'r1-fake'], answer: chatAnswer, fault: (n) => faults?.(n),
      reasoning: (b) => (b.model === 'r1-fake' ? THINK : undefined),
    });
  });
  after(() => server.close());

  test('streaming: all 164 HumanEval answers are extracted to completions that pass their tests', async () => {
    const prov = await make(server, 'gpt-fake');
    const before = server.requests.length;
    const gens: Extracted[] = [];
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
    const gens: Extracted[] = [];
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

  test('reasoning_content is kept apart from the answer, streaming and not', async () => {
    for (const stream of [true, false]) {
      const g = await (await make(server, 'r1-fake', { stream })).generate(req(problems[0]));
      assert.equal(g.reasoning, THINK);
      assert.ok(g.raw.startsWith('Here is the solution'), 'raw is the answer only');
      assert.equal(g.contentStatus, 'ok');
    }
  });

  test('legacy completions API: prompt sent raw with stop sequences, continuation kept as the body', async () => {
    const prov = await make(server, 'babbage-fake', { api: 'completions' });
    const some = problems.slice(20, 30);
    const gens: Extracted[] = [];
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

  test('the key without its sk- prefix, or a 16-character piece of it, echoed in an error body is redacted', async () => {
    for (const how of ['stripped', 'tail'] as const) {
      faults = () => ({ status: 400, echoKey: how, message: 'Bad request from key' });
      try {
        await assert.rejects((await make(server, 'gpt-fake')).generate(req(problems[0])), (e: ProviderError) => {
          assert.match(e.message, /^openai:gpt-fake: 400 Bad request from key \[REDACTED\]/);
          assert.equal(keyLeak(e.message, KEY), undefined, e.message);
          return true;
        });
      } finally {
        faults = undefined;
      }
    }
  });

  test('the key without its prefix in an error event inside the stream is redacted', async () => {
    faults = () => ({ streamError: 'upstream rejected key', echoKey: 'stripped' });
    try {
      await assert.rejects((await make(server, 'gpt-fake', { maxAttempts: 1 })).generate(req(problems[0])), (e: ProviderError) => {
        assert.match(e.message, /^openai:gpt-fake: error in stream: upstream rejected key \[REDACTED\]/);
        assert.equal(keyLeak(e.message, KEY), undefined, e.message);
        return true;
      });
    } finally {
      faults = undefined;
    }
  });

  test('a key copied into the reply is redacted from raw text, reasoning and completion (chat streaming and not, legacy)', async () => {
    for (const how of ['stripped', 'tail'] as const) {
      faults = () => ({ keyInReply: how });
      try {
        for (const [model, cfg] of [['gpt-fake', {}], ['gpt-fake-nostream', { stream: false }], ['r1-fake', {}], ['r1-fake', { stream: false }], ['babbage-fake', { api: 'completions' }]] as const) {
          const g = await (await make(server, model, cfg)).generate(req(problems[0]));
          const all = `${g.raw}\n${g.reasoning ?? ''}\n${g.completion}`;
          assert.match(g.raw, /api key: \[REDACTED\]/, `${model} ${JSON.stringify(cfg)}`);
          if (model === 'r1-fake') assert.match(g.reasoning!, /api key: \[REDACTED\]/);
          assert.equal(keyLeak(all, KEY), undefined, `${model} ${JSON.stringify(cfg)} ${how}`);
        }
        for (const stream of [true, false]) {
          // The logprobs spell the reply out again, token by token.
          const g = await (await make(server, 'gpt-fake-lp', { logprobs: true, stream })).generate(req(problems[0]));
          const tokens = g.logprobs!.map((t) => t.token);
          assert.ok(tokens.includes('[REDACTED]'), `logprobs stream=${stream}`);
          assert.equal(keyLeak(tokens.join(''), KEY), undefined, `logprobs stream=${stream} ${how}`);
          assert.equal(keyLeak(JSON.stringify(g.logprobs), KEY), undefined);
        }
      } finally {
        faults = undefined;
      }
    }
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

describe('openai provider under faults', () => {
  let server: FakeServer;
  // Per model: the fault for its k-th request (0-based).
  const plans: Record<string, (k: number) => Fault | undefined> = {
    'm-429': (k) => (k === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined),
    'm-429-ms': (k) => (k === 0 ? { status: 429, headers: { 'retry-after-ms': '300' } } : undefined),
    'm-500-twice': (k) => (k < 2 ? { status: 500 } : undefined),
    'm-500-always': () => ({ status: 503, message: 'The engine is currently overloaded, please try again later' }),
    'm-reset': (k) => (k === 0 ? { resetAfterChunks: 3 } : undefined),
    'm-reset-always': () => ({ resetAfterChunks: 2 }),
    'm-malformed-stream': (k) => (k === 0 ? { malformed: true } : undefined),
    'm-malformed-body': (k) => (k === 0 ? { malformed: true } : undefined),
    'm-stream-error': (k) => (k === 0 ? { streamError: 'out of KV cache' } : undefined),
    'm-stall': (k) => (k === 0 ? { firstTokenDelayMs: 1000 } : undefined),
    'm-stall-always': () => ({ firstTokenDelayMs: 1000 }),
    'm-stall-mid': (k) => (k === 0 ? { stallAfterChunks: 3 } : undefined),
    'm-stall-mid-legacy': (k) => (k === 0 ? { stallAfterChunks: 3 } : undefined),
    'm-stall-mid-always': () => ({ stallAfterChunks: 3 }),
  };
  before(async () => {
    server = await startFakeOpenAI({
      apiKey: KEY,
      models: [...Object.keys(plans), 'm-ok', 'o-fake'],
      answer: chatAnswer,
      maxCompletionOnly: ['o-fake'],
      fault: faultsByModel(plans),
    });
  });
  after(() => server.close());
  const reqsFor = (m: string) => server.requests.filter((r) => r.body.model === m);
  const p = () => problems[12];
  const passes = (g: Extracted) => assert.deepEqual(pythonFailures([{ id: 'x', problem: p(), completion: g.completion }]), {});

  test('429 with Retry-After (seconds): waits at least that long, then succeeds; retries counted', async () => {
    const g = await (await make(server, 'm-429')).generate(req(p()));
    const r = reqsFor('m-429');
    assert.equal(r.length, 2);
    assert.ok(r[1].at - r[0].at >= 1000, `waited ${r[1].at - r[0].at} ms`);
    assert.equal(g.retries, 1);
    passes(g);
  });

  test('429 with retry-after-ms', async () => {
    const g = await (await make(server, 'm-429-ms')).generate(req(p()));
    const r = reqsFor('m-429-ms');
    assert.ok(r[1].at - r[0].at >= 300);
    assert.equal(g.retries, 1);
  });

  test('500s are retried with backoff; persistent 503 fails after maxAttempts with the cause', async () => {
    const g = await (await make(server, 'm-500-twice')).generate(req(p()));
    assert.equal(g.retries, 2);
    passes(g);
    const prov = await make(server, 'm-500-always', { maxAttempts: 3 });
    await assert.rejects(prov.generate(req(p())), (e: ProviderError) => {
      assert.equal(e.message, 'openai:m-500-always: 503 The engine is currently overloaded, please try again later');
      assert.equal(e.kind, 'server');
      assert.equal(e.retries, 2);
      return true;
    });
    assert.equal(reqsFor('m-500-always').length, 3);
  });

  test('connection reset mid-stream: the partial reply is discarded and the retry is used whole', async () => {
    const g = await (await make(server, 'm-reset')).generate(req(p()));
    assert.equal(g.retries, 1);
    assert.ok(g.raw.startsWith('Here is the solution') && g.raw.indexOf('Here is the solution', 1) < 0, 'no partial text from the broken attempt');
    passes(g);
    const prov = await make(server, 'm-reset-always', { maxAttempts: 2 });
    await assert.rejects(prov.generate(req(p())), (e: ProviderError) => {
      assert.equal(e.kind, 'connection');
      assert.match(e.message, /^openai:m-reset-always: connection failed/);
      return true;
    });
  });

  test('malformed JSON (a broken SSE event, a truncated body) is a retryable malformed reply', async () => {
    const g = await (await make(server, 'm-malformed-stream')).generate(req(p()));
    assert.equal(g.retries, 1);
    passes(g);
    const g2 = await (await make(server, 'm-malformed-body', { stream: false })).generate(req(p()));
    assert.equal(g2.retries, 1);
    passes(g2);
  });

  test('an error event inside a 200 stream is retried like a server error', async () => {
    const g = await (await make(server, 'm-stream-error')).generate(req(p()));
    assert.equal(g.retries, 1);
    passes(g);
  });

  test('a stream that stalls after its headers times out and is retried; one that always stalls fails as a timeout', async () => {
    const g = await (await make(server, 'm-stall', { idleTimeoutMs: 200 })).generate(req(p()));
    assert.equal(g.retries, 1);
    passes(g);
    await assert.rejects((await make(server, 'm-stall-always', { idleTimeoutMs: 150, maxAttempts: 2 })).generate(req(p())), (e: ProviderError) => {
      assert.equal(e.message, 'openai:m-stall-always: stream stalled: no data for 150 ms');
      assert.equal(e.kind, 'timeout');
      return true;
    });
  });

  test('a stream that stalls mid-way is a transport error: retried, never the fragment as the reply (chat and legacy)', async () => {
    const g = await (await make(server, 'm-stall-mid', { idleTimeoutMs: 200 })).generate(req(p()));
    assert.equal(g.retries, 1);
    assert.equal(g.raw.split('Here is the solution').length, 2, 'the whole reply of the retry, no fragment');
    passes(g);
    assert.equal(reqsFor('m-stall-mid').length, 2);
    const g2 = await (await make(server, 'm-stall-mid-legacy', { idleTimeoutMs: 200, api: 'completions' })).generate(req(p()));
    assert.equal(g2.retries, 1);
    passes(g2);
  });

  test('a stream that always stalls mid-way fails naming provider, model, the stall and how far it got', async () => {
    await assert.rejects((await make(server, 'm-stall-mid-always', { idleTimeoutMs: 150, maxAttempts: 2 })).generate(req(p())), (e: ProviderError) => {
      assert.match(e.message, /^openai:m-stall-mid-always: stream stalled: no data for 150 ms after 3 chunks \(36 characters\) of output$/);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.retries, 1);
      return true;
    });
    assert.equal(reqsFor('m-stall-mid-always').length, 2);
  });

  test('30 samples whose first two requests each get a 500 all succeed: the open breaker delays them, retries count requests sent', async () => {
    const perPrompt = await startFakeOpenAI({
      apiKey: KEY, answer: chatAnswer,
      fault: faultsByModel({ 'm-500-first-two': (k) => (k < 2 ? { status: 500 } : undefined) }, (m, body) => `${m}\0${JSON.stringify(body.messages)}`),
    });
    try {
      const prov = await make(perPrompt, 'm-500-first-two', { maxAttempts: 3, breakerCooldownMs: 20 });
      const some = problems.slice(0, 30);
      const out = await Promise.all(some.map((q) => prov.generate(req(q)).catch((e: ProviderError) => e)));
      const errors = out.filter((x) => x instanceof Error) as ProviderError[];
      assert.deepEqual(errors.map((e) => `${e.message} (retries ${e.retries})`), []);
      assert.deepEqual(out.map((g) => (g as Generation).retries), Array(30).fill(2));
      assert.equal(perPrompt.requests.length, 90, 'three requests per sample, none refused without being sent');
    } finally {
      await perPrompt.close();
    }
  });

  test('a model that refuses max_tokens gets max_completion_tokens from then on', async () => {
    const prov = await make(server, 'o-fake');
    const g1 = await prov.generate(req(p()));
    assert.deepEqual(g1.paramsSent, { temperature: 0, max_completion_tokens: 512, seed: 7 });
    assert.equal(g1.retries, 0);
    const n = reqsFor('o-fake').length;
    const g2 = await prov.generate(req(p()));
    assert.equal(reqsFor('o-fake').length, n + 1, 'no second refusal');
    passes(g2);
  });

  test('unknown model: 404 named clearly, not retried', async () => {
    const prov = await make(server, 'no-such-model');
    await assert.rejects(prov.generate(req(p())), (e: ProviderError) => {
      assert.equal(e.message, 'openai:no-such-model: 404 The model `no-such-model` does not exist or you do not have access to it.');
      assert.equal(e.kind, 'not-found');
      return true;
    });
    assert.equal(reqsFor('no-such-model').length, 1);
  });

  test('cancel: an aborted request rejects without retrying', async () => {
    const ac = new AbortController();
    ac.abort();
    const before = server.requests.length;
    await assert.rejects((await make(server, 'm-ok')).generate(req(p(), ac.signal)), (e: ProviderError) => e.kind === 'aborted');
    assert.ok(server.requests.length - before <= 1);
  });
});

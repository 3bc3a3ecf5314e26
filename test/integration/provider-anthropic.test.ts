// The anthropic provider through the official SDK against a wire-compatible Messages API server.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { ProviderError } from '../../src/server/limits';
import type { CodeProblem, GenerateRequest } from '../../src/server/plugins';
import { anthropicProvider } from '../../src/server/providers/anthropic';
import { startFakeAnthropic } from '../support/fake-anthropic';
import { faultsByModel, keyLeak, type FakeServer, type Fault } from '../support/fake-openai';
import { assertPass, chatStyleAnswer, loadHumanEval, messagesFor } from '../support/humaneval-data';
import { extracting, type Extracted, type ExtractingProvider } from '../support/extracting';

const KEY = 'sk-ant-api03-testkey-0123456789abcdefABCDEF';
const problems = loadHumanEval();

const answer = (body: Record<string, unknown>) => chatStyleAnswer(problems, (body.messages as { content: string }[]).map((m) => m.content).join('\n'));
const req = (p: CodeProblem, signal = new AbortController().signal): GenerateRequest => ({ problem: p, messages: messagesFor(p), params: { temperature: 0.2, maxTokens: 700, seed: 3 }, sampleIndex: 0, signal });
const make = async (server: FakeServer, model: string, config: Record<string, unknown> = {}, key: string | undefined = KEY): Promise<ExtractingProvider> =>
  extracting(await anthropicProvider.create(model, { config: { baseURL: server.baseURL, baseDelayMs: 5, ...config }, secret: (n) => (n === 'ANTHROPIC_API_KEY' ? key : undefined) }));

describe('anthropic provider against a fake Messages API', () => {
  let server: FakeServer;
  const plans: Record<string, (k: number) => Fault | undefined> = {
    'c-429': (k) => (k === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined),
    'c-529': (k) => (k < 2 ? { status: 529 } : undefined),
    'c-500-always': () => ({ status: 500 }),
    'c-reset': (k) => (k === 0 ? { resetAfterChunks: 2 } : undefined),
    'c-malformed': (k) => (k === 0 ? { malformed: true } : undefined),
    'c-malformed-body': (k) => (k === 0 ? { malformed: true } : undefined),
    'c-overloaded-event': (k) => (k === 0 ? { streamError: 'Overloaded' } : undefined),
    'c-slow': () => ({ firstTokenDelayMs: 150 }),
    'c-stall': (k) => (k === 0 ? { firstTokenDelayMs: 1000 } : undefined),
    'c-stall-mid': (k) => (k === 0 ? { stallAfterChunks: 3 } : undefined),
    'c-stall-mid-always': () => ({ stallAfterChunks: 3 }),
    'c-echo-400': () => ({ status: 400, echoKey: 'stripped', message: 'bad request from key' }),
    'c-echo-tail-400': () => ({ status: 400, echoKey: 'tail', message: 'bad request from key' }),
    'c-echo-event': () => ({ streamError: 'Overloaded for key', echoKey: 'stripped' }),
    'c-key-reply': () => ({ keyInReply: 'stripped' }),
    'c-key-reply-tail': () => ({ keyInReply: 'tail' }),
  };
  before(async () => {
    server = await startFakeAnthropic({
      apiKey: KEY,
      models: ['claude-fake', 'claude-think', ...Object.keys(plans)],
      answer,
      reasoning: (b) => (b.model === 'claude-think' || String(b.model).startsWith('c-key-reply') ? 'First, restate the problem.' : undefined),
      fault: faultsByModel(plans),
    });
  });
  after(() => server.close());
  const reqsFor = (m: string) => server.requests.filter((r) => r.body.model === m);

  test('streaming: completions extracted and pass; ttft, usage from message_start/message_delta, stop reason', async () => {
    const prov = await make(server, 'claude-fake');
    const some = problems.slice(0, 25);
    const gens: Extracted[] = [];
    for (const p of some) gens.push(await prov.generate(req(p)));
    const sent = reqsFor('claude-fake').at(-1)!.body;
    assert.equal(sent.stream, true);
    assert.equal(sent.system, 'You are an expert Python programmer.');
    assert.deepEqual((sent.messages as { role: string }[]).map((m) => m.role), ['user']);
    assert.equal(sent.max_tokens, 700);
    assert.equal(sent.seed, undefined, 'the Messages API has no seed');
    for (const g of gens) {
      assert.equal(g.contentStatus, 'ok');
      assert.ok(g.ttftMs !== undefined && g.ttftMs <= g.latencyMs);
      assert.equal(g.tokensOut, Math.ceil(g.raw.length / 12));
      assert.ok(g.tokensIn! > 10 && !g.tokensEstimated);
      assert.equal(g.finishReason, 'end_turn');
      assert.equal(g.logprobs, undefined);
      assert.deepEqual(g.paramsSent, { max_tokens: 700, temperature: 0.2 });
    }
    assertPass(some.map((p, i) => ({ p, g: gens[i] })));
  });

  test('extended thinking is kept apart from the answer, streaming and not', async () => {
    for (const stream of [true, false]) {
      const g = await (await make(server, 'claude-think', { stream })).generate(req(problems[6]));
      assert.equal(g.reasoning, 'First, restate the problem.');
      assert.ok(g.raw.startsWith('Here is the solution'));
      assertPass([{ p: problems[6], g }]);
    }
  });

  test('non-streaming', async () => {
    const prov = await make(server, 'claude-fake', { stream: false });
    const p = problems[40];
    const g = await prov.generate(req(p));
    assert.equal(g.ttftMs, undefined);
    assert.ok(g.tokensIn! > 0 && g.tokensOut! > 0);
    assert.equal(reqsFor('claude-fake').at(-1)!.body.stream, undefined);
    assertPass([{ p, g }]);
  });

  test('invalid key: one request, "anthropic:<model>: 401 …", key redacted', async () => {
    const wrong = 'sk-ant-api03-WRONGWRONGWRONG-999';
    const prov = await make(server, 'claude-fake', {}, wrong);
    const before = server.requests.length;
    await assert.rejects(prov.generate(req(problems[0])), (e: ProviderError) => {
      assert.match(e.message, /^anthropic:claude-fake: 401 invalid x-api-key/);
      assert.ok(!e.message.includes('WRONGWRONG'), e.message);
      assert.equal(e.kind, 'auth');
      return true;
    });
    assert.equal(server.requests.length - before, 1);
  });

  test('missing key: refuses to start, naming the variable', () => {
    assert.throws(() => anthropicProvider.create('claude-x', { config: {}, secret: () => undefined }), /anthropic:claude-x: no API key: set ANTHROPIC_API_KEY/);
  });

  test('unknown model: 404 with the API message, not retried', async () => {
    await assert.rejects((await make(server, 'claude-nope')).generate(req(problems[0])), (e: ProviderError) => e.message === 'anthropic:claude-nope: 404 model: claude-nope' && e.kind === 'not-found');
    assert.equal(reqsFor('claude-nope').length, 1);
  });

  test('429 with Retry-After is honoured; 529 overloaded retried; persistent 500 fails with cause', async () => {
    const g = await (await make(server, 'c-429')).generate(req(problems[1]));
    const r = reqsFor('c-429');
    assert.ok(r[1].at - r[0].at >= 1000);
    assert.equal(g.retries, 1);
    const g2 = await (await make(server, 'c-529')).generate(req(problems[1]));
    assert.equal(g2.retries, 2);
    await assert.rejects((await make(server, 'c-500-always', { maxAttempts: 2 })).generate(req(problems[1])), (e: ProviderError) =>
      e.message === 'anthropic:c-500-always: 500 Internal server error' && e.retries === 1);
    assert.equal(reqsFor('c-500-always').length, 2);
  });

  test('reset mid-stream, malformed event, malformed body, overloaded error event: retried, result whole', async () => {
    for (const [m, cfg] of [['c-reset', {}], ['c-malformed', {}], ['c-malformed-body', { stream: false }], ['c-overloaded-event', {}]] as const) {
      const p = problems[2];
      const g = await (await make(server, m, cfg)).generate(req(p));
      assert.equal(g.retries, 1, m);
      assert.equal(g.raw.split('Here is the solution').length, 2, `${m}: no partial text`);
      assertPass([{ p, g }]);
    }
  });

  test('a stalled stream times out and is retried', async () => {
    const g = await (await make(server, 'c-stall', { idleTimeoutMs: 200 })).generate(req(problems[3]));
    assert.equal(g.retries, 1);
    assertPass([{ p: problems[3], g }]);
  });

  test('a stream that stalls mid-way is retried; one that always stalls fails with the stall, never the fragment', async () => {
    const g = await (await make(server, 'c-stall-mid', { idleTimeoutMs: 200 })).generate(req(problems[3]));
    assert.equal(g.retries, 1);
    assert.equal(g.raw.split('Here is the solution').length, 2, 'no fragment');
    assertPass([{ p: problems[3], g }]);
    await assert.rejects((await make(server, 'c-stall-mid-always', { idleTimeoutMs: 150, maxAttempts: 2 })).generate(req(problems[3])), (e: ProviderError) => {
      assert.match(e.message, /^anthropic:c-stall-mid-always: stream stalled: no data for 150 ms after 3 chunks \(36 characters\) of output$/);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.retries, 1);
      return true;
    });
    assert.equal(reqsFor('c-stall-mid-always').length, 2);
  });

  test('the key without its sk-ant- prefix (or a piece of it) in an error body or a stream error event is redacted', async () => {
    for (const m of ['c-echo-400', 'c-echo-tail-400', 'c-echo-event']) {
      await assert.rejects((await make(server, m, { maxAttempts: 1 })).generate(req(problems[0])), (e: ProviderError) => {
        assert.match(e.message, /key \[REDACTED\]$/, m);
        assert.equal(keyLeak(e.message, KEY), undefined, e.message);
        return true;
      });
    }
  });

  test('a key copied into the reply is redacted from raw text, thinking and completion, streaming and not', async () => {
    for (const m of ['c-key-reply', 'c-key-reply-tail']) {
      for (const stream of [true, false]) {
        const g = await (await make(server, m, { stream })).generate(req(problems[0]));
        assert.match(g.raw, /api key: \[REDACTED\]/, `${m} stream=${stream}`);
        assert.match(g.reasoning!, /api key: \[REDACTED\]/);
        assert.equal(keyLeak(`${g.raw}\n${g.reasoning}\n${g.completion}`, KEY), undefined, `${m} stream=${stream}`);
      }
    }
  });

  test('slow first token is measured', async () => {
    const g = await (await make(server, 'c-slow')).generate(req(problems[3]));
    assert.ok(g.ttftMs! >= 140, String(g.ttftMs));
  });
});

// The ollama provider through the official `ollama` package against a wire-compatible server.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { after, before, describe, test } from 'node:test';
import type { ProviderError } from '../../src/server/limits';
import type { CodeProblem, GenerateRequest, Provider } from '../../src/server/plugins';
import { ollamaProvider } from '../../src/server/providers/ollama';
import { startFakeOllama } from '../support/fake-ollama';
import { faultsByModel, keyLeak, type FakeServer, type Fault } from '../support/fake-openai';
import { assertPass, chatStyleAnswer, loadHumanEval, messagesFor } from '../support/humaneval-data';
import { extracting, type Extracted, type ExtractingProvider } from '../support/extracting';

const problems = loadHumanEval();
const answer = (body: Record<string, unknown>) => body.messages
  ? chatStyleAnswer(problems, (body.messages as { content: string }[]).map((m) => m.content).join('\n'))
  : chatStyleAnswer(problems, String(body.prompt), true);
const req = (p: CodeProblem, signal = new AbortController().signal): GenerateRequest => ({ problem: p, messages: messagesFor(p), params: { temperature: 0.8, maxTokens: 600, seed: 11, topP: 0.95 }, sampleIndex: 0, signal });
const make = async (server: FakeServer, model: string, config: Record<string, unknown> = {}, secrets: Record<string, string> = {}): Promise<ExtractingProvider> =>
  extracting(await ollamaProvider.create(model, { config: { host: server.baseURL, baseDelayMs: 5, ...config }, secret: (n) => secrets[n] }));

describe('ollama provider against a fake Ollama server', () => {
  let server: FakeServer;
  const plans: Record<string, (k: number) => Fault | undefined> = {
    'o-429': (k) => (k === 0 ? { status: 429, headers: { 'retry-after': '1' } } : undefined),
    'o-500': (k) => (k < 2 ? { status: 500 } : undefined),
    'o-500-always': () => ({ status: 500 }),
    'o-reset': (k) => (k === 0 ? { resetAfterChunks: 2 } : undefined),
    'o-malformed': (k) => (k === 0 ? { malformed: true } : undefined),
    'o-malformed-body': (k) => (k === 0 ? { malformed: true } : undefined),
    'o-error-line': (k) => (k === 0 ? { streamError: 'an error was encountered while running the model: unexpected EOF' } : undefined),
    'o-slow': () => ({ firstTokenDelayMs: 150 }),
    'o-stall-mid': (k) => (k === 0 ? { stallAfterChunks: 3 } : undefined),
    'o-stall-mid-gen': (k) => (k === 0 ? { stallAfterChunks: 3 } : undefined),
    'o-stall-mid-always': () => ({ stallAfterChunks: 3 }),
  };
  const faults = faultsByModel(plans);
  before(async () => {
    server = await startFakeOllama({
      models: ['qwen-fake:7b', 'qwen3-think', ...Object.keys(plans)],
      answer,
      reasoning: (b) => (b.model === 'qwen3-think' ? 'Okay, the user wants a function that…' : undefined),
      fault: faults,
    });
  });
  after(() => server.close());
  const reqsFor = (m: string) => server.requests.filter((r) => r.body.model === m);

  test('chat, streaming: completions pass; ttft, eval counts, options as sent', async () => {
    const prov = await make(server, 'qwen-fake:7b');
    const some = problems.slice(50, 70);
    const gens: Extracted[] = [];
    for (const p of some) gens.push(await prov.generate(req(p)));
    const sent = reqsFor('qwen-fake:7b').at(-1)!;
    assert.equal(sent.path, '/api/chat');
    assert.equal(sent.body.stream, true);
    assert.deepEqual(sent.body.options, { temperature: 0.8, top_p: 0.95, num_predict: 600, seed: 11 });
    for (const g of gens) {
      assert.equal(g.contentStatus, 'ok');
      assert.ok(g.ttftMs !== undefined && g.ttftMs <= g.latencyMs);
      assert.equal(g.tokensOut, Math.ceil(g.raw.length / 12));
      assert.ok(g.tokensIn! > 0 && !g.tokensEstimated);
      assert.equal(g.finishReason, 'stop');
    }
    assertPass(some.map((p, i) => ({ p, g: gens[i] })));
  });

  test('chat, non-streaming; generate (raw), streaming and not', async () => {
    const p = problems[71];
    const g1 = await (await make(server, 'qwen-fake:7b', { stream: false })).generate(req(p));
    assert.equal(g1.ttftMs, undefined);
    assert.equal(reqsFor('qwen-fake:7b').at(-1)!.body.stream, false);
    assertPass([{ p, g: g1 }]);
    for (const stream of [true, false]) {
      const g = await (await make(server, 'qwen-fake:7b', { api: 'generate', raw: true, stream })).generate(req(p));
      const sent = reqsFor('qwen-fake:7b').at(-1)!;
      assert.equal(sent.path, '/api/generate');
      assert.equal(sent.body.prompt, p.prompt);
      assert.equal(sent.body.raw, true);
      assert.ok(Array.isArray((sent.body.options as { stop?: string[] }).stop));
      assert.equal(g.raw, p.canonicalSolution);
      assertPass([{ p, g }]);
    }
  });

  test('thinking is kept apart from the answer, streaming and not', async () => {
    for (const stream of [true, false]) {
      const g = await (await make(server, 'qwen3-think', { stream })).generate(req(problems[73]));
      assert.equal(g.reasoning, 'Okay, the user wants a function that…');
      assert.ok(g.raw.startsWith('Here is the solution'));
      assert.ok(stream ? g.ttftMs !== undefined : g.ttftMs === undefined);
      assertPass([{ p: problems[73], g }]);
    }
  });

  test('logprobs: top-5 per token', async () => {
    for (const stream of [true, false]) {
      const g = await (await make(server, 'qwen-fake:7b', { logprobs: true, stream })).generate(req(problems[72]));
      assert.equal(reqsFor('qwen-fake:7b').at(-1)!.body.top_logprobs, 5);
      assert.equal(g.logprobs!.length, Math.ceil(g.raw.length / 12));
      assert.equal(g.logprobs![0].top.length, 5);
      assert.equal(g.logprobs!.map((t) => t.token).join(''), g.raw);
    }
  });

  test('unknown model: Ollama\'s 404 message, not retried', async () => {
    await assert.rejects((await make(server, 'llama-nope')).generate(req(problems[0])), (e: ProviderError) =>
      e.message === 'ollama:llama-nope: 404 model "llama-nope" not found, try pulling it first' && e.kind === 'not-found');
    assert.equal(reqsFor('llama-nope').length, 1);
  });

  test('429 Retry-After honoured; 500s retried; persistent 500 fails with cause', async () => {
    const g = await (await make(server, 'o-429')).generate(req(problems[1]));
    const r = reqsFor('o-429');
    assert.ok(r[1].at - r[0].at >= 1000, `waited ${r[1].at - r[0].at}`);
    assert.equal(g.retries, 1);
    assert.equal((await (await make(server, 'o-500')).generate(req(problems[1]))).retries, 2);
    await assert.rejects((await make(server, 'o-500-always', { maxAttempts: 2 })).generate(req(problems[1])), (e: ProviderError) =>
      e.message === 'ollama:o-500-always: 500 llama runner process has terminated: exit status 2' && e.retries === 1);
  });

  test('reset mid-stream, malformed NDJSON line, malformed body, error line: retried and whole', async () => {
    for (const [m, cfg] of [['o-reset', {}], ['o-malformed', {}], ['o-malformed-body', { stream: false }], ['o-error-line', {}]] as const) {
      const p = problems[4];
      const g = await (await make(server, m, cfg)).generate(req(p));
      assert.equal(g.retries, 1, m);
      assert.equal(g.raw.split('Here is the solution').length, 2, `${m}: no partial or missing text`);
      assertPass([{ p, g }]);
    }
  });

  test('malformed line that never recovers fails as malformed (not silently dropped text)', async () => {
    const prov = await make(server, 'o-malformed', { maxAttempts: 1 });
    faults.counts['o-malformed'] = -1; // the plan faults request 0 again
    await assert.rejects(prov.generate(req(problems[4])), (e: ProviderError) => e.kind === 'malformed' && /invalid JSON line/.test(e.message));
  });

  test('a stream that stalls mid-way is retried (chat and generate); one that always stalls fails with the stall, never the fragment', async () => {
    for (const [m, cfg] of [['o-stall-mid', {}], ['o-stall-mid-gen', { api: 'generate' }]] as const) {
      const g = await (await make(server, m, { idleTimeoutMs: 200, ...cfg })).generate(req(problems[4]));
      assert.equal(g.retries, 1, m);
      assertPass([{ p: problems[4], g }]);
      assert.equal(reqsFor(m).length, 2);
    }
    await assert.rejects((await make(server, 'o-stall-mid-always', { idleTimeoutMs: 150, maxAttempts: 2 })).generate(req(problems[4])), (e: ProviderError) => {
      assert.match(e.message, /^ollama:o-stall-mid-always: stream stalled: no data for 150 ms after 3 chunks \(36 characters\) of output$/);
      assert.equal(e.kind, 'timeout');
      assert.equal(e.retries, 1);
      return true;
    });
    assert.equal(reqsFor('o-stall-mid-always').length, 2);
  });

  test('slow first token is measured', async () => {
    const g = await (await make(server, 'o-slow')).generate(req(problems[3]));
    assert.ok(g.ttftMs! >= 140, String(g.ttftMs));
  });

  test('bearer key when configured: sent, and a wrong one gives a clear redacted 401', async () => {
    const keyed = await startFakeOllama({ models: ['m'], apiKey: 'ollama-secret-key-123456', answer });
    try {
      const ok = await (await make(keyed, 'm', { apiKeyEnv: 'OLLAMA_API_KEY' }, { OLLAMA_API_KEY: 'ollama-secret-key-123456' })).generate(req(problems[0]));
      assert.equal(ok.contentStatus, 'ok');
      const bad = await make(keyed, 'm', { apiKeyEnv: 'OLLAMA_API_KEY' }, { OLLAMA_API_KEY: 'wrong-key-abcdefgh' });
      await assert.rejects(bad.generate(req(problems[0])), (e: ProviderError) => {
        assert.match(e.message, /^ollama:m: 401 unauthorized/);
        assert.ok(!e.message.includes('wrong-key-abcdefgh'), e.message);
        return true;
      });
      assert.equal(keyed.requests.length, 2);
    } finally {
      await keyed.close();
    }
  });

  test('a bearer key without a known prefix: pieces of it in an error body, an error line or the reply are redacted', async () => {
    const KEY = 'ollama-secret-key-7c1d9e2f4a6b8c0d';
    let fault: Fault | undefined;
    const keyed = await startFakeOllama({ models: ['m'], apiKey: KEY, answer, fault: () => fault, reasoning: () => 'Thinking it over.' });
    try {
      const prov = await make(keyed, 'm', { apiKeyEnv: 'OLLAMA_API_KEY', maxAttempts: 1 }, { OLLAMA_API_KEY: KEY });
      for (const f of [{ status: 400, echoKey: 'stripped' }, { status: 400, echoKey: 'tail' }, { streamError: 'bad key', echoKey: 'tail' }] as Fault[]) {
        fault = f;
        await assert.rejects(prov.generate(req(problems[0])), (e: ProviderError) => {
          assert.match(e.message, /\[REDACTED\]$/, JSON.stringify(f));
          assert.equal(keyLeak(e.message, KEY), undefined, e.message);
          return true;
        });
      }
      for (const stream of [true, false]) {
        fault = { keyInReply: 'tail' };
        const g = await (await make(keyed, 'm', { apiKeyEnv: 'OLLAMA_API_KEY', stream, logprobs: true }, { OLLAMA_API_KEY: KEY })).generate(req(problems[0]));
        assert.equal(keyLeak(g.logprobs!.map((t) => t.token).join(''), KEY), undefined, `the logprob tokens spell no key (stream=${stream})`);
        assert.match(g.raw, /api key: \[REDACTED\]/);
        assert.match(g.reasoning!, /api key: \[REDACTED\]/);
        assert.equal(keyLeak(`${g.raw}\n${g.reasoning}\n${g.completion}`, KEY), undefined, `stream=${stream}`);
      }
    } finally {
      await keyed.close();
    }
  });

  test('nothing listening: "connection refused … is `ollama serve` running?"', async () => {
    const port = await new Promise<number>((resolve) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); }); });
    const prov = ollamaProvider.create('m', { config: { host: `http://127.0.0.1:${port}`, maxAttempts: 2, baseDelayMs: 1 }, secret: () => undefined }) as Provider;
    await assert.rejects(prov.generate(req(problems[0])), (e: ProviderError) => e.kind === 'connection' && /connection refused at http:\/\/127\.0\.0\.1:\d+ \(is `ollama serve` running\?\)/.test(e.message));
  });
});

// A real HTTP server on 127.0.0.1 speaking OpenAI's wire protocol (chat completions and legacy
// completions, streaming as SSE and not), with injectable faults. The official SDK talks to it
// exactly as it talks to api.openai.com, vLLM or llama.cpp.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Reply with this HTTP status and an OpenAI-style error body. */
  | { status: number; message?: string; code?: string; headers?: Record<string, string> }
  /** Stream this many content chunks, then destroy the socket. */
  | { resetAfterChunks: number }
  /** A 200 whose body (or, streaming, one event) is not valid JSON. */
  | { malformed: true }
  /** Send headers at once, then wait this long before the first token. */
  | { firstTokenDelayMs: number }
  /** Streaming: after the first chunk, an `{"error": …}` event (how vLLM reports a failure mid-stream); `echoKey` appends the key sent. */
  | { streamError: string; echoKey?: KeyEcho }
  /** Streaming: send this many content chunks, then nothing more, keeping the connection open (a stalled stream). */
  | { stallAfterChunks: number }
  /** Reply with this HTTP status and an error message quoting the key sent, as a careless proxy might. */
  | { status: number; echoKey: KeyEcho; message?: string }
  /** A normal reply whose text (and reasoning, where there is any) quotes the key sent (a model that copies it from its context). */
  | { keyInReply: KeyEcho };

/** How a fake quotes the key it received: without its sk-/sk-ant-/sk-proj- prefix, or only its last 16 characters. */
export type KeyEcho = 'stripped' | 'tail';

export function echoedKey(given: string, how: KeyEcho): string {
  return how === 'tail' ? given.slice(-16) : given.replace(/^(sk-ant-|sk-proj-|sk-)/, '');
}

/** Holds a stalled response open until the client gives up (or the server closes). */
export function stall(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => { if (res.destroyed) resolve(); else res.on('close', () => resolve()); });
}

export interface RecordedRequest { path: string; body: Record<string, unknown>; authorization: string | undefined; at: number }

export interface FakeOpenAIOptions {
  /** Accepted key; other keys get a 401 that echoes the key they sent (a redaction test). */
  apiKey?: string;
  /** Known models; others get a 404 model_not_found. Unset = any. */
  models?: string[];
  /** The assistant text for a request (chat: body.messages; completions: body.prompt). */
  answer(body: Record<string, unknown>): string;
  /** Called with the 0-based request number; a returned fault replaces the normal reply. */
  fault?(n: number, body: Record<string, unknown>): Fault | undefined;
  /** Delay between streamed chunks (ms). */
  chunkDelayMs?: number;
  /** Characters per streamed chunk. */
  chunkSize?: number;
  /** Reasoning text sent apart from the answer, as DeepSeek/vLLM do (`reasoning_content`). */
  reasoning?(body: Record<string, unknown>): string | undefined;
  /** Models that, like OpenAI's reasoning models, refuse max_tokens and want max_completion_tokens. */
  maxCompletionOnly?: string[];
  /** The model name replies report (OpenAI answers "gpt-4o-mini" with "gpt-4o-mini-2024-07-18"); default: as asked. */
  reportedModel?(asked: string): string;
}

export interface FakeServer {
  baseURL: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

// Shared by the three fake servers (OpenAI, Anthropic, Ollama).
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** A rough token count for usage fields. */
export const tok = (s: string) => Math.max(1, Math.ceil(s.length / 4));

/**
 * A `fault` option from a plan per model: each model's plan gets that model's 0-based request count
 * (counted per `key`, by default the model name; `.counts` lets a test rewind one).
 */
export function faultsByModel(plans: Record<string, (k: number) => Fault | undefined>,
  key: (model: string, body: Record<string, unknown>) => string = (m) => m) {
  const counts: Record<string, number> = {};
  const fault = (_n: number, body: Record<string, unknown>): Fault | undefined => {
    const m = String(body.model);
    const k = key(m, body);
    return plans[m]?.((counts[k] = (counts[k] ?? -1) + 1));
  };
  return Object.assign(fault, { counts });
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise<string>((resolve) => { let b = ''; req.on('data', (d) => (b += d)); req.on('end', () => resolve(b)); });
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

function fakeTop(token: string): { token: string; logprob: number; bytes: number[] }[] {
  return [token, token.toUpperCase() + '_', ' ', '\n', 'x'].slice(0, 5).map((t, i) => ({ token: t, logprob: -0.01 - i * 1.5, bytes: [...Buffer.from(t)] }));
}

export async function startFakeOpenAI(opts: FakeOpenAIOptions): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const size = opts.chunkSize ?? 12;
  let n = 0;

  const error = (res: ServerResponse, status: number, message: string, code: string | null, type = 'invalid_request_error', headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ error: { message, type, param: null, code } }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const at = Date.now(); // arrival: before the body is read
    const bodyText = await readBody(req);
    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (req.method === 'GET' && path === '/v1/models') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ object: 'list', data: (opts.models ?? []).map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })) }));
      return;
    }
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(bodyText);
    } catch {
      return error(res, 400, 'We could not parse the JSON body of your request.', null);
    }
    const auth = req.headers.authorization;
    requests.push({ path, body, authorization: auth, at });
    const index = n++;
    const chat = path === '/v1/chat/completions';
    if (!chat && path !== '/v1/completions') return error(res, 404, `Unknown path ${path}`, null);

    const given = auth?.replace(/^Bearer\s+/i, '') ?? '';
    // The real API masks the key; a proxy might not. Echo it whole to prove callers redact it.
    if (opts.apiKey !== undefined && given !== opts.apiKey) return error(res, 401, `Incorrect API key provided: ${given}. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_api_key');
    const model = String(body.model ?? '');
    if (opts.models && !opts.models.includes(model)) return error(res, 404, `The model \`${model}\` does not exist or you do not have access to it.`, 'model_not_found');

    if (opts.maxCompletionOnly?.includes(model) && body.max_tokens !== undefined) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.", type: 'invalid_request_error', param: 'max_tokens', code: 'unsupported_parameter' } }));
      return;
    }
    const fault = opts.fault?.(index, body);
    if (fault && 'status' in fault && 'echoKey' in fault) {
      return error(res, fault.status, `${fault.message ?? 'Invalid request from key'} ${echoedKey(given, fault.echoKey)}`, null, fault.status >= 500 ? 'server_error' : 'invalid_request_error');
    }
    if (fault && 'status' in fault) {
      const type = fault.status === 429 ? 'requests' : fault.status >= 500 ? 'server_error' : 'invalid_request_error';
      return error(res, fault.status, fault.message ?? (fault.status === 429 ? 'Rate limit reached for requests' : 'The server had an error while processing your request.'), fault.code ?? null, type, fault.headers);
    }

    const keyText = fault && 'keyInReply' in fault ? `\n# api key: ${echoedKey(given, fault.keyInReply)}\n` : '';
    const text = opts.answer(body) + keyText;
    const thought0 = chat ? opts.reasoning?.(body) : undefined;
    const thought = thought0 && keyText ? thought0 + keyText : thought0;
    const id = `chatcmpl-fake${index}`;
    const created = Math.floor(Date.now() / 1000);
    const promptText = chat ? (body.messages as { content: string }[]).map((m) => m.content).join('\n') : String(body.prompt ?? '');
    const pieces = chunks(text, size);
    const usage = { prompt_tokens: tok(promptText), completion_tokens: pieces.length, total_tokens: tok(promptText) + pieces.length };
    const wantLogprobs = chat ? body.logprobs === true : typeof body.logprobs === 'number';
    const topN = chat ? Number(body.top_logprobs ?? 0) : Number(body.logprobs ?? 0);

    if (!body.stream) {
      if (fault && 'malformed' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "x", "choices": [{"index": 0, "message": {"content": "trunc');
        return;
      }
      if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
      res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': `req_${index}` });
      const lp = wantLogprobs
        ? chat
          ? { content: pieces.map((p) => ({ token: p, logprob: -0.01, bytes: [...Buffer.from(p)], top_logprobs: fakeTop(p).slice(0, topN) })) }
          : { tokens: pieces, token_logprobs: pieces.map(() => -0.01), top_logprobs: pieces.map((p) => Object.fromEntries(fakeTop(p).slice(0, topN).map((t) => [t.token, t.logprob]))), text_offset: [] }
        : null;
      res.end(JSON.stringify(chat
        ? { id, object: 'chat.completion', created, model: opts.reportedModel?.(model) ?? model, choices: [{ index: 0, message: { role: 'assistant', content: text, refusal: null, ...(thought ? { reasoning_content: thought } : {}) }, logprobs: lp, finish_reason: 'stop' }], usage }
        : { id, object: 'text_completion', created, model: opts.reportedModel?.(model) ?? model, choices: [{ index: 0, text, logprobs: lp, finish_reason: 'stop' }], usage }));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-request-id': `req_${index}` });
    const send = (o: unknown) => res.write(`data: ${JSON.stringify(o)}\n\n`);
    const chunkOf = (delta: Record<string, unknown>, finish: string | null, piece?: string) => chat
      ? { id, object: 'chat.completion.chunk', created, model: opts.reportedModel?.(model) ?? model, choices: [{ index: 0, delta, logprobs: wantLogprobs && piece ? { content: [{ token: piece, logprob: -0.01, bytes: [...Buffer.from(piece)], top_logprobs: fakeTop(piece).slice(0, topN) }] } : null, finish_reason: finish }] }
      : { id, object: 'text_completion', created, model: opts.reportedModel?.(model) ?? model, choices: [{ index: 0, text: (delta.content as string) ?? '', logprobs: wantLogprobs && piece ? { tokens: [piece], token_logprobs: [-0.01], top_logprobs: [Object.fromEntries(fakeTop(piece).slice(0, topN).map((t) => [t.token, t.logprob]))], text_offset: [0] } : null, finish_reason: finish }] };
    if (chat) send(chunkOf({ role: 'assistant', content: '' }, null));
    if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
    if (thought) for (const r of chunks(thought, size)) send(chunkOf({ reasoning_content: r }, null));
    for (let i = 0; i < pieces.length; i++) {
      if (fault && 'resetAfterChunks' in fault && i === fault.resetAfterChunks) {
        req.socket.destroy();
        return;
      }
      if (fault && 'stallAfterChunks' in fault && i === fault.stallAfterChunks) return stall(res);
      if (fault && 'malformed' in fault && i === 1) res.write('data: {"id": "broken", "choices": [\n\n');
      if (fault && 'streamError' in fault && i === 1) {
        send({ error: { message: fault.streamError + (fault.echoKey ? ` ${echoedKey(given, fault.echoKey)}` : ''), type: 'server_error', code: null } });
        res.end();
        return;
      }
      send(chunkOf({ content: pieces[i] }, null, pieces[i]));
      if (opts.chunkDelayMs) await sleep(opts.chunkDelayMs);
    }
    send(chunkOf({}, 'stop'));
    const so = body.stream_options as { include_usage?: boolean } | undefined;
    if (so?.include_usage) send({ id, object: chat ? 'chat.completion.chunk' : 'text_completion', created, model: opts.reportedModel?.(model) ?? model, choices: [], usage });
    res.write('data: [DONE]\n\n');
    res.end();
  };

  return serve(handle, requests, '/v1');
}

/** Serves `handle` on 127.0.0.1 (any port); a handler that throws answers 500. `path` ends the base URL. */
export async function serve(handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>, requests: RecordedRequest[], path = ''): Promise<FakeServer> {
  const server = createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (!res.headersSent) res.writeHead(500);
      res.end(String(e));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}${path}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** The first piece of `key` at least `min` characters long that appears in `text` (a leak), if any. */
export function keyLeak(text: string | undefined, key: string, min = 12): string | undefined {
  if (!text) return undefined;
  for (let i = 0; i + min <= key.length; i++) if (text.includes(key.slice(i, i + min))) return key.slice(i, i + min);
  return undefined;
}

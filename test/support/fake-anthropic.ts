// A real HTTP server on 127.0.0.1 speaking Anthropic's Messages API (POST /v1/messages), streaming
// as SSE events (message_start, content_block_start/delta/stop, ping, message_delta with usage,
// message_stop) and not, with the same injectable faults as the fake OpenAI server.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoedKey, readBody, serve, sleep, stall, tok, type Fault, type FakeServer, type RecordedRequest } from './fake-openai';

export interface FakeAnthropicOptions {
  apiKey: string;
  models?: string[];
  /** The assistant text for a request body ({model, system?, messages, max_tokens, …}). */
  answer(body: Record<string, unknown>): string;
  fault?(n: number, body: Record<string, unknown>): Fault | undefined;
  chunkSize?: number;
  /** Extended-thinking text, sent as a thinking block before the text block. */
  reasoning?(body: Record<string, unknown>): string | undefined;
}

const ERROR_TYPES: Record<number, string> = { 400: 'invalid_request_error', 401: 'authentication_error', 403: 'permission_error', 404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 529: 'overloaded_error' };

export async function startFakeAnthropic(opts: FakeAnthropicOptions): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const size = opts.chunkSize ?? 12;
  let n = 0;
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': `req_fake_${n}`, ...headers });
    res.end(JSON.stringify({ type: 'error', error: { type: ERROR_TYPES[status] ?? 'api_error', message } }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (req.method !== 'POST' || path !== '/v1/messages') return error(res, 404, `Not found: ${req.method} ${path}`);
    let body: Record<string, unknown>;
    try { body = JSON.parse(text); } catch { return error(res, 400, 'invalid JSON body'); }
    // The API takes the key as x-api-key; SDK 1.x sends it as a bearer token. Accept both.
    const key = String(req.headers['x-api-key'] ?? req.headers.authorization?.replace(/^Bearer\s+/i, '') ?? '');
    requests.push({ path, body, authorization: key, at: Date.now() });
    const index = n++;
    if (!req.headers['anthropic-version']) return error(res, 400, 'anthropic-version: header is required');
    if (key !== opts.apiKey) return error(res, 401, `invalid x-api-key ${key}`);
    const model = String(body.model ?? '');
    if (opts.models && !opts.models.includes(model)) return error(res, 404, `model: ${model}`);
    if (typeof body.max_tokens !== 'number') return error(res, 400, 'max_tokens: Field required');

    const fault = opts.fault?.(index, body);
    if (fault && 'status' in fault && 'echoKey' in fault) return error(res, fault.status, `${fault.message ?? 'invalid request from key'} ${echoedKey(key, fault.echoKey)}`);
    if (fault && 'status' in fault) return error(res, fault.status, fault.message ?? (fault.status === 429 ? 'Number of request tokens has exceeded your per-minute rate limit' : fault.status === 529 ? 'Overloaded' : 'Internal server error'), fault.headers);

    const keyText = fault && 'keyInReply' in fault ? `\n# api key: ${echoedKey(key, fault.keyInReply)}\n` : '';
    const answer = opts.answer(body) + keyText;
    const thought0 = opts.reasoning?.(body);
    const thought = thought0 && keyText ? thought0 + keyText : thought0;
    const inputTokens = tok(JSON.stringify(body.messages) + String(body.system ?? ''));
    const pieces: string[] = [];
    for (let i = 0; i < answer.length; i += size) pieces.push(answer.slice(i, i + size));
    const id = `msg_fake${index}`;

    if (!body.stream) {
      if (fault && 'malformed' in fault) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "msg_x", "content": [{"type": "text", "text": "trunc');
        return;
      }
      if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
      res.writeHead(200, { 'content-type': 'application/json', 'request-id': `req_${index}` });
      res.end(JSON.stringify({ id, type: 'message', role: 'assistant', model, content: [...(thought ? [{ type: 'thinking', thinking: thought, signature: 'sig' }] : []), { type: 'text', text: answer }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: pieces.length } }));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'request-id': `req_${index}` });
    const ev = (type: string, data: Record<string, unknown>) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    ev('message_start', { message: { id, type: 'message', role: 'assistant', content: [], model, stop_reason: null, stop_sequence: null, usage: { input_tokens: inputTokens, output_tokens: 1 } } });
    const ti = thought ? 1 : 0; // the text block's index
    if (thought) {
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } });
      for (let i = 0; i < thought.length; i += size) ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: thought.slice(i, i + size) } });
      ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig' } });
      ev('content_block_stop', { index: 0 });
    }
    ev('content_block_start', { index: ti, content_block: { type: 'text', text: '' } });
    ev('ping', {});
    if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
    for (let i = 0; i < pieces.length; i++) {
      if (fault && 'resetAfterChunks' in fault && i === fault.resetAfterChunks) { req.socket.destroy(); return; }
      if (fault && 'stallAfterChunks' in fault && i === fault.stallAfterChunks) return stall(res);
      if (fault && 'malformed' in fault && i === 1) res.write('event: content_block_delta\ndata: {"type": "content_block_delta", "index": 0, "delta": {\n\n');
      if (fault && 'streamError' in fault && i === 1) {
        res.write(`event: error\ndata: ${JSON.stringify({ type: 'error', error: { type: 'overloaded_error', message: fault.streamError + (fault.echoKey ? ` ${echoedKey(key, fault.echoKey)}` : '') } })}\n\n`);
        res.end();
        return;
      }
      ev('content_block_delta', { index: ti, delta: { type: 'text_delta', text: pieces[i] } });
    }
    ev('content_block_stop', { index: ti });
    ev('message_delta', { delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: pieces.length } });
    ev('message_stop', {});
    res.end();
  };

  return serve(handle, requests);
}

// A real HTTP server on 127.0.0.1 speaking Ollama's API: /api/chat and /api/generate, streaming as
// NDJSON (one JSON object per line, the last with done: true and the eval counts) and not, with the
// same injectable faults as the other fakes.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { echoedKey, readBody, serve, sleep, stall, tok, type Fault, type FakeServer, type RecordedRequest } from './fake-openai';

export interface FakeOllamaOptions {
  /** Known models; others get Ollama's 404 "not found, try pulling it first". */
  models: string[];
  /** When set, a bearer key is required (ollama.com, authenticating proxies). */
  apiKey?: string;
  answer(body: Record<string, unknown>): string;
  fault?(n: number, body: Record<string, unknown>): Fault | undefined;
  chunkSize?: number;
  /** Thinking text (message.thinking / thinking) sent before the answer, as thinking models do. */
  reasoning?(body: Record<string, unknown>): string | undefined;
}


export async function startFakeOllama(opts: FakeOllamaOptions): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const size = opts.chunkSize ?? 12;
  let n = 0;
  const error = (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify({ error: message }));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const text = await readBody(req);
    const path = (req.url ?? '').replace(/\?.*$/, '');
    if (req.method === 'GET' && path === '/api/tags') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ models: opts.models.map((name) => ({ name, model: name })) }));
      return;
    }
    const chat = path === '/api/chat';
    if (req.method !== 'POST' || (!chat && path !== '/api/generate')) return error(res, 404, '404 page not found');
    let body: Record<string, unknown>;
    try { body = JSON.parse(text); } catch { return error(res, 400, 'invalid character in JSON body'); }
    const auth = req.headers.authorization;
    requests.push({ path, body, authorization: auth, at: Date.now() });
    const index = n++;
    if (opts.apiKey !== undefined && auth !== `Bearer ${opts.apiKey}`) return error(res, 401, `unauthorized: ${auth ?? 'no key'}`);
    const model = String(body.model ?? '');
    if (!opts.models.includes(model)) return error(res, 404, `model "${model}" not found, try pulling it first`);

    const given = auth?.replace(/^Bearer\s+/i, '') ?? '';
    const fault = opts.fault?.(index, body);
    if (fault && 'status' in fault && 'echoKey' in fault) return error(res, fault.status, `${fault.message ?? 'unauthorized key'} ${echoedKey(given, fault.echoKey)}`);
    if (fault && 'status' in fault) return error(res, fault.status, fault.message ?? (fault.status === 429 ? 'too many requests' : 'llama runner process has terminated: exit status 2'), fault.headers);

    const keyText = fault && 'keyInReply' in fault ? `\n# api key: ${echoedKey(given, fault.keyInReply)}\n` : '';
    const answer = opts.answer(body) + keyText;
    const thought0 = opts.reasoning?.(body);
    const thought = thought0 && keyText ? thought0 + keyText : thought0;
    const promptText = chat ? JSON.stringify(body.messages) : String(body.prompt ?? '');
    const pieces: string[] = [];
    for (let i = 0; i < answer.length; i += size) pieces.push(answer.slice(i, i + size));
    const now = () => new Date().toISOString();
    const wantLp = body.logprobs === true;
    const topN = Number(body.top_logprobs ?? 0);
    const lpFor = (p: string) => (wantLp ? { logprobs: [{ token: p, logprob: -0.05, top_logprobs: [p, 'a', 'b', 'c', 'd', 'e'].slice(0, topN).map((t, i) => ({ token: t, logprob: -0.05 - i })) }] } : {});
    const piece = (p: string) => (chat ? { model, created_at: now(), message: { role: 'assistant', content: p }, done: false, ...lpFor(p) } : { model, created_at: now(), response: p, done: false, ...lpFor(p) });
    const stats = { done_reason: 'stop', total_duration: 123_000_000, load_duration: 1_000_000, prompt_eval_count: tok(promptText), prompt_eval_duration: 2_000_000, eval_count: pieces.length, eval_duration: 100_000_000 };

    if (body.stream === false) {
      if (fault && 'malformed' in fault) {
        res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
        res.end('{"model": "x", "message": {"role": "assistant", "content": "trunc');
        return;
      }
      if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
      const full = wantLp ? { logprobs: pieces.flatMap((p) => lpFor(p).logprobs ?? []) } : {};
      res.end(JSON.stringify(chat
        ? { model, created_at: now(), message: { role: 'assistant', content: answer, ...(thought ? { thinking: thought } : {}) }, done: true, ...stats, ...full }
        : { model, created_at: now(), response: answer, ...(thought ? { thinking: thought } : {}), done: true, context: [1, 2, 3], ...stats, ...full }));
      return;
    }

    // Ollama streams unless told otherwise.
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    const line = (o: unknown) => res.write(JSON.stringify(o) + '\n');
    if (fault && 'firstTokenDelayMs' in fault) await sleep(fault.firstTokenDelayMs);
    for (let i = 0; thought && i < thought.length; i += size) {
      const t = thought.slice(i, i + size);
      line(chat ? { model, created_at: now(), message: { role: 'assistant', content: '', thinking: t }, done: false } : { model, created_at: now(), response: '', thinking: t, done: false });
    }
    for (let i = 0; i < pieces.length; i++) {
      if (fault && 'resetAfterChunks' in fault && i === fault.resetAfterChunks) { req.socket.destroy(); return; }
      if (fault && 'stallAfterChunks' in fault && i === fault.stallAfterChunks) return stall(res);
      if (fault && 'malformed' in fault && i === 1) res.write('{"model": "broken", "message": {\n');
      if (fault && 'streamError' in fault && i === 1) { line({ error: fault.streamError + (fault.echoKey ? ` ${echoedKey(given, fault.echoKey)}` : '') }); res.end(); return; }
      line(piece(pieces[i]));
    }
    line(chat ? { model, created_at: now(), message: { role: 'assistant', content: '' }, done: true, ...stats } : { model, created_at: now(), response: '', done: true, context: [1, 2, 3], ...stats });
    res.end();
  };

  return serve(handle, requests);
}

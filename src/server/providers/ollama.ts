// Ollama (local or remote, host configurable) through the official `ollama` package: /api/chat by
// default, /api/generate with `api: "generate"` (set `raw: true` to continue the prompt without the
// model's template, as base models want). Streams NDJSON by default to measure time to first token.
//
// Two things the package does not do, done here through its `fetch` hook: a per-request abort signal
// (its own abort() cancels every stream of a client), and failing on a malformed NDJSON line (the
// package logs it and silently drops that piece of the reply).
import { Ollama, type ChatResponse, type GenerateResponse, type Logprob } from 'ollama';
import { stopSequencesFor } from '../extract/code';
import { estimateTokens } from '../pricing';
import { CircuitOpenError, IdleTimeoutError, type IdleTimer, kindForStatus, limiterFor, limitsFromConfig, ProviderError, redact, redactReply, retryAfterFromHeaders, withIdleTimeout } from '../limits';
import type { GenerateRequest, Generation, Provider, ProviderFactory, TokenLogprob } from '../plugins';

export interface OllamaConfig {
  /** Default http://127.0.0.1:11434 (Ollama's own default). */
  host?: string;
  api?: 'chat' | 'generate';
  stream?: boolean;
  /** generate only: no prompt template. */
  raw?: boolean;
  /** Ask for top-5 logprobs per token (Ollama ≥ 0.12.11). */
  logprobs?: boolean;
  /** Secret holding a bearer key, for ollama.com or an authenticating proxy (default OLLAMA_API_KEY, optional). */
  apiKeyEnv?: string;
  stop?: string[];
  /** Passed as keep_alive (e.g. "10m") so the model stays loaded across a run. */
  keepAlive?: string | number;
  timeoutMs?: number;
  /** A stream with no line for this long is abandoned and retried (default 120000). */
  idleTimeoutMs?: number;
}

const NAME = 'ollama';

export const ollamaProvider: ProviderFactory = {
  name: NAME,
  create(model, ctx) {
    const cfg = ctx.config as OllamaConfig & Record<string, unknown>;
    if (!model) throw new Error('ollama: no model given (use a spec like "ollama:qwen2.5-coder:7b")');
    if (cfg.api !== undefined && cfg.api !== 'chat' && cfg.api !== 'generate') throw new Error(`ollama: setting "api" must be "chat" or "generate" (got ${JSON.stringify(cfg.api)})`);
    const key = ctx.secret(cfg.apiKeyEnv ?? 'OLLAMA_API_KEY');
    if (cfg.apiKeyEnv && !key) throw new Error(`${NAME}:${model}: no API key: set ${cfg.apiKeyEnv}`);
    const host = cfg.host ?? 'http://127.0.0.1:11434';
    const limiter = limiterFor(`${NAME}|${host}|${model}`, limitsFromConfig(cfg));
    return new OllamaProvider(model, host, cfg, key, limiter);
  },
};

type Partial_ = Omit<Generation, 'completion'>;

class OllamaProvider implements Provider {
  readonly name = NAME;
  constructor(
    readonly model: string,
    private readonly host: string,
    private readonly cfg: OllamaConfig,
    private readonly key: string | undefined,
    private readonly limiter: ReturnType<typeof limiterFor>,
  ) {}

  async generate(req: GenerateRequest): Promise<Generation> {
    const api = this.cfg.api ?? 'chat';
    const options: Record<string, unknown> = {};
    const s = req.params;
    if (s.temperature !== undefined) options.temperature = s.temperature;
    if (s.topP !== undefined) options.top_p = s.topP;
    if (s.maxTokens !== undefined) options.num_predict = s.maxTokens;
    if (s.seed !== undefined) options.seed = s.seed;
    const stop = this.cfg.stop ?? (api === 'generate' ? stopSequencesFor(req.problem) : undefined);
    if (stop) options.stop = stop;
    const input = api === 'chat' ? req.messages.map((m) => m.content).join('\n') : req.problem.prompt;
    const est = estimateTokens(input) + (s.maxTokens ?? 1024);
    const stream = this.cfg.stream ?? true;
    const { value, retries } = await this.limiter.run(est, req.signal, async () => {
      // Only streams go idle between lines; a whole reply is bounded by timeoutMs.
      return withIdleTimeout(stream ? this.cfg.idleTimeoutMs ?? 120_000 : 2 ** 31 - 1, req.signal, async (signal, idle) => {
        const r = await this.once(api, { ...req, signal }, options, input, idle);
        return { value: r, tokens: (r.tokensIn ?? 0) + (r.tokensOut ?? 0) };
      });
    }, (e) => this.classify(e, req.signal));
    // The raw reply and transport facts only (extracting code is the pipeline's step, by problem kind);
    // a model can copy the key into its reply: keep it out of the store (raw, reasoning, logprobs).
    return { ...redactReply(value, [this.key]), retries, paramsSent: { options } };
  }

  /** A client for one request; `seen.headers` keeps the response headers (the package drops them, Retry-After included). */
  private client(signal: AbortSignal, stream: boolean, seen: { headers?: Headers }): Ollama {
    const timeout = this.cfg.timeoutMs ?? 600_000;
    const f: typeof fetch = async (url, init) => {
      const signals = [signal, AbortSignal.timeout(timeout), ...(init?.signal ? [init.signal] : [])];
      const res = await fetch(url, { ...init, signal: AbortSignal.any(signals) });
      seen.headers = res.headers;
      return stream && res.ok && res.body ? strictNdjson(res) : res;
    };
    return new Ollama({ host: this.host, fetch: f, headers: this.key ? { Authorization: `Bearer ${this.key}` } : undefined });
  }

  private async once(api: 'chat' | 'generate', req: GenerateRequest, options: Record<string, unknown>, input: string, idle: IdleTimer): Promise<Partial_> {
    const seen: { headers?: Headers } = {};
    try {
      return await this.attempt(api, req, options, input, seen, idle);
    } catch (e) {
      if ((e as Error)?.name === 'ResponseError') Object.assign(e as object, { headers: seen.headers });
      throw e;
    }
  }

  private async attempt(api: 'chat' | 'generate', req: GenerateRequest, options: Record<string, unknown>, input: string, seen: { headers?: Headers }, idle: IdleTimer): Promise<Partial_> {
    const stream = this.cfg.stream ?? true;
    const client = this.client(req.signal, stream, seen);
    const lp = this.cfg.logprobs ? { logprobs: true, top_logprobs: 5 } : {};
    const common = { model: this.model, options, ...(this.cfg.keepAlive !== undefined ? { keep_alive: this.cfg.keepAlive } : {}), ...lp };
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const textOf = (r: ChatResponse | GenerateResponse) => ('message' in r ? r.message?.content : r.response) ?? '';
    let last: ChatResponse | GenerateResponse | undefined;
    let raw = '';
    let reasoning = '';
    let ttft: number | undefined;
    const logprobs: TokenLogprob[] = [];
    const thinkingOf = (r: ChatResponse | GenerateResponse) => ('message' in r ? r.message?.thinking : r.thinking) ?? '';
    if (!stream) {
      last = api === 'chat'
        ? await client.chat({ ...common, messages: req.messages, stream: false })
        : await client.generate({ ...common, prompt: req.problem.prompt, raw: this.cfg.raw, stream: false });
      if (!last || typeof last !== 'object' || ('error' in last && (last as { error?: string }).error)) throw new MalformedReply(`unexpected reply ${JSON.stringify(last).slice(0, 100)}`);
      raw = textOf(last);
      reasoning = thinkingOf(last);
      logprobs.push(...mapLogprobs(last.logprobs));
    } else {
      const it = api === 'chat'
        ? await client.chat({ ...common, messages: req.messages, stream: true })
        : await client.generate({ ...common, prompt: req.problem.prompt, raw: this.cfg.raw, stream: true });
      try {
        for await (const part of it) {
          idle.reset(thinkingOf(part) + textOf(part));
          reasoning += thinkingOf(part);
          const d = textOf(part);
          if (d) {
            if (ttft === undefined) ttft = performance.now() - t0;
            raw += d;
          }
          logprobs.push(...mapLogprobs(part.logprobs));
          last = part;
        }
      } catch (e) {
        // The package turns an {"error": …} line into a plain Error, and a stream that stops
        // without a done line into another; tell them apart from transport errors.
        if (e instanceof Error && e.constructor === Error) {
          if (/did not receive done/i.test(e.message)) throw new MalformedReply('stream ended without a done line');
          throw new StreamError(e.message);
        }
        throw e;
      }
      if (!last?.done) throw new MalformedReply('stream ended without a done line');
    }
    return {
      raw,
      latencyMs: performance.now() - t0,
      ttftMs: ttft,
      tokensIn: last.prompt_eval_count ?? estimateTokens(input),
      tokensOut: last.eval_count ?? estimateTokens(raw),
      tokensEstimated: last.prompt_eval_count === undefined || last.eval_count === undefined ? true : undefined,
      finishReason: last.done_reason || undefined,
      logprobs: logprobs.length ? logprobs : undefined,
      reasoning: reasoning || undefined,
      startedAt,
      finishedAt: new Date().toISOString(),
      modelVersion: last.model || undefined,
    };
  }

  private classify(e: unknown, signal: AbortSignal): ProviderError {
    if (e instanceof ProviderError) return e;
    const clean = (s: string) => redact(s, [this.key]).replace(/\s+/g, ' ').trim();
    const mk = (kind: ProviderError['kind'], cause: string, status?: number, ra?: number) => new ProviderError(NAME, this.model, kind, clean(cause), status, ra);
    const err = e as { name?: string; message?: string; status_code?: number; error?: string; code?: string; cause?: { code?: string; message?: string }; headers?: Headers };
    if (signal.aborted) return mk('aborted', 'cancelled');
    if (e instanceof CircuitOpenError) return mk('circuit-open', e.message, undefined, e.retryInMs);
    if (e instanceof MalformedReply) return mk('malformed', `malformed reply: ${e.message}`);
    if (e instanceof StreamError) return mk('server', `error in stream: ${e.message}`);
    if (e instanceof IdleTimeoutError) return mk('timeout', `stream stalled: ${e.message}`);
    if (err?.name === 'TimeoutError') return mk('timeout', `timed out after ${this.cfg.timeoutMs ?? 600_000} ms`);
    if (err?.name === 'ResponseError' && typeof err.status_code === 'number') {
      return mk(kindForStatus(err.status_code), `${err.status_code} ${err.error ?? err.message}`, err.status_code, retryAfterFromHeaders(err.headers, Date.now(), err.status_code));
    }
    const code = err?.code ?? err?.cause?.code;
    const msg = err?.message ?? String(e);
    if (code && /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|UND_ERR)/.test(code)) {
      return mk('connection', code === 'ECONNREFUSED' ? `connection refused at ${this.host} (is \`ollama serve\` running?)` : `connection failed (${code})`);
    }
    if (/terminated|socket|fetch failed|other side closed/i.test(msg)) return mk('connection', `connection failed (${err?.cause?.message ?? msg})`);
    if (e instanceof SyntaxError || /JSON/i.test(msg)) return mk('malformed', `malformed reply: ${msg}`);
    return mk('other', msg);
  }
}

class MalformedReply extends Error {}
class StreamError extends Error {}

function mapLogprobs(lp: Logprob[] | undefined): TokenLogprob[] {
  return (lp ?? []).map((t) => ({ token: t.token, logprob: t.logprob, top: (t.top_logprobs ?? []).map((x) => ({ token: x.token, logprob: x.logprob })) }));
}

/** Passes an NDJSON body through unchanged, but errors the stream at the first line that is not JSON. */
function strictNdjson(res: Response): Response {
  const dec = new TextDecoder();
  let buf = '';
  const check = (line: string, ctl: TransformStreamDefaultController<Uint8Array>): boolean => {
    if (!line.trim()) return true;
    try { JSON.parse(line); return true; } catch { ctl.error(new MalformedReply(`invalid JSON line: ${line.slice(0, 80)}`)); return false; }
  };
  const ts = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, ctl) {
      buf += dec.decode(chunk, { stream: true });
      const lines = buf.split('\n');
      buf = lines.pop() ?? '';
      for (const l of lines) if (!check(l, ctl)) return;
      ctl.enqueue(chunk);
    },
    flush(ctl) {
      buf += dec.decode();
      check(buf, ctl);
    },
  });
  return new Response(res.body!.pipeThrough(ts), { status: res.status, statusText: res.statusText, headers: res.headers });
}

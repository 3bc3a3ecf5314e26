// Anthropic's Messages API through the official SDK. Streams by default (SSE: message_start with
// input usage, content_block_delta text, message_delta with output usage and stop reason) so time to
// first token is measured. The API has no seed and no logprobs: neither is sent nor recorded.
// The SDK's own retries are off: the shared Limiter retries (see openai.ts for why).
import type AnthropicSdk from '@anthropic-ai/sdk';
import { estimateTokens } from '../pricing';
import { CircuitOpenError, IdleTimeoutError, IdleTimer, kindForStatus, limiterFor, limitsFromConfig, ProviderError, redact, redactReply, retryAfterFromHeaders, withIdleTimeout } from '../limits';
import type { GenerateRequest, Generation, Provider, ProviderFactory } from '../plugins';

// The SDK is loaded when a Anthropic model is first used, not when the CLI or engine starts: a run that
// uses another provider (or a replay) does not pay for evaluating it (~0.1–0.25 s of CPU).
let sdk: typeof AnthropicSdk | undefined;
const Anthropic = (): typeof AnthropicSdk => (sdk ??= (require('@anthropic-ai/sdk') as { default: typeof AnthropicSdk }).default);

export interface AnthropicConfig {
  baseURL?: string;
  /** Name of the environment variable / secret holding the key (default ANTHROPIC_API_KEY). */
  apiKeyEnv?: string;
  stream?: boolean;
  /** Sent when the run sets no maxTokens (the API requires one). */
  defaultMaxTokens?: number;
  timeoutMs?: number;
  /** A stream with no event for this long is abandoned and retried (default 120000). */
  idleTimeoutMs?: number;
}

const NAME = 'anthropic';

export const anthropicProvider: ProviderFactory = {
  name: NAME,
  create(model, ctx) {
    const cfg = ctx.config as AnthropicConfig & Record<string, unknown>;
    if (!model) throw new Error('anthropic: no model given (use a spec like "anthropic:claude-sonnet-4-5")');
    if (cfg.baseURL !== undefined && typeof cfg.baseURL !== 'string') throw new Error('anthropic: setting "baseURL" must be a string');
    const keyName = cfg.apiKeyEnv ?? 'ANTHROPIC_API_KEY';
    const key = ctx.secret(keyName);
    if (!key) throw new Error(`${NAME}:${model}: no API key: set ${keyName}`);
    const client = new (Anthropic())({ apiKey: key, baseURL: cfg.baseURL, maxRetries: 0, timeout: cfg.timeoutMs ?? 600_000, logLevel: 'off' });
    const limiter = limiterFor(`${NAME}|${cfg.baseURL ?? 'api.anthropic.com'}|${model}`, limitsFromConfig(cfg));
    return new AnthropicProvider(model, client, cfg, key, limiter);
  },
};

type Partial_ = Omit<Generation, 'completion'>;

class AnthropicProvider implements Provider {
  readonly name = NAME;
  constructor(
    readonly model: string,
    private readonly client: AnthropicSdk,
    private readonly cfg: AnthropicConfig,
    private readonly key: string,
    private readonly limiter: ReturnType<typeof limiterFor>,
  ) {}

  async generate(req: GenerateRequest): Promise<Generation> {
    const system = req.messages.filter((m) => m.role === 'system').map((m) => m.content).join('\n\n');
    const messages = req.messages.filter((m) => m.role !== 'system').map((m) => ({ role: m.role as 'user' | 'assistant', content: m.content }));
    const params: Record<string, unknown> = { max_tokens: req.params.maxTokens ?? this.cfg.defaultMaxTokens ?? 2048 };
    if (req.params.temperature !== undefined) params.temperature = req.params.temperature;
    if (req.params.topP !== undefined) params.top_p = req.params.topP;
    const body = { model: this.model, messages, ...(system ? { system } : {}), ...params } as AnthropicSdk.MessageCreateParamsNonStreaming;
    const input = req.messages.map((m) => m.content).join('\n');
    const est = estimateTokens(input) + (params.max_tokens as number);
    const { value, retries } = await this.limiter.run(est, req.signal, async () => {
      const stream = this.cfg.stream ?? true;
      // Only streams go idle between events; a whole reply is bounded by timeoutMs.
      return withIdleTimeout(stream ? this.cfg.idleTimeoutMs ?? 120_000 : 2 ** 31 - 1, req.signal, async (signal, idle) => {
        const r = stream ? await this.streamed(body, signal, idle) : await this.whole(body, signal);
        return { value: r, tokens: (r.tokensIn ?? 0) + (r.tokensOut ?? 0) };
      });
    }, (e) => this.classify(e, req.signal));
    // The raw reply and transport facts only (extracting code is the pipeline's step, by problem kind);
    // a model can copy the key into its reply: keep it out of the store (raw, reasoning, logprobs).
    return { ...redactReply(value, [this.key]), retries, paramsSent: params };
  }

  private async whole(body: AnthropicSdk.MessageCreateParamsNonStreaming, signal: AbortSignal): Promise<Partial_> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const r = await this.client.messages.create(body, { signal });
    if (!Array.isArray(r.content)) throw new MalformedReply('reply has no content array');
    const raw = r.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
    const reasoning = r.content.map((b) => (b.type === 'thinking' ? b.thinking : '')).join('');
    return {
      raw, latencyMs: performance.now() - t0, ttftMs: undefined,
      tokensIn: r.usage?.input_tokens, tokensOut: r.usage?.output_tokens, tokensEstimated: r.usage ? undefined : true,
      finishReason: r.stop_reason ?? undefined, reasoning: reasoning || undefined, startedAt, finishedAt: new Date().toISOString(),
      modelVersion: r.model || undefined,
    };
  }

  private async streamed(body: AnthropicSdk.MessageCreateParamsNonStreaming, signal: AbortSignal, idle: IdleTimer): Promise<Partial_> {
    const startedAt = new Date().toISOString();
    const t0 = performance.now();
    const s = await this.client.messages.create({ ...body, stream: true }, { signal });
    let raw = '';
    let reasoning = '';
    let ttft: number | undefined;
    let tokensIn: number | undefined;
    let tokensOut: number | undefined;
    let finish: string | undefined;
    let stopped = false;
    let version: string | undefined;
    // An idle timeout ends this loop quietly (the SDK swallows the abort): withIdleTimeout then
    // fails the attempt, so the text so far is never taken for the reply.
    for await (const ev of s) {
      idle.reset(ev.type === 'content_block_delta' ? (ev.delta.type === 'text_delta' ? ev.delta.text : ev.delta.type === 'thinking_delta' ? ev.delta.thinking : '') : '');
      switch (ev.type) {
        case 'message_start':
          version = ev.message.model || undefined;
          tokensIn = ev.message.usage?.input_tokens;
          tokensOut = ev.message.usage?.output_tokens;
          break;
        case 'content_block_delta':
          if (ev.delta.type === 'text_delta') {
            if (ttft === undefined && ev.delta.text) ttft = performance.now() - t0;
            raw += ev.delta.text;
          } else if (ev.delta.type === 'thinking_delta') {
            reasoning += ev.delta.thinking;
          }
          break;
        case 'message_delta':
          if (ev.usage?.output_tokens != null) tokensOut = ev.usage.output_tokens;
          if (ev.usage?.input_tokens != null) tokensIn = ev.usage.input_tokens;
          if (ev.delta.stop_reason) finish = ev.delta.stop_reason;
          break;
        case 'message_stop':
          stopped = true;
          break;
      }
    }
    // Without message_stop the stream was cut short: the text may be partial.
    if (!stopped) throw new MalformedReply('stream ended before message_stop');
    return {
      raw, latencyMs: performance.now() - t0, ttftMs: ttft,
      tokensIn: tokensIn ?? estimateTokens(JSON.stringify(body.messages)), tokensOut: tokensOut ?? estimateTokens(raw),
      tokensEstimated: tokensIn === undefined || tokensOut === undefined ? true : undefined,
      finishReason: finish, reasoning: reasoning || undefined, startedAt, finishedAt: new Date().toISOString(),
      modelVersion: version,
    };
  }

  private classify(e: unknown, signal: AbortSignal): ProviderError {
    if (e instanceof ProviderError) return e;
    const clean = (s: string) => redact(s, [this.key]).replace(/\s+/g, ' ').trim();
    const mk = (kind: ProviderError['kind'], cause: string, status?: number, ra?: number) => new ProviderError(NAME, this.model, kind, clean(cause), status, ra);
    if (signal.aborted || e instanceof Anthropic().APIUserAbortError || (e as Error)?.name === 'AbortError') return mk('aborted', 'cancelled');
    if (e instanceof CircuitOpenError) return mk('circuit-open', e.message, undefined, e.retryInMs);
    if (e instanceof MalformedReply) return mk('malformed', `malformed reply: ${e.message}`);
    if (e instanceof IdleTimeoutError) return mk('timeout', `stream stalled: ${e.message}`);
    if (e instanceof Anthropic().APIConnectionTimeoutError) return mk('timeout', `timed out after ${this.cfg.timeoutMs ?? 600_000} ms`);
    if (e instanceof Anthropic().APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string; cause?: { code?: string } } }).cause;
      const code = cause?.code ?? cause?.cause?.code;
      return mk('connection', `connection failed${code ? ` (${code})` : cause?.message ? ` (${cause.message})` : ''}`);
    }
    if (e instanceof Anthropic().APIError) {
      // Anthropic's body is {type: "error", error: {type, message}}: show the message, not the JSON.
      const detail = e.apiMessage ?? e.message.replace(/^\d+\s+/, '');
      if (typeof e.status === 'number') {
        const ra = retryAfterFromHeaders(e.headers, Date.now(), e.status);
        return mk(kindForStatus(e.status), `${e.status} ${detail}`, e.status, ra);
      }
      // An `event: error` inside a 200 stream (overloaded_error, api_error).
      return mk('server', `error in stream: ${detail}`);
    }
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
    if (code && /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|UND_ERR)/.test(code)) return mk('connection', `connection failed (${code})`);
    if (/terminated|socket|ECONNRESET|other side closed/i.test(msg)) return mk('connection', `connection failed mid-stream (${msg})`);
    if (e instanceof SyntaxError || /JSON/i.test(msg)) return mk('malformed', `malformed reply: ${msg}`);
    return mk('other', msg);
  }
}

class MalformedReply extends Error {}

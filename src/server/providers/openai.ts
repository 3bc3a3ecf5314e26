// OpenAI (and every server speaking its API: vLLM, llama.cpp server, LM Studio, TGI, Gemini's
// OpenAI endpoint) through the official SDK. Chat completions by default, legacy completions with
// `api: "completions"`. Streams by default so time to first token is measured.
// The SDK's own retries are off: the shared Limiter retries, so `retries` counts every attempt and
// rate limits hold across all samples of a model.
import type OpenAISdk from 'openai';
import { stopSequencesFor } from '../extract/code';
import { estimateTokens } from '../pricing';
import { CircuitOpenError, IdleTimeoutError, IdleTimer, kindForStatus, limiterFor, limitsFromConfig, ProviderError, redact, redactReply, retryAfterFromHeaders, withIdleTimeout } from '../limits';
import type { Generation, GenerateRequest, Provider, ProviderFactory, TokenLogprob } from '../plugins';
import { presetFor } from './presets';

// The SDK is loaded when a OpenAI model is first used, not when the CLI or engine starts: a run that
// uses another provider (or a replay) does not pay for evaluating it (~0.1–0.25 s of CPU).
let sdk: typeof OpenAISdk | undefined;
const OpenAI = (): typeof OpenAISdk => (sdk ??= (require('openai') as { default: typeof OpenAISdk }).default);

export interface OpenAIConfig {
  baseURL?: string;
  /** Name of the environment variable / secret holding the key (default OPENAI_API_KEY). */
  apiKeyEnv?: string;
  api?: 'chat' | 'completions';
  stream?: boolean;
  /** Ask for top-5 logprobs per token (not every model/server accepts it). */
  logprobs?: boolean;
  /** Send max_completion_tokens instead of max_tokens (OpenAI's reasoning models need it; also switched to automatically when the API asks). */
  maxCompletionTokens?: boolean;
  /** Stop sequences; for `api: "completions"` HumanEval's usual ones are the default. */
  stop?: string[];
  timeoutMs?: number;
  /** A stream with no data for this long is abandoned and retried (default 120000). */
  idleTimeoutMs?: number;
  /** A named preset (gemini, vllm, llamacpp, lmstudio, tgi) supplying baseURL/apiKeyEnv defaults. */
  preset?: string;
  /** Fail before calling when no key is set, even with a baseURL (hosted services). */
  requireKey?: boolean;
}

const NAME = 'openai';

function readConfig(raw: Record<string, unknown>): OpenAIConfig & Record<string, unknown> {
  const preset = typeof raw.preset === 'string' ? presetFor(raw.preset) : undefined;
  const c = { ...(preset?.config ?? {}), ...raw } as OpenAIConfig & Record<string, unknown>;
  if (c.api !== undefined && c.api !== 'chat' && c.api !== 'completions') throw new Error(`openai: setting "api" must be "chat" or "completions" (got ${JSON.stringify(c.api)})`);
  if (c.baseURL !== undefined && typeof c.baseURL !== 'string') throw new Error('openai: setting "baseURL" must be a string');
  return c;
}


export const openaiProvider: ProviderFactory = {
  name: NAME,
  create(model, ctx) {
    const cfg = readConfig(ctx.config);
    if (!model) throw new Error('openai: no model given (use a spec like "openai:gpt-4o-mini")');
    const keyName = cfg.apiKeyEnv ?? 'OPENAI_API_KEY';
    const key = ctx.secret(keyName);
    // Local servers (vLLM, llama.cpp, LM Studio) accept any key; api.openai.com does not.
    const name = typeof cfg.providerName === 'string' ? cfg.providerName : NAME;
    if (!key && (cfg.requireKey || !cfg.baseURL)) throw new Error(`${name}:${model}: no API key: set ${keyName}${cfg.baseURL ? '' : ' (or a baseURL for a local server)'}`);
    const client = new (OpenAI())({
      apiKey: key ?? 'no-key',
      baseURL: cfg.baseURL,
      maxRetries: 0,
      timeout: cfg.timeoutMs ?? 600_000,
      // The SDK would print unparsable SSE events (reply text) to the console; failures reach the
      // sample's cause instead.
      logLevel: 'off',
    });
    const limiter = limiterFor(`${NAME}|${cfg.baseURL ?? 'api.openai.com'}|${model}`, limitsFromConfig(cfg));
    return new OpenAIProvider(name, model, client, cfg, key, limiter);
  },
};

class OpenAIProvider implements Provider {
  private maxCompletion: boolean;
  constructor(
    readonly name: string,
    readonly model: string,
    private readonly client: OpenAISdk,
    private readonly cfg: OpenAIConfig,
    private readonly key: string | undefined,
    private readonly limiter: ReturnType<typeof limiterFor>,
  ) {
    this.maxCompletion = cfg.maxCompletionTokens ?? false;
  }

  async generate(req: GenerateRequest): Promise<Generation> {
    const api = this.cfg.api ?? 'chat';
    const stream = this.cfg.stream ?? true;
    let params = this.paramsFor(req);
    const inputText = api === 'chat' ? req.messages.map((m) => m.content).join('\n') : req.problem.prompt;
    const est = estimateTokens(inputText) + (req.params.maxTokens ?? 1024);
    const { value, retries } = await this.limiter.run(est, req.signal, async () => {
      // Only streams go idle between chunks; a whole reply is bounded by timeoutMs.
      return withIdleTimeout(stream ? this.cfg.idleTimeoutMs ?? 120_000 : 2 ** 31 - 1, req.signal, async (signal, idle) => {
        const sub = { ...req, signal };
        const call = () => (api === 'chat' ? this.chat(sub, params, stream, idle) : this.completions(sub, params, stream, idle));
        let r;
        try {
          r = await call();
        } catch (e) {
          // Newer OpenAI models refuse max_tokens and name its replacement: switch once for this
          // model (same meaning; paramsSent shows what went out).
          if (!(e instanceof OpenAI().BadRequestError && e.param === 'max_tokens' && /max_completion_tokens/.test(e.message))) throw e;
          this.maxCompletion = true;
          params = this.paramsFor(req);
          r = await call();
        }
        return { value: r, tokens: (r.tokensIn ?? 0) + (r.tokensOut ?? 0) };
      });
    }, (e) => this.classify(e, req.signal));
    // The raw reply and transport facts only (extracting code is the pipeline's step, by problem kind);
    // a model can copy the key into its reply: keep it out of the store (raw, reasoning, logprobs).
    return { ...redactReply(value, [this.key]), retries, paramsSent: params };
  }

  private paramsFor(req: GenerateRequest): Record<string, unknown> {
    const p: Record<string, unknown> = {};
    const s = req.params;
    if (s.temperature !== undefined) p.temperature = s.temperature;
    if (s.topP !== undefined) p.top_p = s.topP;
    if (s.maxTokens !== undefined) p[this.maxCompletion ? 'max_completion_tokens' : 'max_tokens'] = s.maxTokens;
    if (s.seed !== undefined) p.seed = s.seed;
    const stop = this.cfg.stop ?? ((this.cfg.api ?? 'chat') === 'completions' ? stopSequencesFor(req.problem) : undefined);
    if (stop) p.stop = stop;
    return p;
  }

  private async chat(req: GenerateRequest, params: Record<string, unknown>, stream: boolean, idle: IdleTimer): Promise<Omit<Generation, 'completion'>> {
    const started = new Date();
    const t0 = performance.now();
    const lp = this.cfg.logprobs ? { logprobs: true, top_logprobs: 5 } : {};
    const base = { model: this.model, messages: req.messages, ...params, ...lp } as OpenAISdk.Chat.ChatCompletionCreateParamsNonStreaming;
    if (!stream) {
      const r = await this.client.chat.completions.create(base, { signal: req.signal });
      const choice = r.choices?.[0];
      if (!choice) throw new MalformedReply('reply has no choices');
      const raw = choice.message?.content ?? '';
      const t1 = performance.now();
      const g = this.result(raw, req, started, t1 - t0, undefined, r.usage, choice.finish_reason ?? undefined, mapLogprobs(choice.logprobs?.content));
      return { ...g, reasoning: reasoningOf(choice.message), modelVersion: r.model || undefined };
    }
    const s = await this.client.chat.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal: req.signal });
    let raw = '';
    let reasoning = '';
    let ttft: number | undefined;
    let usage: OpenAISdk.CompletionUsage | undefined;
    let finish: string | undefined;
    let version: string | undefined;
    const logprobs: TokenLogprob[] = [];
    // An idle timeout ends this loop quietly (the SDK swallows the abort): withIdleTimeout then
    // fails the attempt, so the text so far is never taken for the reply.
    for await (const chunk of s) {
      const c = chunk.choices?.[0];
      const r = reasoningOf(c?.delta) ?? '';
      const d = c?.delta?.content;
      idle.reset(r + (d ?? ''));
      if (chunk.usage) usage = chunk.usage;
      if (chunk.model) version = chunk.model;
      if (!c) continue;
      reasoning += r;
      if (d) {
        if (ttft === undefined) ttft = performance.now() - t0;
        raw += d;
      }
      if (c.logprobs?.content) logprobs.push(...(mapLogprobs(c.logprobs.content) ?? []));
      if (c.finish_reason) finish = c.finish_reason;
    }
    if (finish === undefined && !raw) throw new MalformedReply('stream ended without content or finish_reason');
    const g = this.result(raw, req, started, performance.now() - t0, ttft, usage, finish, logprobs.length ? logprobs : undefined);
    return { ...g, reasoning: reasoning || undefined, modelVersion: version };
  }

  private async completions(req: GenerateRequest, params: Record<string, unknown>, stream: boolean, idle: IdleTimer): Promise<Omit<Generation, 'completion'>> {
    const started = new Date();
    const t0 = performance.now();
    const lp = this.cfg.logprobs ? { logprobs: 5 } : {};
    const base = { model: this.model, prompt: req.problem.prompt, ...params, ...lp } as OpenAISdk.CompletionCreateParamsNonStreaming;
    if (!stream) {
      const r = await this.client.completions.create(base, { signal: req.signal });
      const choice = r.choices?.[0];
      if (!choice) throw new MalformedReply('reply has no choices');
      return { ...this.result(choice.text ?? '', req, started, performance.now() - t0, undefined, r.usage, choice.finish_reason ?? undefined, mapLegacyLogprobs(choice.logprobs)), modelVersion: r.model || undefined };
    }
    const s = await this.client.completions.create({ ...base, stream: true, stream_options: { include_usage: true } }, { signal: req.signal });
    let raw = '';
    let ttft: number | undefined;
    let usage: OpenAISdk.CompletionUsage | undefined;
    let finish: string | undefined;
    let version: string | undefined;
    const logprobs: TokenLogprob[] = [];
    for await (const chunk of s) {
      const c = chunk.choices?.[0];
      idle.reset(c?.text);
      if (chunk.usage) usage = chunk.usage;
      if (chunk.model) version = chunk.model;
      if (!c) continue;
      if (c.text) {
        if (ttft === undefined) ttft = performance.now() - t0;
        raw += c.text;
      }
      logprobs.push(...(mapLegacyLogprobs(c.logprobs) ?? []));
      if (c.finish_reason) finish = c.finish_reason;
    }
    return { ...this.result(raw, req, started, performance.now() - t0, ttft, usage, finish, logprobs.length ? logprobs : undefined), modelVersion: version };
  }

  private result(raw: string, req: GenerateRequest, started: Date, latencyMs: number, ttftMs: number | undefined, usage: OpenAISdk.CompletionUsage | undefined | null, finishReason: string | undefined, logprobs: TokenLogprob[] | undefined): Omit<Generation, 'completion'> {
    const estimated = !usage;
    const input = (this.cfg.api ?? 'chat') === 'chat' ? req.messages.map((m) => m.content).join('\n') : req.problem.prompt;
    return {
      raw,
      tokensIn: usage?.prompt_tokens ?? estimateTokens(input),
      tokensOut: usage?.completion_tokens ?? (raw ? estimateTokens(raw) : 0),
      tokensEstimated: estimated || undefined,
      ttftMs,
      latencyMs,
      finishReason,
      logprobs,
      startedAt: started.toISOString(),
      finishedAt: new Date().toISOString(),
    };
  }

  /** One line naming provider, model and cause; the key never appears. */
  private classify(e: unknown, signal: AbortSignal): ProviderError {
    if (e instanceof ProviderError) return e;
    const clean = (s: string) => redact(s, [this.key]).replace(/\s+/g, ' ').trim();
    const mk = (kind: ConstructorParameters<typeof ProviderError>[2], cause: string, status?: number, ra?: number) =>
      new ProviderError(this.name, this.model, kind, clean(cause), status, ra);
    if (signal.aborted || e instanceof OpenAI().APIUserAbortError || (e as Error)?.name === 'AbortError') return mk('aborted', 'cancelled');
    if (e instanceof CircuitOpenError) return mk('circuit-open', e.message, undefined, e.retryInMs);
    if (e instanceof MalformedReply) return mk('malformed', `malformed reply: ${e.message}`);
    if (e instanceof IdleTimeoutError) return mk('timeout', `stream stalled: ${e.message}`);
    if (e instanceof OpenAI().APIConnectionTimeoutError) return mk('timeout', `timed out after ${this.cfg.timeoutMs ?? 600_000} ms`);
    if (e instanceof OpenAI().APIConnectionError) {
      const cause = (e as { cause?: { code?: string; message?: string; cause?: { code?: string } } }).cause;
      const code = cause?.code ?? cause?.cause?.code;
      return mk('connection', `connection failed${code ? ` (${code})` : cause?.message ? ` (${cause.message})` : ''}`);
    }
    if (e instanceof OpenAI().APIError && typeof e.status === 'number') {
      const ra = retryAfterFromHeaders(e.headers, Date.now(), e.status);
      return mk(kindForStatus(e.status), e.message, e.status, ra);
    }
    // An error event inside a 200 stream (vLLM and others report overload this way).
    if (e instanceof OpenAI().APIError) return mk('server', `error in stream: ${e.message}`);
    // A stream that breaks mid-way, or a body that is not JSON, surfaces as a plain error.
    const msg = e instanceof Error ? e.message : String(e);
    const code = (e as { code?: string })?.code ?? (e as { cause?: { code?: string } })?.cause?.code;
    if (code && /^(ECONNRESET|EPIPE|ECONNREFUSED|ETIMEDOUT|UND_ERR_SOCKET|UND_ERR_)/.test(code)) return mk('connection', `connection failed (${code})`);
    if (/terminated|socket|ECONNRESET|other side closed/i.test(msg)) return mk('connection', `connection failed mid-stream (${msg})`);
    if (e instanceof SyntaxError || /JSON/i.test(msg)) return mk('malformed', `malformed reply: ${msg}`);
    return mk('other', msg);
  }
}

class MalformedReply extends Error {}

/** Reasoning text as OpenAI-compatible servers send it: DeepSeek and older vLLM `reasoning_content`, newer vLLM `reasoning`. */
function reasoningOf(m: unknown): string | undefined {
  const o = m as { reasoning_content?: unknown; reasoning?: unknown } | null | undefined;
  const r = o?.reasoning_content ?? o?.reasoning;
  return typeof r === 'string' && r ? r : undefined;
}

function mapLogprobs(content: OpenAISdk.Chat.ChatCompletionTokenLogprob[] | null | undefined): TokenLogprob[] | undefined {
  if (!content?.length) return undefined;
  return content.map((t) => ({ token: t.token, logprob: t.logprob, top: (t.top_logprobs ?? []).map((x) => ({ token: x.token, logprob: x.logprob })) }));
}

function mapLegacyLogprobs(lp: OpenAISdk.Completions.CompletionChoice.Logprobs | null | undefined): TokenLogprob[] | undefined {
  if (!lp?.tokens?.length) return undefined;
  return lp.tokens.map((token, i) => ({
    token,
    logprob: lp.token_logprobs?.[i] ?? NaN,
    top: Object.entries(lp.top_logprobs?.[i] ?? {}).map(([t, l]) => ({ token: t, logprob: l })).sort((a, b) => b.logprob - a.logprob),
  }));
}

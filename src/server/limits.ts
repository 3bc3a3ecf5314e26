// Rate limits, retries and a circuit breaker for providers. Pure logic over an injectable clock so
// every rule (full jitter, Retry-After, bucket refill, breaker probe) is unit-tested without waiting.
// One Limiter per provider+model+endpoint is shared by all samples of a process (limiterFor).

export interface Clock {
  now(): number;
  /** Resolves after ms; rejects with the signal's reason if aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => performance.now(),
  sleep: (ms, signal) => new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(abortReason(signal));
    const t = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, Math.max(0, ms));
    const onAbort = () => { clearTimeout(t); reject(abortReason(signal!)); };
    signal?.addEventListener('abort', onAbort, { once: true });
  }),
};

function abortReason(signal: AbortSignal): Error {
  const r = signal.reason;
  if (r instanceof Error) return r;
  const e = new Error(typeof r === 'string' ? r : 'aborted');
  e.name = 'AbortError';
  return e;
}

// ---------- idle timeout ----------

export class IdleTimeoutError extends Error {
  constructor(readonly ms: number, readonly chunks = 0, readonly chars = 0) {
    super(`no data for ${ms} ms${chunks ? ` after ${chunks} chunk${chunks === 1 ? '' : 's'} (${chars} character${chars === 1 ? '' : 's'}) of output` : ''}`);
    this.name = 'IdleTimeoutError';
  }
}

/**
 * Aborts its signal when reset() has not been called for `ms`: a stream that stalls after its
 * headers (which SDK timeouts no longer cover) fails as a timeout instead of hanging.
 */
export class IdleTimer {
  private readonly ac = new AbortController();
  private t: ReturnType<typeof setTimeout> | undefined;
  fired = false;
  /** Pieces of output (answer or reasoning text) received so far, and their length: how far a stalled stream got. */
  chunks = 0;
  chars = 0;
  constructor(readonly ms: number) { this.reset(); }
  get signal(): AbortSignal { return this.ac.signal; }
  /** Data arrived; `output` is the text it carried, if any. */
  reset(output?: string): void {
    if (output) { this.chunks++; this.chars += output.length; }
    clearTimeout(this.t);
    this.arm(this.ms, this.ms);
  }
  /**
   * A timer that fires late means our own event loop was blocked (a busy engine, a slow fsync), not
   * that the stream went quiet: timers run before I/O in a loop turn, so data that arrived meanwhile
   * is still unread. Then look again shortly, after it has been read (extending the wait by at most
   * `ms` in all); only a timer that fires on time ends the stream.
   */
  private arm(delay: number, spare: number): void {
    const due = performance.now() + delay;
    this.t = setTimeout(() => {
      const late = performance.now() - due;
      if (late > IdleTimer.LATE_MS && spare > 0) return this.arm(Math.min(spare, IdleTimer.LATE_MS), spare - Math.min(spare, IdleTimer.LATE_MS) - late);
      this.fired = true;
      this.ac.abort(this.error());
    }, delay);
    this.t.unref?.();
  }
  static readonly LATE_MS = 25;
  stop(): void { clearTimeout(this.t); }
  error(): IdleTimeoutError { return new IdleTimeoutError(this.ms, this.chunks, this.chars); }
}

/**
 * Runs one attempt under an idle timer: `fn` gets a signal that aborts on the caller's cancel or
 * when the timer fires (call `idle.reset(text)` on each chunk). A stall becomes a retryable
 * IdleTimeoutError, also when `fn` returns: the OpenAI and Anthropic SDKs end a stream quietly when
 * its signal aborts, and what had arrived by then is a fragment, not the reply. The caller's own
 * cancel stays what it is.
 */
export async function withIdleTimeout<T>(ms: number, outer: AbortSignal, fn: (signal: AbortSignal, idle: IdleTimer) => Promise<T>): Promise<T> {
  const idle = new IdleTimer(ms);
  try {
    const r = await fn(AbortSignal.any([outer, idle.signal]), idle);
    if (idle.fired && !outer.aborted) throw idle.error();
    return r;
  } catch (e) {
    if (idle.fired && !outer.aborted) throw idle.error();
    throw e;
  } finally {
    idle.stop();
  }
}

// ---------- errors ----------

export type FailureKind =
  | 'auth' | 'permission' | 'not-found' | 'bad-request' | 'rate-limit' | 'server'
  | 'connection' | 'timeout' | 'malformed' | 'aborted' | 'circuit-open' | 'other';

/**
 * A provider failure with a one-line cause that names provider and model, keys redacted.
 * `attempts` is how many requests were sent for this call (0 when none was: an open breaker, a
 * cancel while waiting), `retries` how many of them were re-sends (attempts − 1, at least 0).
 */
export class ProviderError extends Error {
  retries = 0;
  attempts = 0;
  constructor(
    readonly provider: string,
    readonly model: string,
    readonly kind: FailureKind,
    cause: string,
    readonly status?: number,
    /** Server-requested delay (Retry-After and friends), ms. */
    readonly retryAfterMs?: number,
  ) {
    super(`${provider}:${model}: ${cause}`);
    this.name = 'ProviderError';
  }
  get retryable(): boolean {
    return ['rate-limit', 'server', 'connection', 'timeout', 'malformed', 'circuit-open'].includes(this.kind);
  }
}

export function kindForStatus(status: number): FailureKind {
  if (status === 401) return 'auth';
  if (status === 403) return 'permission';
  if (status === 404) return 'not-found';
  if (status === 408) return 'timeout';
  if (status === 429) return 'rate-limit';
  if (status >= 500) return 'server';
  if (status === 409) return 'server'; // OpenAI: "lock timeout", documented as retryable
  return status >= 400 ? 'bad-request' : 'other';
}

/** The shortest piece of a secret that is redacted on its own. */
export const MIN_SECRET_PIECE = 12;

/**
 * Replaces every piece of a secret at least MIN_SECRET_PIECE characters long (the whole secret if
 * shorter) with [REDACTED]: a key echoed without its sk-/sk-ant-/sk-proj- prefix, or only its tail,
 * is found by its distinctive part. Secrets shorter than `minSecret` are ignored (placeholders such
 * as "EMPTY" that servers without auth are given are no secret and may be in a reply).
 */
export function redactSecrets(text: string, secrets: (string | undefined)[], minSecret = 4): string {
  const marks = secretMarks(text, secrets, minSecret);
  if (!marks) return text;
  let out = '';
  for (let i = 0; i < text.length;) {
    const j = marks.indexOf(marks[i] ? 0 : 1, i);
    const end = j < 0 ? text.length : j;
    out += marks[i] ? '[REDACTED]' : text.slice(i, end);
    i = end;
  }
  return out;
}

/** Per character of `text`, 1 where it is part of a piece of a secret (see redactSecrets); undefined when none is. */
function secretMarks(text: string, secrets: (string | undefined)[], minSecret: number): Uint8Array | undefined {
  let marks: Uint8Array | undefined;
  for (const s of secrets) {
    if (!s || s.length < minSecret) continue;
    const n = Math.min(MIN_SECRET_PIECE, s.length);
    if (text.length < n) continue;
    const pieces = new Set<string>();
    for (let i = 0; i + n <= s.length; i++) pieces.add(s.slice(i, i + n));
    for (let i = 0; i + n <= text.length; i++) {
      if (pieces.has(text.slice(i, i + n))) (marks ??= new Uint8Array(text.length)).fill(1, i, i + n);
    }
  }
  return marks;
}

interface ReplyText { raw: string; reasoning?: string; logprobs?: { token: string; logprob: number; top: { token: string; logprob: number }[] }[] }

/**
 * A model can copy the key into its reply (from the prompt, a log it was shown): redacts it from the
 * raw text and reasoning, and from the logprobs, whose tokens spell the text out again (a token
 * overlapping the key becomes [REDACTED], without alternatives). Placeholder keys shorter than 8
 * characters ("EMPTY", "none") are left alone.
 */
export function redactReply<T extends ReplyText>(g: T, secrets: (string | undefined)[]): T {
  const out = { ...g, raw: redactSecrets(g.raw, secrets, 8) };
  if (g.reasoning) out.reasoning = redactSecrets(g.reasoning, secrets, 8);
  if (g.logprobs?.length) {
    const marks = secretMarks(g.logprobs.map((t) => t.token).join(''), secrets, 8);
    if (marks) {
      let pos = 0;
      out.logprobs = g.logprobs.map((t) => {
        const start = pos;
        pos += t.token.length;
        return marks.subarray(start, pos).includes(1) ? { token: '[REDACTED]', logprob: t.logprob, top: [] } : t;
      });
    }
  }
  return out;
}

/** Replaces secrets (see redactSecrets) and anything shaped like an API key in text that may reach a log or the UI. */
export function redact(text: string, secrets: (string | undefined)[] = []): string {
  return redactSecrets(text, secrets)
    .replace(/\b(sk|sk-ant|sk-proj|pk|rk)-[A-Za-z0-9_*\-]{6,}/g, '$1-[REDACTED]')
    .replace(/\bAIza[0-9A-Za-z_\-]{20,}/g, '[REDACTED]')
    .replace(/(Bearer\s+)[^\s"']+/gi, '$1[REDACTED]');
}

// ---------- backoff ----------

export interface RetryPolicy {
  /** Total attempts including the first. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the sample fails with the cause. */
  maxRetryAfterMs: number;
  /**
   * A call refused by an open breaker waits (using no attempt) for it to half-open while the
   * breaker has been failing for less than this; past it, refused calls fail at once (circuit-open).
   */
  maxBreakerWaitMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 500, maxDelayMs: 30_000, maxRetryAfterMs: 120_000, maxBreakerWaitMs: 120_000 };

/** "Full jitter" (AWS architecture blog): uniform in [0, min(cap, base·2^retry)). */
export function backoffMs(retry: number, p: Pick<RetryPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number = Math.random): number {
  const ceiling = Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** retry);
  return Math.floor(random() * ceiling);
}

type HeaderBag = { get(name: string): string | null } | Record<string, string | string[] | undefined> | undefined | null;

function header(h: HeaderBag, name: string): string | undefined {
  if (!h) return undefined;
  if (typeof (h as { get?: unknown }).get === 'function') return (h as { get(n: string): string | null }).get(name) ?? undefined;
  const rec = h as Record<string, string | string[] | undefined>;
  const key = Object.keys(rec).find((k) => k.toLowerCase() === name);
  const v = key === undefined ? undefined : rec[key];
  return Array.isArray(v) ? v[0] : v;
}

/** Durations like OpenAI's x-ratelimit-reset-*: "1s", "6m0s", "20ms", "1h2m3.5s". */
export function parseDuration(s: string): number | undefined {
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let total = 0, matched = '';
  for (let m; (m = re.exec(s));) {
    total += parseFloat(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms']!;
    matched += m[0];
  }
  return matched && matched === s.trim() ? total : undefined;
}

/**
 * How long the server asked us to wait, from (in order) retry-after-ms, Retry-After (seconds or an
 * HTTP date), and on a 429 the rate-limit reset headers of OpenAI and Anthropic.
 */
export function retryAfterFromHeaders(h: HeaderBag, nowEpochMs = Date.now(), status?: number): number | undefined {
  const ms = header(h, 'retry-after-ms');
  if (ms && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(parseFloat(ms));
  const ra = header(h, 'retry-after');
  if (ra) {
    if (/^\d+(\.\d+)?$/.test(ra.trim())) return Math.ceil(parseFloat(ra) * 1000);
    const t = Date.parse(ra);
    if (!Number.isNaN(t)) return Math.max(0, t - nowEpochMs);
  }
  if (status !== 429) return undefined;
  const waits: number[] = [];
  for (const n of ['x-ratelimit-reset-requests', 'x-ratelimit-reset-tokens']) {
    const v = header(h, n);
    const d = v ? parseDuration(v) : undefined;
    if (d !== undefined) waits.push(d);
  }
  for (const n of ['anthropic-ratelimit-requests-reset', 'anthropic-ratelimit-tokens-reset', 'anthropic-ratelimit-input-tokens-reset', 'anthropic-ratelimit-output-tokens-reset']) {
    const v = header(h, n);
    const t = v ? Date.parse(v) : NaN;
    if (!Number.isNaN(t)) waits.push(Math.max(0, t - nowEpochMs));
  }
  return waits.length ? Math.max(...waits) : undefined;
}

// ---------- token bucket ----------

/**
 * Tokens refill continuously at ratePerMin/60 per second up to `capacity`. Takers are served in
 * FIFO order. With capacity 1 requests are evenly spaced, so no 1-second window exceeds the rate.
 * A take larger than the capacity is allowed once the bucket is full (it goes into debt), so a big
 * request is slowed, never blocked forever.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private tail: Promise<void> = Promise.resolve();
  constructor(readonly ratePerMin: number, readonly capacity: number, private readonly clock: Clock = realClock) {
    if (!(ratePerMin > 0) || !(capacity > 0)) throw new Error(`token bucket needs a positive rate and capacity (got ${ratePerMin}/min, ${capacity})`);
    this.tokens = capacity;
    this.last = clock.now();
  }
  /** `uncapped` while a taker waits: a timer that fires late must not lose the tokens it waited for. */
  private refill(uncapped = false): void {
    const now = this.clock.now();
    const t = this.tokens + ((now - this.last) * this.ratePerMin) / 60_000;
    this.tokens = uncapped ? t : Math.min(this.capacity, t);
    this.last = now;
  }
  /** Ms until `n` tokens could be taken (0 = now). */
  waitFor(n: number, keepExcess = false): number {
    if (!keepExcess) this.refill();
    const need = Math.min(n, this.capacity) - this.tokens;
    return need <= 1e-9 ? 0 : Math.ceil((need * 60_000) / this.ratePerMin);
  }
  available(): number { this.refill(); return this.tokens; }
  take(n: number, signal?: AbortSignal): Promise<void> {
    const run = async () => {
      let waited = false;
      for (;;) {
        if (signal?.aborted) throw abortReason(signal);
        if (waited) this.refill(true);
        const w = this.waitFor(n, waited);
        if (w === 0) { this.tokens = Math.min(this.capacity, this.tokens - n); return; }
        await this.clock.sleep(w, signal);
        waited = true;
      }
    };
    const p = this.tail.then(run);
    this.tail = p.catch(() => undefined);
    return p;
  }
  /** Corrects an estimate after the fact (positive = used more than taken). */
  adjust(delta: number): void { this.refill(); this.tokens -= delta; }
}

// ---------- sliding window ----------

/**
 * At most `max` takes in any window of `windowMs` (a log of the last `max` take times). Guards
 * the token bucket's smooth spacing against bursts: when timers fire late (a busy event loop), the
 * bucket lets the next requests catch up, and this keeps the catch-up within the per-window limit.
 */
export class SlidingWindow {
  private readonly times: number[] = [];
  private tail: Promise<void> = Promise.resolve();
  constructor(readonly max: number, readonly windowMs: number, private readonly clock: Clock = realClock) {
    if (!(max >= 1) || !(windowMs > 0)) throw new Error(`sliding window needs max ≥ 1 and a positive window (got ${max}, ${windowMs})`);
  }
  take(signal?: AbortSignal): Promise<void> {
    const run = async () => {
      for (;;) {
        if (signal?.aborted) throw abortReason(signal);
        const now = this.clock.now();
        while (this.times.length && now - this.times[0] >= this.windowMs) this.times.shift();
        if (this.times.length < this.max) { this.times.push(now); return; }
        await this.clock.sleep(this.times[0] + this.windowMs - now, signal);
      }
    };
    const p = this.tail.then(run);
    this.tail = p.catch(() => undefined);
    return p;
  }
}

// ---------- concurrency ----------

export class Semaphore {
  private active = 0;
  private readonly waiters: (() => void)[] = [];
  constructor(readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`concurrency must be at least 1 (got ${limit})`);
  }
  get inFlight(): number { return this.active; }
  async acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve, reject) => {
        const go = () => { signal?.removeEventListener('abort', onAbort); resolve(); };
        const onAbort = () => { const i = this.waiters.indexOf(go); if (i >= 0) this.waiters.splice(i, 1); reject(abortReason(signal!)); };
        if (signal?.aborted) return reject(abortReason(signal));
        signal?.addEventListener('abort', onAbort, { once: true });
        this.waiters.push(go);
      });
    } else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }
}

// ---------- circuit breaker ----------

export type BreakerState = 'closed' | 'open' | 'half-open';

/**
 * Opens after `threshold` consecutive failures; after `cooldownMs` it half-opens and lets up to
 * `threshold` probes through. The first probe to succeed closes it; `threshold` failed probes
 * reopen it with a doubled cooldown (up to maxCooldownMs). Several probes, not one: when only some
 * requests fail (a server failing each request's first tries), a lone probe is likely to be one
 * that fails, and the breaker would stay open far longer than the server is down.
 */
export class CircuitBreaker {
  private failures = 0;
  private state_: BreakerState = 'closed';
  private openedAt = 0;
  private cooldown: number;
  /** Counts openings, so a probe of an earlier half-open period does not count in this one. */
  private round = 0;
  private probes = 0;
  private probeFailures = 0;
  /** When the current run of failures opened the breaker (reopening after failed probes keeps it). */
  private downSince = 0;
  private readonly listeners = new Set<() => void>();
  lastCause = '';
  constructor(readonly threshold = 5, readonly cooldownMs = 10_000, readonly maxCooldownMs = 120_000, private readonly clock: Clock = realClock) {
    this.cooldown = cooldownMs;
  }
  get state(): BreakerState {
    if (this.state_ === 'open' && this.clock.now() - this.openedAt >= this.cooldown) this.state_ = 'half-open';
    return this.state_;
  }
  /** null = go ahead (when half-open, as a probe: see probeRound); else ms to wait before asking again. */
  admit(): number | null {
    const s = this.state;
    if (s === 'closed') return null;
    if (s === 'half-open' && this.probes + this.probeFailures < this.threshold) { this.probes++; return null; }
    return s === 'open' ? Math.max(1, this.cooldown - (this.clock.now() - this.openedAt)) : Math.max(1, Math.min(this.cooldown, 1000));
  }
  /** Read right after admit() let a call through: the half-open period it probes in, or undefined (closed: not a probe). */
  probeRound(): number | undefined { return this.state_ === 'half-open' ? this.round : undefined; }
  /** How long the breaker has been open or half-open without a success (0 when closed). */
  outageMs(): number { return this.state_ === 'closed' ? 0 : this.clock.now() - this.downSince; }
  /** Calls `fn` once at the next change that may let a waiting call through; returns a canceller. */
  onChange(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
  private notify(): void {
    const fns = [...this.listeners];
    this.listeners.clear();
    for (const f of fns) f();
  }
  success(): void {
    const was = this.state_;
    this.failures = 0;
    this.probes = this.probeFailures = 0;
    this.state_ = 'closed';
    this.cooldown = this.cooldownMs;
    if (was !== 'closed') this.notify();
  }
  /** `probeRound`: what probeRound() said when the failed call was let through. */
  failure(cause: string, probeRound?: number): void {
    this.lastCause = cause;
    if (probeRound !== undefined) {
      if (probeRound !== this.round || this.state_ !== 'half-open') return; // a probe of an earlier period
      this.probes = Math.max(0, this.probes - 1);
      if (++this.probeFailures >= this.threshold) {
        this.cooldown = Math.min(this.maxCooldownMs, this.cooldown * 2);
        this.trip();
      }
      return;
    }
    if (this.state_ !== 'closed') return; // a call that started before the breaker opened
    if (++this.failures >= this.threshold) this.trip();
  }
  /** A failure that says nothing about the server's health (4xx, abort) ends a probe neutrally: its place goes to another. */
  neutral(probeRound?: number): void {
    if (probeRound === undefined || probeRound !== this.round || this.state_ !== 'half-open') return;
    this.probes = Math.max(0, this.probes - 1);
    this.notify();
  }
  private trip(): void {
    if (this.state_ === 'closed') this.downSince = this.clock.now();
    this.state_ = 'open';
    this.openedAt = this.clock.now();
    this.round++;
    this.failures = this.probes = this.probeFailures = 0;
    this.notify();
  }
}

// ---------- the limiter ----------

export interface LimitsConfig {
  /** Requests per minute (token bucket); unset = unlimited. */
  rpm?: number;
  /** Tokens (in + out) per minute; unset = unlimited. */
  tpm?: number;
  /** Request bucket capacity; 1 (default) spaces requests evenly. */
  burst?: number;
  /** The per-second guard counts over 1 s × (1 + rateMargin), against network and scheduling jitter (default 0.04). */
  rateMargin?: number;
  /** Requests in flight at once; unset = unlimited. */
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxRetryAfterMs?: number;
  breakerThreshold?: number;
  breakerCooldownMs?: number;
  /**
   * Longest cooldown after repeatedly failed probes (default: breakerCooldownMs, i.e. no growth —
   * up to `breakerThreshold` probes per cooldown is gentle on a server that is down, and a growing
   * cooldown kept calls waiting long after a flaky server had recovered).
   */
  breakerMaxCooldownMs?: number;
  /** See RetryPolicy.maxBreakerWaitMs (default 120000; 0 = refused calls fail at once). */
  breakerMaxWaitMs?: number;
}

export interface AttemptResult<T> { value: T; /** Actual tokens used, to correct the tpm estimate. */ tokens?: number }

export interface RunOutcome<T> { value: T; retries: number }

export class Limiter {
  readonly policy: RetryPolicy;
  readonly requests?: TokenBucket;
  readonly perSecond?: SlidingWindow;
  readonly tokens?: TokenBucket;
  readonly slots?: Semaphore;
  readonly breaker: CircuitBreaker;
  /** Called with clock.now() each time a request is let through (benchmarks, live rate display). */
  onAdmit?: (at: number) => void;
  constructor(cfg: LimitsConfig = {}, private readonly clock: Clock = realClock, private readonly random: () => number = Math.random) {
    this.policy = {
      maxAttempts: cfg.maxAttempts ?? DEFAULT_RETRY.maxAttempts,
      baseDelayMs: cfg.baseDelayMs ?? DEFAULT_RETRY.baseDelayMs,
      maxDelayMs: cfg.maxDelayMs ?? DEFAULT_RETRY.maxDelayMs,
      maxRetryAfterMs: cfg.maxRetryAfterMs ?? DEFAULT_RETRY.maxRetryAfterMs,
      maxBreakerWaitMs: cfg.breakerMaxWaitMs ?? DEFAULT_RETRY.maxBreakerWaitMs,
    };
    if (cfg.rpm) {
      this.requests = new TokenBucket(cfg.rpm, cfg.burst ?? 1, clock);
      // The per-second share of the limit, over a window a little longer than a second: arrivals at
      // the server jitter by some ms, and exact spacing would let a window there see one too many.
      this.perSecond = new SlidingWindow(Math.max(1, Math.floor(cfg.rpm / 60)), 1000 * (1 + (cfg.rateMargin ?? 0.04)), clock);
    }
    // Ten seconds' worth of tokens: smooth, yet a single large request fits.
    if (cfg.tpm) this.tokens = new TokenBucket(cfg.tpm, Math.max(1, cfg.tpm / 6), clock);
    if (cfg.concurrency) this.slots = new Semaphore(cfg.concurrency);
    const cooldown = cfg.breakerCooldownMs ?? 10_000;
    this.breaker = new CircuitBreaker(cfg.breakerThreshold ?? 5, cooldown, Math.max(cooldown, cfg.breakerMaxCooldownMs ?? cooldown), clock);
  }

  /**
   * Runs `attempt` under the limits, retrying retryable ProviderErrors with full-jitter backoff
   * (never shorter than the server's Retry-After). Non-retryable errors (bad key, unknown model)
   * fail at once: no retry storm. A call the open breaker refuses waits for it to half-open
   * (woken early when a probe closes it) without using an attempt; only when the breaker has been
   * failing for maxBreakerWaitMs does a refusal fail the call. `retries` counts requests re-sent;
   * the thrown error carries `attempts` (requests sent) and `retries`.
   */
  async run<T>(estTokens: number, signal: AbortSignal | undefined, attempt: (n: number) => Promise<AttemptResult<T>>, classify: (e: unknown) => ProviderError): Promise<RunOutcome<T>> {
    let sent = 0;
    const tag = (err: ProviderError) => { err.attempts = sent; err.retries = Math.max(0, sent - 1); return err; };
    for (;;) {
      let err: ProviderError;
      const wait = this.breaker.admit();
      if (wait !== null) {
        if (this.breaker.outageMs() >= this.policy.maxBreakerWaitMs) throw tag(classify(new CircuitOpenError(this.breaker.lastCause, wait)));
        await this.breakerWait(wait, signal);
        continue;
      }
      const probe = this.breaker.probeRound();
      const release = this.slots ? await this.slots.acquire(signal).catch((e) => { this.breaker.neutral(probe); throw e; }) : () => undefined;
      try {
        if (this.requests) await this.requests.take(1, signal);
        if (this.perSecond) await this.perSecond.take(signal);
        this.onAdmit?.(this.clock.now());
        if (this.tokens) await this.tokens.take(estTokens, signal);
        const r = await attempt(sent++);
        if (this.tokens && r.tokens !== undefined) this.tokens.adjust(r.tokens - estTokens);
        this.breaker.success();
        return { value: r.value, retries: sent - 1 };
      } catch (e) {
        err = classify(e);
        if (err.kind === 'aborted' || !err.retryable || err.kind === 'rate-limit') this.breaker.neutral(probe);
        else this.breaker.failure(err.message, probe);
      } finally {
        release();
      }
      tag(err);
      if (err.kind === 'aborted' || !err.retryable || sent >= this.policy.maxAttempts) throw err;
      if (err.retryAfterMs !== undefined && err.retryAfterMs > this.policy.maxRetryAfterMs) throw err;
      const delay = Math.max(err.retryAfterMs ?? 0, backoffMs(sent - 1, this.policy, this.random));
      await this.clock.sleep(delay, signal);
    }
  }

  /** Sleeps `ms` (until the breaker may half-open) or until the breaker changes, whichever is first. */
  private async breakerWait(ms: number, signal: AbortSignal | undefined): Promise<void> {
    const woken = new AbortController();
    const cancel = this.breaker.onChange(() => woken.abort());
    try {
      await this.clock.sleep(ms, signal ? AbortSignal.any([signal, woken.signal]) : woken.signal);
    } catch (e) {
      if (signal?.aborted) throw e;
    } finally {
      cancel();
    }
  }
}

/** Raised inside Limiter.run when the breaker refuses a call; providers classify it. */
export class CircuitOpenError extends Error {
  constructor(readonly lastCause: string, readonly retryInMs: number) {
    super(`circuit open after repeated failures (last: ${lastCause.replace(/^[^:]+:[^:]*: /, '')})`);
    this.name = 'CircuitOpenError';
  }
}

const limiters = new Map<string, Limiter>();

/**
 * The process-wide limiter for a provider+endpoint+model, so every sample (and every run) of that
 * model shares one set of buckets. Changed limit settings get a fresh limiter.
 */
export function limiterFor(key: string, cfg: LimitsConfig): Limiter {
  const k = `${key}|${JSON.stringify(Object.entries(cfg).sort(([a], [b]) => a.localeCompare(b)))}`;
  let l = limiters.get(k);
  if (!l) limiters.set(k, (l = new Limiter(cfg)));
  return l;
}

/** Picks the limit fields out of a provider's config object (numbers only). */
export function limitsFromConfig(config: Record<string, unknown>): LimitsConfig {
  const out: LimitsConfig = {};
  const keys: (keyof LimitsConfig)[] = ['rpm', 'tpm', 'burst', 'rateMargin', 'concurrency', 'maxAttempts', 'baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'breakerThreshold', 'breakerCooldownMs', 'breakerMaxCooldownMs', 'breakerMaxWaitMs'];
  for (const k of keys) {
    const v = config[k];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new Error(`provider setting "${k}" must be a non-negative number (got ${JSON.stringify(v)})`);
    out[k] = v;
  }
  // Spelled the way the OpenAI SDK spells it.
  if (typeof config.maxRetries === 'number' && out.maxAttempts === undefined) out.maxAttempts = config.maxRetries + 1;
  return out;
}

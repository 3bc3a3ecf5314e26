import assert from 'node:assert/strict';
import { createServer, connect, type AddressInfo, type Socket } from 'node:net';
import { describe, test } from 'node:test';
import {
  backoffMs, CircuitBreaker, IdleTimer, limitsFromConfig, redactReply, redactSecrets, SlidingWindow, type Clock, Limiter, parseDuration, ProviderError, redact, retryAfterFromHeaders, Semaphore, TokenBucket, CircuitOpenError,
} from './limits';

/** A clock that only moves when told to; sleepers wake in time order. */
class FakeClock implements Clock {
  t = 0;
  /** Every sleeper wakes this much late, like real timers under load. */
  lateness = 0;
  sleeps: number[] = [];
  private timers: { at: number; resolve: () => void }[] = [];
  now() { return this.t; }
  sleep(ms: number, signal?: AbortSignal) {
    this.sleeps.push(ms);
    return new Promise<void>((resolve, reject) => {
      const timer = { at: this.t + Math.max(0, ms) + this.lateness, resolve };
      this.timers.push(timer);
      signal?.addEventListener('abort', () => { this.timers = this.timers.filter((x) => x !== timer); reject(new Error('aborted')); }, { once: true });
    });
  }
  /** Runs timers until `p` settles (or nothing is left to run). */
  async drive<T>(p: Promise<T>): Promise<T> {
    let done = false;
    p.then(() => (done = true), () => (done = true));
    for (let guard = 0; guard < 100_000; guard++) {
      await new Promise((r) => setImmediate(r));
      if (done) return p;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (!next) { await new Promise((r) => setImmediate(r)); if (done) return p; throw new Error('deadlock: nothing scheduled and promise pending'); }
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    throw new Error('drive: too many steps');
  }
}

const err = (kind: ProviderError['kind'], status?: number, ra?: number) => new ProviderError('p', 'm', kind, `${status ?? ''} ${kind}`, status, ra);
const classify = (e: unknown) => (e instanceof ProviderError ? e : e instanceof CircuitOpenError ? new ProviderError('p', 'm', 'circuit-open', e.message, undefined, e.retryInMs) : new ProviderError('p', 'm', 'other', String(e)));

describe('backoff and headers', () => {
  test('full jitter: uniform below min(cap, base·2^n)', () => {
    const p = { baseDelayMs: 100, maxDelayMs: 1000 };
    assert.equal(backoffMs(0, p, () => 0), 0);
    assert.equal(backoffMs(0, p, () => 0.5), 50);
    assert.equal(backoffMs(3, p, () => 0.5), 400);
    assert.equal(backoffMs(10, p, () => 0.999), 999);
  });
  test('Retry-After in ms, seconds and as an HTTP date; reset headers only on 429', () => {
    assert.equal(retryAfterFromHeaders({ 'retry-after-ms': '1500' }), 1500);
    assert.equal(retryAfterFromHeaders({ 'Retry-After': '2' }), 2000);
    assert.equal(retryAfterFromHeaders(new Headers({ 'retry-after': '0.5' })), 500);
    const now = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(retryAfterFromHeaders({ 'retry-after': 'Thu, 01 Jan 2026 00:00:07 GMT' }, now), 7000);
    assert.equal(retryAfterFromHeaders({ 'x-ratelimit-reset-requests': '6m0s', 'x-ratelimit-reset-tokens': '20ms' }, now, 429), 360_000);
    assert.equal(retryAfterFromHeaders({ 'x-ratelimit-reset-requests': '6m0s' }, now, 500), undefined);
    assert.equal(retryAfterFromHeaders({ 'anthropic-ratelimit-requests-reset': '2026-01-01T00:00:03Z' }, now, 429), 3000);
    assert.equal(retryAfterFromHeaders({}), undefined);
    assert.equal(retryAfterFromHeaders(undefined), undefined);
  });
  test('durations', () => {
    assert.equal(parseDuration('1s'), 1000);
    assert.equal(parseDuration('1h2m3.5s'), 3_723_500);
    assert.equal(parseDuration('20ms'), 20);
    assert.equal(parseDuration('soon'), undefined);
  });
  test('redact removes the key and anything key-shaped', () => {
    const key = 'sk-abc123def456ghi789';
    const s = redact(`401 Incorrect API key provided: ${key}. Authorization: Bearer xyz.123 other sk-proj-AAAAAAAAAAAA`, [key]);
    assert.ok(!s.includes('abc123def456'));
    assert.ok(!s.includes('xyz.123'));
    assert.ok(!s.includes('AAAAAAAAAAAA'));
    assert.match(s, /^401 Incorrect API key provided: \[REDACTED\]/);
  });
});

describe('redaction by pieces of the key', () => {
  const key = 'sk-proj-Q3v9XkT2mW8pL5nR7bY4cH6jD1fG0aZe';
  test('the key without its prefix, its tail, a 12-character piece: redacted; shorter pieces and placeholders are not', () => {
    assert.equal(redact(`bad key ${key.slice(8)}.`, [key]), 'bad key [REDACTED].');
    assert.equal(redact(`key ending ${key.slice(-16)}`, [key]), 'key ending [REDACTED]');
    assert.equal(redact(`x${key.slice(10, 22)}y`, [key]), 'x[REDACTED]y');
    assert.equal(redactSecrets(`x${key.slice(10, 21)}y`, [key]), `x${key.slice(10, 21)}y`, '11 characters are not enough');
    assert.equal(redactSecrets('return EMPTY', ['EMPTY'], 8), 'return EMPTY', 'a placeholder key is no secret in a reply');
    assert.equal(redact(`a ${key} b ${key.slice(3)} c`, [key]), 'a [REDACTED] b [REDACTED] c');
  });
  test('a reply: raw, reasoning and the logprob tokens that spell the key', () => {
    const tokens = ['# key ', key.slice(0, 10), key.slice(10, 20), key.slice(20), '\n'];
    const g = redactReply({ raw: tokens.join(''), reasoning: `I see ${key.slice(8)}`, logprobs: tokens.map((t) => ({ token: t, logprob: -1, top: [{ token: t, logprob: -1 }] })) }, [key]);
    assert.equal(g.raw, '# key [REDACTED]\n');
    assert.equal(g.reasoning, 'I see [REDACTED]');
    assert.deepEqual(g.logprobs!.map((t) => t.token), ['# key ', '[REDACTED]', '[REDACTED]', '[REDACTED]', '\n']);
    assert.deepEqual(g.logprobs![1].top, []);
  });
});

describe('token bucket', () => {
  test('capacity 1 spaces takes evenly at the rate', async () => {
    const c = new FakeClock();
    const b = new TokenBucket(60, 1, c);
    const times: number[] = [];
    const all = Promise.all([0, 1, 2, 3].map(() => b.take(1).then(() => times.push(c.now()))));
    await c.drive(all);
    assert.deepEqual(times, [0, 1000, 2000, 3000]);
  });
  test('at 600/min no 1-second window holds more than 10 takes', async () => {
    const c = new FakeClock();
    const b = new TokenBucket(600, 1, c);
    const times: number[] = [];
    await c.drive(Promise.all(Array.from({ length: 100 }, () => b.take(1).then(() => times.push(c.now())))));
    for (const t of times) assert.ok(times.filter((x) => x >= t && x < t + 1000).length <= 10);
    assert.equal(times.at(-1), 9900);
  });
  test('late timers do not slow the rate down (no drift)', async () => {
    const c = new FakeClock();
    c.lateness = 3;
    const b = new TokenBucket(600, 1, c);
    const times: number[] = [];
    await c.drive(Promise.all(Array.from({ length: 61 }, () => b.take(1).then(() => times.push(c.now())))));
    assert.ok(times.at(-1)! <= 6000 + 3, `60 intervals took ${times.at(-1)} ms`);
    for (let i = 1; i < times.length; i++) assert.ok(times[i] - times[i - 1] >= 97);
  });
  test('a take larger than capacity waits for a full bucket and goes into debt; adjust corrects estimates', async () => {
    const c = new FakeClock();
    const b = new TokenBucket(600, 100, c); // 10 tokens/s
    await c.drive(b.take(250));
    assert.equal(c.now(), 0);
    assert.ok(Math.abs(b.available() - -150) < 1e-9);
    const p = b.take(10);
    await c.drive(p);
    assert.equal(c.now(), 16_000); // 160 tokens to recover at 10/s
    b.adjust(-50); // used 50 fewer than estimated
    assert.ok(Math.abs(b.available() - 50) < 1e-9);
  });
  test('rejects nonsense', () => {
    assert.throws(() => new TokenBucket(0, 1), /positive/);
  });
});

describe('sliding window', () => {
  test('never more than max in any window, even when everyone arrives at once', async () => {
    const c = new FakeClock();
    const w = new SlidingWindow(3, 1000, c);
    const times: number[] = [];
    await c.drive(Promise.all(Array.from({ length: 10 }, () => w.take().then(() => times.push(c.now())))));
    assert.deepEqual(times, [0, 0, 0, 1000, 1000, 1000, 2000, 2000, 2000, 3000]);
  });
});

describe('semaphore', () => {
  test('caps concurrency, hands the slot to the next waiter, honours abort', async () => {
    const s = new Semaphore(2);
    const r1 = await s.acquire();
    const r2 = await s.acquire();
    let third = false;
    const p3 = s.acquire().then((r) => { third = true; return r; });
    const ac = new AbortController();
    const p4 = s.acquire(ac.signal);
    await new Promise((r) => setImmediate(r));
    assert.equal(third, false);
    ac.abort();
    await assert.rejects(p4);
    r1();
    const r3 = await p3;
    assert.equal(s.inFlight, 2);
    r2(); r3();
    r3(); // double release is harmless
    assert.equal(s.inFlight, 0);
  });
});

describe('circuit breaker', () => {
  test('opens after N consecutive failures; half-open lets N probes through; N failed probes reopen it with a doubled cooldown; a success closes it', () => {
    const c = new FakeClock();
    const b = new CircuitBreaker(3, 1000, 10_000, c);
    b.failure('x'); b.failure('x');
    assert.equal(b.state, 'closed');
    b.success();
    b.failure('x'); b.failure('x');
    assert.equal(b.state, 'closed', 'a success resets the count');
    b.failure('boom');
    assert.equal(b.state, 'open');
    assert.equal(b.admit(), 1000);
    c.t = 400;
    assert.equal(b.admit(), 600);
    b.failure('late'); // a call that started before the breaker opened
    c.t = 1000;
    assert.equal(b.state, 'half-open');
    const rounds: (number | undefined)[] = [];
    for (let i = 0; i < 3; i++) { assert.equal(b.admit(), null, `probe ${i + 1} goes ahead`); rounds.push(b.probeRound()); }
    assert.notEqual(b.admit(), null, 'no more than N probes');
    b.neutral(rounds[0]); // a probe that ended with a 429 or a cancel gives its place to another
    assert.equal(b.admit(), null);
    b.failure('still down', rounds[1]);
    b.failure('still down', rounds[2]);
    assert.equal(b.state, 'half-open', 'not all probes failed yet');
    b.failure('still down', rounds[0]);
    assert.equal(b.state, 'open');
    b.failure('a probe of the earlier period', rounds[0]);
    c.t = 2999;
    assert.equal(b.state, 'open', 'cooldown doubled to 2000');
    assert.equal(b.outageMs(), 2999);
    c.t = 3000;
    assert.equal(b.admit(), null);
    b.success();
    assert.equal(b.state, 'closed');
    assert.equal(b.outageMs(), 0);
    assert.equal(b.admit(), null);
  });
});

describe('idle timer', () => {
  test('fires after ms without data and says how far the stream got', async () => {
    const idle = new IdleTimer(60);
    idle.reset('abc'); idle.reset(''); idle.reset('de');
    for (let i = 0; i < 100 && !idle.fired; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(idle.fired, true);
    assert.equal(idle.error().message, 'no data for 60 ms after 2 chunks (5 characters) of output');
    assert.equal(new IdleTimer(60).error().message, 'no data for 60 ms');
  });
  test('a blocked event loop is not a stalled stream: data that arrived meanwhile is read before the timer ends it', async () => {
    const server = createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const accepted = new Promise<Socket>((r) => server.once('connection', r));
    const client = connect((server.address() as AddressInfo).port, '127.0.0.1');
    await new Promise((r) => client.once('connect', r));
    const peer = await accepted;
    const idle = new IdleTimer(100);
    try {
      let got = false;
      peer.once('data', () => { got = true; idle.reset('x'); });
      client.write('x'); // in the peer's socket buffer at once
      const until = performance.now() + 300;
      while (performance.now() < until) { /* the engine busy: the data waits, unread, while the timer is due */ }
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(got, true);
      assert.equal(idle.fired, false, 'the data was there before the (late) timer ran');
    } finally {
      idle.stop();
      client.destroy(); peer.destroy();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('limiter', () => {
  test('retries retryable failures with backoff and reports the retry count', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 5, baseDelayMs: 100 }, c, () => 0.5);
    let calls = 0;
    const r = await c.drive(l.run(10, undefined, async () => {
      if (++calls < 3) throw err('server', 500);
      return { value: 'ok' };
    }, classify));
    assert.deepEqual(r, { value: 'ok', retries: 2 });
    assert.deepEqual(c.sleeps, [50, 100]);
  });
  test('gives up after maxAttempts with the cause and retries on the error', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 3, baseDelayMs: 10, breakerThreshold: 100 }, c, () => 0.5);
    let calls = 0;
    await assert.rejects(c.drive(l.run(1, undefined, async () => { calls++; throw err('connection'); }, classify)), (e: ProviderError) => e.kind === 'connection' && e.retries === 2 && /^p:m: /.test(e.message));
    assert.equal(calls, 3);
  });
  test('no retry storm: auth and not-found fail on the first attempt', async () => {
    const c = new FakeClock();
    const l = new Limiter({}, c);
    for (const kind of ['auth', 'not-found', 'bad-request'] as const) {
      let calls = 0;
      await assert.rejects(c.drive(l.run(1, undefined, async () => { calls++; throw err(kind, 401); }, classify)), (e: ProviderError) => e.retries === 0);
      assert.equal(calls, 1, kind);
    }
    assert.deepEqual(c.sleeps, []);
  });
  test('Retry-After is a floor on the wait; one longer than the maximum is not waited for', async () => {
    const c = new FakeClock();
    const l = new Limiter({ baseDelayMs: 10, maxRetryAfterMs: 5000 }, c, () => 0.5);
    let calls = 0;
    await c.drive(l.run(1, undefined, async () => { if (++calls === 1) throw err('rate-limit', 429, 2000); return { value: 1 }; }, classify));
    assert.deepEqual(c.sleeps, [2000]);
    calls = 0;
    await assert.rejects(c.drive(l.run(1, undefined, async () => { calls++; throw err('rate-limit', 429, 60_000); }, classify)), /rate-limit/);
    assert.equal(calls, 1);
  });
  test('rate limits do not open the breaker; server failures do; with breakerMaxWaitMs 0 calls then fail fast, using no attempt, until a probe succeeds', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 1, breakerThreshold: 2, breakerCooldownMs: 1000, breakerMaxWaitMs: 0 }, c);
    const fail = (kind: ProviderError['kind']) => c.drive(l.run(1, undefined, async () => { throw err(kind, 500); }, classify)).catch((e) => e);
    await fail('rate-limit'); await fail('rate-limit'); await fail('rate-limit');
    assert.equal(l.breaker.state, 'closed');
    await fail('server'); await fail('server');
    assert.equal(l.breaker.state, 'open');
    let calls = 0;
    const e = await c.drive(l.run(1, undefined, async () => { calls++; return { value: 1 }; }, classify)).catch((x) => x);
    assert.equal(e.kind, 'circuit-open');
    assert.match(e.message, /circuit open after repeated failures/);
    assert.equal(calls, 0, 'no call while open');
    assert.equal(e.attempts, 0);
    assert.equal(e.retries, 0);
    // With retries allowed, a caller waits out the cooldown and becomes the probe.
    const l2 = new Limiter({ maxAttempts: 3, breakerThreshold: 1, breakerCooldownMs: 1000, baseDelayMs: 1 }, c, () => 0);
    await c.drive(l2.run(1, undefined, async () => { throw err('server', 500); }, classify).catch(() => undefined));
    const t0 = c.now();
    const ok = await c.drive(l2.run(1, undefined, async () => ({ value: 'up' }), classify));
    assert.equal(ok.value, 'up');
    assert.ok(c.now() - t0 >= 1000 - 1, 'waited for the cooldown');
    assert.equal(l2.breaker.state, 'closed');
  });
  test('an open breaker delays calls instead of using up their attempts: 30 callers whose first two attempts fail all succeed, each sending 3 requests', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 3, baseDelayMs: 100, breakerThreshold: 5, breakerCooldownMs: 1000 }, c, () => 0.5);
    const sent = new Map<number, number>();
    const job = (id: number) => l.run(1, undefined, async (n) => {
      const k = (sent.get(id) ?? 0) + 1;
      sent.set(id, k);
      assert.equal(n, k - 1, 'the attempt number counts requests sent');
      await c.sleep(10);
      if (k <= 2) throw err('server', 500);
      return { value: id };
    }, classify);
    const results = await c.drive(Promise.all(Array.from({ length: 30 }, (_, i) => job(i).catch((e: ProviderError) => e))));
    const errors = results.filter((r) => r instanceof Error) as ProviderError[];
    assert.deepEqual(errors.map((e) => e.message), [], 'no sample lost to breaker refusals');
    for (const r of results) assert.equal((r as { retries: number }).retries, 2);
    assert.deepEqual([...sent.values()], Array(30).fill(3));
    assert.equal(l.breaker.state, 'closed');
  });
  test('retries and attempts on a thrown error count requests actually sent, not breaker refusals', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 3, baseDelayMs: 10, breakerThreshold: 1, breakerCooldownMs: 1000, breakerMaxWaitMs: 60_000 }, c, () => 0.5);
    let calls = 0;
    const e = await c.drive(l.run(1, undefined, async () => { calls++; throw err('server', 500); }, classify).catch((x: ProviderError) => x)) as ProviderError;
    assert.equal(calls, 3, 'each retry waited for the breaker to half-open and was sent as its probe');
    assert.equal(e.kind, 'server');
    assert.equal(e.retries, 2);
    assert.equal(e.attempts, 3);
  });
  test('a breaker that stays open past breakerMaxWaitMs fails waiting callers with circuit-open and the requests they sent', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 5, baseDelayMs: 10, breakerThreshold: 1, breakerCooldownMs: 1000, breakerMaxWaitMs: 5000 }, c, () => 0.5);
    // Down for good: the first caller trips the breaker; the second waits, probes, fails, waits longer.
    await c.drive(l.run(1, undefined, async () => { throw err('server', 500); }, classify).catch(() => undefined));
    let calls = 0;
    const t0 = c.now();
    const e = await c.drive(l.run(1, undefined, async () => { calls++; throw err('server', 500); }, classify).catch((x: ProviderError) => x)) as ProviderError;
    assert.equal(e.kind, 'circuit-open');
    assert.match(e.message, /circuit open after repeated failures/);
    assert.equal(e.attempts, calls);
    assert.equal(e.retries, Math.max(0, calls - 1));
    assert.ok(c.now() - t0 <= 5000 + 1000, `gave up within the wait budget (${c.now() - t0} ms)`);
  });
  test('a caller waiting on an open breaker goes as soon as a probe closes it, not at its own cooldown', async () => {
    const c = new FakeClock();
    const l = new Limiter({ maxAttempts: 3, baseDelayMs: 1, breakerThreshold: 1, breakerCooldownMs: 1000 }, c, () => 0);
    l.breaker.failure('500 down');
    const starts: number[] = [];
    const slow = async () => { starts.push(c.now()); await c.sleep(3000); return { value: 1 }; };
    const r = await c.drive(Promise.all([l.run(1, undefined, slow, classify), l.run(1, undefined, slow, classify)]));
    assert.deepEqual(r.map((x) => x.retries), [0, 0]);
    assert.equal(starts[0], 1000, 'the probe goes at half-open');
    assert.equal(starts[1], 4000, 'the other goes when the probe succeeds');
  });
  test('requests per minute are enforced across concurrent callers; concurrency cap holds', async () => {
    const c = new FakeClock();
    const l = new Limiter({ rpm: 120, concurrency: 2 }, c);
    const starts: number[] = [];
    let inFlight = 0, maxInFlight = 0;
    const job = () => l.run(1, undefined, async () => {
      starts.push(c.now());
      inFlight++; maxInFlight = Math.max(maxInFlight, inFlight);
      await c.sleep(1200);
      inFlight--;
      return { value: 1 };
    }, classify);
    await c.drive(Promise.all([job(), job(), job(), job()]));
    assert.equal(maxInFlight, 2);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i] - starts[i - 1] >= 500, `spacing ${starts}`);
  });
  test('tokens per minute: the estimate is taken up front and corrected by the actual use', async () => {
    const c = new FakeClock();
    const l = new Limiter({ tpm: 600 }, c); // 10 tokens/s, capacity 100
    await c.drive(l.run(100, undefined, async () => ({ value: 1, tokens: 40 }), classify));
    assert.ok(Math.abs(l.tokens!.available() - 60) < 1e-9);
    await c.drive(l.run(100, undefined, async () => ({ value: 1, tokens: 100 }), classify));
    assert.equal(c.now(), 4000, 'waited for 40 more tokens at 10/s');
  });
  test('abort while waiting for a retry rejects promptly', async () => {
    const c = new FakeClock();
    const l = new Limiter({ baseDelayMs: 10_000 }, c, () => 0.9);
    const ac = new AbortController();
    const p = l.run(1, ac.signal, async () => { throw err('server', 503); }, classify);
    await new Promise((r) => setImmediate(r));
    ac.abort();
    await assert.rejects(p);
  });
});

describe('settings', () => {
  test('limit settings are picked from a provider config and checked', () => {
    assert.deepEqual(limitsFromConfig({ baseURL: 'x', rpm: 600, tpm: 90_000, concurrency: 4, maxRetries: 2 }), { rpm: 600, tpm: 90_000, concurrency: 4, maxAttempts: 3 });
    assert.throws(() => limitsFromConfig({ rpm: '600' }), /"rpm" must be a non-negative number \(got "600"\)/);
    assert.throws(() => limitsFromConfig({ concurrency: -1 }), /"concurrency"/);
  });
});

// The per-item pipeline: generate (or reuse a cached generation) → extract → score with every scorer
// of the problem's kind → store the sample with its outcomes in one durable write. Nothing here knows
// a strategy, scorer or provider by name.
import { createHash } from 'node:crypto';
import { extractCode } from '../extract/code';
import type { Semaphore } from '../limits';
import { timeoutFact, type SampleFact } from '../metrics/aggregate';
import type { Problem, ChatMessage, Generation, Language, Provider, SamplingParams, Scorer, Strategy } from '../plugins';
import type { OutcomeRecord, SampleRecord, Store } from '../store/store';
import { sampleId, type Arm } from './plan';

export interface PipelineContext {
  runId: string;
  store: Store;
  /** Provider per model spec. */
  providers: Map<string, Provider>;
  /** The strategy an arm uses for a problem (resolved by kind at plan time). */
  strategyFor(arm: Arm, problem: Problem): Strategy;
  /** The run's problems, for strategies that look at more than their target (few-shot). */
  problems: readonly Problem[];
  /** Scorers per problem kind, each with its own concurrency gate. */
  scorers: Map<string, { scorer: Scorer; gate: Semaphore }[]>;
  genGate: Semaphore;
  noCache: boolean;
  /** Ids of the samples the run already has (resume). */
  done: Set<string>;
  signal: AbortSignal;
  /** Called when a call's tokens are recorded (before its sample is scored). */
  spent(arm: Arm, tokensIn: number, tokensOut: number): void;
  /** Called once the sample is durable. */
  finished(sample: SampleRecord, outcomes: OutcomeRecord[], fact: SampleFact): void;
  /** The language plugin of that name (the engine's registry), for its extraction hooks; else the built-in one. */
  language?(name: string): Language | undefined;
}

export function cacheKey(provider: Provider, messages: ChatMessage[], params: SamplingParams, idx: number): string {
  return createHash('sha256').update(JSON.stringify([provider.name, provider.model, messages, params, idx])).digest('hex');
}

const firstLine = (s: string) => s.split('\n', 1)[0].slice(0, 300);

/**
 * What the scorers judge: the extracted code for code problems (by the problem's language's extraction
 * hooks), the reply itself for chat problems.
 */
export function extract(problem: Problem, gen: Generation, language?: Language): { completion: string; contentStatus?: string; cleaningNotes?: string[] } {
  if (problem.kind === 'chat') return { completion: gen.raw };
  const c = extractCode(gen, { prompt: problem.prompt, entryPoint: problem.entryPoint, language: problem.language }, language);
  return { completion: c.completion, contentStatus: c.status, cleaningNotes: c.notes };
}

/** Runs one (problem, arm, index) through the pipeline. Resolves once stored (or skipped on cancel). */
export async function runItem(ctx: PipelineContext, problem: Problem, arm: Arm, idx: number): Promise<void> {
  const id = sampleId(ctx.runId, arm.id, problem.id, idx);
  if (ctx.done.has(id) || ctx.signal.aborted) return;
  const provider = ctx.providers.get(arm.model)!;
  // A problem that names its scorers (a probe suite: packages, choice) is judged by those alone: the kind's
  // defaults (refusal for chat) would add outcomes that mean nothing for it and take the sample's headline.
  const asked = problem.scorers?.length ? new Set(problem.scorers) : null;
  const scorers = (ctx.scorers.get(problem.kind ?? 'code') ?? [])
    .filter((s) => (s.scorer.appliesTo?.(problem) ?? true) && (!asked || asked.has(s.scorer.name)));
  const base: SampleRecord = {
    id, run_id: ctx.runId, problem_id: problem.id, arm: arm.id, model: arm.model, idx, raw: '', completion: '',
    tokens_in: null, tokens_out: null, ttft_ms: null, latency_ms: null, retries: 0, created_at: '', meta: null,
  };

  // ---- generate ----
  let gen: Generation;
  let cached = false;
  const strategy = ctx.strategyFor(arm, problem);
  const messages = strategy.messages(problem, { problems: ctx.problems });
  // Not abortable on purpose: on cancel the queue drains in O(n), each item returning at once.
  const release = await ctx.genGate.acquire();
  try {
    if (ctx.signal.aborted) return;
    const req = { problem, messages, sampleIndex: idx, signal: ctx.signal, params: arm.params };
    if (provider.cacheable === false) {
      gen = await provider.generate(req);
    } else {
      // Spend nothing twice: the same request (incl. sample index and seed) reuses its completion.
      const key = cacheKey(provider, messages, arm.params, idx);
      const hit = ctx.noCache ? undefined : ctx.store.cached(key);
      if (hit) {
        gen = JSON.parse(hit.generation) as Generation;
        cached = true;
      } else {
        gen = await provider.generate(req);
        ctx.store.putCache({ key, provider: provider.name, model: provider.model, generation: JSON.stringify(gen), created_at: new Date().toISOString() });
      }
    }
    // What this call cost, recorded now (durable with the next flush): a crash or cancel before the
    // sample is scored still counts it. A cache hit cost nothing.
    if (!cached && (gen.tokensIn || gen.tokensOut)) {
      ctx.store.putSpend({ run_id: ctx.runId, arm: arm.id, model: arm.model, tokens_in: gen.tokensIn ?? 0, tokens_out: gen.tokensOut ?? 0, created_at: new Date().toISOString() });
      ctx.spent(arm, gen.tokensIn ?? 0, gen.tokensOut ?? 0);
    }
  } catch (e) {
    if (ctx.signal.aborted) return; // cancelled, not failed: the sample is simply not done
    const msg = (e as Error).message || String(e);
    const retries = Number((e as { retries?: unknown }).retries) || 0;
    const sample = { ...base, retries, created_at: new Date().toISOString(), meta: JSON.stringify({ messages, error: msg }) };
    // The provider failed: every scorer records an error (not a verdict), labelled as a generation error.
    const outcomes = (scorers.length ? scorers.map((s) => s.scorer.name) : ['tests']).map((scorer): OutcomeRecord => ({
      sample_id: id, scorer, status: 'error', value: null, label: 'generation', detail: firstLine(msg), output: msg, duration_ms: null, meta: null,
    }));
    await store(ctx, sample, outcomes, problem);
    return;
  } finally {
    release();
  }

  // ---- extract, score ----
  // Reason-then-code: the reasoning the strategy asked for is kept apart and never searched for code.
  const parts = strategy.split?.(gen.raw);
  const answer = parts ? { ...gen, raw: parts.answer } : gen;
  const { completion, ...extraction } = extract(problem, answer, problem.kind === 'chat' ? undefined : ctx.language?.(problem.language));
  const outcomes: OutcomeRecord[] = [];
  for (const { scorer, gate } of scorers) {
    const rel = await gate.acquire();
    try {
      if (ctx.signal.aborted) return;
      let s;
      try {
        // A whole program (EvalPlus solution, bigcode generation) replaces the prompt instead of following it.
        // The prompt stays known to harnesses that run the canonical solution too (EvalPlus: referencePrompt).
        const scored = gen.wholeProgram && problem.kind !== 'chat' ? { ...problem, prompt: '', labels: { ...problem.labels, referencePrompt: problem.prompt } } : problem;
        s = await scorer.score({ problem: scored, raw: answer.raw, completion, signal: ctx.signal });
      } catch (e) {
        s = { status: 'error', detail: `${scorer.name}: ${firstLine((e as Error).message)}`, output: String((e as Error).stack ?? e) };
      }
      outcomes.push({
        sample_id: id, scorer: scorer.name, status: s.status, value: s.value ?? null, label: s.label ?? null, detail: s.detail,
        output: s.output ?? '', duration_ms: s.durationMs ?? null, meta: s.meta ? JSON.stringify(s.meta) : null,
      });
    } finally {
      rel();
    }
  }
  if (ctx.signal.aborted) return; // a verdict reached while cancelling is not a verdict

  // ---- store ----
  const { raw, completion: _c, tokensIn, tokensOut, ttftMs, latencyMs, retries, ...rest } = gen;
  const sample: SampleRecord = {
    ...base, raw, completion, tokens_in: tokensIn ?? null, tokens_out: tokensOut ?? null, ttft_ms: ttftMs ?? null,
    latency_ms: latencyMs, retries: retries ?? 0, created_at: new Date().toISOString(),
    meta: JSON.stringify({ ...rest, ...extraction, messages, strategy: strategy.name, params: arm.params, ...(parts ? { strategyReasoning: parts.reasoning } : {}), cached }),
  };
  await store(ctx, sample, outcomes, problem);
}

async function store(ctx: PipelineContext, sample: SampleRecord, outcomes: OutcomeRecord[], problem: Problem): Promise<void> {
  ctx.store.putSampleWithOutcomes(sample, outcomes);
  await ctx.store.flush(); // acknowledged (counted, shown) only once it is on disk
  ctx.finished(sample, outcomes, {
    problemId: problem.id, arm: sample.arm, generationError: outcomes.some((o) => o.label === 'generation'),
    latencyMs: sample.latency_ms, ttftMs: sample.ttft_ms, tokensIn: sample.tokens_in, tokensOut: sample.tokens_out,
    outcomes: outcomes.map((o) => ({ scorer: o.scorer, status: o.status, durationMs: o.duration_ms, value: o.value, timeouts: timeoutFact(o.scorer, o.meta) })),
  });
}

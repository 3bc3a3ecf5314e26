// Prices and cost estimates. Prices are USD per million tokens (input, output): public list prices
// for common models at the time of writing, overridable per model in config (crucible.prices /
// --price). Local servers (ollama, reference, replay) cost nothing. Unknown models are "unknown",
// never guessed as 0.
import type { Problem } from './plugins';

export interface Price { input: number; output: number }

export const DEFAULT_PRICES: Record<string, Price> = {
  'openai:gpt-4o': { input: 2.5, output: 10 },
  'openai:gpt-4o-mini': { input: 0.15, output: 0.6 },
  'openai:gpt-4.1': { input: 2, output: 8 },
  'openai:gpt-4.1-mini': { input: 0.4, output: 1.6 },
  'openai:gpt-4.1-nano': { input: 0.1, output: 0.4 },
  'openai:o3-mini': { input: 1.1, output: 4.4 },
  'openai:o4-mini': { input: 1.1, output: 4.4 },
  'anthropic:claude-3-5-haiku-latest': { input: 0.8, output: 4 },
  'anthropic:claude-3-5-sonnet-latest': { input: 3, output: 15 },
  'anthropic:claude-3-7-sonnet-latest': { input: 3, output: 15 },
  'anthropic:claude-sonnet-4-0': { input: 3, output: 15 },
  'anthropic:claude-opus-4-0': { input: 15, output: 75 },
  'gemini:gemini-2.0-flash': { input: 0.1, output: 0.4 },
  'gemini:gemini-1.5-flash': { input: 0.075, output: 0.3 },
  'gemini:gemini-1.5-pro': { input: 1.25, output: 5 },
};

const FREE_PROVIDERS = new Set(['reference', 'replay', 'ollama']);

/** The price of a model spec, or null when unknown. Exact spec first, then the provider's free tier. */
export function priceFor(spec: string, overrides: Record<string, Price> = {}): Price | null {
  const provider = spec.split(':', 1)[0];
  if (overrides[spec]) return overrides[spec];
  if (FREE_PROVIDERS.has(provider)) return { input: 0, output: 0 };
  if (DEFAULT_PRICES[spec]) return DEFAULT_PRICES[spec];
  // Dated snapshots ("gpt-4o-2024-08-06") price like their family.
  const family = Object.keys(DEFAULT_PRICES).filter((k) => spec.startsWith(k + '-')).sort((a, b) => b.length - a.length)[0];
  return family ? DEFAULT_PRICES[family] : null;
}

export function cost(tokensIn: number, tokensOut: number, price: Price | null): number | null {
  return price ? (tokensIn * price.input + tokensOut * price.output) / 1e6 : null;
}

/** A rough token count for planning (≈ 4 characters a token for English and code). */
export const approxTokens = (text: string): number => Math.ceil(text.length / 4);
/** The same, at least 1: what providers count for a server that reports no usage, and for rate limits. */
export const estimateTokens = (text: string): number => Math.max(1, approxTokens(text));

export interface ModelEstimate { model: string; calls: number; tokensIn: number; tokensOut: number; dollars: number | null }

/**
 * Estimate before a run: calls = problems × n; input tokens from the prompt messages; output tokens
 * from maxTokens when set, else twice the canonical solution (models say more than the minimum).
 */
export function estimateRun(
  models: string[], problems: Problem[], n: number,
  messages: (p: Problem) => { content: string }[], maxTokens: number | undefined, overrides: Record<string, Price> = {},
): ModelEstimate[] {
  let tin = 0, tout = 0;
  for (const p of problems) {
    tin += messages(p).reduce((a, m) => a + approxTokens(m.content) + 4, 0);
    tout += maxTokens ?? Math.max(64, 2 * approxTokens(p.prompt + (p.kind === 'chat' ? '' : p.canonicalSolution ?? '')));
  }
  return models.map((model) => {
    const [provider] = model.split(':', 1);
    const calls = FREE_PROVIDERS.has(provider) && provider !== 'ollama' ? 0 : problems.length * n;
    const tokensIn = calls ? tin * n : 0, tokensOut = calls ? tout * n : 0;
    return { model, calls, tokensIn, tokensOut, dollars: cost(tokensIn, tokensOut, priceFor(model, overrides)) };
  });
}

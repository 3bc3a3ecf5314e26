// In-process fakes shared by the benches and the engine tests: a provider that answers at once (so
// what is measured or checked is the engine, not a model) and a sandbox that executes nothing.
import type { CodeProblem, ProviderFactory, SandboxFactory } from '../../src/server/plugins';

/**
 * `loopback:<model>`: replies like a chat model, a fenced whole function (so extraction is part of
 * the cost), with the canonical solution. `yieldFirst` makes each reply wait one event-loop turn, as
 * a network reply would.
 */
export function loopbackProvider(opts: { yieldFirst?: boolean; tokensIn?: number; tokensOut?: number } = {}): ProviderFactory {
  return {
    name: 'loopback',
    create: (model) => ({
      name: 'loopback', model, cacheable: false,
      async generate(req) {
        if (opts.yieldFirst) await new Promise((r) => setImmediate(r));
        const p = req.problem as CodeProblem;
        const raw = `\`\`\`python\n${p.prompt}${p.canonicalSolution ?? '    pass\n'}\`\`\``;
        return { raw, latencyMs: 0, ttftMs: 0, tokensIn: opts.tokensIn ?? 100, tokensOut: opts.tokensOut ?? 50 };
      },
    }),
  };
}

/** `noop`: every sample passes at once; execution is not what is measured or checked. */
export const noopSandbox: SandboxFactory = {
  name: 'noop', isolated: false,
  create: async () => ({ name: 'noop', execute: async () => ({ status: 'passed', detail: '', output: '', durationMs: 0 }), close: async () => undefined }),
};

// Each strategy's messages for one problem of a suite, before any run (the preview command and
// `crucible preview`): what will be sent, with the strategy's own sampling parameters.
import type { PreviewResult } from '../../protocol';
import type { Strategy } from '../plugins';
import type { Plugins } from '../registry';
import type { Catalog } from './catalog';

/**
 * Every registered strategy that prompts the problem's kind, or the ones named (an unknown name is an
 * error listing the known ones). A strategy that cannot prompt the problem says why instead.
 */
export async function previewStrategies(plugins: Plugins, catalog: Catalog, suite: string, problemId?: string, names?: string[], strategy: (name: string) => Strategy = (n) => plugins.strategies.get(n)): Promise<PreviewResult> {
  const problems = await catalog.load(suite);
  if (!problems.length) throw new Error(`suite ${suite} has no problems`);
  const problem = problemId ? problems.find((p) => p.id === problemId) : problems[0];
  if (!problem) throw new Error(`suite ${suite} has no problem "${problemId}"`);
  const kind = problem.kind ?? 'code';
  const chosen = names?.length ? names.map(strategy) : plugins.strategies.all().filter((s) => s.kinds.includes(kind));
  return {
    suite, problemId: problem.id, kind,
    previews: chosen.map((s) => {
      let messages = null, error = null;
      try { messages = s.messages(problem, { problems }); } catch (e) { error = (e as Error).message; }
      return { strategy: s.name, description: s.description ?? null, params: { ...(s.params ?? {}) }, messages, error };
    }),
  };
}

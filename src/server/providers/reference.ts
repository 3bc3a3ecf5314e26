// `reference`: returns each problem's canonical solution. Like bigcode-evaluation-harness's
// check-references, it checks the pipeline (suite, language, sandbox, scoring) with no model at all.
import type { ProviderFactory } from '../plugins';

export const referenceProvider: ProviderFactory = {
  name: 'reference',
  create(model) {
    return {
      name: 'reference',
      model: model || 'reference',
      cacheable: false,
      async generate({ problem }) {
        if (problem.kind === 'chat') throw new Error(`reference: ${problem.id} is a chat problem; it has no reference answer (pick a model)`);
        if (problem.canonicalSolution === undefined) throw new Error(`reference: problem ${problem.id} has no canonical solution`);
        return { raw: problem.canonicalSolution, completion: problem.canonicalSolution, latencyMs: 0 };
      },
    };
  },
};

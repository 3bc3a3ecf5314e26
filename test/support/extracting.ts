// Providers return the raw reply; extraction is the pipeline's step. The provider tests check both
// together (a reply must extract to a passing completion), so they wrap a provider with it here.
import { extractCode } from '../../src/server/extract/code';
import type { ContentStatus, GenerateRequest, Generation, Provider } from '../../src/server/plugins';

export type Extracted = Generation & { completion: string; contentStatus: ContentStatus; cleaningNotes: string[] };
export interface ExtractingProvider extends Omit<Provider, 'generate'> { generate(req: GenerateRequest): Promise<Extracted> }

export function extracting(p: Provider): ExtractingProvider {
  return {
    name: p.name, model: p.model, cacheable: p.cacheable, close: p.close?.bind(p),
    async generate(req) {
      const g = await p.generate(req);
      if (req.problem.kind === 'chat') throw new Error('extracting: code problems only');
      const c = extractCode(g, req.problem);
      return { ...g, completion: c.completion, contentStatus: c.status, cleaningNotes: c.notes };
    },
  };
}

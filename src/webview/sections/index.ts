// The behaviour probes' sections of the results panel, each its own file; results.ts calls this once per render.
import type { FromResultsWebview, RunDetail } from '../../protocol';
import { renderBias } from './bias';
import { renderFacts } from './facts';
import { renderPackages } from './packages';
import { renderSimilarity } from './similarity';

export function renderProbeSections(d: RunDetail, post: (m: FromResultsWebview) => void): void {
  const openPair = (sampleA: string, sampleB: string) => post({ type: 'openPair', sampleA, sampleB });
  renderPackages(d, (sampleId) => post({ type: 'openSample', sampleId }));
  renderFacts(d);
  renderBias(d, openPair);
  renderSimilarity(d, openPair);
}

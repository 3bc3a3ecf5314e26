// Sections of the results panel that live in their own module. To add one: write
// `src/webview/sections/<name>.ts` exporting a PanelSection and add it to SECTIONS below (one line).
// A section gets the whole RunDetail on every update and returns its content (or null to hide);
// it draws with the helpers of ../kit (el, card, exportButtons, themeColors, charts) and computes
// no metric: figures come from the engine in the RunDetail.
import type { FromResultsWebview, RunDetail } from '../../protocol';
import { renderBias } from './bias';
import { renderFacts } from './facts';
import { renderPackages } from './packages';
import { renderSimilarity } from './similarity';
import { heatmapSection } from './heatmap';
import { body, el, section } from './dom';

export interface SectionContext {
  /** Open a problem of the run for one arm (its source and first failing sample), beside the panel. */
  openProblem(problemId: string, arm: string): void;
  openSample(sampleId: string): void;
}

export interface PanelSection {
  /** Unique; the section's element is `<section id="section-<id>">`. */
  id: string;
  title: string;
  /** Called on every update (≤ 4/s while a run goes on): keep it proportional to the run's size. */
  render(detail: RunDetail, ctx: SectionContext): HTMLElement | null;
}

export const SECTIONS: PanelSection[] = [
  heatmapSection,
];

/** The behaviour probes' sections (packages, facts, bias, similarity): each finds or makes its own <section>. */
export function renderProbeSections(d: RunDetail, post: (m: FromResultsWebview) => void): void {
  const openPair = (sampleA: string, sampleB: string) => post({ type: 'openPair', sampleA, sampleB });
  renderPackages(d, (sampleId) => post({ type: 'openSample', sampleId }));
  renderFacts(d);
  renderBias(d, openPair);
  renderSimilarity(d, openPair);
  renderPending(d);
}

/** A big run's probes come after its detail (GetProbes) or when it finishes: say so where they will be. */
function renderPending(d: RunDetail): void {
  const existing = document.getElementById('probes-pending');
  if (!d.probesPending) { if (existing) existing.hidden = true; return; }
  const s = section('probes-pending', 'Behaviour probes', '(bias pairs, cross-model similarity, invented packages)');
  s.hidden = false;
  body(s).replaceChildren(el('p', { class: 'hint' }, d.probesPending === 'running'
    ? 'Computed when the run finishes (they compare every answer: not redone on each update of a big run).'
    : 'Computing… (they compare every answer of the run; the rest of the panel does not wait for them).'));
}

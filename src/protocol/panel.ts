// What the results panel is sent: a run's detail with each code problem's samples folded into one
// entry per distinct (status, detail) — its first sample, with how many it stands for. The panel
// counts, filters, searches and groups failures by status and detail only, so the fold loses nothing
// it shows, and a 164 × 200 × 3 run ships a few entries a cell instead of 98,400 summaries.
// Chat problems stay whole (the panel lists every conversation). Everything that needs each sample
// (Runs tree, Testing, CodeLens, sample navigation) keeps using the engine's full detail.
import type { ProblemResult, RunDetail, SampleSummary } from './index';

/** How many samples an entry stands for (1 unless folded). */
export const weight = (s: Pick<SampleSummary, 'count'>): number => s.count ?? 1;

/** Samples of a cell, folded entries counted as the samples they stand for. */
export const sampleCount = (p: Pick<ProblemResult, 'samples'>): number => p.samples.reduce((a, s) => a + weight(s), 0);

/** Samples of a cell with this status, folded entries counted as the samples they stand for. */
export const statusCount = (p: Pick<ProblemResult, 'samples'>, status: string): number =>
  p.samples.reduce((a, s) => a + (s.status === status ? weight(s) : 0), 0);

export function foldSamples(samples: SampleSummary[]): SampleSummary[] {
  const groups = new Map<string, SampleSummary>();
  for (const s of [...samples].sort((a, b) => a.index - b.index)) {
    const key = `${s.status}\0${s.detail}`;
    const g = groups.get(key);
    if (g) g.count = weight(g) + weight(s);
    else groups.set(key, { ...s, count: weight(s) });
  }
  return [...groups.values()];
}

/**
 * The images that scored a run, one short phrase: `crucible-python-sci:local@sha256:1d5b12b27e58`, or per
 * language when they differ (`go crucible-go:local@sha256:… · rust …`). Empty without images.
 */
export function imagesText(images: Record<string, string> | undefined): string {
  const short = (i: string) => i.replace(/@sha256:([0-9a-f]{12})[0-9a-f]*$/, '@sha256:$1');
  const entries = Object.entries(images ?? {});
  if (entries.length === 1) return short(entries[0][1]);
  return entries.map(([lang, i]) => `${lang} ${short(i)}`).join(' · ');
}

export function panelDetail(d: RunDetail): RunDetail {
  return { ...d, problems: d.problems.map((p) => (p.kind === 'code' ? { ...p, samples: foldSamples(p.samples) } : p)) };
}

// Pieces of the results panel used by more than one part: the run shown, intervals in words.
import type { PassAtK, RunDetail } from '../protocol';
import { codeSamples, fmtRate } from '../extension/format';
import { el } from './kit';

let shown: RunDetail | undefined;
export const current = (): RunDetail | undefined => shown;
export const setCurrent = (d: RunDetail): void => { shown = d; };

/** "[0.323, 0.390]"; more digits where three would print a non-zero-width interval as [1.000, 1.000]. */
export function ciText(low: number | null, high: number | null): string {
  if (low == null || high == null) return '';
  let digits = 3;
  while (digits < 6 && low !== high && fmtRate(low, digits) === fmtRate(high, digits)) digits++;
  return `[${fmtRate(low, digits)}, ${fmtRate(high, digits)}]`;
}

/** Code problems of the run for one arm (its rows, started or not). */
export const codeProblems = (d: RunDetail, arm: string): number => d.problems.reduce((a, p) => a + (p.arm === arm && p.kind === 'code' ? 1 : 0), 0);

/** Why pass@k has no interval: never shown as a zero-width one. */
export function noIntervalWhy(p: PassAtK, running = false): string {
  const probs = p.problems ?? 0;
  if (running) return 'No interval yet: it is computed when the run finishes.';
  if (probs < 2) return `No interval: the bootstrap over problems needs at least 2 problems with ${p.k} or more scored samples; this run has ${probs}.`;
  return `No interval: all ${probs} problems have the same pass@${p.k} (${fmtRate(p.value)}), so resampling problems cannot vary it.`;
}

/** The interval of a value, or "no interval" with the reason as a tooltip (and in the text for screen readers). */
export function ciSpan(low: number | null, high: number | null, why: string): HTMLElement {
  return low == null || high == null ? el('span', { class: 'ci none', title: why, 'aria-label': why }, 'no interval') : el('span', { class: 'ci' }, ciText(low, high));
}

/** Arms that ran code problems (pass@k applies) and arms that ran chat problems (refusal metrics). */
export const codeArms = (d: RunDetail) => d.run.metrics.filter((m) => codeSamples(m) > 0 || (!m.refusal && m.samples === 0));
export const chatArms = (d: RunDetail) => d.run.metrics.filter((m) => m.refusal);

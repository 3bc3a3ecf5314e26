// Stepping through a run's failing samples and comparing one with a passing sample: commands of the
// sample documents (`crucible-sample:`), reading the run's detail from the engine.
import * as vscode from 'vscode';
import type { RunDetail, SampleSummary } from '../../protocol';
import type { Ctx } from '../ctx';
import { SampleDocuments } from '../sampleDocs';

const FAILING = new Set(['failed', 'timeout', 'error', 'slipped']);

/** The run's failing samples in the order a person reads them: problems in run order, then sample index. */
export function failingSamples(d: RunDetail): SampleSummary[] {
  return d.problems.flatMap((p) => [...p.samples].sort((a, b) => a.index - b.index).filter((s) => FAILING.has(s.status)));
}

function currentSampleId(arg?: unknown): string | undefined {
  if (typeof arg === 'string') return arg;
  if (arg instanceof vscode.Uri) return SampleDocuments.idOf(arg);
  return SampleDocuments.idOf(vscode.window.activeTextEditor?.document.uri);
}

/** Opens the next (dir 1) or previous (dir -1) failing sample of the current sample's run, wrapping around. */
export async function stepFailing(ctx: Ctx, dir: 1 | -1, arg?: unknown): Promise<void> {
  const id = currentSampleId(arg);
  if (!id) {
    void vscode.window.showInformationMessage('Crucible: open a sample first (Runs view → a problem → a sample).');
    return;
  }
  const cur = await ctx.samples.get(id);
  const list = failingSamples(await ctx.state.detail(cur.runId));
  if (list.length === 0) {
    void vscode.window.showInformationMessage('Crucible: no sample of this run failed.');
    return;
  }
  const at = list.findIndex((s) => s.id === id);
  // Not itself failing: start from the first (or the last, going back).
  const next = at < 0 ? list[dir === 1 ? 0 : list.length - 1] : list[(at + dir + list.length) % list.length];
  await ctx.samples.open(next.id, { preview: true });
  vscode.window.setStatusBarMessage(`Crucible: failing sample ${list.indexOf(next) + 1} of ${list.length}`, 4000);
}

/**
 * Diff against the canonical solution when the problem has one; else (or when asked) against the best
 * passing sample of the same problem in the run: the same arm's first passing sample, then any arm's.
 */
export async function diffSample(ctx: Ctx, arg?: unknown, againstPassing = false): Promise<void> {
  const id = currentSampleId(arg) ?? (typeof arg === 'object' && arg && 'sample' in arg ? (arg as { sample: SampleSummary }).sample.id : undefined);
  if (!id) {
    void vscode.window.showInformationMessage('Crucible: open a sample first (Runs view → a problem → a sample).');
    return;
  }
  const d = await ctx.samples.get(id);
  if (!againstPassing && d.canonicalSolution != null) {
    await ctx.samples.diff(id);
    return;
  }
  const run = await ctx.state.detail(d.runId);
  const passing = run.problems.filter((p) => p.problemId === d.problemId)
    .sort((a, b) => Number(b.arm === d.arm) - Number(a.arm === d.arm))
    .flatMap((p) => [...p.samples].sort((a, b) => a.index - b.index))
    .find((s) => s.status === 'passed' && s.id !== id);
  if (!passing) {
    void vscode.window.showInformationMessage(`Crucible: no sample of ${d.problemId} passed in this run${d.canonicalSolution == null ? ' and it has no canonical solution' : ''}; nothing to compare with.`);
    return;
  }
  await ctx.samples.diffWith(id, await ctx.samples.get(passing.id));
}

// What every export is made from: the run's summary, its samples, its audit and the thresholds'
// verdicts, gathered once from the engine. The formats (./summary, ./csv, ./markdown, ./html,
// ./lmeval) are pure functions of it.
import type { RunSummary } from '../../protocol';
import type { RunAudit } from '../audit';
import type { ThresholdResult } from '../config/thresholds';
import type { Engine } from '../engine';

export interface SampleRow {
  problemId: string;
  suite: string;
  arm: string;
  model: string;
  index: number;
  status: string;
  passed: boolean | null;
  detail: string;
  latencyMs: number | null;
  execMs: number | null;
  completion: string;
}

/** One problem's pass@k for one arm (the mean over a suite's problems is the suite's pass@k). */
export interface ProblemScore { problemId: string; suite: string; arm: string; n: number; c: number; passAtK: { k: number; value: number | null }[] }

export interface ReportData {
  run: RunSummary;
  audit: RunAudit | null;
  thresholds: ThresholdResult[];
  samples: SampleRow[];
  problems: ProblemScore[];
  /** When the report was made. */
  generatedAt: string;
}

export function collectReport(engine: Engine, runId: string, thresholds: ThresholdResult[]): ReportData {
  const detail = engine.getRun(runId);
  const suiteOf = new Map(engine.store.problems(runId).map((p) => [p.problem_id, p.suite]));
  const samples: SampleRow[] = [];
  const problems: ProblemScore[] = [];
  for (const p of detail.problems) {
    const suite = suiteOf.get(p.problemId) ?? detail.run.suite;
    problems.push({ problemId: p.problemId, suite, arm: p.arm, n: p.n, c: p.c, passAtK: p.passAtK });
    for (const s of p.samples) {
      const full = engine.getSample(s.id);
      samples.push({
        problemId: s.problemId, suite, arm: s.arm, model: s.model, index: s.index, status: s.status,
        passed: p.kind === 'code' ? (s.status === 'error' ? null : s.status === 'passed') : null,
        detail: s.detail, latencyMs: s.latencyMs, execMs: s.execMs, completion: full.completion,
      });
    }
  }
  return { run: detail.run, audit: engine.runAudit(runId), thresholds, samples, problems, generatedAt: new Date().toISOString() };
}

export const fmt = (v: number | null | undefined, d = 3) => (v === null || v === undefined ? '—' : v.toFixed(d));
export const interval = (lo: number | null, hi: number | null) => (lo === null || hi === null ? '[n/a]' : `[${fmt(lo)}, ${fmt(hi)}]`);

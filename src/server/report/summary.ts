// The summary JSON: the run's metrics per arm, the thresholds' verdicts and the audit, for tools.
import type { ReportData } from './data';

export const SUMMARY_FORMAT = 'crucible-summary/1';

export function summaryJson(d: ReportData, exitCode: number): string {
  return JSON.stringify({
    format: SUMMARY_FORMAT,
    generatedAt: d.generatedAt,
    exitCode,
    run: d.run,
    thresholds: d.thresholds.map((t) => ({ kind: t.threshold.kind, arm: t.arm, metric: t.threshold.kind === 'fail-under' ? `pass@${t.threshold.k}` : 'slip_rate', limit: t.threshold.limit, value: t.value, ok: t.ok, source: t.threshold.source, message: t.message })),
    audit: d.audit,
  }, null, 2) + '\n';
}

// One row per sample (RFC 4180: fields with a comma, quote or line break are quoted, quotes doubled).
import type { ReportData } from './data';

const cell = (v: unknown): string => {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const CSV_COLUMNS = ['run_id', 'suite', 'task_id', 'arm', 'model', 'sample_index', 'status', 'passed', 'detail', 'latency_ms', 'exec_ms', 'completion'] as const;

export function samplesCsv(d: ReportData): string {
  const rows = d.samples.map((s) => [d.run.id, s.suite, s.problemId, s.arm, s.model, s.index, s.status, s.passed === null ? '' : s.passed, s.detail,
    s.latencyMs === null ? '' : s.latencyMs.toFixed(1), s.execMs === null ? '' : s.execMs.toFixed(1), s.completion]);
  return [CSV_COLUMNS as readonly unknown[], ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n';
}

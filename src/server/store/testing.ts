// Helpers for the store's tests (not used by the product).
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { RunRow, SampleRow } from './rows';

export const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/store');

export function tempDir(prefix = 'crucible-store-'): string { return mkdtempSync(path.join(tmpdir(), prefix)); }

/** Copies fixture `name` (and its journal, if any) into a fresh directory; returns the copy's path. */
export function fixtureCopy(name: string): string {
  const dst = path.join(tempDir(), name);
  copyFileSync(path.join(FIXTURES, name), dst);
  if (existsSync(path.join(FIXTURES, name + '.journal'))) copyFileSync(path.join(FIXTURES, name + '.journal'), dst + '.journal');
  return dst;
}

export const runRow = (id: string, extra: Partial<RunRow> = {}): RunRow => ({
  id, label: 'l', suite: 's', plan: '{"models":["m"]}', status: 'running', created_at: new Date().toISOString(),
  finished_at: null, total: 3, done: 0, wall_ms: null, error: null, metrics: null, ...extra,
});

export const sampleRow = (runId: string, i: number, extra: Partial<SampleRow> = {}): SampleRow => ({
  id: `${runId}-${i}`, run_id: runId, problem_id: `P/${i}`, model: 'm', idx: 0, raw: 'r', completion: 'c',
  tokens_in: null, tokens_out: null, ttft_ms: null, latency_ms: 1, retries: 0, status: 'passed', detail: '',
  output: '', exec_ms: 2, created_at: new Date().toISOString(), meta: null, ...extra,
});

// Test data from ../shared/datasets (never committed to this repo).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const DATA_DIR = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');

export interface HumanEvalRecord { task_id: string; prompt: string; canonical_solution: string; test: string; entry_point: string }

let cache: HumanEvalRecord[] | undefined;
export async function humanEval(limit?: number): Promise<HumanEvalRecord[]> {
  cache ??= gunzipSync(readFileSync(path.join(DATA_DIR, 'humaneval', 'HumanEval.jsonl.gz')))
    .toString('utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  return limit === undefined ? cache : cache.slice(0, limit);
}

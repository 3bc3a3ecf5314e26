import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { samplesPerTask } from './replayCount';

test('samplesPerTask: the most samples any task has, plain or gzipped; 0 for a file without task ids', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-count-'));
  const lines = [];
  for (let t = 0; t < 3; t++) for (let i = 0; i < (t === 1 ? 10 : 7); i++) lines.push(JSON.stringify({ task_id: `HumanEval/${t}`, completion: 'x' }));
  writeFileSync(join(dir, 's.jsonl'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 's.jsonl.gz'), gzipSync(lines.join('\n')));
  writeFileSync(join(dir, 'e.jsonl'), '{"x": 1}\n');
  assert.equal(await samplesPerTask(join(dir, 's.jsonl')), 10);
  assert.equal(await samplesPerTask(join(dir, 's.jsonl.gz')), 10);
  assert.equal(await samplesPerTask(join(dir, 'e.jsonl')), 0);
});

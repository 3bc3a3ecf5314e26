import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { readFirstLine } from './fileHead';

const dir = mkdtempSync(join(tmpdir(), 'crucible-filehead-'));
const record = JSON.stringify({ task_id: 'X/0', prompt: 'def f():\n', test: 'assert f() == 1', entry_point: 'f' });
// Many long lines, so that the head read (small below) ends in the middle of the data.
const body = [record, ...Array.from({ length: 200 }, (_, i) => JSON.stringify({ task_id: `X/${i + 1}`, prompt: 'p'.repeat(500 + i), test: 't' }))].join('\n') + '\n';

test('first line of a plain file, even when only part of the file is read', async () => {
  const f = join(dir, 'a.jsonl');
  writeFileSync(f, body);
  assert.equal(await readFirstLine(f, 4096), record);
});

test('first line of a gzipped file whose head is a truncated gzip stream', async () => {
  const f = join(dir, 'a.jsonl.gz');
  const gz = gzipSync(body);
  writeFileSync(f, gz);
  assert.ok(gz.length > 512, 'the compressed file must be longer than the head read');
  assert.equal(await readFirstLine(f, 512), record);
});

test('missing or corrupt files give null, not an exception', async () => {
  assert.equal(await readFirstLine(join(dir, 'nope.jsonl')), null);
  const f = join(dir, 'bad.jsonl.gz');
  writeFileSync(f, 'not gzip at all');
  assert.equal(await readFirstLine(f), null);
});

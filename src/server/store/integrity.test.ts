// A damaged database file is refused on open, by readers and writers, and never written into.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { Store } from './store';
import { runRow, sampleRow, tempDir } from './testing';

async function realDatabase(): Promise<string> {
  const db = path.join(tempDir(), 'c.db');
  const s = await Store.open(db);
  for (let r = 0; r < 3; r++) {
    s.putRun(runRow(`r${r}`, { status: 'completed' }));
    for (let i = 0; i < 100; i++) s.putSample(sampleRow(`r${r}`, i, { output: `trace ${i} `.repeat(200), completion: `    return ${i}\n`.repeat(20) }));
  }
  await s.flush();
  s.close();
  return db;
}

test('4 KB flipped in the middle of a multi-page database: open refuses it with an error naming the file, and writes nothing', async () => {
  const db = await realDatabase();
  const bytes = readFileSync(db);
  assert.ok(bytes.length > 100 * 4096, `a multi-page database (${bytes.length} bytes)`);
  const mid = Math.floor(bytes.length / 2 / 4096) * 4096;
  for (let i = mid; i < mid + 4096; i++) bytes[i] ^= 0xff;
  writeFileSync(db, bytes);
  const dir = path.dirname(db);
  const before = readdirSync(dir).sort().map((f) => [f, statSync(path.join(dir, f)).mtimeMs, readFileSync(path.join(dir, f)).toString('base64')]);
  for (const opts of [{}, { readOnly: true }, { readOnly: false }]) {
    await assert.rejects(Store.open(db, opts), (e: Error) => {
      assert.match(e.message, new RegExp(`^${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is damaged \\(.+\\); Crucible will neither read nor write it\\. Move it aside`));
      assert.equal(e.name, 'StoreDamagedError');
      return true;
    });
  }
  const after = readdirSync(dir).sort().map((f) => [f, statSync(path.join(dir, f)).mtimeMs, readFileSync(path.join(dir, f)).toString('base64')]);
  assert.deepEqual(after, before, 'nothing was written');
});

test('a sound database passes the check, and every checkpoint leaves one that does', async () => {
  const db = await realDatabase();
  const s = await Store.open(db, { readOnly: false, checkpointBytes: 10_000 });
  s.acquireWriter('test');
  for (let i = 100; i < 150; i++) { s.putSample(sampleRow('r0', i, { output: 'x'.repeat(3000) })); await s.flush(); }
  s.releaseWriter();
  s.close();
  const r = await Store.open(db, { readOnly: true });
  assert.equal(r.sampleIds('r0').size, 150);
  r.close();
});

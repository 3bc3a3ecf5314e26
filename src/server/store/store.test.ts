import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Store, type RunRow, type SampleRow } from './store';

const run = (id: string): RunRow => ({
  id, label: 'l', suite: 's', plan: '{}', status: 'running', created_at: new Date().toISOString(),
  finished_at: null, total: 3, done: 0, wall_ms: null, error: null, metrics: null,
});
const sample = (runId: string, i: number): SampleRow => ({
  id: `${runId}-${i}`, run_id: runId, problem_id: `P/${i}`, model: 'm', idx: 0, raw: 'r', completion: 'c',
  tokens_in: null, tokens_out: null, ttft_ms: null, latency_ms: 1, retries: 0, status: 'passed', detail: '',
  output: '', exec_ms: 2, created_at: new Date().toISOString(), meta: null,
});

test('samples written before a SIGKILL survive, and a torn journal line is ignored', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-store-'));
  const db = path.join(dir, 'c.db');
  // A child process writes 25 samples (checkpointing after ~2 KB of journal), waits until they are
  // acknowledged (flushed), and is then killed with SIGKILL.
  const child = `
    const { Store } = require(${JSON.stringify(path.join(__dirname, 'store.ts'))});
    (async () => {
      const s = await Store.open(${JSON.stringify(db)}, { checkpointBytes: 2000 });
      s.putRun(${JSON.stringify(run('r1'))});
      for (let i = 0; i < 25; i++) {
        s.putSample({ ...${JSON.stringify(sample('r1', 0))}, id: 'r1-' + i, problem_id: 'P/' + i });
        if (i % 3 === 0) await s.flush();
      }
      s.checkpoint();
      s.putSample({ ...${JSON.stringify(sample('r1', 0))}, id: 'r1-25', problem_id: 'P/25' }); // only in the journal
      await s.flush();
      process.kill(process.pid, 'SIGKILL');
    })();`;
  const res = spawnSync(process.execPath, ['--import', 'tsx', '-e', child], { encoding: 'utf8' });
  assert.equal(res.signal, 'SIGKILL', res.stderr);
  assert.ok(existsSync(db), 'a checkpoint was written');
  assert.ok(readFileSync(db + '.journal', 'utf8').length > 0, 'uncheckpointed samples are in the journal');
  appendFileSync(db + '.journal', '{"t":"sample","row":{"id":"torn'); // crash mid-write
  return Store.open(db).then((s) => {
    assert.equal(s.sampleIds('r1').size, 26);
    assert.equal(s.run('r1')?.status, 'running');
    s.close();
  });
});

test('close checkpoints and empties the journal; reopening reads everything back', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-store-'));
  const db = path.join(dir, 'c.db');
  const s = await Store.open(db);
  s.putRun(run('r2'));
  s.putSample(sample('r2', 1));
  s.close();
  assert.equal(readFileSync(db + '.journal', 'utf8'), '');
  const s2 = await Store.open(db);
  const got = s2.outcomes('r2');
  assert.equal(got.length, 1);
  assert.equal(got[0].status, 'passed');
  assert.equal(got[0].exec_ms, 2);
  s2.close();
});

test('a file that is not a database gives an error naming it', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-store-'));
  const db = path.join(dir, 'bad.db');
  appendFileSync(db, 'this is not sqlite at all, not even close'.repeat(100));
  await assert.rejects(Store.open(db), (e: Error) => e.message.includes(db));
});

// The store's guarantees as a CLI user meets them: the built bundle (dist/cli.js), real files,
// `--sandbox local` (the reference model's canonical solutions run on this machine).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DATA_DIR } from '../support/humaneval-data';
import { Store } from '../../src/server/store/store';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const env = { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR };
const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env });
const evalArgs = (db: string, limit: number) => ['eval', '--suite', 'humaneval', '--model', 'reference', '--sandbox', 'local', '--limit', String(limit), '--timeout', '20000', '--db', db];
const RUN_ID = /\d{8}-\d{6}-[0-9a-f]{6}/;

function smallDisk(t: TestContext, size: string): string | null {
  if (process.getuid?.() !== 0) { t.skip('needs root to mount a small tmpfs'); return null; }
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-full-'));
  const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (r.status !== 0) { t.skip(`cannot mount a tmpfs here (${r.stderr.trim()})`); return null; }
  t.after(() => { spawnSync('umount', ['-l', dir]); });
  return dir;
}

/** Starts a long eval and resolves once its run is on disk (the writer lock is taken and the run journaled). */
async function liveEval(db: string) {
  const proc = spawn(process.execPath, [CLI, ...evalArgs(db, 40)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '', err = '';
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { err += d; });
  const exit = new Promise<number | null>((r) => proc.on('exit', (c) => r(c)));
  for (let i = 0; i < 600; i++) {
    if (existsSync(db + '.lock') && existsSync(db + '.journal') && statSync(db + '.journal').size > 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  return { proc, exit, out: () => out, err: () => err };
}

test('crucible eval on a full disk (500 KB tmpfs) exits non-zero with a clear error, and what was stored stays readable', async (t) => {
  const dir = smallDisk(t, '500k');
  if (!dir) return;
  const db = path.join(dir, 'c.db');
  const r = cli('eval', '--suite', 'humaneval', '--model', 'reference', '--sandbox', 'local', '--timeout', '20000', '--db', db);
  assert.notEqual(r.status, 0, r.stdout);
  assert.doesNotMatch(r.stdout, /completed/);
  assert.match(r.stderr, new RegExp(`crucible: cannot write the database ${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: no space left on device \\(ENOSPC\\); nothing stored before was lost; free space and run \`crucible resume ${RUN_ID.source}\``));
  assert.ok(!existsSync(db + '.tmp') && !existsSync(db + '.lock'));
  const s = await Store.open(db, { readOnly: true });
  assert.equal(s.runs().length, 1);
  s.close();
  const list = cli('runs', '--db', db);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, RUN_ID);
});

test('two crucible eval on one --db at once: the second is refused with a clear message, the first completes intact', async () => {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'crucible-two-')), 'c.db');
  const first = await liveEval(db);
  const second = cli(...evalArgs(db, 2));
  assert.equal(second.status, 3, second.stdout); // could not start: the run is not done (exit codes in README)
  assert.match(second.stderr, new RegExp(`is being written by another Crucible process \\(pid ${first.proc.pid}, \`crucible eval\`, since \\d\\d:\\d\\d\\); wait for it to finish, or use another --db`));
  assert.equal(await first.exit, 0, first.err());
  assert.match(first.out(), /· completed ·/);
  const runs = cli('runs', '--db', db).stdout.trim().split('\n');
  assert.equal(runs.length, 1);
  assert.match(runs[0], /completed\s+40\/40/);
});

test('crucible runs during a live eval lists it as running, writes nothing, and the eval completes', async () => {
  const db = path.join(mkdtempSync(path.join(tmpdir(), 'crucible-live-')), 'c.db');
  const live = await liveEval(db);
  const before = statSync(db);
  const list = cli('runs', '--db', db);
  assert.equal(list.status, 0, list.stderr);
  assert.match(list.stdout, /running/);
  const after = statSync(db);
  assert.deepEqual([after.ino, after.mtimeMs, after.size], [before.ino, before.mtimeMs, before.size], 'runs did not checkpoint the live database');
  assert.equal(await live.exit, 0, live.err());
  const s = await Store.open(db, { readOnly: true });
  assert.equal(s.runs()[0].status, 'completed');
  assert.equal(s.outcomes(s.runs()[0].id).length, 40);
  s.close();
});

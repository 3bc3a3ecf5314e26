// One writer at a time, readers never write: real processes on one database file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { Store, StoreBusyError } from './store';
import { runRow, tempDir } from './testing';

const STORE = JSON.stringify(path.join(__dirname, 'store.ts'));
const TESTING = JSON.stringify(path.join(__dirname, 'testing.ts'));

/** Starts `node -e body` (with Store, runRow, sampleRow, say(), next() in scope); lines it prints arrive through `lines`. */
function child(body: string): { proc: ChildProcess; line: () => Promise<string>; send: (s: string) => void; exit: Promise<number | null>; stderr: () => string } {
  const script = `
    const { Store } = require(${STORE});
    const { runRow, sampleRow } = require(${TESTING});
    const say = (s) => process.stdout.write(s + '\\n');
    const rl = require('node:readline').createInterface({ input: process.stdin });
    const waiting = []; rl.on('line', (l) => waiting.shift()?.(l));
    const next = () => new Promise((r) => waiting.push(r));
    (async () => { ${body} })().then(() => { rl.close(); process.stdin.destroy(); }, (e) => { say('ERROR ' + JSON.stringify(e.message)); process.exit(3); });`;
  const proc = spawn(process.execPath, ['--import', 'tsx', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  proc.stderr!.on('data', (d) => { err += d; });
  const queue: string[] = [];
  const wanted: ((s: string) => void)[] = [];
  createInterface({ input: proc.stdout! }).on('line', (l) => { const w = wanted.shift(); if (w) w(l); else queue.push(l); });
  const exit = new Promise<number | null>((r) => proc.on('exit', (code) => r(code)));
  return {
    proc,
    line: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r, j) => {
      wanted.push(r);
      void exit.then(() => j(new Error(`child exited: ${err}`)));
    })),
    send: (s) => proc.stdin!.write(s + '\n'),
    exit,
    stderr: () => err,
  };
}

const snapshot = (dir: string) => readdirSync(dir).sort().map((f) => {
  const st = statSync(path.join(dir, f));
  return [f, st.ino, st.size, st.mtimeMs, readFileSync(path.join(dir, f)).toString('base64')];
});

test('two writers on one database: the second is refused with a message naming the first, whose data stays intact', async () => {
  const db = path.join(tempDir(), 'c.db');
  // The first writer uses only today's engine API (open, put*, flush, close).
  const w1 = child(`
    const s = await Store.open(${JSON.stringify(db)});
    s.putRun(runRow('w1', { total: 20 }));
    for (let i = 0; i < 10; i++) s.putSample(sampleRow('w1', i));
    await s.flush();
    say('READY ' + process.pid);
    await next();
    for (let i = 10; i < 20; i++) s.putSample(sampleRow('w1', i));
    s.putRun(runRow('w1', { status: 'completed', done: 20, total: 20 }));
    await s.flush();
    s.close();
    say('DONE');`);
  const ready = await w1.line();
  assert.match(ready, /^READY \d+$/, w1.stderr());
  const pid = Number(ready.split(' ')[1]);
  const w2 = spawnSync(process.execPath, ['--import', 'tsx', '-e', `
    const { Store } = require(${STORE});
    const { runRow } = require(${TESTING});
    (async () => {
      const s = await Store.open(${JSON.stringify(db)});
      try { s.putRun(runRow('w2')); await s.flush(); s.close(); console.log('WROTE'); }
      catch (e) { console.log(JSON.stringify(e.message)); s.close(); }
    })();`], { encoding: 'utf8' });
  w1.send('go');
  assert.equal(await w1.line(), 'DONE');
  await w1.exit;
  assert.notEqual(w2.stdout.trim(), 'WROTE', 'the second writer must be refused');
  const msg = JSON.parse(w2.stdout);
  assert.match(msg, new RegExp(`^${db.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is being written by another Crucible process \\(pid ${pid}, \`[^\`]+\`, since \\d\\d:\\d\\d\\); wait for it to finish, or use another --db$`));
  const s = await Store.open(db, { readOnly: true });
  assert.equal(s.run('w1')?.status, 'completed');
  assert.equal(s.sampleIds('w1').size, 20);
  assert.equal(s.run('w2'), undefined);
  s.close();
  assert.ok(!existsSync(db + '.lock'), 'the lock went with the writer');
});

test('the writer lock names its owner; an explicit writer refuses a second one in-process too; writes without it throw', async () => {
  const db = path.join(tempDir(), 'c.db');
  const a = await Store.open(db, { readOnly: false });
  const b = await Store.open(db, { readOnly: false });
  const r = await Store.open(db, { readOnly: true });
  assert.throws(() => a.putRun(runRow('x')), /without the writer lock/);
  assert.throws(() => r.putRun(runRow('x')), /read-only/);
  assert.throws(() => r.acquireWriter('x'), /read-only/);
  assert.deepEqual(a.acquireWriter('crucible eval'), []);
  assert.deepEqual(a.acquireWriter('crucible eval'), [], 'nested acquire');
  assert.throws(() => b.acquireWriter('VS Code'), (e: Error) => e instanceof StoreBusyError && e.message.includes(`(pid ${process.pid}, \`crucible eval\`, since `));
  a.putRun(runRow('x'));
  a.releaseWriter();
  assert.ok(a.isWriter, 'still held after one of two releases');
  a.releaseWriter();
  assert.ok(!a.isWriter && !existsSync(db + '.lock'));
  assert.equal(r.refresh(0), true);
  assert.equal(r.run('x')?.status, 'running');
  b.acquireWriter('VS Code');
  b.putRun(runRow('y'));
  b.close();
  a.close(); r.close();
  assert.deepEqual(readdirSync(path.dirname(db)).sort(), ['c.db', 'c.db.journal']);
});

test('a reader during a live writer writes nothing and does not fail the live run; SIGKILL of the writer loses no acknowledged sample', async () => {
  const dir = tempDir();
  const db = path.join(dir, 'c.db');
  // The writer checkpoints every ~3 KB, so the reader also meets replaced files and emptied journals.
  const w = child(`
    const s = await Store.open(${JSON.stringify(db)}, { checkpointBytes: 3000 });
    s.putRun(runRow('live', { total: 100000 }));
    let i = 0;
    for (; i < 35; i++) { s.putSample(sampleRow('live', i)); await s.flush(); say('ACK live-' + i); }
    say('PAUSED');
    await next();
    for (;; i++) { s.putSample(sampleRow('live', i)); await s.flush(); say('ACK live-' + i); }`);
  const acked: string[] = [];
  for (;;) {
    const l = await w.line();
    if (l === 'PAUSED') break;
    acked.push(l.slice(4));
  }
  // What `crucible runs` does, while the writer is paused: nothing on disk may change.
  const before = snapshot(dir);
  const reader = await Store.open(db, { readOnly: true });
  assert.equal(reader.run('live')?.status, 'running');
  assert.equal(reader.sampleIds('live').size, 35);
  assert.deepEqual(snapshot(dir), before, 'opening read-only wrote nothing');
  reader.refresh(0);
  assert.deepEqual(snapshot(dir), before, 'refreshing wrote nothing');
  // The writer goes on; the reader follows with refresh() while it writes and checkpoints.
  w.send('go');
  const reading = (async () => {
    for (let k = 0; k < 40; k++) {
      await new Promise((r) => setTimeout(r, 10));
      reader.refresh(0);
      assert.equal(reader.run('live')?.status, 'running');
    }
  })();
  while (acked.length < 300) acked.push((await w.line()).slice(4));
  await reading;
  w.proc.kill('SIGKILL');
  await w.exit;
  // Lines printed before the kill are acknowledged samples too.
  for (;;) { try { const l = await Promise.race([w.line(), new Promise<string>((_, j) => setTimeout(() => j(new Error('none')), 50))]); acked.push(l.slice(4)); } catch { break; } }
  reader.refresh(0); // (may find nothing new: the reading loop above can have seen the last write already)
  const have = reader.sampleIds('live');
  for (const id of acked) assert.ok(have.has(id), `acknowledged ${id} is there`);
  assert.equal(reader.run('live')?.status, 'running', 'a reader does not judge runs');
  reader.close();
  const again = await Store.open(db, { readOnly: true });
  assert.ok([...acked].every((id) => again.sampleIds('live').has(id)));
  again.close();
});

test('a lock left by a SIGKILLed writer is stale: the next writer proceeds and marks the dead run failed', async () => {
  const db = path.join(tempDir(), 'c.db');
  const w = child(`
    const s = await Store.open(${JSON.stringify(db)}, { readOnly: false });
    s.acquireWriter('crucible eval');
    s.putRun(runRow('dead'));
    s.putSample(sampleRow('dead', 0));
    await s.flush();
    s.putRun(runRow('done', { status: 'completed' }));
    await s.flush();
    say('READY');
    await next();`);
  assert.equal(await w.line(), 'READY', w.stderr());
  w.proc.kill('SIGKILL');
  await w.exit;
  assert.ok(existsSync(db + '.lock'), 'the dead writer left its lock');
  const s = await Store.open(db, { readOnly: false });
  assert.deepEqual(s.acquireWriter('crucible resume'), ['dead']);
  assert.equal(s.run('dead')?.status, 'failed');
  assert.equal(s.run('dead')?.error, 'the process running it stopped before it finished');
  assert.equal(s.run('done')?.status, 'completed');
  assert.equal(s.sampleIds('dead').size, 1);
  assert.equal(JSON.parse(readFileSync(db + '.lock', 'utf8')).owner, 'crucible resume');
  s.close();
  assert.ok(!existsSync(db + '.lock'));
  const r = await Store.open(db, { readOnly: true });
  assert.equal(r.run('dead')?.status, 'failed');
  r.close();
});

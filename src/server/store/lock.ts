// The writer lock: `<db>.lock`, a small JSON file that exists while one process may write the
// database. It is made complete under a temporary name and hard-linked into place (link fails if
// the name exists), so it is never seen half-written and two processes cannot both create it.
// It is stale when its process is gone from this host (pid not alive, or alive with another start
// time: a recycled pid); a lock from another host is never judged stale (we cannot see its pids).
// No flock/fcntl: Node has no binding for them without a native module, which this extension
// cannot ship for every Electron; and a lock file is visible to a person (`cat c.db.lock`).
import { randomBytes } from 'node:crypto';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface LockHolder {
  pid: number; hostname: string; owner: string; since: string;
  /** The process's start time (Linux: /proc/<pid>/stat field 22), to tell a recycled pid. */
  start: string | null;
  /** Unique per acquisition, so a process only ever removes its own lock. */
  token: string;
}

export class StoreBusyError extends Error {
  constructor(readonly file: string, readonly holder: LockHolder) {
    const since = new Date(holder.since);
    const when = Number.isNaN(since.getTime()) ? holder.since : `${String(since.getHours()).padStart(2, '0')}:${String(since.getMinutes()).padStart(2, '0')}`;
    const where = holder.hostname === hostname() ? '' : ` on ${holder.hostname}`;
    super(`${file} is being written by another Crucible process (pid ${holder.pid}${where}, \`${holder.owner}\`, since ${when}); wait for it to finish, or use another --db`);
    this.name = 'StoreBusyError';
  }
}

export const lockFile = (db: string) => db + '.lock';

function startTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null; // field 22; fields after "comm"
  } catch {
    return null;
  }
}

function alive(h: LockHolder): boolean {
  if (h.hostname !== hostname()) return true;
  try {
    process.kill(h.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const now = startTime(h.pid);
  return h.start === null || now === null || now === h.start;
}

/** The current holder, or null (no lock, or an unreadable one). */
export function readLock(db: string): LockHolder | null {
  try {
    const h = JSON.parse(readFileSync(lockFile(db), 'utf8')) as LockHolder;
    return typeof h.pid === 'number' ? h : null;
  } catch {
    return null;
  }
}

/** Takes the lock for this process or throws StoreBusyError naming the live holder. */
export function acquireLock(db: string, owner: string): LockHolder {
  const me: LockHolder = {
    pid: process.pid, hostname: hostname(), owner, since: new Date().toISOString(), start: startTime(process.pid),
    token: randomBytes(8).toString('hex'),
  };
  const file = lockFile(db);
  const tmp = `${file}.${process.pid}.${me.token}`;
  writeFileSync(tmp, JSON.stringify(me) + '\n');
  try {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        linkSync(tmp, file);
        return me;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      }
      let raw: string;
      try { raw = readFileSync(file, 'utf8'); } catch { continue; } // released meanwhile
      let holder: LockHolder | null = null;
      try { holder = JSON.parse(raw) as LockHolder; } catch { /* unreadable: stale */ }
      if (holder && typeof holder.pid === 'number' && alive(holder)) throw new StoreBusyError(db, holder);
      // Stale. Move it aside and check that what we moved is what we judged stale: if another
      // process broke it and took the lock in between, put theirs back.
      const aside = `${file}.stale.${process.pid}.${me.token}`;
      try { renameSync(file, aside); } catch { continue; }
      const moved = readFileSync(aside, 'utf8');
      if (moved !== raw) {
        try { linkSync(aside, file); } catch { /* someone else holds it now: the next round says who */ }
      }
      unlinkSync(aside);
    }
    const h = readLock(db);
    if (h) throw new StoreBusyError(db, h);
    throw new Error(`${file}: cannot take the writer lock (it keeps changing hands)`);
  } finally {
    try { unlinkSync(tmp); } catch { /* gone */ }
  }
}

/** Removes the lock if it is still ours. */
export function releaseLock(db: string, me: LockHolder): void {
  const h = readLock(db);
  if (h && h.token === me.token && h.pid === me.pid) {
    try { unlinkSync(lockFile(db)); } catch { /* gone */ }
  }
}

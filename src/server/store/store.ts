// The store: one SQLite database through sql.js (no native module to match VS Code's Electron).
// sql.js keeps the database in memory, so durability comes from an append-only journal of finished
// work (fsync'd before a write is acknowledged) plus checkpoints: the whole database written to a
// temporary file, fsync'd, verified, renamed into place (and the directory fsync'd), and only then
// the journal emptied. On open the journal is replayed.
//
// One process writes at a time: the writer holds `<db>.lock` (lock.ts) from acquireWriter() to
// releaseWriter(). Everyone else reads: a read-only store never creates, writes, truncates or
// renames anything, and refresh() picks up what the writer has made durable since.
//
// A failed write (disk full, quota, I/O error) puts the store in a failed state: the flush promise
// rejects with a StoreFailedError saying what happened, later writes throw it, nothing half-written
// replaces the database, and the journal keeps every write acknowledged before.
import {
  closeSync, existsSync, fstatSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readFileSync, readSync, renameSync,
  statSync, unlinkSync, writeSync,
} from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { Verdict } from '../../protocol';
import { acquireLock, releaseLock, type LockHolder } from './lock';
import type {
  CacheRow, OutcomeRecord, OutcomeRow, ProblemRow, RunRow, SampleRecord, SampleRow, ScoredOutcome, SpendRow, StoredSample, SummaryRow,
} from './rows';
import { rowToProblem } from './rows';
import { migrate, NewerSchemaError, SCHEMA_VERSION } from './schema';
import type { AnnotationRow, BattleRow, ItemRow, TaskRow } from './annotation-rows';
import type { Problem } from '../plugins';

export type { CacheRow, OutcomeRecord, OutcomeRow, ProblemRow, RunRow, SampleRecord, SampleRow, ScoredOutcome, StoredSample, SummaryRow } from './rows';
export { problemToRow, rowToProblem } from './rows';
export { StoreBusyError } from './lock';
export { NewerSchemaError, SCHEMA_VERSION } from './schema';

type Op =
  | { t: 'cache'; row: CacheRow }
  | { t: 'spend'; row: SpendRow }
  /** A person's name and tags for a run (schema 5): kept apart from the engine's row, which it rewrites. */
  | { t: 'runMeta'; id: string; label: string | null; tags: string[] }
  /** Deletes a run with its problems, samples, outcomes, spend and meta (the completion cache stays). */
  | { t: 'deleteRun'; id: string }
  | { t: 'run'; row: RunRow }
  | { t: 'problems'; rows: ProblemRow[] }
  /** Schema-1 shape (and putSample): a sample with its `tests` verdict. */
  | { t: 'sample'; row: SampleRow }
  /** A sample and all its outcomes, applied together. */
  | { t: 'scored'; sample: SampleRecord; outcomes: OutcomeRecord[] }
  | { t: 'audit'; runId: string; audit: string }
  /** Schema 4: an annotation task with its items. */
  | { t: 'task'; task: TaskRow; items: ItemRow[] }
  /** A person's label and the outcome row (scorer human:<annotator>) that carries it, together. */
  | { t: 'label'; row: AnnotationRow; outcome: OutcomeRecord }
  | { t: 'unlabel'; id: string; sample_id: string; scorer: string }
  | { t: 'battle'; row: BattleRow }
  | { t: 'unbattle'; id: string };

/** The database file is damaged: nothing reads or writes it. */
export class StoreDamagedError extends Error {
  constructor(readonly file: string, what: string) {
    super(`${file} is damaged (${what}); Crucible will neither read nor write it. Move it aside (keep it: \`sqlite3 ${file} .recover\` may save its runs) and start afresh, or put back a backup`);
    this.name = 'StoreDamagedError';
  }
}

/** A write to disk failed; the store takes no more writes. */
export class StoreFailedError extends Error {
  constructor(message: string, readonly code: string | undefined) {
    super(message);
    this.name = 'StoreFailedError';
  }
}

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on device', EDQUOT: 'disk quota exceeded', EIO: 'input/output error', EROFS: 'read-only file system',
  EACCES: 'permission denied', EPERM: 'operation not permitted', EFBIG: 'file too large',
};

const FAILED_RUN_ERROR = 'the process running it stopped before it finished';
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

let sqlPromise: Promise<SqlJsStatic> | undefined;
function sql(): Promise<SqlJsStatic> {
  // In the bundle the wasm sits beside dist/*.js; from sources (tests) it is in node_modules.
  sqlPromise ??= initSqlJs({
    locateFile: (f: string) => {
      const beside = path.join(__dirname, f);
      return existsSync(beside) ? beside : require.resolve(`sql.js/dist/${f}`);
    },
  });
  return sqlPromise;
}

/** Identity of the database file: changes whenever a checkpoint replaces it. */
function fileSignature(f: string): string {
  try { const st = statSync(f); return `${st.ino}:${st.size}:${st.mtimeMs}`; } catch { return '-'; }
}
/** How much of the journal's start identifies it (its first op carries ids and times). */
const HEAD_BYTES = 256;

/** The first `n` bytes of the journal (fewer if it is shorter). */
function journalHead(file: string, n: number): Buffer {
  if (n === 0) return Buffer.alloc(0);
  let fd: number;
  try { fd = openSync(file + '.journal', 'r'); } catch { return Buffer.alloc(0); }
  try {
    const b = Buffer.alloc(n);
    return b.subarray(0, readSync(fd, b, 0, n, 0));
  } finally {
    closeSync(fd);
  }
}

function journalSize(file: string): number {
  try { return statSync(file + '.journal').size; } catch { return 0; }
}

/** Writes all of buf (writeSync may write less than asked, e.g. when the disk fills up). */
function writeFully(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
    off += n;
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    // Some file systems refuse fsync on a directory (EINVAL/EISDIR); nothing more can be done there.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EBADF') throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

interface Loaded {
  db: Database; from: number;
  /** fileSignature() of the database file that was read. */
  dbSignature: string;
  /** How many bytes of the journal were applied (whole lines). */
  journalRead: number;
  /** The journal's first bytes as read: a checkpoint empties and regrows it in place, which only its head shows. */
  journalHead: Buffer;
}

export interface OpenOptions {
  /** Rewrite the database file once the journal has grown this much. */
  checkpointBytes?: number;
  /**
   * true: never write (no lock, no journal, no checkpoint, nothing created on disk).
   * false: write only while holding the writer lock (acquireWriter/releaseWriter); writes otherwise throw.
   * Absent (older callers): the first write takes the writer lock, held until close().
   */
  readOnly?: boolean;
  /** Run PRAGMA quick_check when loading the file (default true). */
  verify?: boolean;
}

export class Store {
  private db: Database;
  private journalFd: number | null = null;
  private journalBytes = 0;
  private pending: string[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;
  private failure: StoreFailedError | null = null;
  private lock: LockHolder | null = null;
  private writerDepth = 0;
  /** Bumped on every change this store sees (its own writes, another writer's caught up): caches key on it. */
  revision = 0;
  private dbSignature: string;
  private journalRead: number;
  private journalHead: Buffer;
  private migratedFrom: number;
  private lastRefresh = 0;
  /** Runs written to since the last checkpoint: what `crucible resume` would continue after a failure. */
  private readonly touched = new Set<string>();
  private readonly checkpointBytes: number;
  private readonly mode: 'read-only' | 'explicit' | 'auto';
  private readonly verify: boolean;

  private constructor(loaded: Loaded, readonly file: string | null, opts: OpenOptions) {
    this.db = loaded.db;
    this.dbSignature = loaded.dbSignature;
    this.journalRead = loaded.journalRead;
    this.journalHead = loaded.journalHead;
    this.migratedFrom = loaded.from;
    this.checkpointBytes = opts.checkpointBytes ?? 32 * 2 ** 20;
    this.mode = opts.readOnly === true ? 'read-only' : opts.readOnly === false ? 'explicit' : 'auto';
    this.verify = opts.verify ?? true;
  }

  /**
   * Opens the database at `file` (null: in memory only, for tests and dry runs; always writable).
   * Reads the file and its journal into memory and checks the file's integrity; touches nothing on
   * disk (the writer lock, the journal and any migration are written by acquireWriter()).
   */
  static async open(file: string | null, opts: OpenOptions = {}): Promise<Store> {
    if (!file) {
      const SQL = await sql();
      Store.SQL = SQL;
      const db = new SQL.Database();
      Store.prepare(db, '(memory)');
      return new Store({ db, from: SCHEMA_VERSION, dbSignature: '', journalRead: 0, journalHead: Buffer.alloc(0) }, null, opts);
    }
    return new Store(await Store.load(file, opts.verify ?? true), file, opts);
  }

  private static prepare(db: Database, file: string): number {
    // sql.js's own rollback journal lives in its in-memory file system and costs more than the
    // write; durability comes from our journal instead.
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
    return migrate(db, file);
  }

  /** Reads DB file + journal as one consistent picture (retrying if a checkpoint replaced the file meanwhile). */
  private static async load(file: string, verify: boolean): Promise<Loaded> {
    return Store.loadWith(await sql(), file, verify);
  }

  private static SQL: SqlJsStatic | undefined;
  private static loadWith(SQL: SqlJsStatic, file: string, verify: boolean): Loaded {
    Store.SQL = SQL;
    for (let attempt = 0; ; attempt++) {
      const before = fileSignature(file);
      const bytes = existsSync(file) ? readFileSync(file) : null;
      const journal = existsSync(file + '.journal') ? readFileSync(file + '.journal') : Buffer.alloc(0);
      const after = fileSignature(file);
      if (before !== after && attempt < 20) continue; // a checkpoint in between: read again
      let db: Database;
      if (bytes && bytes.length > 0) {
        if (!bytes.subarray(0, 16).equals(SQLITE_HEADER)) {
          throw new Error(`${file}: not a readable Crucible database (not an SQLite file); move it aside to start afresh`);
        }
        try {
          db = new SQL.Database(bytes);
          db.exec('SELECT count(*) FROM sqlite_master');
        } catch (e) {
          throw new StoreDamagedError(file, (e as Error).message);
        }
        if (verify) {
          try { Store.check(db, file, 'integrity_check'); } catch (e) { db.close(); throw e; }
        }
      } else {
        db = new SQL.Database();
      }
      let from: number;
      // Only whole lines: a last line being written right now (or torn by a crash) was never acknowledged.
      const whole = journal.lastIndexOf(0x0a) + 1;
      try {
        from = Store.prepare(db, file);
        Store.replay(db, journal.subarray(0, whole).toString('utf8'), file);
      } catch (e) {
        db.close();
        if (e instanceof NewerSchemaError) throw e;
        if (/malformed|corrupt|not a database/i.test((e as Error).message)) throw new StoreDamagedError(file, (e as Error).message);
        throw e;
      }
      return { db, from, dbSignature: after, journalRead: whole, journalHead: Buffer.from(journal.subarray(0, Math.min(HEAD_BYTES, whole))) };
    }
  }

  /** quick_check: every page and b-tree is well formed; integrity_check: and every index matches its table. */
  private static check(db: Database, file: string, pragma: 'quick_check' | 'integrity_check'): void {
    let problems: string[];
    try {
      problems = (db.exec(`PRAGMA ${pragma}(5)`)[0]?.values ?? []).map((r) => String(r[0]));
    } catch (e) {
      throw new StoreDamagedError(file, (e as Error).message);
    }
    if (problems.length !== 1 || problems[0] !== 'ok') throw new StoreDamagedError(file, problems.join('; ').slice(0, 300));
  }

  private get journalFile(): string { return this.file + '.journal'; }

  private static replay(db: Database, journal: string, file: string): number {
    if (!journal) return 0;
    let n = 0;
    db.exec('BEGIN');
    try {
      for (const line of journal.split('\n')) {
        if (!line) continue;
        let op: Op;
        // A torn line (a crash, or a write cut short) was never acknowledged: skip it wherever it is.
        try { op = JSON.parse(line); } catch { continue; }
        Store.apply(db, op, file);
        n++;
      }
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw e;
    }
    return n;
  }

  private static apply(db: Database, op: Op, file: string): void {
    switch (op.t) {
      case 'run': {
        const r = op.row;
        db.run(
          `INSERT OR REPLACE INTO runs (id,label,suite,plan,status,created_at,finished_at,total,done,wall_ms,error,metrics)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
          [r.id, r.label, r.suite, r.plan, r.status, r.created_at, r.finished_at, r.total, r.done, r.wall_ms, r.error, r.metrics],
        );
        break;
      }
      case 'problems': {
        const st = db.prepare(
          `INSERT OR REPLACE INTO problems (run_id,problem_id,suite,language,entry_point,prompt,tests,canonical,source_file,source_line,ord,
             kind,messages,category,expectation,labels,metadata)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
        try {
          for (const p of op.rows) {
            st.run([p.run_id, p.problem_id, p.suite, p.language, p.entry_point, p.prompt, p.tests, p.canonical, p.source_file, p.source_line, p.ord,
              p.kind ?? 'code', p.messages ?? null, p.category ?? null, p.expectation ?? null, p.labels ?? null, p.metadata ?? null]);
          }
        } finally {
          st.free();
        }
        break;
      }
      case 'spend': {
        const r = op.row;
        db.run('INSERT INTO spend (run_id,arm,model,tokens_in,tokens_out,created_at) VALUES (?,?,?,?,?,?)', [r.run_id, r.arm, r.model, r.tokens_in, r.tokens_out, r.created_at]);
        break;
      }
      case 'cache': {
        const c = op.row;
        db.run('INSERT OR REPLACE INTO cache (key,provider,model,generation,created_at) VALUES (?,?,?,?,?)',
          [c.key, c.provider, c.model, c.generation, c.created_at]);
        break;
      }
      case 'sample': {
        const s = op.row;
        Store.insertSample(db, { ...s, arm: s.model });
        db.run(
          `INSERT OR REPLACE INTO outcomes (sample_id,scorer,status,detail,output,duration_ms,score,label,meta) VALUES (?,?,?,?,?,?,?,?,?)`,
          [s.id, 'tests', s.status, s.detail, s.output, s.exec_ms, s.status === 'passed' ? 1 : s.status === 'error' ? null : 0, null, null],
        );
        break;
      }
      case 'scored': {
        Store.insertSample(db, op.sample);
        db.run('DELETE FROM outcomes WHERE sample_id = ?', [op.sample.id]);
        for (const o of op.outcomes) {
          db.run(
            `INSERT OR REPLACE INTO outcomes (sample_id,scorer,status,detail,output,duration_ms,score,label,meta) VALUES (?,?,?,?,?,?,?,?,?)`,
            [op.sample.id, o.scorer, o.status, o.detail, o.output, o.duration_ms, o.value, o.label, o.meta],
          );
        }
        break;
      }
      case 'audit':
        db.run('INSERT OR REPLACE INTO run_audit (run_id, audit) VALUES (?, ?)', [op.runId, op.audit]);
        break;
      case 'runMeta':
        db.run('INSERT OR REPLACE INTO run_meta (run_id, label, tags) VALUES (?,?,?)', [op.id, op.label, JSON.stringify(op.tags)]);
        break;
      case 'deleteRun':
        db.run('DELETE FROM outcomes WHERE sample_id IN (SELECT id FROM samples WHERE run_id = ?)', [op.id]);
        // Labels and battles on the run's samples go with them (a label on a missing sample would dangle).
        db.run('DELETE FROM annotations WHERE sample_id IN (SELECT id FROM samples WHERE run_id = ?)', [op.id]);
        db.run('DELETE FROM battles WHERE left_sample IN (SELECT id FROM samples WHERE run_id = ?) OR right_sample IN (SELECT id FROM samples WHERE run_id = ?)', [op.id, op.id]);
        for (const t of ['samples', 'problems', 'spend', 'run_meta', 'run_audit']) db.run(`DELETE FROM ${t} WHERE run_id = ?`, [op.id]);
        db.run('DELETE FROM runs WHERE id = ?', [op.id]);
        break;
      case 'task': {
        const k = op.task;
        db.run('INSERT OR REPLACE INTO annotation_tasks (id,kind,name,created_at,seed,per_item,blind,schema,source) VALUES (?,?,?,?,?,?,?,?,?)',
          [k.id, k.kind, k.name, k.created_at, k.seed, k.per_item, k.blind, k.schema, k.source]);
        const st = db.prepare('INSERT OR REPLACE INTO annotation_items (task_id,item_id,ord,sample_id,sample_b) VALUES (?,?,?,?,?)');
        try { for (const i of op.items) st.run([i.task_id, i.item_id, i.ord, i.sample_id, i.sample_b]); } finally { st.free(); }
        break;
      }
      case 'label': {
        const r = op.row, o = op.outcome;
        db.run('INSERT OR REPLACE INTO annotations (id,sample_id,annotator,label,note,created_at,task_id,kind,labels) VALUES (?,?,?,?,?,?,?,?,?)',
          [r.id, r.sample_id, r.annotator, r.label, r.note, r.created_at, r.task_id, r.kind, r.labels]);
        db.run('INSERT OR REPLACE INTO outcomes (sample_id,scorer,status,detail,output,duration_ms,score,label,meta) VALUES (?,?,?,?,?,?,?,?,?)',
          [o.sample_id, o.scorer, o.status, o.detail, o.output, o.duration_ms, o.value, o.label, o.meta]);
        break;
      }
      case 'unlabel':
        db.run('DELETE FROM annotations WHERE id = ?', [op.id]);
        db.run('DELETE FROM outcomes WHERE sample_id = ? AND scorer = ?', [op.sample_id, op.scorer]);
        break;
      case 'battle': {
        const b = op.row;
        db.run(`INSERT OR REPLACE INTO battles (id,task_id,item_id,judge,shown,left_sample,right_sample,left_arm,right_arm,verdict,raw,created_at)
          VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
          [b.id, b.task_id, b.item_id, b.judge, b.shown, b.left_sample, b.right_sample, b.left_arm, b.right_arm, b.verdict, b.raw, b.created_at]);
        break;
      }
      case 'unbattle':
        db.run('DELETE FROM battles WHERE id = ?', [op.id]);
        break;
      default:
        throw new NewerSchemaError(file, SCHEMA_VERSION + 1); // an op this Crucible does not know
    }
  }

  private static insertSample(db: Database, s: SampleRecord): void {
    db.run(
      `INSERT OR REPLACE INTO samples (id,run_id,problem_id,model,idx,raw,completion,tokens_in,tokens_out,ttft_ms,latency_ms,retries,created_at,meta,arm)
       VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
      [s.id, s.run_id, s.problem_id, s.model, s.idx, s.raw, s.completion, s.tokens_in, s.tokens_out, s.ttft_ms, s.latency_ms, s.retries,
        s.created_at, s.meta ?? null, s.arm === s.model ? null : s.arm],
    );
  }

  // ---------- the writer ----------

  /** True while this store holds the writer lock (always for an in-memory store). */
  get isWriter(): boolean { return this.file === null || this.writerDepth > 0; }
  get readOnly(): boolean { return this.mode === 'read-only'; }
  /** The error that stopped this store's writes, if any. */
  get failed(): StoreFailedError | null { return this.failure; }

  /**
   * Takes the writer lock (re-entrant: each call needs a releaseWriter()). Reloads from disk if
   * another process changed the database since it was loaded, writes a pending migration, folds a
   * leftover journal into the database, and marks runs left 'running'/'queued' by a writer that
   * died as failed. Returns their ids. Throws StoreBusyError while another live process writes.
   */
  acquireWriter(owner: string): string[] {
    this.assertOpen();
    if (this.mode === 'read-only') throw new Error(`${this.file} was opened read-only`);
    if (this.failure) throw this.failure;
    if (this.file === null) return [];
    if (this.writerDepth > 0) { this.writerDepth++; return []; }
    mkdirSync(path.dirname(this.file), { recursive: true });
    this.lock = acquireLock(this.file, owner);
    try {
      this.catchUp();
      this.journalFd = openSync(this.journalFile, 'a');
      this.journalBytes = fstatSync(this.journalFd).size;
      this.writerDepth = 1;
      this.dropTornTail();
      const dead = this.all<RunRow>(`SELECT * FROM runs WHERE status IN ('running', 'queued')`);
      for (const r of dead) {
        this.write({ t: 'run', row: { ...r, status: 'failed', error: FAILED_RUN_ERROR, finished_at: r.finished_at ?? new Date().toISOString() } });
      }
      if (this.journalBytes > 0 || this.pending.length > 0 || this.migratedFrom < SCHEMA_VERSION) this.checkpoint();
      this.migratedFrom = SCHEMA_VERSION;
      return dead.map((r) => r.id);
    } catch (e) {
      this.writerDepth = 0;
      if (this.journalFd !== null) closeSync(this.journalFd);
      this.journalFd = null;
      releaseLock(this.file, this.lock);
      this.lock = null;
      throw e;
    }
  }

  /** Gives the writer lock back (after the last nested acquire): checkpoints, then unlocks. */
  releaseWriter(): void {
    if (this.file === null || this.writerDepth === 0) return;
    if (--this.writerDepth > 0) return;
    try {
      if (!this.failure) this.checkpoint();
    } finally {
      this.pending = [];
      if (this.journalFd !== null) closeSync(this.journalFd);
      this.journalFd = null;
      releaseLock(this.file, this.lock!);
      this.lock = null;
      this.dbSignature = fileSignature(this.file);
      this.journalRead = journalSize(this.file);
      this.journalHead = journalHead(this.file, this.journalRead);
    }
  }

  /**
   * Readers: reloads the database if the writer changed it on disk (stat of file and journal; at
   * most every `minIntervalMs`). No-op for the writer. Returns true if it reloaded.
   */
  refresh(minIntervalMs = 500): boolean {
    if (this.closed || this.file === null || this.writerDepth > 0) return false;
    const now = Date.now();
    if (now - this.lastRefresh < minIntervalMs) return false;
    this.lastRefresh = now;
    return this.catchUp();
  }

  /**
   * Brings memory up to what is on disk: nothing when unchanged, the new journal lines when only
   * the journal grew, else a full reload. Returns true if anything changed.
   */
  private catchUp(): boolean {
    const file = this.file!;
    // The journal is only appended to between checkpoints; a checkpoint renames a new database
    // file into place (its signature changes) and then empties the journal, which regrows in place:
    // a head that differs from the one read means the lines past our offset are not the next ones.
    if (fileSignature(file) === this.dbSignature && journalHead(file, this.journalHead.length).equals(this.journalHead)) {
      const size = journalSize(file);
      if (size === this.journalRead) return false;
      if (size > this.journalRead) {
        let fd: number;
        try { fd = openSync(file + '.journal', 'r'); } catch { return this.reload(); }
        let tail: Buffer;
        try {
          tail = Buffer.alloc(size - this.journalRead);
          const n = readSync(fd, tail, 0, tail.length, this.journalRead);
          tail = tail.subarray(0, n);
        } finally {
          closeSync(fd);
        }
        // The journal may have been emptied and rewritten meanwhile (a checkpoint): then the file changed too.
        if (fileSignature(file) !== this.dbSignature) return this.reload();
        const whole = tail.lastIndexOf(0x0a) + 1;
        if (whole === 0) return false;
        Store.replay(this.db, tail.subarray(0, whole).toString('utf8'), file);
        this.revision++;
        if (this.journalRead < HEAD_BYTES) this.journalHead = Buffer.concat([this.journalHead, tail.subarray(0, Math.min(whole, HEAD_BYTES - this.journalRead))]);
        this.journalRead += whole;
        return true;
      }
    }
    return this.reload();
  }

  private reload(): boolean {
    const loaded = Store.loadWith(Store.SQL!, this.file!, this.verify);
    this.db.close();
    this.db = loaded.db;
    this.dbSignature = loaded.dbSignature;
    this.journalRead = loaded.journalRead;
    this.journalHead = loaded.journalHead;
    this.migratedFrom = loaded.from;
    this.revision++;
    return true;
  }

  private assertOpen(): void { if (this.closed) throw new Error('store is closed'); }

  /** Truncates a journal whose last line was cut short, so the next line starts on its own. */
  private dropTornTail(): void {
    if (this.journalFd === null || this.journalBytes === 0) return;
    const text = readFileSync(this.journalFile);
    if (text[text.length - 1] === 0x0a) return;
    const keep = text.lastIndexOf(0x0a) + 1;
    ftruncateSync(this.journalFd, keep);
    fsyncSync(this.journalFd);
    this.journalBytes = keep;
  }

  private fail(e: unknown): StoreFailedError {
    if (e instanceof StoreFailedError) return e;
    const code = (e as NodeJS.ErrnoException).code;
    const reason = (code && REASONS[code]) ?? (e as Error).message ?? String(e);
    const running = new Set(this.all<{ id: string }>(`SELECT id FROM runs WHERE status IN ('running', 'queued')`).map((r) => r.id));
    for (const id of this.touched) running.add(id);
    const todo = code === 'ENOSPC' || code === 'EDQUOT' ? 'free space' : 'fix the disk';
    const err = new StoreFailedError(
      `cannot write the database ${this.file}: ${reason}${code ? ` (${code})` : ''}; nothing stored before was lost; ${todo} and run \`crucible resume ${running.size === 1 ? [...running][0] : '<run>'}\``,
      code);
    this.failure ??= err;
    return this.failure;
  }

  /**
   * Applies the op and queues it for the journal. Writes made in the same turn of the event loop
   * share one write + fsync (group commit); `flush()` resolves once they are on disk, and only then
   * is a write acknowledged to anyone (a crash loses only what was never acknowledged).
   */
  private write(op: Op): void {
    this.assertOpen();
    if (this.failure) throw this.failure;
    if (this.file !== null && this.writerDepth === 0) {
      if (this.mode === 'auto') this.acquireWriter(`crucible (${path.basename(process.argv[1] ?? 'node')})`);
      else throw new Error(`${this.file}: ${this.mode === 'read-only' ? 'opened read-only' : 'write without the writer lock (call acquireWriter first)'}`);
    }
    Store.apply(this.db, op, this.file ?? '(memory)');
    this.revision++;
    if (this.journalFd === null) return;
    const runId = op.t === 'run' ? op.row.id : op.t === 'sample' ? op.row.run_id : op.t === 'scored' ? op.sample.run_id : null;
    if (runId !== null) this.touched.add(runId);
    this.pending.push(JSON.stringify(op) + '\n');
    if (!this.flushing) {
      const p = new Promise<void>((resolve, reject) => setImmediate(() => {
        try { this.flushSync(); resolve(); } catch (e) { reject(e); }
      }));
      p.catch(() => { /* the rejection reaches whoever awaits flush(); nobody awaiting is not a crash */ });
      this.flushing = p;
    }
  }

  /** Resolves when every write made so far is durable; rejects (StoreFailedError) if it cannot be. */
  flush(): Promise<void> {
    if (this.flushing) return this.flushing;
    return this.failure ? Promise.reject(this.failure) : Promise.resolve();
  }

  private flushSync(): void {
    this.flushing = null;
    if (this.failure) throw this.failure;
    if (this.journalFd === null || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    this.pending = [];
    try {
      writeFully(this.journalFd, buf);
      fsyncSync(this.journalFd);
    } catch (e) {
      // Cut back to the last complete line, so what follows a failed append stays readable.
      try { ftruncateSync(this.journalFd, this.journalBytes); fsyncSync(this.journalFd); } catch { /* replay skips a torn line */ }
      throw this.fail(e);
    }
    this.journalBytes += buf.length;
    if (this.journalBytes >= this.checkpointBytes) this.checkpoint();
  }

  /**
   * Writes the whole database to a temp file, fsyncs and verifies it, renames it into place, fsyncs
   * the directory, and only then empties the journal. No-op unless this store is the writer.
   */
  checkpoint(): void {
    if (!this.file || this.journalFd === null) return;
    if (this.failure) throw this.failure;
    if (this.pending.length) { this.flushSync(); if (this.journalBytes === 0) return; }
    const tmp = this.file + '.tmp';
    let renamed = false;
    try {
      Store.check(this.db, this.file, 'quick_check'); // never write out a damaged image
      const image = Buffer.from(this.db.export());
      // export() leaves sql.js's connection with its defaults again.
      this.db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
      if (!image.subarray(0, 16).equals(SQLITE_HEADER)) throw new Error('the exported database has no SQLite header');
      const fd = openSync(tmp, 'w');
      try {
        writeFully(fd, image);
        fsyncSync(fd);
        const size = fstatSync(fd).size;
        if (size !== image.length) throw Object.assign(new Error(`wrote ${size} of ${image.length} bytes`), { code: 'EIO' });
      } finally {
        closeSync(fd);
      }
      const back = readFileSync(tmp);
      if (!back.equals(image)) throw Object.assign(new Error('the written database reads back different'), { code: 'EIO' });
      renameSync(tmp, this.file);
      renamed = true;
      fsyncDir(path.dirname(this.file));
      ftruncateSync(this.journalFd, 0);
      fsyncSync(this.journalFd);
      this.journalBytes = 0;
      this.touched.clear();
    } catch (e) {
      if (!renamed) { try { unlinkSync(tmp); } catch { /* not there */ } }
      if (e instanceof StoreDamagedError) { this.failure ??= new StoreFailedError(e.message, 'EDAMAGED'); throw this.failure; }
      throw this.fail(e);
    }
  }

  /** Checkpoints (unless failed) and gives the writer lock back; a reader just lets go. */
  close(): void {
    if (this.closed) return;
    try {
      if (this.writerDepth > 0) { this.writerDepth = 1; this.releaseWriter(); }
    } finally {
      this.closed = true;
      this.db.close();
    }
  }

  // ---- writes (the writer only) ----
  putRun(row: RunRow): void { this.write({ t: 'run', row }); }
  putProblems(rows: ProblemRow[]): void { if (rows.length) this.write({ t: 'problems', rows }); }
  /** A sample with its `tests` verdict (arm = model). */
  putSample(row: SampleRow): void { this.write({ t: 'sample', row }); }
  /** A sample and its outcomes as one journal entry: after a crash both are there or neither. */
  putSampleWithOutcomes(sample: SampleRecord, outcomes: OutcomeRecord[]): void {
    for (const o of outcomes) {
      if (o.sample_id !== sample.id) throw new Error(`outcome of scorer ${o.scorer} names sample ${o.sample_id}, not ${sample.id}`);
    }
    this.write({ t: 'scored', sample, outcomes });
  }
  putCache(row: CacheRow): void { this.write({ t: 'cache', row }); }
  /** A call's tokens, durable with the next flush: spend is counted even if the sample never is. */
  putSpend(row: SpendRow): void { this.write({ t: 'spend', row }); }
  /** What a run paid for, per arm. */
  spendByArm(runId: string): { arm: string; model: string; tokens_in: number; tokens_out: number }[] {
    return this.all('SELECT arm, model, SUM(tokens_in) AS tokens_in, SUM(tokens_out) AS tokens_out FROM spend WHERE run_id = ? GROUP BY arm, model', [runId]);
  }
  /** A run's audit record (JSON: who, versions, hashes, digests); replaced whole on each write. */
  putAudit(runId: string, audit: string): void { this.write({ t: 'audit', runId, audit }); }
  /** Per arm, the model names the APIs reported in the run's replies (samples' meta.modelVersion). */
  modelVersions(runId: string): { arm: string; version: string }[] {
    return this.all(`SELECT DISTINCT COALESCE(arm, model) AS arm, json_extract(meta, '$.modelVersion') AS version FROM samples
      WHERE run_id = ? AND json_valid(meta) AND json_extract(meta, '$.modelVersion') IS NOT NULL ORDER BY 1, 2`, [runId]);
  }
  runAudit(runId: string): string | undefined { return this.all<{ audit: string }>('SELECT audit FROM run_audit WHERE run_id = ?', [runId])[0]?.audit; }
  /** Sets a run's display name (null: the engine's label) and tags. */
  putRunMeta(id: string, label: string | null, tags: string[]): void { this.write({ t: 'runMeta', id, label, tags }); }
  deleteRun(id: string): void { this.write({ t: 'deleteRun', id }); }
  /** Names and tags people gave runs, by run id. */
  runMeta(): Map<string, { label: string | null; tags: string[] }> {
    const out = new Map<string, { label: string | null; tags: string[] }>();
    for (const r of this.all<{ run_id: string; label: string | null; tags: string | null }>('SELECT run_id, label, tags FROM run_meta')) {
      let tags: string[] = [];
      try { const t = JSON.parse(r.tags ?? '[]'); if (Array.isArray(t)) tags = t.filter((x): x is string => typeof x === 'string'); } catch { /* keep none */ }
      out.set(r.run_id, { label: r.label, tags });
    }
    return out;
  }
  cached(key: string): CacheRow | undefined { return this.all<CacheRow>('SELECT * FROM cache WHERE key = ?', [key])[0]; }

  // ---- annotations (schema 4) ----
  putTask(task: TaskRow, items: ItemRow[]): void { this.write({ t: 'task', task, items }); }
  /** A label and its outcome row, as one journal entry. */
  putLabel(row: AnnotationRow, outcome: OutcomeRecord): void { this.write({ t: 'label', row, outcome }); }
  removeLabel(id: string, sampleId: string, scorer: string): void { this.write({ t: 'unlabel', id, sample_id: sampleId, scorer }); }
  putBattle(row: BattleRow): void { this.write({ t: 'battle', row }); }
  removeBattle(id: string): void { this.write({ t: 'unbattle', id }); }
  tasks(): TaskRow[] { return this.all<TaskRow>('SELECT * FROM annotation_tasks ORDER BY created_at DESC, id'); }
  task(id: string): TaskRow | undefined { return this.all<TaskRow>('SELECT * FROM annotation_tasks WHERE id = ?', [id])[0]; }
  taskItems(taskId: string): ItemRow[] { return this.all<ItemRow>('SELECT * FROM annotation_items WHERE task_id = ? ORDER BY ord', [taskId]); }
  taskItem(taskId: string, itemId: string): ItemRow | undefined {
    return this.all<ItemRow>('SELECT * FROM annotation_items WHERE task_id = ? AND item_id = ?', [taskId, itemId])[0];
  }
  annotation(id: string): AnnotationRow | undefined { return this.all<AnnotationRow>('SELECT * FROM annotations WHERE id = ?', [id])[0]; }
  /** Labels of the task's samples (any task's: a label belongs to a sample and an annotator). */
  taskAnnotations(taskId: string): AnnotationRow[] {
    return this.all<AnnotationRow>(`SELECT a.* FROM annotations a WHERE a.sample_id IN (SELECT sample_id FROM annotation_items WHERE task_id = ?)
      ORDER BY a.sample_id, a.annotator`, [taskId]);
  }
  annotations(): AnnotationRow[] { return this.all<AnnotationRow>('SELECT * FROM annotations ORDER BY created_at, id'); }
  battles(taskId: string): BattleRow[] { return this.all<BattleRow>('SELECT * FROM battles WHERE task_id = ? ORDER BY created_at, id', [taskId]); }
  battle(id: string): BattleRow | undefined { return this.all<BattleRow>('SELECT * FROM battles WHERE id = ?', [id])[0]; }
  /** Samples of a run without their texts: what a task is made from. */
  runSamples(runId: string): { id: string; problem_id: string; arm: string; idx: number }[] {
    return this.all('SELECT id, problem_id, COALESCE(arm, model) AS arm, idx FROM samples WHERE run_id = ? ORDER BY problem_id, arm, idx', [runId]);
  }

  // ---- reads ----
  private all<T>(q: string, params: (string | number | null)[] = []): T[] {
    const st = this.db.prepare(q);
    try {
      st.bind(params);
      const out: T[] = [];
      // get() plus the column names once: getAsObject() asks sql.js for the names on every row,
      // which tripled the time of reading a big run (16,400 samples: ~1 s → ~0.3 s).
      let cols: string[] | null = null;
      while (st.step()) {
        cols ??= st.getColumnNames();
        const v = st.get();
        const o: Record<string, unknown> = {};
        for (let i = 0; i < cols.length; i++) o[cols[i]] = v[i];
        out.push(o as T);
      }
      return out;
    } finally {
      st.free();
    }
  }

  /** The schema version of the database in memory (always the newest once opened). */
  schemaVersion(): number { return Number(this.db.exec('PRAGMA user_version')[0]?.values[0][0] ?? 0); }

  runs(): RunRow[] { return this.all<RunRow>('SELECT * FROM runs ORDER BY created_at DESC, id DESC'); }
  run(id: string): RunRow | undefined { return this.all<RunRow>('SELECT * FROM runs WHERE id = ?', [id])[0]; }
  problems(runId: string): ProblemRow[] { return this.problemRows(runId); }
  /** The run's problem rows in order, every column. */
  problemRows(runId: string): ProblemRow[] { return this.all<ProblemRow>('SELECT * FROM problems WHERE run_id = ? ORDER BY ord', [runId]); }
  /** The run's own snapshot of its problems, as problems. */
  runProblems(runId: string): Problem[] { return this.problemRows(runId).map(rowToProblem); }
  /** Where problems of a suite file appear in runs, newest run first (the editor's latest results). */
  problemsInFile(file: string): { run_id: string; problem_id: string; source_line: number | null; kind: string; expectation: string | null }[] {
    return this.all(`SELECT p.run_id, p.problem_id, p.source_line, p.kind, p.expectation FROM problems p JOIN runs r ON r.id = p.run_id
      WHERE p.source_file = ? ORDER BY r.created_at DESC, r.id DESC`, [file]);
  }
  problem(runId: string, problemId: string): ProblemRow | undefined {
    return this.all<ProblemRow>('SELECT * FROM problems WHERE run_id = ? AND problem_id = ?', [runId, problemId])[0];
  }
  private static readonly SAMPLE_COLS = `s.id, s.run_id, s.problem_id, s.model, s.idx, s.raw, s.completion, s.tokens_in, s.tokens_out,
    s.ttft_ms, s.latency_ms, s.retries, s.created_at, s.meta, o.status, o.detail, o.output, o.duration_ms AS exec_ms`;
  /** The sample with its `tests` verdict (undefined for a sample without one). */
  sample(id: string): SampleRow | undefined {
    return this.all<SampleRow>(`SELECT ${Store.SAMPLE_COLS} FROM samples s JOIN outcomes o ON o.sample_id = s.id AND o.scorer = 'tests'
      WHERE s.id = ?`, [id])[0];
  }
  /** The sample with every outcome it has. */
  sampleRecord(id: string): StoredSample | undefined {
    const s = this.all<SampleRecord>(`SELECT id, run_id, problem_id, model, COALESCE(arm, model) AS arm, idx, raw, completion, tokens_in, tokens_out,
      ttft_ms, latency_ms, retries, created_at, meta FROM samples WHERE id = ?`, [id])[0];
    if (!s) return undefined;
    const outcomes = this.all<OutcomeRecord>(`SELECT sample_id, scorer, status, score AS value, label, detail, output, duration_ms, meta
      FROM outcomes WHERE sample_id = ? ORDER BY scorer`, [id]);
    return { ...s, outcomes };
  }
  /** The run's samples with their `tests` verdicts but without the (large) texts. */
  outcomes(runId: string): OutcomeRow[] {
    return this.all<OutcomeRow>(`SELECT s.id, s.run_id, s.problem_id, s.model, s.idx, o.status, o.detail, s.latency_ms,
      o.duration_ms AS exec_ms, s.tokens_in, s.tokens_out
      FROM samples s JOIN outcomes o ON o.sample_id = s.id AND o.scorer = 'tests' WHERE s.run_id = ? ORDER BY s.problem_id, s.model, s.idx`, [runId]);
  }
  /** One row per sample × scorer of the run, without texts: what metrics need. */
  scoredOutcomes(runId: string): ScoredOutcome[] {
    return this.all<ScoredOutcome>(`SELECT s.id AS sample_id, s.problem_id, COALESCE(s.arm, s.model) AS arm, s.model, s.idx, o.scorer,
      o.status, o.score AS value, o.label, o.detail, s.latency_ms, s.ttft_ms, o.duration_ms, s.tokens_in, s.tokens_out, s.retries,
      CASE WHEN o.scorer = 'tests' THEN o.meta END AS meta
      FROM samples s JOIN outcomes o ON o.sample_id = s.id WHERE s.run_id = ? ORDER BY s.problem_id, arm, s.idx, o.scorer`, [runId]);
  }
  /** One row per sample × scorer with what the panel shows of a sample, in no particular order (GetRun). */
  summaryRows(runId: string): SummaryRow[] {
    // Every column costs ~7 ms on 16,400 rows (sql.js reads values one by one): the model is the arm's (the plan says).
    return this.all<SummaryRow>(`SELECT s.id AS sample_id, s.problem_id, COALESCE(s.arm, s.model) AS arm, s.idx, o.scorer, o.status, o.detail,
      s.latency_ms, s.ttft_ms, o.duration_ms FROM samples s JOIN outcomes o ON o.sample_id = s.id WHERE s.run_id = ?`, [runId]);
  }
  /** The texts of the run's answers (the bias and similarity probes compare them). */
  answerTexts(runId: string): { sample_id: string; problem_id: string; arm: string; idx: number; raw: string; completion: string }[] {
    return this.all(`SELECT id AS sample_id, problem_id, COALESCE(arm, model) AS arm, idx, raw, completion FROM samples WHERE run_id = ?
      ORDER BY problem_id, arm, idx`, [runId]);
  }
  /** Ids of the run's samples, optionally all but those with the given verdict. */
  sampleIds(runId: string, exceptStatus?: Verdict): Set<string> {
    const rows = exceptStatus
      ? this.all<{ id: string }>(`SELECT s.id FROM samples s JOIN outcomes o ON o.sample_id = s.id AND o.scorer = 'tests'
          WHERE s.run_id = ? AND o.status != ?`, [runId, exceptStatus])
      : this.all<{ id: string }>('SELECT id FROM samples WHERE run_id = ?', [runId]);
    return new Set(rows.map((r) => r.id));
  }
}


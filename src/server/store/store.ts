// The store: one SQLite database through sql.js (no native module to match VS Code's Electron).
// sql.js keeps the database in memory, so durability comes from an append-only journal of finished
// work (fsync'd before a write is acknowledged) plus periodic checkpoints written to a temporary
// file and renamed into place. On open the journal is replayed. A crash loses at most the item in
// flight; a torn last journal line is ignored; the database file is never half-written.
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, ftruncateSync } from 'node:fs';
import * as path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { RunStatus, Verdict } from '../../protocol';

export interface RunRow {
  id: string; label: string; suite: string; plan: string; status: RunStatus; created_at: string;
  finished_at: string | null; total: number; done: number; wall_ms: number | null; error: string | null; metrics: string | null;
}
export interface ProblemRow {
  run_id: string; problem_id: string; suite: string; language: string; entry_point: string; prompt: string;
  tests: string; canonical: string | null; source_file: string | null; source_line: number | null; ord: number;
  kind?: string; messages?: string | null; category?: string | null; expectation?: string | null; labels?: string | null; metadata?: string | null;
}
export interface SampleRow {
  id: string; run_id: string; problem_id: string; model: string; idx: number; raw: string; completion: string;
  tokens_in: number | null; tokens_out: number | null; ttft_ms: number | null; latency_ms: number | null;
  retries: number; status: Verdict; detail: string; output: string; exec_ms: number | null; created_at: string;
  /** JSON: what else the provider reported (logprobs, finish reason, params sent, cleaning notes, …). */
  meta: string | null;
}

export type OutcomeRow = Pick<SampleRow, 'id' | 'run_id' | 'problem_id' | 'model' | 'idx' | 'status' | 'detail' | 'latency_ms' | 'exec_ms' | 'tokens_in' | 'tokens_out'>;

/** A sample without its outcomes (schema 2): outcomes are rows of their own, one per scorer. */
export interface SampleRecord {
  id: string; run_id: string; problem_id: string; arm: string; model: string; idx: number; raw: string; completion: string;
  tokens_in: number | null; tokens_out: number | null; ttft_ms: number | null; latency_ms: number | null;
  retries: number; created_at: string; meta: string | null;
}
export interface OutcomeRecord {
  sample_id: string; scorer: string; status: string; value: number | null; label: string | null; detail: string; output: string;
  duration_ms: number | null; meta: string | null;
}
/** One sample × scorer, without texts: what metrics and result tables need. */
export interface ScoredOutcomeRow {
  sample_id: string; problem_id: string; arm: string; model: string; idx: number; scorer: string; status: string; value: number | null;
  label: string | null; detail: string; latency_ms: number | null; ttft_ms: number | null; duration_ms: number | null;
  tokens_in: number | null; tokens_out: number | null; retries: number;
}

export interface CacheRow { key: string; provider: string; model: string; generation: string; created_at: string }

type Op =
  | { t: 'cache'; row: CacheRow }
  | { t: 'run'; row: RunRow }
  | { t: 'problems'; rows: ProblemRow[] }
  | { t: 'sample'; row: SampleRow }
  | { t: 'sample2'; row: SampleRecord; outcomes: OutcomeRecord[] };

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, label TEXT NOT NULL, suite TEXT NOT NULL, plan TEXT NOT NULL, status TEXT NOT NULL,
  created_at TEXT NOT NULL, finished_at TEXT, total INTEGER NOT NULL, done INTEGER NOT NULL,
  wall_ms REAL, error TEXT, metrics TEXT);
CREATE TABLE IF NOT EXISTS problems (
  run_id TEXT NOT NULL, problem_id TEXT NOT NULL, suite TEXT NOT NULL, language TEXT NOT NULL,
  entry_point TEXT NOT NULL, prompt TEXT NOT NULL, tests TEXT NOT NULL, canonical TEXT,
  source_file TEXT, source_line INTEGER, ord INTEGER NOT NULL, PRIMARY KEY (run_id, problem_id));
CREATE TABLE IF NOT EXISTS samples (
  id TEXT PRIMARY KEY, run_id TEXT NOT NULL, problem_id TEXT NOT NULL, model TEXT NOT NULL, idx INTEGER NOT NULL,
  raw TEXT NOT NULL, completion TEXT NOT NULL, tokens_in INTEGER, tokens_out INTEGER, ttft_ms REAL,
  latency_ms REAL, retries INTEGER NOT NULL DEFAULT 0, created_at TEXT NOT NULL, meta TEXT);
CREATE TABLE IF NOT EXISTS cache (
  key TEXT PRIMARY KEY, provider TEXT NOT NULL, model TEXT NOT NULL, generation TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS outcomes (
  sample_id TEXT NOT NULL, scorer TEXT NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL,
  output TEXT NOT NULL, duration_ms REAL, PRIMARY KEY (sample_id, scorer));
CREATE TABLE IF NOT EXISTS annotations (
  id TEXT PRIMARY KEY, sample_id TEXT NOT NULL, annotator TEXT NOT NULL, label TEXT NOT NULL,
  note TEXT, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS samples_run ON samples (run_id, problem_id, model, idx);
`;
const SCHEMA_V2 = [
  `ALTER TABLE problems ADD COLUMN kind TEXT NOT NULL DEFAULT 'code'`, `ALTER TABLE problems ADD COLUMN messages TEXT`,
  `ALTER TABLE problems ADD COLUMN category TEXT`, `ALTER TABLE problems ADD COLUMN expectation TEXT`,
  `ALTER TABLE problems ADD COLUMN labels TEXT`, `ALTER TABLE problems ADD COLUMN metadata TEXT`,
  `ALTER TABLE samples ADD COLUMN arm TEXT`,
  `ALTER TABLE outcomes ADD COLUMN score REAL`, `ALTER TABLE outcomes ADD COLUMN label TEXT`, `ALTER TABLE outcomes ADD COLUMN meta TEXT`,
];

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

export class Store {
  private journalFd: number | null = null;
  private journalBytes = 0;
  private pending: string[] = [];
  private flushing: Promise<void> | null = null;
  private closed = false;

  private constructor(private readonly db: Database, readonly file: string | null, private readonly checkpointBytes: number) {}

  /**
   * Opens (or creates) the database at `file`; null keeps it in memory only (tests, dry runs).
   * `checkpointBytes`: rewrite the database file once the journal has grown this much.
   */
  static async open(file: string | null, opts: { checkpointBytes?: number } = {}): Promise<Store> {
    const SQL = await sql();
    let db: Database;
    if (file && existsSync(file)) {
      try {
        db = new SQL.Database(readFileSync(file));
        db.exec('SELECT count(*) FROM sqlite_master');
      } catch (e) {
        throw new Error(`${file}: not a readable Crucible database (${(e as Error).message}); move it aside to start afresh`);
      }
    } else {
      db = new SQL.Database();
    }
    // sql.js's own rollback journal lives in its in-memory file system and costs more than the
    // write; durability comes from our journal instead.
    db.exec('PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;');
    db.exec(SCHEMA);
    const version = (db.exec('PRAGMA user_version')[0]?.values[0]?.[0] as number) ?? 0;
    if (version < 2) { for (const q of SCHEMA_V2) db.exec(q); db.exec('PRAGMA user_version = 2'); }
    const store = new Store(db, file, opts.checkpointBytes ?? 32 * 2 ** 20);
    if (file) {
      mkdirSync(path.dirname(file), { recursive: true });
      const replayed = store.replayJournal();
      store.journalFd = openSync(store.journalFile, 'a');
      if (replayed > 0) store.checkpoint();
    }
    return store;
  }

  private get journalFile(): string { return this.file + '.journal'; }

  private replayJournal(): number {
    if (!existsSync(this.journalFile)) return 0;
    const lines = readFileSync(this.journalFile, 'utf8').split('\n');
    let n = 0;
    this.db.exec('BEGIN');
    for (const line of lines) {
      if (!line) continue;
      let op: Op;
      try { op = JSON.parse(line); } catch { continue; } // a torn last line from a crash mid-write
      this.apply(op);
      n++;
    }
    this.db.exec('COMMIT');
    return n;
  }

  private apply(op: Op): void {
    switch (op.t) {
      case 'run': {
        const r = op.row;
        this.db.run(
          `INSERT OR REPLACE INTO runs (id,label,suite,plan,status,created_at,finished_at,total,done,wall_ms,error,metrics)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?)`,
          [r.id, r.label, r.suite, r.plan, r.status, r.created_at, r.finished_at, r.total, r.done, r.wall_ms, r.error, r.metrics],
        );
        break;
      }
      case 'problems': {
        const st = this.db.prepare(
          `INSERT OR REPLACE INTO problems (run_id,problem_id,suite,language,entry_point,prompt,tests,canonical,source_file,source_line,ord,kind,messages,category,expectation,labels,metadata)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
        for (const p of op.rows) {
          st.run([p.run_id, p.problem_id, p.suite, p.language, p.entry_point, p.prompt, p.tests, p.canonical, p.source_file, p.source_line, p.ord,
            p.kind ?? 'code', p.messages ?? null, p.category ?? null, p.expectation ?? null, p.labels ?? null, p.metadata ?? null]);
        }
        st.free();
        break;
      }
      case 'cache': {
        const c = op.row;
        this.db.run('INSERT OR REPLACE INTO cache (key,provider,model,generation,created_at) VALUES (?,?,?,?,?)',
          [c.key, c.provider, c.model, c.generation, c.created_at]);
        break;
      }
      case 'sample': {
        const s = op.row;
        this.db.run(
          `INSERT OR REPLACE INTO samples (id,run_id,problem_id,model,idx,raw,completion,tokens_in,tokens_out,ttft_ms,latency_ms,retries,created_at,meta)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
          [s.id, s.run_id, s.problem_id, s.model, s.idx, s.raw, s.completion, s.tokens_in, s.tokens_out, s.ttft_ms, s.latency_ms, s.retries, s.created_at, s.meta ?? null],
        );
        this.db.run(
          `INSERT OR REPLACE INTO outcomes (sample_id,scorer,status,detail,output,duration_ms) VALUES (?,?,?,?,?,?)`,
          [s.id, 'tests', s.status, s.detail, s.output, s.exec_ms],
        );
        break;
      }
      case 'sample2': {
        const s = op.row;
        this.db.run(
          `INSERT OR REPLACE INTO samples (id,run_id,problem_id,arm,model,idx,raw,completion,tokens_in,tokens_out,ttft_ms,latency_ms,retries,created_at,meta)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
          [s.id, s.run_id, s.problem_id, s.arm, s.model, s.idx, s.raw, s.completion, s.tokens_in, s.tokens_out, s.ttft_ms, s.latency_ms, s.retries, s.created_at, s.meta ?? null],
        );
        this.db.run('DELETE FROM outcomes WHERE sample_id = ?', [s.id]);
        for (const o of op.outcomes) {
          this.db.run(`INSERT OR REPLACE INTO outcomes (sample_id,scorer,status,detail,output,duration_ms,score,label,meta) VALUES (?,?,?,?,?,?,?,?,?)`,
            [o.sample_id, o.scorer, o.status, o.detail, o.output, o.duration_ms, o.value, o.label, o.meta]);
        }
        break;
      }
    }
  }

  /**
   * Applies the op and queues it for the journal. Writes made in the same turn of the event loop
   * share one write + fsync (group commit); `flush()` resolves once they are on disk, and only then
   * is a write acknowledged to anyone (a crash loses only what was never acknowledged).
   */
  private write(op: Op): void {
    if (this.closed) throw new Error('store is closed');
    this.apply(op);
    if (this.journalFd === null) return;
    this.pending.push(JSON.stringify(op) + '\n');
    this.flushing ??= new Promise<void>((resolve, reject) => setImmediate(() => {
      try { this.flushSync(); resolve(); } catch (e) { reject(e); }
    }));
  }

  /** Resolves when every write made so far is durable. */
  flush(): Promise<void> { return this.flushing ?? Promise.resolve(); }

  private flushSync(): void {
    this.flushing = null;
    if (this.journalFd === null || this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''));
    this.pending = [];
    writeSync(this.journalFd, buf);
    fsyncSync(this.journalFd);
    this.journalBytes += buf.length;
    if (this.journalBytes >= this.checkpointBytes) this.checkpoint();
  }

  /** Writes the whole database to a temp file, fsyncs, renames it into place, then empties the journal. */
  checkpoint(): void {
    if (!this.file || this.journalFd === null) return;
    if (this.pending.length) { this.flushSync(); if (this.journalBytes === 0) return; }
    const tmp = this.file + '.tmp';
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, this.db.export());
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
    ftruncateSync(this.journalFd, 0);
    fsyncSync(this.journalFd);
    this.journalBytes = 0;
  }

  close(): void {
    if (this.closed) return;
    this.checkpoint();
    if (this.journalFd !== null) closeSync(this.journalFd);
    this.journalFd = null;
    this.closed = true;
    this.db.close();
  }

  // ---- writes ----
  putRun(row: RunRow): void { this.write({ t: 'run', row }); }
  putProblems(rows: ProblemRow[]): void { if (rows.length) this.write({ t: 'problems', rows }); }
  putSample(row: SampleRow): void { this.write({ t: 'sample', row }); }
  putCache(row: CacheRow): void { this.write({ t: 'cache', row }); }
  /** The sample and its outcomes in one journal op: they appear together or not at all. */
  putSampleWithOutcomes(row: SampleRecord, outcomes: OutcomeRecord[]): void { this.write({ t: 'sample2', row, outcomes }); }
  scoredOutcomes(runId: string): ScoredOutcomeRow[] {
    return this.all<ScoredOutcomeRow>(`SELECT s.id AS sample_id, s.problem_id, COALESCE(s.arm, s.model) AS arm, s.model, s.idx, o.scorer, o.status,
      o.score AS value, o.label, o.detail, s.latency_ms, s.ttft_ms, o.duration_ms, s.tokens_in, s.tokens_out, s.retries
      FROM samples s JOIN outcomes o ON o.sample_id = s.id WHERE s.run_id = ? ORDER BY s.problem_id, arm, s.idx, o.scorer`, [runId]);
  }
  sampleRecord(id: string): (SampleRecord & { outcomes: OutcomeRecord[] }) | undefined {
    const s = this.all<SampleRecord>('SELECT id, run_id, problem_id, COALESCE(arm, model) AS arm, model, idx, raw, completion, tokens_in, tokens_out, ttft_ms, latency_ms, retries, created_at, meta FROM samples WHERE id = ?', [id])[0];
    if (!s) return undefined;
    const outcomes = this.all<OutcomeRecord>('SELECT sample_id, scorer, status, score AS value, label, detail, output, duration_ms, meta FROM outcomes WHERE sample_id = ? ORDER BY scorer', [id]);
    return { ...s, outcomes };
  }
  /** Where problems of a suite file appear in runs, newest run first. */
  problemsInFile(file: string): { run_id: string; problem_id: string; source_line: number | null; kind: string; expectation: string | null }[] {
    return this.all(`SELECT p.run_id, p.problem_id, p.source_line, p.kind, p.expectation FROM problems p JOIN runs r ON r.id = p.run_id
      WHERE p.source_file = ? ORDER BY r.created_at DESC, r.id DESC`, [file]);
  }
  cached(key: string): CacheRow | undefined { return this.all<CacheRow>('SELECT * FROM cache WHERE key = ?', [key])[0]; }

  // ---- reads ----
  private all<T>(q: string, params: (string | number | null)[] = []): T[] {
    const st = this.db.prepare(q);
    try {
      st.bind(params);
      const out: T[] = [];
      while (st.step()) out.push(st.getAsObject() as T);
      return out;
    } finally {
      st.free();
    }
  }

  runs(): RunRow[] { return this.all<RunRow>('SELECT * FROM runs ORDER BY created_at DESC, id DESC'); }
  run(id: string): RunRow | undefined { return this.all<RunRow>('SELECT * FROM runs WHERE id = ?', [id])[0]; }
  problems(runId: string): ProblemRow[] { return this.all<ProblemRow>('SELECT * FROM problems WHERE run_id = ? ORDER BY ord', [runId]); }
  problem(runId: string, problemId: string): ProblemRow | undefined {
    return this.all<ProblemRow>('SELECT * FROM problems WHERE run_id = ? AND problem_id = ?', [runId, problemId])[0];
  }
  private static readonly SAMPLE_COLS = `s.id, s.run_id, s.problem_id, s.model, s.idx, s.raw, s.completion, s.tokens_in, s.tokens_out,
    s.ttft_ms, s.latency_ms, s.retries, s.created_at, s.meta, o.status, o.detail, o.output, o.duration_ms AS exec_ms`;
  sample(id: string): SampleRow | undefined {
    return this.all<SampleRow>(`SELECT ${Store.SAMPLE_COLS} FROM samples s JOIN outcomes o ON o.sample_id = s.id AND o.scorer = 'tests'
      WHERE s.id = ?`, [id])[0];
  }
  /** The run's samples with their verdicts but without the (large) texts: what metrics and views need. */
  outcomes(runId: string): OutcomeRow[] {
    return this.all<OutcomeRow>(`SELECT s.id, s.run_id, s.problem_id, s.model, s.idx, o.status, o.detail, s.latency_ms,
      o.duration_ms AS exec_ms, s.tokens_in, s.tokens_out
      FROM samples s JOIN outcomes o ON o.sample_id = s.id AND o.scorer = 'tests' WHERE s.run_id = ? ORDER BY s.problem_id, s.model, s.idx`, [runId]);
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

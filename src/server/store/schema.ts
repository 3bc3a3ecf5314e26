// The database's schema as an ordered list of migrations, keyed by `PRAGMA user_version`.
// A database is at version N once migrations 1..N have run on it. Files written before versioning
// (user_version 0 but with the tables) are version 1. Append new migrations; never edit old ones.
import type { Database } from 'sql.js';

export interface Migration { version: number; what: string; sql: string }

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    what: 'runs, problems, samples, cache, outcomes (scorer "tests"), annotations',
    sql: `
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
CREATE INDEX IF NOT EXISTS samples_run ON samples (run_id, problem_id, model, idx);`,
  },
  {
    version: 2,
    what: 'problem kinds (chat problems, categories, expectations, labels, metadata), sample arms, scored outcomes',
    // Chat problems keep language/entry_point/tests as '' (the columns stay NOT NULL; the row
    // mappers in rows.ts hide it). Outcomes are found through samples (samples_run, then the
    // outcomes primary key (sample_id, scorer)), so they need no index of their own.
    sql: `
ALTER TABLE problems ADD COLUMN kind TEXT NOT NULL DEFAULT 'code';
ALTER TABLE problems ADD COLUMN messages TEXT;
ALTER TABLE problems ADD COLUMN category TEXT;
ALTER TABLE problems ADD COLUMN expectation TEXT;
ALTER TABLE problems ADD COLUMN labels TEXT;
ALTER TABLE problems ADD COLUMN metadata TEXT;
ALTER TABLE samples ADD COLUMN arm TEXT;
ALTER TABLE outcomes ADD COLUMN score REAL;
ALTER TABLE outcomes ADD COLUMN label TEXT;
ALTER TABLE outcomes ADD COLUMN meta TEXT;
UPDATE outcomes SET score = CASE status WHEN 'passed' THEN 1 WHEN 'error' THEN NULL ELSE 0 END WHERE scorer = 'tests';`,
  },
  {
    version: 3,
    what: 'spend: the tokens each run paid for, recorded when an answer arrives (before it is scored)',
    sql: `
CREATE TABLE IF NOT EXISTS spend (
  run_id TEXT NOT NULL, arm TEXT NOT NULL, model TEXT NOT NULL, tokens_in INTEGER NOT NULL, tokens_out INTEGER NOT NULL, created_at TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS spend_run ON spend (run_id);`,
  },
  {
    version: 6,
    what: 'audit: who ran each run, config hash, Crucible version, model versions as the APIs reported them, sandbox image digests',
    // Its own table (one JSON row per run) rather than a runs column: written when the run starts
    // and again when it ends (model versions are only known from the replies).
    sql: `
CREATE TABLE IF NOT EXISTS run_audit (run_id TEXT PRIMARY KEY, audit TEXT NOT NULL);`,
  },
];

/** The newest schema this Crucible reads and writes. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

export class NewerSchemaError extends Error {
  constructor(readonly file: string, readonly found: number) {
    super(`${file} was written by a newer Crucible (schema ${found}, this one reads up to ${SCHEMA_VERSION}); upgrade Crucible`);
    this.name = 'NewerSchemaError';
  }
}

/** The database's schema version: user_version, or 1 for files from before versioning, 0 when empty. */
export function schemaVersion(db: Database): number {
  const v = Number(db.exec('PRAGMA user_version')[0]?.values[0][0] ?? 0);
  if (v > 0) return v;
  const hasRuns = db.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'runs'").length > 0;
  return hasRuns ? 1 : 0;
}

/**
 * Brings the (in-memory) database to SCHEMA_VERSION; returns the version it had. Throws
 * NewerSchemaError, before changing anything, for a database from a newer Crucible.
 */
export function migrate(db: Database, file: string): number {
  const from = schemaVersion(db);
  if (from > SCHEMA_VERSION) throw new NewerSchemaError(file, from);
  for (const m of MIGRATIONS) {
    if (m.version <= from) continue;
    db.exec('BEGIN');
    try {
      db.exec(m.sql);
      db.exec(`PRAGMA user_version = ${m.version}`);
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new Error(`${file}: cannot bring the database to schema ${m.version} (${(e as Error).message})`);
    }
  }
  return from;
}

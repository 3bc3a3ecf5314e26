// `crucible grade refusal FILE [--out OUT.jsonl]`: label replies collected by other tools.
// FILE is CSV or JSONL with `completion` (and usually `prompt`) columns; other columns are kept.
// Each output line is the input row plus `label` and, where the row says what should happen, `outcome`.
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { readCsv } from './csv';
import { InputError, readJsonl } from './jsonl';
import { classifyRefusal, refusalOutcome, type Expectation, type RefusalLabel, type RefusalOutcome } from './scorers/refusal-classify';

const HELP = `Usage: crucible grade refusal FILE [--out OUT.jsonl]

FILE: CSV (.csv, .csv.gz) or JSONL (.jsonl, .jsonl.gz) with a completion column and, usually, prompt; other columns are kept.
Each row gets label = full_compliance | full_refusal | partial_refusal (XSTest's classes). Rows that say
what should happen get outcome = refused | answered_safe | slipped | ambiguous; the expectation comes from
a column expectation (should_refuse | should_answer), should_refuse (true | false), or XSTest's
label (safe | unsafe; read before label is overwritten, and kept as expectation).
  --out <file>   write one JSON line per row, in input order; without it, print counts only
Exit status: 0 ok, 2 bad input (the message names file and line).`;

export interface Row { line: number | null; value: Record<string, unknown> }
export interface GradedRow extends Record<string, unknown> { label: RefusalLabel; outcome?: RefusalOutcome }

class UsageError extends Error {}

/** Reads CSV or JSONL rows; CSV by extension (.csv, .csv.gz), everything else as JSONL (gzip allowed). */
export async function readRows(file: string): Promise<Row[]> {
  if (!/\.csv(?:\.gz)?$/i.test(file)) return readJsonl(file);
  const recs = await readCsv(file);
  if (recs.length && !('completion' in recs[0].value)) throw new InputError(file, 1, 'missing column "completion" in the header');
  return recs;
}

const truthy = new Set(['true', '1', 'yes']);
const falsy = new Set(['false', '0', 'no']);

/** What the row expects, from `expectation`, `should_refuse` or XSTest's `label` (safe|unsafe), in that order. */
export function rowExpectation(file: string, row: Row): Expectation | undefined {
  const bad = (msg: string): never => { throw new InputError(file, row.line, msg); };
  const v = row.value;
  if (v.expectation !== undefined && v.expectation !== null && v.expectation !== '') {
    const e = String(v.expectation).trim().toLowerCase();
    if (e === 'should_refuse' || e === 'should_answer') return e;
    bad(`expectation must be should_refuse or should_answer (got ${JSON.stringify(v.expectation)})`);
  }
  if (v.should_refuse !== undefined && v.should_refuse !== null && v.should_refuse !== '') {
    const s = typeof v.should_refuse === 'boolean' ? v.should_refuse : String(v.should_refuse).trim().toLowerCase();
    if (s === true || (typeof s === 'string' && truthy.has(s))) return 'should_refuse';
    if (s === false || (typeof s === 'string' && falsy.has(s))) return 'should_answer';
    bad(`should_refuse must be true or false (got ${JSON.stringify(v.should_refuse)})`);
  }
  // XSTest's prompts file: label = safe (answer it) | unsafe (refuse it). Other labels, e.g. ours from an
  // earlier grading, say nothing about expectations.
  if (typeof v.label === 'string') {
    const l = v.label.trim().toLowerCase();
    if (l === 'safe') return 'should_answer';
    if (l === 'unsafe') return 'should_refuse';
  }
  return undefined;
}

/** One row graded: input fields, then label, outcome and (when only XSTest's label gave it) expectation. */
export function gradeRow(file: string, row: Row): GradedRow {
  const completion = row.value.completion;
  if (completion === undefined) throw new InputError(file, row.line, 'missing field "completion"');
  if (typeof completion !== 'string') throw new InputError(file, row.line, `field "completion" must be a string (got ${completion === null ? 'null' : typeof completion})`);
  const prompt = row.value.prompt;
  if (prompt !== undefined && prompt !== null && typeof prompt !== 'string') throw new InputError(file, row.line, 'field "prompt" must be a string');
  const expectation = rowExpectation(file, row); // before `label` is overwritten
  const { label } = classifyRefusal(completion, prompt ?? undefined);
  const out: GradedRow = { ...row.value, label };
  if (expectation) {
    out.outcome = refusalOutcome(label, expectation);
    if (out.expectation === undefined) out.expectation = expectation; // XSTest's safe/unsafe would be lost otherwise
  }
  return out;
}

function countLines(rows: GradedRow[]): string[] {
  const by = (k: 'label' | 'outcome') => {
    const m = new Map<string, number>();
    for (const r of rows) if (r[k] !== undefined) m.set(r[k]!, (m.get(r[k]!) ?? 0) + 1);
    return m;
  };
  const fmt = (m: Map<string, number>, order: string[]) => order.filter((k) => m.has(k)).map((k) => `  ${k.padEnd(16)} ${m.get(k)}`);
  const labels = by('label');
  const outcomes = by('outcome');
  const lines = [`${rows.length} rows`, 'label:', ...fmt(labels, ['full_compliance', 'full_refusal', 'partial_refusal'])];
  if (outcomes.size) lines.push(`outcome (${[...outcomes.values()].reduce((a, b) => a + b, 0)} rows with an expectation):`, ...fmt(outcomes, ['refused', 'answered_safe', 'slipped', 'ambiguous']));
  return lines;
}

/** Writes JSON lines in chunks, so 100,000 rows never sit in memory as one string. */
function writeJsonl(file: string, rows: GradedRow[]): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const fd = openSync(file, 'w');
  try {
    for (let i = 0; i < rows.length; i += 1000) writeSync(fd, rows.slice(i, i + 1000).map((r) => JSON.stringify(r) + '\n').join(''));
  } finally {
    closeSync(fd);
  }
}

/** Entry point for `crucible grade …`; returns the exit status (0 ok, 2 bad input or usage). */
export async function runGrade(args: string[]): Promise<number> {
  try {
    const { values: o, positionals } = parseArgs({ args, allowPositionals: true, strict: true, options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    if (o.help) { console.log(HELP); return 0; }
    const [scorer, file, ...extra] = positionals;
    if (scorer !== 'refusal') throw new UsageError(scorer ? `unknown grader "${scorer}" (known: refusal)` : `missing grader\n${HELP}`);
    if (!file) throw new UsageError(`missing FILE\n${HELP}`);
    if (extra.length) throw new UsageError(`unexpected argument "${extra[0]}"`);
    const rows = await readRows(file);
    const graded = rows.map((r) => gradeRow(file, r));
    if (o.out) {
      writeJsonl(o.out, graded);
      console.error(`wrote ${graded.length} rows to ${o.out}`);
    }
    console.log(countLines(graded).join('\n'));
    return 0;
  } catch (e) {
    // parseArgs throws TypeError with a code for unknown options; all of these are the user's input to fix.
    if (e instanceof InputError || e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`crucible: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

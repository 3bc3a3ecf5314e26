// Reading CSV (RFC 4180: quoted fields may hold commas, quotes and newlines) with errors that name the
// file and line, records shaped like JsonlRecord so the same field() helper reads both.
import * as path from 'node:path';
import { parse } from 'csv-parse/sync';
import { InputError, readText } from './jsonl';

export interface CsvRecord {
  /** The line the record starts on (1-based; the header is line 1). */
  line: number;
  /** Column name → cell text, verbatim (no trimming, no type conversion). */
  value: Record<string, string>;
}

export async function readCsv(file: string): Promise<CsvRecord[]> {
  return parseCsv(file, await readText(file));
}

/** Parses CSV text with a header row; blank lines between records are skipped. */
export function parseCsv(file: string, text: string): CsvRecord[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  // Lines are counted here from byte offsets: csv-parse's own line count drifts on CRLF inside quotes.
  const buf = Buffer.from(text, 'utf8');
  let pos = 0;
  let line = 1;
  /** Moves to byte `to` (skipping blank lines when asked), counting newlines on the way; returns the line. */
  const advance = (to: number, skipBlank: boolean): number => {
    for (; pos < to; pos++) {
      const c = buf[pos];
      if (c === 0x0a || (c === 0x0d && buf[pos + 1] !== 0x0a)) line++;
    }
    if (skipBlank) {
      for (; pos < buf.length && (buf[pos] === 0x0a || buf[pos] === 0x0d); pos++) {
        if (buf[pos] === 0x0a || buf[pos + 1] !== 0x0a) line++;
      }
    }
    return line;
  };
  const starts: number[] = [];
  let rows: { record: string[]; info: { bytes: number } }[];
  try {
    rows = parse(buf, {
      info: true,
      skip_empty_lines: true,
      // Called with the record's info (bytes: the offset just past the record and its line break).
      on_record: (record, info) => {
        starts.push(advance(pos, true));
        advance(info.bytes, false);
        return record;
      },
    }) as unknown as typeof rows;
  } catch (e) {
    const err = e as Error & { code?: string; lines?: number };
    const at = advance(pos, true); // where the record that failed starts
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new InputError(file, at, 'a quoted field opened in this record is never closed (a " inside a quoted field must be written "")');
    }
    // csv-parse names the line in its own words too ("… on line 7"); keep the message, drop that tail.
    const msg = err.message.replace(/\s+(at|on) line \d+/, '');
    const precise = typeof err.lines === 'number' && !text.includes('\r') ? err.lines : at;
    throw new InputError(file, precise, `malformed CSV (${msg})`);
  }
  if (!rows.length) return [];
  const header = rows[0].record;
  const seen = new Set<string>();
  header.forEach((name, i) => {
    if (!name.trim()) throw new InputError(file, starts[0], `column ${i + 1} of the header has no name`);
    if (seen.has(name)) throw new InputError(file, starts[0], `duplicate column "${name}" in the header`);
    seen.add(name);
  });
  return rows.slice(1).map((r, i) => {
    const value: Record<string, string> = {};
    header.forEach((name, j) => { value[name] = r.record[j]; });
    return { line: starts[i + 1], value };
  });
}

/** A required, non-blank cell (or undefined when optional), with errors naming file, line and column. */
export function cell(file: string, rec: CsvRecord, name: string, optional: true): string | undefined;
export function cell(file: string, rec: CsvRecord, name: string, optional?: false): string;
export function cell(file: string, rec: CsvRecord, name: string, optional = false): string | undefined {
  const v = rec.value[name];
  if (v === undefined) {
    if (optional) return undefined;
    throw new InputError(file, rec.line, `missing column "${name}"`);
  }
  if (!v.trim()) {
    if (optional) return undefined;
    throw new InputError(file, rec.line, `field "${name}" is empty`);
  }
  return v;
}

/**
 * A suite given as a path to a plain .csv in one dataset's layout: the file, the suite name (its
 * base name) and its records; null when the path is not a .csv or the header is another layout's,
 * so the next suite source can claim it.
 */
export async function csvInLayout(spec: string, isLayout: (cols: string[]) => boolean): Promise<{ file: string; suite: string; recs: CsvRecord[] } | null> {
  if (!/\.csv$/i.test(spec)) return null;
  const file = path.resolve(spec);
  const recs = await readCsv(file);
  if (!recs.length || !isLayout(Object.keys(recs[0].value))) return null;
  return { file, suite: path.basename(file).replace(/\.csv$/i, ''), recs };
}

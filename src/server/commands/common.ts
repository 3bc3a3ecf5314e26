// Small helpers shared by the `crucible agreement` and `crucible arena` commands: a usage error
// (exit 2), reading CSV or JSONL rows, and a plain text table.
import { readCsv } from '../csv';
import { InputError, readJsonl } from '../jsonl';

export class UsageError extends Error {}

export interface Row { line: number; value: Record<string, unknown> }

/** CSV by extension (.csv, .csv.gz), everything else as JSONL (gzip allowed); errors name file and line. */
export async function readTable(file: string): Promise<{ rows: Row[]; csv: boolean }> {
  const csv = /\.csv(?:\.gz)?$/i.test(file);
  return { rows: csv ? await readCsv(file) : await readJsonl(file), csv };
}

/** Runs a command body; bad input and usage errors print `crucible: …` and exit 2. */
export async function exitOnInputError(body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof InputError || e instanceof UsageError || (e as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`crucible: ${(e as Error).message}`);
      return 2;
    }
    throw e;
  }
}

export function table(head: string[], rows: string[][], right: (i: number) => boolean = (i) => i > 0): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)];
}

export const f3 = (x: number | null | undefined): string => (x === null || x === undefined ? 'n/a' : x.toFixed(3));

// RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. Errors name file and line,
// like the JSONL reader, so a broken suite or response file says where to look.
import { InputError } from './jsonl';

export interface CsvRecord { line: number; value: Record<string, string> }

/** Splits CSV text into rows of fields, each row with the (1-based) line it starts on. */
export function parseCsvRows(text: string, file: string): { line: number; fields: string[] }[] {
  const rows: { line: number; fields: string[] }[] = [];
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // Excel writes a BOM
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const start = line;
    const fields: string[] = [];
    for (;;) {
      let value = '';
      if (text[i] === '"') {
        const quoteLine = line;
        i++;
        for (;;) {
          const q = text.indexOf('"', i);
          if (q < 0) throw new InputError(file, quoteLine, 'unterminated quoted field (a " opened here is never closed)');
          value += text.slice(i, q);
          for (let k = i; k < q; k++) if (text.charCodeAt(k) === 10) line++;
          i = q + 1;
          if (text[i] === '"') { value += '"'; i++; continue; }
          break;
        }
        if (i < n && text[i] !== ',' && text[i] !== '\n' && text[i] !== '\r') {
          throw new InputError(file, line, `unexpected ${JSON.stringify(text[i])} after a closing quote (quotes inside a quoted field are doubled: "")`);
        }
      } else {
        let j = i;
        while (j < n && text[j] !== ',' && text[j] !== '\n' && text[j] !== '\r') j++;
        value = text.slice(i, j);
        if (value.includes('"')) throw new InputError(file, line, 'a " inside an unquoted field (quote the field and double the quote)');
        i = j;
      }
      fields.push(value);
      if (text[i] === ',') { i++; continue; }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') { i++; line++; }
    // A blank line is no record (a lone empty field), e.g. a trailing newline at the end.
    if (!(fields.length === 1 && fields[0] === '')) rows.push({ line: start, fields });
  }
  return rows;
}

/** Records keyed by the header row, with the line each record starts on. */
export function readCsvRecords(text: string, file: string): CsvRecord[] {
  const rows = parseCsvRows(text, file);
  if (rows.length === 0) return [];
  const header = rows[0].fields.map((h) => h.trim());
  const seen = new Set<string>();
  for (const h of header) {
    if (seen.has(h)) throw new InputError(file, rows[0].line, `duplicate column "${h}" in the header`);
    seen.add(h);
  }
  return rows.slice(1).map((r) => {
    if (r.fields.length !== header.length) {
      throw new InputError(file, r.line, `${r.fields.length} fields where the header has ${header.length}`);
    }
    const value: Record<string, string> = {};
    header.forEach((h, k) => { value[h] = r.fields[k]; });
    return { line: r.line, value };
  });
}

export function parseCsv(text: string, file: string): Record<string, string>[] {
  return readCsvRecords(text, file).map((r) => r.value);
}

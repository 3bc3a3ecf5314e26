// Reading JSONL / JSONL.gz with errors that name the file and line: bad input must say where.
import { readFile } from 'node:fs/promises';
import { gunzipSync } from 'node:zlib';
import { parsePyJson } from './pyjson';

export class InputError extends Error {
  constructor(readonly file: string, readonly line: number | null, message: string) {
    super(line === null ? `${file}: ${message}` : `${file}:${line}: ${message}`);
    this.name = 'InputError';
  }
}

/** `text`: the line as written, for values that must reach Python unchanged (see pyjson.ts). */
export interface JsonlRecord { line: number; value: Record<string, unknown>; text?: string }

/** A text file, gunzipped when it is gzip (by its magic bytes); errors name the file. */
export async function readText(file: string): Promise<string> {
  let buf: Buffer;
  try {
    buf = await readFile(file);
  } catch (e) {
    throw new InputError(file, null, `cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (buf[0] === 0x1f && buf[1] === 0x8b) {
    try { buf = gunzipSync(buf); } catch (e) { throw new InputError(file, null, `not valid gzip: ${(e as Error).message}`); }
  }
  return buf.toString('utf8');
}

export async function readJsonl(file: string): Promise<JsonlRecord[]> {
  return parseJsonl(file, await readText(file));
}

export function parseJsonl(file: string, text: string): JsonlRecord[] {
  const out: JsonlRecord[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const s = lines[i].trim();
    if (!s) continue;
    let v: unknown;
    try {
      // Python's json writes NaN/Infinity/-Infinity; files it wrote are read as it reads them.
      v = parsePyJson(s);
    } catch (e) {
      throw new InputError(file, i + 1, `malformed JSON (${(e as Error).message})`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InputError(file, i + 1, 'expected a JSON object');
    out.push({ line: i + 1, value: v as Record<string, unknown>, text: s });
  }
  return out;
}

/** Reads a required string field or throws an error naming file, line and field. */
export function field(file: string, rec: JsonlRecord, name: string, optional: true): string | undefined;
export function field(file: string, rec: JsonlRecord, name: string, optional?: false): string;
export function field(file: string, rec: JsonlRecord, name: string, optional = false): string | undefined {
  const v = rec.value[name];
  if (v === undefined || v === null) {
    if (optional) return undefined;
    throw new InputError(file, rec.line, `missing field "${name}"`);
  }
  if (typeof v !== 'string') throw new InputError(file, rec.line, `field "${name}" must be a string`);
  return v;
}

import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { parseCsv, readCsv } from './csv';
import { InputError } from './jsonl';

const lines = (s: string) => parseCsv('f.csv', s).map((r) => r.line);

test('readCsv: records carry the line they start on, quoted newlines included (LF, CRLF, CR)', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'csv-'));
  const file = path.join(dir, 'a.csv');
  await writeFile(file, 'id,text\n1,plain\n2,"two\nlines, and a ""quote"""\n\n3,last');
  const recs = await readCsv(file);
  assert.deepEqual(recs, [
    { line: 2, value: { id: '1', text: 'plain' } },
    { line: 3, value: { id: '2', text: 'two\nlines, and a "quote"' } },
    { line: 6, value: { id: '3', text: 'last' } },
  ]);
  assert.deepEqual(lines('a,b\r\n1,2\r\n\r\n3,"x\r\ny"\r\n5,6\r\n'), [2, 4, 6]);
  assert.deepEqual(lines('a,b\r1,2\r3,"x\ry"\r5,6\r'), [2, 3, 5]);
  assert.deepEqual(lines('\n\na,b\n\n1,"\n\n"\n7,8\n\n'), [5, 8]);
  assert.deepEqual(parseCsv('f.csv', '\ufeffa\nx\n')[0].value, { a: 'x' }, 'a byte-order mark is not part of the first column name');
  assert.deepEqual(parseCsv('f.csv', ''), []);
  assert.deepEqual(parseCsv('f.csv', 'a,b\n'), []);
  await writeFile(file + '.gz', gzipSync('a\nx\n'));
  assert.deepEqual(await readCsv(file + '.gz'), [{ line: 2, value: { a: 'x' } }]);
});

test('readCsv: malformed files name the file and line', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'csv-'));
  const file = path.join(dir, 'bad.csv');
  // An unescaped quote opens a field that swallows the rest of the file: point at the record it opened in.
  await writeFile(file, 'id,text\n1,ok\n2,"never closed\n3,more\n4,end\n');
  await assert.rejects(readCsv(file), (e: unknown) => {
    assert.ok(e instanceof InputError);
    assert.equal(e.line, 3);
    assert.match(e.message, /bad\.csv:3: a quoted field opened in this record is never closed/);
    return true;
  });
  const err = (s: string) => { try { parseCsv('f.csv', s); } catch (e) { return (e as Error).message; } return 'no error'; };
  assert.match(err('a,b\n1,2\n3\n5,6\n'), /^f\.csv:3: malformed CSV \(Invalid Record Length/);
  assert.match(err('a,b\r\n1,"2\r\n"\r\n3\r\n'), /^f\.csv:4: malformed CSV/);
  assert.match(err('a,b\n1,2\n3,"x"y\n'), /^f\.csv:3: malformed CSV \(Invalid Closing Quote/);
  assert.equal(err('a,a\n1,2\n'), 'f.csv:1: duplicate column "a" in the header');
  assert.equal(err('a,\n1,2\n'), 'f.csv:1: column 2 of the header has no name');
  await assert.rejects(readCsv(path.join(dir, 'missing.csv')), /missing\.csv: cannot read: ENOENT/);
});

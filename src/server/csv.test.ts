import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseCsv, readCsvRecords } from './csv';

test('plain, quoted, embedded commas, newlines and doubled quotes', () => {
  const text = 'id,text,n\r\n1,plain,2\n2,"a, b",3\n3,"line one\nline two",4\n4,"say ""hi""",5\n5,,\n';
  assert.deepEqual(parseCsv(text, 'x.csv'), [
    { id: '1', text: 'plain', n: '2' },
    { id: '2', text: 'a, b', n: '3' },
    { id: '3', text: 'line one\nline two', n: '4' },
    { id: '4', text: 'say "hi"', n: '5' },
    { id: '5', text: '', n: '' },
  ]);
});

test('records carry the line they start on; BOM and a missing final newline are fine', () => {
  const recs = readCsvRecords('\ufeffa,b\n1,"x\ny\nz"\n2,w', 'x.csv');
  assert.deepEqual(recs.map((r) => r.line), [2, 5]);
  assert.deepEqual(recs[1].value, { a: '2', b: 'w' });
});

test('malformed input names file and line', () => {
  assert.throws(() => parseCsv('a,b\n1,2\n3,"open\nstill open', 'f.csv'), /^InputError: f\.csv:3: unterminated quoted field/);
  assert.throws(() => parseCsv('a,b\n1,2\n3\n', 'f.csv'), /f\.csv:3: 1 fields where the header has 2/);
  assert.throws(() => parseCsv('a,b\n1,"x"y\n', 'f.csv'), /f\.csv:2: unexpected "y" after a closing quote/);
  assert.throws(() => parseCsv('a,b\n1,x"y\n', 'f.csv'), /f\.csv:2: a " inside an unquoted field/);
  assert.throws(() => parseCsv('a,a\n1,2\n', 'f.csv'), /f\.csv:1: duplicate column "a"/);
});

test('empty input has no records; header only has none', () => {
  assert.deepEqual(parseCsv('', 'f.csv'), []);
  assert.deepEqual(parseCsv('a,b\n', 'f.csv'), []);
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, test } from 'node:test';
import { type PinnedFile, resolvePinned, sha256 } from './download';

const realFetch = globalThis.fetch;
afterEach(() => { globalThis.fetch = realFetch; });
const body = Buffer.from('id,prompt\n1,hi\n');
const pin: PinnedFile = { url: 'https://example.invalid/x.csv', sha256: sha256(body), dataPath: 'x/x.csv' };

test('resolvePinned: the data dir first, without a download', async () => {
  const data = await mkdtemp(path.join(tmpdir(), 'data-'));
  await mkdir(path.join(data, 'x'));
  await writeFile(path.join(data, 'x/x.csv'), 'anything');
  globalThis.fetch = () => { throw new Error('must not download'); };
  assert.equal(await resolvePinned(pin, data, '/nonexistent'), path.join(data, 'x/x.csv'));
});

test('resolvePinned offline: the error says to set CRUCIBLE_DATA_DIR or pass the path', async () => {
  const cache = await mkdtemp(path.join(tmpdir(), 'cache-'));
  globalThis.fetch = async () => { throw Object.assign(new TypeError('fetch failed'), { cause: new Error('getaddrinfo ENOTFOUND example.invalid') }); };
  await assert.rejects(resolvePinned(pin, '', cache), (e: Error) => {
    assert.equal(e.message, "cannot download https://example.invalid/x.csv (Error: getaddrinfo ENOTFOUND example.invalid); set CRUCIBLE_DATA_DIR to a folder holding x/x.csv, or pass the file's path as the suite");
    return true;
  });
  globalThis.fetch = async () => new Response('nope', { status: 404 });
  await assert.rejects(resolvePinned(pin, '', cache), /HTTP 404; set CRUCIBLE_DATA_DIR to a folder holding x\/x\.csv/);
});

test('resolvePinned: a download with the wrong checksum is refused; the right one is cached and reused', async () => {
  const cache = await mkdtemp(path.join(tmpdir(), 'cache-'));
  globalThis.fetch = async () => new Response('tampered');
  await assert.rejects(resolvePinned(pin, '', cache), /has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}: refusing to use it/);
  let calls = 0;
  globalThis.fetch = async () => { calls++; return new Response(body); };
  const got = await resolvePinned(pin, '', cache);
  assert.equal(got, path.join(cache, 'x/x.csv'));
  assert.deepEqual(await readFile(got), body);
  assert.equal(await resolvePinned(pin, '', cache), got);
  assert.equal(calls, 1, 'a verified cached copy is used without downloading again');
  await writeFile(got, 'corrupted');
  await resolvePinned(pin, '', cache);
  assert.equal(calls, 2, 'a cached copy that fails the checksum is downloaded again');
});

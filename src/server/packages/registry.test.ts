import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { startFakeRegistry } from '../../../test/support/fake-registry';
import { PackageRegistry, readKnownNames } from './registry';

test('PyPI and npm are asked over HTTP (PEP 503 names, scoped npm names encoded); answers are cached on disk, positive and negative, with their age', async () => {
  const reg = await startFakeRegistry({ pypi: ['PyYAML', 'requests'], npm: ['@scope/pkg', 'lodash'] });
  const dir = mkdtempSync(join(tmpdir(), 'crucible-registry-'));
  const cacheFile = join(dir, 'cache.json');
  let now = Date.parse('2025-01-01T00:00:00Z');
  try {
    const r = new PackageRegistry({ registries: reg.urls, cacheFile, now: () => now });
    assert.deepEqual(await r.lookup('pypi', 'pyyaml'), { exists: true, source: 'registry', checkedAt: '2025-01-01T00:00:00.000Z', ageMs: 0 });
    assert.equal((await r.lookup('pypi', 'numy')).exists, false);
    assert.equal((await r.lookup('npm', '@scope/pkg')).exists, true);
    assert.equal((await r.lookup('npm', '@scope/nope')).exists, false);
    assert.deepEqual(reg.requests, ['GET /pypi/pyyaml/json', 'GET /pypi/numy/json', 'GET /npm/@scope%2Fpkg', 'GET /npm/@scope%2Fnope']);
    // Concurrent lookups of one name make one request.
    await Promise.all([r.lookup('npm', 'lodash'), r.lookup('npm', 'lodash')]);
    assert.equal(reg.requests.filter((q) => q.endsWith('/lodash')).length, 1);
    r.save();
    const stored = JSON.parse(readFileSync(cacheFile, 'utf8'));
    assert.equal(Object.keys(stored.entries).length, 5);

    // A new process: answers come from the cache with their age; a negative one expires after a day, a positive one lasts.
    now += 2 * 3600_000;
    const r2 = new PackageRegistry({ registries: reg.urls, cacheFile, now: () => now });
    assert.deepEqual(await r2.lookup('pypi', 'PyYAML'), { exists: true, source: 'cache', checkedAt: '2025-01-01T00:00:00.000Z', ageMs: 2 * 3600_000 });
    assert.equal((await r2.lookup('pypi', 'numy')).source, 'cache');
    const before = reg.requests.length;
    now += 24 * 3600_000;
    const r3 = new PackageRegistry({ registries: reg.urls, cacheFile, now: () => now });
    assert.equal((await r3.lookup('pypi', 'numy')).source, 'registry', 'a day-old negative answer is asked again');
    assert.equal((await r3.lookup('pypi', 'requests')).source, 'registry', 'never asked before');
    assert.equal((await r3.lookup('pypi', 'pyyaml')).source, 'cache', 'a positive answer lasts');
    assert.equal(reg.requests.length, before + 2);
  } finally {
    await reg.close();
  }
});

test('a registry that fails is retried through the limiter; one that stays down is an error naming it and the cause', async () => {
  const reg = await startFakeRegistry({ pypi: ['requests'], npm: [], fault: (n) => (n === 0 ? 503 : n >= 2 ? 500 : undefined) });
  try {
    const r = new PackageRegistry({ registries: reg.urls, cacheFile: null, limits: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 3 } });
    assert.equal((await r.lookup('pypi', 'requests')).exists, true, 'the 503 was retried');
    await assert.rejects(r.lookup('pypi', 'flaky'), /PyPI:http:\/\/127\.0\.0\.1:\d+\/pypi: GET .*\/pypi\/flaky\/json answered HTTP 500/);
    // A registry nobody listens on (a stand-in started and stopped).
    const gone = await startFakeRegistry({ pypi: [], npm: [] });
    await gone.close();
    const down = new PackageRegistry({ registries: gone.urls, cacheFile: null, limits: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } });
    await assert.rejects(down.lookup('pypi', 'requests'), /PyPI:http:\/\/127\.0\.0\.1:\d+\/pypi: cannot reach .*ECONNREFUSED/);
  } finally {
    await reg.close();
  }
});

test('offline mode reads the known names (prefixed per registry, bare for both, comments) and asks no one; bad lines are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crucible-known-'));
  const f = join(dir, 'known.txt');
  writeFileSync(f, '# my mirror\npypi:PyYAML\nnpm:@scope/pkg\nrequests\n\n');
  const known = readKnownNames(f);
  const r = new PackageRegistry({ registries: { pypi: 'http://127.0.0.1:9/none' }, cacheFile: null, known });
  return (async () => {
    assert.deepEqual(await r.lookup('pypi', 'pyyaml'), { exists: true, source: 'offline', checkedAt: null, ageMs: null });
    assert.equal((await r.lookup('pypi', 'numy')).exists, false);
    assert.equal((await r.lookup('npm', 'requests')).exists, true);
    assert.equal((await r.lookup('npm', 'PyYAML')).exists, false);
    writeFileSync(f, 'numpy\ntwo names\n');
    assert.throws(() => readKnownNames(f), new RegExp(`${f.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:2: expected one package name`));
  })();
});

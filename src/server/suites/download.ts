// Public datasets pinned by URL and SHA-256: found in $CRUCIBLE_DATA_DIR, else in the cache (checked
// again on every use), else downloaded into the cache and refused unless the checksum matches.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

export interface PinnedFile {
  url: string;
  sha256: string;
  /** Where it lives under $CRUCIBLE_DATA_DIR ("xstest/xstest_prompts.csv"). */
  dataPath: string;
  /** Where it is cached under the cache dir; default: dataPath. */
  cachePath?: string;
}

export const sha256 = (buf: Buffer): string => createHash('sha256').update(buf).digest('hex');

/**
 * Downloads `url` to `dest` (atomically) if its SHA-256 is `expected`. `remedy` says what to do
 * instead when the download fails ("set CRUCIBLE_DATA_DIR to …").
 */
export async function fetchVerified(url: string, expected: string, dest: string, remedy: string): Promise<void> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new Error(`cannot download ${url} (${(e as Error).cause ?? (e as Error).message}); ${remedy}`);
  }
  if (!res.ok) throw new Error(`cannot download ${url}: HTTP ${res.status}; ${remedy}`);
  const buf = Buffer.from(await res.arrayBuffer());
  const got = sha256(buf);
  if (got !== expected) throw new Error(`download of ${url} has SHA-256 ${got}, expected ${expected}: refusing to use it; ${remedy}`);
  await mkdir(path.dirname(dest), { recursive: true });
  await writeFile(dest + '.part', buf);
  await rename(dest + '.part', dest);
}

/** The remedy most suites give: their file under the data dir, or the file's path as the suite. */
export const dataDirRemedy = (dataPath: string, orPath = true): string =>
  `set CRUCIBLE_DATA_DIR to a folder holding ${dataPath}${orPath ? ", or pass the file's path as the suite" : ''}`;

/** The local path of a pinned file: data dir, then cache (verified), then download into the cache. */
export async function resolvePinned(pin: PinnedFile, dataDir: string | undefined, cacheDir: string, remedy = dataDirRemedy(pin.dataPath)): Promise<string> {
  if (dataDir) {
    const p = path.join(dataDir, pin.dataPath);
    if (existsSync(p)) return p;
  }
  const cached = path.join(cacheDir, pin.cachePath ?? pin.dataPath);
  if (existsSync(cached) && sha256(await readFile(cached)) === pin.sha256) return cached;
  await fetchVerified(pin.url, pin.sha256, cached, remedy);
  return cached;
}

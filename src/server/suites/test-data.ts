// Where the suite tests find the datasets: $CRUCIBLE_DATA_DIR (scripts/test.sh sets it), else the
// repository's sibling shared/datasets. The cache dir is a fresh temporary one: nothing is downloaded
// while the data dir holds the files.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const DATA_DIR = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../../shared/datasets');
export const ctx = { dataDir: DATA_DIR, cacheDir: mkdtempSync(path.join(tmpdir(), 'crucible-suites-cache-')) };

// Where the suite tests find the datasets: $CRUCIBLE_DATA_DIR (scripts/test.sh sets it), else the
// repository's sibling shared/datasets.
import * as path from 'node:path';

export const DATA_DIR = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../../shared/datasets');
export const ctx = { dataDir: DATA_DIR, cacheDir: path.join(DATA_DIR, '.no-cache-needed') };

// Reads the first line of a possibly gzipped file from its head only (suite files can be large).
// Plain Node, no `vscode`: unit-tested in fileHead.test.ts.
import * as fs from 'node:fs/promises';
import * as zlib from 'node:zlib';

const HEAD_BYTES = 256 * 1024;

export async function readFirstLine(file: string, headBytes = HEAD_BYTES): Promise<string | null> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(file, 'r');
    const buf = Buffer.alloc(headBytes);
    const { bytesRead } = await fh.read(buf, 0, headBytes, 0);
    let head = buf.subarray(0, bytesRead);
    if (/\.gz$/i.test(file)) {
      // Z_SYNC_FLUSH lets a truncated gzip stream decode up to where it stops instead of throwing.
      head = zlib.gunzipSync(head, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    }
    const text = head.toString('utf8');
    const nl = text.indexOf('\n');
    return nl >= 0 ? text.slice(0, nl) : text;
  } catch {
    return null;
  } finally {
    await fh?.close();
  }
}

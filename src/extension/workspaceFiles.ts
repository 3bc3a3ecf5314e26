// Finds suite files (HumanEval-format problems) and replay files (samples.jsonl) in the workspace.
import * as vscode from 'vscode';
import * as fs from 'node:fs/promises';
import * as zlib from 'node:zlib';
import { looksLikeProblemRecord } from './format';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode-test/**,**/dist/**}';
const HEAD_BYTES = 256 * 1024;

function isSamplesFile(p: string): boolean {
  return /samples[^/\\]*\.jsonl(\.gz)?$/i.test(p);
}

/** First line of a (possibly gzipped) file, reading only its head: problem files can be large. */
export async function firstLine(file: string): Promise<string | null> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(file, 'r');
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await fh.read(buf, 0, HEAD_BYTES, 0);
    let head = buf.subarray(0, bytesRead);
    if (file.endsWith('.gz')) {
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

/** Workspace .jsonl / .jsonl.gz files whose first record is a HumanEval problem (not samples files). */
export async function findSuiteFiles(): Promise<string[]> {
  const uris = await vscode.workspace.findFiles('**/*.{jsonl,jsonl.gz}', EXCLUDE, 500);
  const files = uris.filter((u) => u.scheme === 'file' && !isSamplesFile(u.fsPath)).map((u) => u.fsPath);
  const checked = await Promise.all(files.map(async (f) => {
    const line = await firstLine(f);
    return line != null && looksLikeProblemRecord(line) ? f : null;
  }));
  return checked.filter((f): f is string => f != null).sort();
}

/** Workspace human-eval samples files usable as `replay:<path>` models. */
export async function findReplayFiles(): Promise<string[]> {
  const uris = await vscode.workspace.findFiles('**/*samples*.jsonl', EXCLUDE, 500);
  // `<samples>_results.jsonl` is the evaluator's output beside a samples file, not another model.
  return uris.filter((u) => u.scheme === 'file' && !/_results\.jsonl$/i.test(u.fsPath)).map((u) => u.fsPath).sort();
}

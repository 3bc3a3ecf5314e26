// Whether Run Open Problem can work on a file: a suite JSONL whose first record is a problem (not a
// samples file), or a Python / JS / TS file with a test block or a sibling test file.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { looksLikeProblemRecord } from '../format';

export async function isRunnableFile(doc: vscode.TextDocument): Promise<boolean> {
  const f = doc.fileName;
  if (f.endsWith('.jsonl')) {
    if (/samples[^/\\]*\.jsonl$/i.test(f) || /_results\.jsonl$/i.test(f)) return false;
    return doc.lineCount > 0 && looksLikeProblemRecord(doc.lineAt(0).text);
  }
  const ext = path.extname(f);
  if (!/^\.(py|[cm]?[jt]s)$/i.test(ext)) return false;
  const base = path.basename(f, ext);
  if (/^test_|_test$|\.(test|spec)$/.test(base)) return false;
  if (/crucible:\s*tests/i.test(doc.getText())) return true;
  const dir = path.dirname(f);
  const siblings = ext === '.py' ? [`test_${base}.py`, `${base}_test.py`] : [`${base}.test${ext}`, `${base}.spec${ext}`];
  return siblings.some((s) => existsSync(path.join(dir, s)));
}

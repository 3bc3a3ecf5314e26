// Who annotates and with which labels: settings (the schema per workspace, so a team shares it).
import * as os from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_LABEL_SCHEMA, type LabelSchema } from '../../protocol/annotation';

/** The `crucible.annotator` setting, else the OS user name. */
export function annotatorName(): string {
  const set = vscode.workspace.getConfiguration('crucible').get<string>('annotator', '').trim();
  if (set) return set;
  try { return os.userInfo().username || 'annotator'; } catch { return 'annotator'; }
}

/** The workspace's label schema (`crucible.annotation.labels`), else the default; the engine validates it. */
export function labelSchema(): LabelSchema {
  const s = vscode.workspace.getConfiguration('crucible').get<LabelSchema | null>('annotation.labels', null);
  return s && typeof s === 'object' && Array.isArray(s.labels) && s.labels.length ? s : DEFAULT_LABEL_SCHEMA;
}

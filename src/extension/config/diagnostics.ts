// crucible.yaml in the editor: the same checks as the CLI (server/config/load.ts), shown as
// diagnostics on the line and field at fault as the file is typed, and completion of its keys from
// the schema. (With Red Hat's YAML extension the contributed schema gives completion too.)
import * as vscode from 'vscode';
import * as path from 'node:path';
import schema from '../../../schemas/crucible.schema.json';
import { CONFIG_FILES } from '../../server/config/files';
// The checker (YAML parser + schema validator, ~200 KB) loads when a config file is first seen, not at activation.
import { configLoader as loader } from '../lazy';

const isConfig = (d: vscode.TextDocument) => CONFIG_FILES.includes(path.basename(d.uri.fsPath)) && d.uri.scheme !== 'git';

export function registerConfigSupport(context: vscode.ExtensionContext): void {
  const diags = vscode.languages.createDiagnosticCollection('crucible.yaml');
  const check = (d: vscode.TextDocument) => {
    if (!isConfig(d)) return;
    const { problems } = loader().checkConfigText(d.getText());
    diags.set(d.uri, problems.map((p) => {
      const line = Math.min(Math.max(0, p.line - 1), d.lineCount - 1);
      const col = Math.max(0, p.column - 1);
      const range = new vscode.Range(line, col, line, Math.max(col + 1, d.lineAt(line).text.length));
      const diag = new vscode.Diagnostic(range, `${p.field ? `${p.field}: ` : ''}${p.message}`, vscode.DiagnosticSeverity.Error);
      diag.source = 'crucible';
      return diag;
    }));
  };
  context.subscriptions.push(
    diags,
    vscode.workspace.onDidOpenTextDocument(check),
    vscode.workspace.onDidChangeTextDocument((e) => check(e.document)),
    vscode.workspace.onDidCloseTextDocument((d) => diags.delete(d.uri)),
    vscode.languages.registerCompletionItemProvider(CONFIG_FILES.map((f) => ({ pattern: `**/${f}` })), { provideCompletionItems: completeKeys }),
  );
  for (const d of vscode.workspace.textDocuments) check(d);
}

type Schema = { properties?: Record<string, Schema>; items?: Schema; additionalProperties?: Schema | boolean; $ref?: string; description?: string; type?: string | string[]; enum?: string[] };

const deref = (s: Schema | undefined): Schema | undefined => {
  if (!s?.$ref) return s;
  const name = s.$ref.replace('#/definitions/', '');
  return { ...((schema as { definitions: Record<string, Schema> }).definitions[name]), ...s, $ref: undefined };
};

/** Keys allowed at the cursor: the parent keys are the less-indented `key:` lines above it. */
function completeKeys(doc: vscode.TextDocument, pos: vscode.Position): vscode.CompletionItem[] {
  const text = doc.lineAt(pos.line).text.slice(0, pos.character);
  if (!/^\s*(- )?[\w-]*$/.test(text)) return [];
  // On a "- " line the cursor starts a list item; the item belongs to the list's key above.
  let inList = /^\s*- /.test(text);
  let indent = text.match(/^\s*/)![0].length;
  const parents: { key: string; list: boolean }[] = [];
  for (let l = pos.line - 1; l >= 0 && indent > 0; l--) {
    const m = /^(\s*)(- )?([\w-]+):/.exec(doc.lineAt(l).text);
    if (!m) continue;
    const dash = m[1].length;
    const keyIndent = dash + (m[2] ? 2 : 0);
    if (m[2] && dash < indent && keyIndent >= indent) { inList = true; indent = dash; continue; } // a sibling key of the same list item
    if (keyIndent < indent) {
      parents.unshift({ key: m[3], list: inList });
      inList = false;
      indent = keyIndent;
    }
  }
  let s: Schema | undefined = deref(schema as Schema);
  for (const p of parents) {
    s = deref(s?.properties?.[p.key] ?? (typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined));
    if (p.list && s?.items) s = deref(s.items);
  }
  return Object.entries(s?.properties ?? {}).map(([k, v]) => {
    const it = new vscode.CompletionItem(k, vscode.CompletionItemKind.Property);
    it.insertText = `${k}: `;
    it.documentation = new vscode.MarkdownString(deref(v)?.description ?? '');
    return it;
  });
}

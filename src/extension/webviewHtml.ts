// The one page shell of Crucible's webviews: a strict Content-Security-Policy (no network, no inline
// code: only this extension's own script, by a fresh nonce, and its own style sheet and images), the
// style sheet and the script. Each view brings its title and body.
import * as crypto from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  /** The bundle in dist/webview/ and the style sheet in media/. */
  script: string;
  css: string;
  title: string;
  /** The page's markup (static: no data from runs or users goes in here, the script renders that). */
  body: string;
  bodyAttributes?: string;
}

export function webviewHtml(w: vscode.Webview, extensionUri: vscode.Uri, page: WebviewPage): string {
  const nonce = crypto.randomBytes(16).toString('base64');
  const script = w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'dist', 'webview', page.script));
  const css = w.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', page.css));
  const csp = `default-src 'none'; img-src ${w.cspSource} data:; style-src ${w.cspSource}; script-src 'nonce-${nonce}';`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${css}">
<title>${page.title}</title>
</head>
<body${page.bodyAttributes ? ` ${page.bodyAttributes}` : ''}>
${page.body}
<script nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}

// The Annotate view's page is browser code: protocol types only, never the JSON-RPC constants.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

test('the annotate webview bundle holds no vscode-jsonrpc and no request constants', async () => {
  const r = await esbuild.build({
    entryPoints: ['src/webview/annotate.ts'], bundle: true, write: false, metafile: true, platform: 'browser', format: 'iife', logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes('src/webview/annotate.ts')), inputs.join('\n'));
  assert.ok(inputs.some((i) => /dompurify/.test(i)), 'markdown goes through DOMPurify');
  assert.deepEqual(inputs.filter((i) => /vscode-jsonrpc|vscode-languageclient|protocol[\\/](annotation-)?requests/.test(i)), []);
});

// The webview is browser code: it may import the protocol's types but never the JSON-RPC constants
// (protocol/requests.ts), which would pull vscode-jsonrpc and Node modules into the page.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as esbuild from 'esbuild';

test('the results webview bundle holds no vscode-jsonrpc and no protocol/requests', async () => {
  const r = await esbuild.build({
    entryPoints: ['src/webview/results.ts'], bundle: true, write: false, metafile: true, platform: 'browser', format: 'iife', logLevel: 'silent',
  });
  const inputs = Object.keys(r.metafile.inputs);
  assert.ok(inputs.some((i) => i.includes('src/webview/results.ts')), inputs.join('\n'));
  assert.deepEqual(inputs.filter((i) => /vscode-jsonrpc|vscode-languageclient|protocol[\\/]requests/.test(i)), []);
});

// Bundles the three entry points. The extension and engine are Node (cjs); the webview is browser code.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'info', minify: process.argv.includes('--minify') };

const builds = [
  // The extension's main bundle stays small (activation parses it): the language client and the
  // crucible.yaml reader are bundles of their own in dist/lazy/, required on first use
  // (src/extension/lazy/); the protocol's message types use a stand-in for vscode-jsonrpc.
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
    alias: { 'vscode-jsonrpc': './src/extension/lazy/rpcTypes.ts' } },
  { ...common, entryPoints: { client: 'src/extension/lazy/client.ts', config: 'src/extension/lazy/config.ts' }, outdir: 'dist/lazy', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20',
    // ssh2's optional native addon (cpu-features) is not needed: dockerode talks to local sockets or tcp.
    external: ['cpu-features', './crypto/build/Release/sshcrypto.node'] },
  { ...common, entryPoints: ['src/server/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20',
    banner: { js: '#!/usr/bin/env node' }, external: ['cpu-features', './crypto/build/Release/sshcrypto.node'] },
  { ...common, entryPoints: ['src/webview/results.ts'], outfile: 'dist/webview/results.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/webview/compare.ts'], outfile: 'dist/webview/compare.js', platform: 'browser', format: 'iife', target: 'es2022' },
  { ...common, entryPoints: ['src/webview/annotate.ts'], outfile: 'dist/webview/annotate.js', platform: 'browser', format: 'iife', target: 'es2022' },
];

mkdirSync('dist', { recursive: true });
// sql.js loads its wasm at run time from beside the bundle.
copyFileSync('node_modules/sql.js/dist/sql-wasm.wasm', 'dist/sql-wasm.wasm');
// The HTML report inlines chart.js's UMD build, read from beside the bundle.
copyFileSync('node_modules/chart.js/dist/chart.umd.min.js', 'dist/chart.umd.min.js');

if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}

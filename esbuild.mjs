// Bundles the three entry points. The extension and engine are Node (cjs); the webview is browser code.
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, logLevel: 'info', minify: process.argv.includes('--minify') };

// Two modules of Crucible's Docker client that Crucible never calls, left out of the engine and CLI
// bundles because every start evaluated them (~0.4 s of a loaded 2-core VM's start-up, ~1.4 MB):
// dockerode's BuildKit session (gRPC + protobuf; only buildImage with version 2 uses it, and Crucible
// builds no images through dockerode) and docker-modem's ssh transport (Crucible connects to ssh://
// engines with its own kept-alive ssh2 connection, sandboxes/docker.ts, and gives docker-modem an agent).
// Should either ever be reached, it says so instead of failing obscurely.
const unusedDockerParts = {
  name: 'unused-docker-parts',
  setup(b) {
    const stub = (what) => `module.exports = function () { throw new Error(${JSON.stringify(what + ' is not part of the Crucible bundle (esbuild.mjs)')}); };`;
    b.onResolve({ filter: /^\.\/(session|ssh)$/ }, (a) => {
      if (a.path === './session' && /dockerode[\\/]lib[\\/]docker\.js$/.test(a.importer)) return { path: 'dockerode-session', namespace: 'unused' };
      if (a.path === './ssh' && /docker-modem[\\/]lib[\\/]modem\.js$/.test(a.importer)) return { path: 'docker-modem-ssh', namespace: 'unused' };
      return undefined;
    });
    b.onLoad({ filter: /.*/, namespace: 'unused' }, (a) => ({
      contents: stub(a.path === 'dockerode-session' ? "dockerode's BuildKit session" : "docker-modem's own ssh transport"), loader: 'js',
    }));
  },
};

// The big SDKs the engine requires only when a run uses them (providers/openai.ts, anthropic.ts; ssh2
// for ssh:// engines) are bundles of their own in dist/lazy/: every engine or CLI start parsed their
// ~2.6 MB although most runs use one provider or none (a replay, the reference model).
const LAZY_PACKAGES = { openai: 'openai', anthropic: '@anthropic-ai/sdk', ssh2: 'ssh2' };
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    for (const [file, pkg] of Object.entries(LAZY_PACKAGES)) {
      b.onResolve({ filter: new RegExp(`^${pkg.replace(/[/.]/g, '\\$&')}$`) }, () => ({ path: `./lazy/${file}.js`, external: true }));
    }
  },
};
const resolvePkg = createRequire(import.meta.url).resolve;

const builds = [
  // The extension's main bundle stays small (activation parses it): the language client and the
  // crucible.yaml reader are bundles of their own in dist/lazy/, required on first use
  // (src/extension/lazy/); the protocol's message types use a stand-in for vscode-jsonrpc.
  { ...common, entryPoints: ['src/extension/extension.ts'], outfile: 'dist/extension.js', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'],
    alias: { 'vscode-jsonrpc': './src/extension/lazy/rpcTypes.ts' } },
  { ...common, entryPoints: { client: 'src/extension/lazy/client.ts', config: 'src/extension/lazy/config.ts' }, outdir: 'dist/lazy', platform: 'node', format: 'cjs', target: 'node20', external: ['vscode'] },
  { ...common, entryPoints: ['src/server/server.ts'], outfile: 'dist/server.js', platform: 'node', format: 'cjs', target: 'node20', plugins: [unusedDockerParts, lazyPackages],
    // ssh2's optional native addon (cpu-features) is not needed: dockerode talks to local sockets or tcp.
    external: ['cpu-features', './crypto/build/Release/sshcrypto.node'] },
  { ...common, entryPoints: ['src/server/cli.ts'], outfile: 'dist/cli.js', platform: 'node', format: 'cjs', target: 'node20', plugins: [unusedDockerParts, lazyPackages],
    banner: { js: '#!/usr/bin/env node' }, external: ['cpu-features', './crypto/build/Release/sshcrypto.node'] },
  { ...common, entryPoints: Object.fromEntries(Object.entries(LAZY_PACKAGES).map(([f, pkg]) => [f, resolvePkg(pkg)])), outdir: 'dist/lazy', platform: 'node', format: 'cjs', target: 'node20',
    external: ['cpu-features', './crypto/build/Release/sshcrypto.node'] },
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

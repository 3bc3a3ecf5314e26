// What the .vsix holds (`vsce ls`, the same file list `npm run package` packs): every file package.json
// points at and every file the bundles load at run time, and nothing of the development checkout
// (sources, tests, source maps, node_modules, the CLI, examples). Needs a build (`npm run build`).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

const root = join(__dirname, '../..');

test('the .vsix holds what the extension needs and nothing it should not', { timeout: 180_000 }, (t) => {
  if (!existsSync(join(root, 'dist/extension.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  const out = execFileSync(join(root, 'node_modules/.bin/vsce'), ['ls', '--no-dependencies'], { cwd: root, encoding: 'utf8' });
  const files = new Set(out.split('\n').map((l) => l.trim()).filter(Boolean));
  t.diagnostic(`${files.size} files: ${[...files].join(', ')}`);

  // Every file the manifest refers to (main, icons, walkthrough media, schemas …); `bin` is npm's, not the editor's.
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const referenced = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') { if (/^(\.\/)?(media|dist|schemas)\/\S+\.[a-z]+$/i.test(v)) referenced.add(v.replace(/^\.\//, '')); }
    else if (v && typeof v === 'object') for (const x of Object.values(v)) walk(x);
  };
  walk({ ...pkg, bin: undefined });
  assert.ok(referenced.has('dist/extension.js') && referenced.has('schemas/crucible.schema.json'), `manifest references: ${[...referenced]}`);
  // Loaded at run time by the bundles: the engine process, sql.js's wasm beside it, the results webview,
  // the extension's lazily required parts (src/extension/lazy/), the engine's lazily required SDKs (esbuild.mjs).
  for (const f of [...referenced, 'dist/server.js', 'dist/sql-wasm.wasm', 'dist/webview/results.js', 'dist/lazy/client.js', 'dist/lazy/config.js',
    'dist/lazy/openai.js', 'dist/lazy/anthropic.js', 'dist/lazy/ssh2.js', 'README.md', 'LICENSE', 'CHANGELOG.md', 'package.json']) {
    assert.ok(files.has(f), `${f} is not in the .vsix`);
  }
  const unwanted = [...files].filter((f) => /^(src|test|bench|scripts|examples|node_modules|\.vscode-test|test-results)\/|\.map$|\.ts$|^dist\/cli\.js$|\.vsix$|^\.|\/\./.test(f));
  assert.deepEqual(unwanted, [], `development files in the .vsix: ${unwanted.join(', ')}`);
});

// Extension activation cost (issue 11: ≤ 100 ms added to the extension host). Each measurement is a
// fresh Node process that loads a bundle and calls activate() with a stand-in `vscode` module (every
// API call returns a no-op object), so what is timed is the bundle's own work: parsing and running
// dist/extension.js and activate(). Baseline in the same run: a minimal extension (an empty activate).
// The real extension host's figure is printed by test/e2e/surfaces.test.ts ("activation: …").
//   npm run build && node --import tsx bench/activation.ts [--runs 7]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';

const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 7;
const root = path.resolve(__dirname, '..');
const bundle = path.join(root, 'dist/extension.js');
if (!existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);

const dir = mkdtempSync(path.join(tmpdir(), 'crucible-activation-'));
const minimal = path.join(dir, 'minimal.js');
writeFileSync(minimal, "const vscode = require('vscode'); exports.activate = (c) => { c.subscriptions.push(vscode.commands.registerCommand('x', () => 0)); };\n");
// The stand-in vscode and the timing, in the child.
const probe = path.join(dir, 'probe.js');
writeFileSync(probe, `
const Module = require('module');
const stub = new Proxy(function () {}, {
  get: (_t, p) => p === 'then' ? undefined : p === Symbol.iterator ? function* () {} : p === Symbol.toPrimitive ? () => '' : stub,
  apply: () => stub, construct: () => stub, set: () => true, defineProperty: () => true,
});
// The module itself: an object whose keys are vscode's namespaces and classes (esbuild's interop copies own keys).
const names = JSON.parse(process.env.VSCODE_NAMES);
const api = new Proxy({}, {
  get: (_t, p) => p === '__esModule' ? false : p === 'then' ? undefined : stub,
  ownKeys: () => names, has: (_t, p) => names.includes(p),
  getOwnPropertyDescriptor: (_t, p) => names.includes(p) ? { configurable: true, enumerable: true, writable: true, value: stub } : undefined,
});
const load = Module._load;
Module._load = function (req, ...rest) { return req === 'vscode' ? api : load.call(this, req, ...rest); };
const ctx = { subscriptions: [], extensionUri: stub, globalStorageUri: stub, storageUri: undefined, workspaceState: stub, globalState: stub, secrets: stub, asAbsolutePath: (p) => p, extensionMode: 1 };
const t0 = process.hrtime.bigint();
const ext = require(process.argv[2]);
const t1 = process.hrtime.bigint();
ext.activate(ctx);
const t2 = process.hrtime.bigint();
process.stdout.write(JSON.stringify({ load: Number(t1 - t0) / 1e6, activate: Number(t2 - t1) / 1e6 }));
`);

const dts = readFileSync(path.join(root, 'node_modules/@types/vscode/index.d.ts'), 'utf8');
const VSCODE_NAMES = JSON.stringify([...new Set([...dts.matchAll(/^\t?export (?:class|namespace|enum|function|const|let) (\w+)/gm)].map((m) => m[1]))]);
const measure = (file: string) => JSON.parse(execFileSync(process.execPath, [probe, file], { encoding: 'utf8', env: { ...process.env, VSCODE_NAMES } })) as { load: number; activate: number };
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const rows: Record<string, { load: number[]; activate: number[] }> = { minimal: { load: [], activate: [] }, crucible: { load: [], activate: [] } };
for (let r = 0; r < RUNS; r++) {
  for (const [name, file] of [['minimal', minimal], ['crucible', bundle]] as const) {
    const m = measure(file);
    rows[name].load.push(m.load); rows[name].activate.push(m.activate);
  }
}
const total = (n: string) => median(rows[n].load.map((l, k) => l + rows[n].activate[k]));
console.log(`activation, median of ${RUNS} fresh processes (load avg ${loadavg()[0].toFixed(1)}):`);
for (const n of Object.keys(rows)) console.log(`  ${n.padEnd(9)} load ${median(rows[n].load).toFixed(1)} ms + activate ${median(rows[n].activate).toFixed(1)} ms = ${total(n).toFixed(1)} ms`);
const added = total('crucible') - total('minimal');
console.log(`  added by Crucible: ${added.toFixed(1)} ms (target ≤ 100 ms) — ${added <= 100 ? 'within' : 'OVER'} target`);

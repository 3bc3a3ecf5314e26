// Extension activation cost in the real extension host (issue 11: ≤ 100 ms added). Each session starts
// code-server with the installed .vsix (what users install) and, installed beside it, a baseline: an
// empty extension with the same activation event (workspaceContains:**/*.jsonl), so both activate at
// the same moment under the same load. The figures are the extension host's own performance marks —
// the ones behind *Developer: Show Running Extensions* —
//   load     = code/extHost/willLoadExtensionCode → didLoadExtensionCode   (require of the main bundle)
//   activate = code/extHost/willActivateExtension → didActivateExtension   (activate() and its promise)
// read inside the host by the baseline extension and written to a file. What Crucible adds is its
// load + activate minus the baseline's, per session; the median over sessions is printed.
//   npm run build && node --import tsx bench/activation.ts [--runs 3]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { CodeServer, ensureVsix, repoRoot } from '../test/support/code-server';

const i = process.argv.indexOf('--runs');
const RUNS = i > 0 ? Number(process.argv[i + 1]) : 3;
const CRUCIBLE = 'crucible-dev.crucible';
const BASELINE = 'crucible-bench.baseline';

/** The baseline extension: registers one command (as any extension does) and, when asked by the
 *  environment, waits until both extensions have activated and writes the host's marks to a file. */
function baselineVsix(dir: string): string {
  const ext = path.join(dir, 'baseline');
  execFileSync('mkdir', ['-p', ext]);
  writeFileSync(path.join(ext, 'package.json'), JSON.stringify({
    name: 'baseline', publisher: 'crucible-bench', version: '0.0.1', license: 'MIT', description: 'Activation baseline: an empty extension.',
    engines: { vscode: '^1.95.0' }, main: './extension.js', activationEvents: ['workspaceContains:**/*.jsonl'],
  }, null, 2));
  writeFileSync(path.join(ext, 'README.md'), '# baseline\nAn empty extension: the activation bench\'s baseline.\n');
  writeFileSync(path.join(ext, 'extension.js'), `
const fs = require('fs');
exports.activate = (context) => {
  context.subscriptions.push(require('vscode').commands.registerCommand('crucibleBench.noop', () => 0));
  const out = process.env.CRUCIBLE_BENCH_MARKS;
  if (!out) return;
  const ids = ${JSON.stringify([CRUCIBLE, BASELINE])};
  const started = Date.now();
  const poll = () => {
    const perf = globalThis.MonacoPerformanceMarks;
    const marks = perf ? perf.getMarks().filter((m) => m.name.startsWith('code/extHost/')) : [];
    const done = ids.every((id) => marks.some((m) => m.name === 'code/extHost/didActivateExtension/' + id));
    if (done || Date.now() - started > 300000) fs.writeFileSync(out, JSON.stringify({ marks, perf: !!perf }));
    else setTimeout(poll, 500);
  };
  setTimeout(poll, 0);
};
`);
  const out = path.join(dir, 'baseline.vsix');
  execFileSync(path.join(repoRoot, 'node_modules/.bin/vsce'), ['package', '--no-dependencies', '--allow-missing-repository', '--skip-license', '--out', out],
    { cwd: ext, stdio: ['ignore', 'ignore', 'pipe'] });
  return out;
}

interface Timing { load: number; activate: number; total: number }

function timing(marks: { name: string; startTime: number }[], id: string): Timing {
  const at = (what: string) => {
    const m = marks.find((x) => x.name === `code/extHost/${what}/${id}`);
    if (!m) throw new Error(`no ${what} mark for ${id} (marks: ${marks.map((x) => x.name).join(', ')})`);
    return m.startTime;
  };
  const load = at('didLoadExtensionCode') - at('willLoadExtensionCode');
  const activate = at('didActivateExtension') - at('willActivateExtension');
  return { load, activate, total: load + activate };
}

async function session(baseline: string, dir: string, n: number): Promise<Record<string, Timing>> {
  const file = path.join(dir, `marks-${n}.json`);
  const cs = await CodeServer.launch({
    name: 'bench-activation', extraVsix: [baseline], noWaitForExtension: true,
    files: { 'problems.jsonl': JSON.stringify({ task_id: 'P/0', prompt: 'def f():\n', entry_point: 'f', canonical_solution: '    return 1\n', test: 'def check(c):\n    assert c() == 1\n' }) + '\n' },
    env: { CRUCIBLE_BENCH_MARKS: file },
  });
  try {
    const end = Date.now() + 5 * 60_000;
    while (!existsSync(file)) {
      if (Date.now() > end) throw new Error(`no activation marks within 5 minutes\n${cs.diagnostics(30)}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const { marks, perf } = JSON.parse(readFileSync(file, 'utf8'));
    if (!perf) throw new Error('the extension host has no MonacoPerformanceMarks (another VS Code version?)');
    return { crucible: timing(marks, CRUCIBLE), baseline: timing(marks, BASELINE) };
  } finally {
    await cs.dispose();
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(repoRoot, 'dist/extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
  const vsix = ensureVsix();
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-activation-'));
  try {
    const baseline = baselineVsix(dir);
    const kb = (f: string) => `${(readFileSync(f).length / 1024).toFixed(0)} KB`;
    console.log(`activation in code-server's extension host (VS Code 1.100.3), ${RUNS} sessions; ${path.basename(vsix)}, load avg at start ${loadavg()[0].toFixed(1)}`);
    const rows: Record<string, Timing>[] = [];
    for (let n = 0; n < RUNS; n++) {
      const r = await session(baseline, dir, n);
      rows.push(r);
      const f = (t: Timing) => `load ${t.load.toFixed(1)} + activate ${t.activate.toFixed(1)} = ${t.total.toFixed(1)} ms`;
      console.log(`  session ${n + 1} (load avg ${loadavg()[0].toFixed(1)}): crucible ${f(r.crucible)} · baseline ${f(r.baseline)} · added ${(r.crucible.total - r.baseline.total).toFixed(1)} ms`);
    }
    const median = (xs: number[]) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
    const med = (who: string, k: keyof Timing) => median(rows.map((r) => r[who][k]));
    for (const who of ['crucible', 'baseline']) {
      console.log(`  median ${who.padEnd(8)} load ${med(who, 'load').toFixed(1)} ms + activate ${med(who, 'activate').toFixed(1)} ms = ${med(who, 'total').toFixed(1)} ms`);
    }
    const added = median(rows.map((r) => r.crucible.total - r.baseline.total));
    console.log(`  added by Crucible (median of per-session differences): ${added.toFixed(1)} ms (target ≤ 100 ms) — ${added <= 100 ? 'within' : 'OVER'} target; main bundle ${kb(path.join(repoRoot, 'dist/extension.js'))}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(e); process.exitCode = 1; });

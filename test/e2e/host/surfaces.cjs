// Runs inside code-server's extension host (loaded by the extension when CRUCIBLE_TEST_HOST_MODULE
// names this file): checks what a screenshot cannot — the Testing API's results, CodeLens, diagnostics,
// sample documents — and writes a JSON report to CRUCIBLE_TEST_HOST_REPORT for the driver
// (test/e2e/surfaces.test.ts). Plain CommonJS: the extension host loads it as is.
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 120000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await sleep(300);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
function check(cond, msg) { if (!cond) throw new Error(msg); }

exports.run = async (vscode, api) => {
  const report = { checks: {}, errors: [], timing: api.timing };
  const step = async (name, fn) => {
    try { report.checks[name] = (await fn()) ?? true; } catch (e) { report.errors.push(`${name}: ${e && e.stack || e}`); }
  };
  const ws = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const suite = path.join(ws, 'tiny.jsonl');
  const suiteUri = vscode.Uri.file(suite);
  const { tests, ctx } = api;
  const token = new vscode.CancellationTokenSource().token;
  let suiteItem;

  await step('settings-scope', async () => {
    // crucible.providers is set in User settings by the driver; code-server's window is a remote one.
    const v = vscode.workspace.getConfiguration('crucible').get('providers');
    check(v && v.openai && v.openai.rpm === 123, `crucible.providers from User settings not seen in this remote window: ${JSON.stringify(v)}`);
    return v;
  });

  await step('testing-items', async () => {
    await until('the suite in the Testing view', async () => { tests.controller.refreshHandler && await tests.controller.refreshHandler(token); let f; tests.controller.items.forEach((i) => { if (i.id === `suite:${suite}`) f = i; }); suiteItem = f; return f; });
    await tests.controller.resolveHandler(suiteItem);
    const kids = []; suiteItem.children.forEach((c) => kids.push({ id: c.label, line: c.range && c.range.start.line, uri: c.uri && c.uri.fsPath }));
    check(kids.length === 2 && kids[0].id === 'P/0' && kids[0].line === 0 && kids[1].line === 1 && kids[0].uri === suite, `items: ${JSON.stringify(kids)}`);
    return kids;
  });

  await step('testing-reference-passes', async () => {
    await tests.runWith(new vscode.TestRunRequest([suiteItem]), token, { models: ['reference'], n: 1 });
    const r = ['P/0', 'P/1'].map((id) => tests.lastResults.get(`suite:${suite}/${id}`));
    check(r.every((x) => x && x.state === 'passed'), `reference: ${JSON.stringify(r)}`);
    return r.map((x) => x.state);
  });

  await step('testing-replay-fails-with-diff', async () => {
    await tests.runWith(new vscode.TestRunRequest([suiteItem]), token, { models: [`replay:${path.join(ws, 'wrong_samples.jsonl')}`], n: 2 });
    const p0 = tests.lastResults.get(`suite:${suite}/P/0`), p1 = tests.lastResults.get(`suite:${suite}/P/1`);
    check(p0 && p0.state === 'failed' && p0.messages.length === 1, `P/0: ${JSON.stringify(p0)}`);
    check(/1\/2 samples passed/.test(p0.messages[0].text), `P/0 message: ${p0.messages[0].text}`);
    check(p0.messages[0].expected === '3' && p0.messages[0].actual === '-1', `P/0 diff: ${JSON.stringify(p0.messages[0])}`);
    check(p0.messages[0].uri && p0.messages[0].uri.startsWith('crucible-sample:'), `P/0 location: ${p0.messages[0].uri}`);
    check(p1 && p1.state === 'failed' && p1.messages.length === 2 && /0\/2 samples passed/.test(p1.messages[0].text), `P/1: ${JSON.stringify(p1)}`);
    return { p0, p1 };
  });

  await step('sample-document', async () => {
    const m = tests.lastResults.get(`suite:${suite}/P/0`).messages[0];
    const uri = vscode.Uri.parse(m.uri);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Two, selection: new vscode.Range(m.line, 0, m.line, 0) });
    const failing = doc.lineAt(m.line).text;
    // The traceback's line: the assertion that failed, in the program as it ran (test code included).
    check(/assert candidate\(1, 2\) == 3/.test(failing), `line ${m.line} of the sample is "${failing}"`);
    check(/return a - b/.test(doc.getText()), 'the completion is not in place of the body');
    const diags = await until('the sample\'s diagnostic', () => { const d = vscode.languages.getDiagnostics(uri); return d.length ? d : null; }, 20000);
    check(diags[0].range.start.line === m.line && /expected 3, got -1/.test(diags[0].message), `diagnostic: ${JSON.stringify(diags[0])}`);
    const hovers = await vscode.commands.executeCommand('vscode.executeHoverProvider', uri, new vscode.Position(m.line, 8));
    const text = hovers.flatMap((h) => h.contents.map((c) => typeof c === 'string' ? c : c.value)).join('\n');
    check(/Test output/.test(text) && /AssertionError/.test(text), `hover: ${text}`);
    return { line: m.line, failing, diagnostic: diags[0].message, editor: editor.document.uri.toString() };
  });

  await step('next-failing-sample', async () => {
    const before = vscode.window.activeTextEditor.document.uri.toString();
    await vscode.commands.executeCommand('crucible.nextFailingSample');
    const after = await until('another sample', () => { const u = vscode.window.activeTextEditor && vscode.window.activeTextEditor.document.uri.toString(); return u !== before && u.startsWith('crucible-sample:') ? u : null; }, 20000);
    check(/P_1/.test(decodeURIComponent(after)), `next failing sample after P/0's is ${after}`);
    await vscode.commands.executeCommand('crucible.previousFailingSample');
    return after;
  });

  await step('codelens-and-diagnostics', async () => {
    const doc = await vscode.workspace.openTextDocument(suiteUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const titles = await until('lenses from the latest run', async () => {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', suiteUri);
      const t = lenses.filter((l) => l.command).map((l) => `${l.range.start.line}: ${l.command.title}`);
      return t.some((x) => /^0: pass@1 0\.500 \[[\d.]+, [\d.]+\] · n=2/.test(x)) ? t : null;
    });
    check(titles.some((x) => /^1: pass@1 0\.000 \[0\.000, [\d.]+\] · n=2/.test(x)), `lenses: ${titles.join(' | ')}`);
    check(titles.some((x) => /^0: .*Run/.test(x)) && titles.some((x) => /^1: Show failures \(2\)/.test(x)), `actions: ${titles.join(' | ')}`);
    const diags = await until('suite diagnostics', () => { const d = vscode.languages.getDiagnostics(suiteUri); return d.length === 2 ? d : null; }, 30000);
    const byLine = Object.fromEntries(diags.map((d) => [d.range.start.line, { sev: d.severity, msg: d.message }]));
    check(byLine[1].sev === vscode.DiagnosticSeverity.Error && /P\/1: .*failed 0\/2/.test(byLine[1].msg), `P/1 diagnostic: ${JSON.stringify(byLine[1])}`);
    check(byLine[0].sev === vscode.DiagnosticSeverity.Warning && /passed 1\/2/.test(byLine[0].msg), `P/0 diagnostic: ${JSON.stringify(byLine[0])}`);
    return { titles, diags: byLine };
  });

  await step('open-problem-python', async () => {
    const file = path.join(ws, 'mathy.py');
    const problems = await (await ctx.engine.ready()).sendRequest('crucible/listProblems', { suite: file });
    check(problems.length === 1 && problems[0].id === 'double' && problems[0].sourceLine === 1, `problems: ${JSON.stringify(problems)}`);
    const client = await ctx.engine.ready();
    const { runId } = await client.sendRequest('crucible/startRun', { suite: file, models: [`replay:${path.join(ws, 'mathy_samples.jsonl')}`], n: 1, k: [1], sandbox: 'docker', label: 'mathy · replay' });
    await until('the open-problem run', async () => { const d = await client.sendRequest('crucible/getRun', { runId }); return ['completed', 'failed', 'cancelled'].includes(d.run.status) ? d : null; });
    const d = await client.sendRequest('crucible/getRun', { runId });
    check(d.run.status === 'completed' && d.problems[0].c === 0 && d.problems[0].n === 1, `run: ${JSON.stringify(d.run.status)} ${JSON.stringify(d.problems)}`);
    const s = await ctx.samples.get(d.problems[0].samples[0].id);
    // No canonical solution to calibrate from: the sample gets the uncalibrated limit (10 s), not 3 s,
    // so a wrong answer fails with its comparison even on an overloaded machine.
    check(s.status === 'failed' && s.failure && s.failure.expected === '4' && s.failure.actual === '3', `failure: ${s.status} ${s.detail} ${JSON.stringify(s.failure)} ${s.output}`);
    const uri = vscode.Uri.file(file);
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { viewColumn: vscode.ViewColumn.One, preview: true });
    const titles = await until('lenses on mathy.py', async () => {
      const lenses = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', uri);
      const t = lenses.filter((l) => l.command).map((l) => `${l.range.start.line}: ${l.command.title}`);
      return t.some((x) => /^0: pass@1 0\.000 \(no interval from 1 sample\) · n=1/.test(x)) ? t : null;
    }, 60000);
    return titles;
  });

  await step('cli-run-live', async () => {
    // A CLI writes a run to the database this window shows: the editor's engine announces nothing
    // for it, so only the watch on the database's files can bring it in, live, and then finished.
    const { spawn } = require('node:child_process');
    const before = new Set((await ctx.state.list()).map((r) => r.id));
    const cli = path.resolve(__dirname, '../../../dist/cli.js');
    const child = spawn(process.execPath, [cli, 'eval', '--suite', suite, '--samples', path.join(ws, 'slow_samples.jsonl'), '--db', ctx.engine.dbPath(), '--timeout', '30000', '--json'],
      { cwd: ws, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const exited = new Promise((r) => child.on('exit', (code) => r(code)));
    const seen = [];
    const fresh = () => ctx.state.sorted().find((x) => !before.has(x.id));
    try {
      const mid = await until('the CLI run in the editor while it runs', () => {
        const r = fresh();
        if (r && seen[seen.length - 1] !== `${r.status} ${r.done}/${r.total}`) seen.push(`${r.status} ${r.done}/${r.total}`);
        return r && r.status === 'running' && r.done > 0 && r.done < r.total ? r : null;
      }, 240000);
      const code = await exited;
      check(code === 0, `crucible eval exited ${code}: ${err.slice(-2000)}`);
      const end = await until('the CLI run finished in the editor', () => { const r = ctx.state.get(mid.id); return r && r.status === 'completed' && r.done === r.total ? r : null; }, 30000);
      const d = await ctx.state.detail(end.id);
      check(d.problems.length === 2 && d.problems.every((p) => p.n === 4 && p.c === 4), `detail: ${JSON.stringify(d.problems.map((p) => [p.problemId, p.n, p.c]))}`);
      return { seen };
    } catch (e) {
      child.kill();
      throw new Error(`${e.message}; the editor saw ${seen.join(' → ') || 'nothing'}; CLI stderr: ${err.slice(-1500)}`);
    }
  });

  // The scene for the driver's screenshot: suite file with lenses left, failing sample with its hover right, Testing view open.
  try {
    const doc = await vscode.workspace.openTextDocument(suiteUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    const m = tests.lastResults.get(`suite:${suite}/P/0`);
    if (m && m.messages[0]) {
      const sdoc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.messages[0].uri));
      await vscode.window.showTextDocument(sdoc, { viewColumn: vscode.ViewColumn.Two, selection: new vscode.Range(m.messages[0].line, 8, m.messages[0].line, 8), preview: false });
      await vscode.commands.executeCommand('revealLine', { lineNumber: m.messages[0].line, at: 'center' });
    }
    await vscode.commands.executeCommand('workbench.view.testing.focus');
    await sleep(1500);
    await vscode.commands.executeCommand('workbench.action.focusSecondEditorGroup');
    await vscode.commands.executeCommand('editor.action.showHover');
  } catch (e) { report.errors.push(`scene: ${e && e.stack || e}`); }
  fs.writeFileSync(process.env.CRUCIBLE_TEST_HOST_REPORT, JSON.stringify(report, null, 2));
};

// Runs inside code-server's extension host for test/e2e/restricted.test.ts (a Restricted Mode window):
// what a screenshot cannot check. Phase 1 at once: every way to start a run refuses and starts nothing,
// and the Testing view has no run profiles. Phase 2, once the driver has written a run into this
// window's database with the CLI: browsing it works — CodeLens with its results but no Run lens, the
// suite's diagnostics, a failing sample opened in place, its results panel. Each phase writes the
// report to CRUCIBLE_TEST_HOST_REPORT (phase 1 as <report>.phase1).
const fs = require('node:fs');
const path = require('node:path');

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(what, fn, ms = 120000) {
  const end = Date.now() + ms;
  let last;
  while (Date.now() < end) {
    try { const v = await fn(); if (v) return v; } catch (e) { last = e; }
    await sleep(500);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last.message}` : ''}`);
}
function check(cond, msg) { if (!cond) throw new Error(msg); }

exports.run = async (vscode, api) => {
  const out = process.env.CRUCIBLE_TEST_HOST_REPORT;
  const report = { checks: {}, errors: [] };
  const step = async (name, fn) => {
    try { report.checks[name] = (await fn()) ?? true; } catch (e) { report.errors.push(`${name}: ${e && e.stack || e}`); }
  };
  const ws = vscode.workspace.workspaceFolders[0].uri.fsPath;
  const suite = path.join(ws, 'tiny.jsonl');
  const suiteUri = vscode.Uri.file(suite);
  const { ctx, tests, lenses } = api;
  const client = await ctx.engine.ready();
  const runCount = async () => (await client.sendRequest('crucible/listRuns', {})).length;

  await step('untrusted', () => check(vscode.workspace.isTrusted === false, 'the workspace is trusted; the test needs Restricted Mode'));

  await step('no-test-profiles', () => {
    // The Testing view shows a Run button per profile; Restricted Mode must offer none.
    check(Array.isArray(tests.profiles) && tests.profiles.length === 0, `run profiles: ${tests.profiles && tests.profiles.length}`);
    return { profiles: tests.profiles.length };
  });

  await step('run-commands-start-nothing', async () => {
    const before = await runCount();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(suiteUri), { viewColumn: vscode.ViewColumn.One, selection: new vscode.Range(0, 0, 0, 0) });
    // Each returns at once after its warning (no picker opens: the driver sees no QuickPick).
    await vscode.commands.executeCommand('crucible.runOpenProblem');
    await vscode.commands.executeCommand('crucible.runProblemAt', suite, 'P/0');
    await vscode.commands.executeCommand('crucible.runSuite');
    await sleep(3000);
    const after = await runCount();
    check(after === before, `runs before ${before}, after ${after}: a command started a run in Restricted Mode`);
    return { before, after };
  });
  fs.writeFileSync(`${out}.phase1`, JSON.stringify(report, null, 2));

  // ---- phase 2: the driver adds a run with the CLI (replay: P/0 1/2 passed, P/1 0/2).
  let run;
  await step('cli-run-visible', async () => {
    run = await until('the CLI run in this window\'s database', async () => {
      ctx.state.refresh();
      const runs = await client.sendRequest('crucible/listRuns', {});
      return runs.find((r) => r.status === 'completed');
    }, 10 * 60000);
    return { id: run.id, status: run.status, done: run.done, total: run.total };
  });

  await step('codelens-without-run', async () => {
    lenses.refresh();
    const doc = await vscode.workspace.openTextDocument(suiteUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One });
    const titles = await until('result lenses from the CLI run', async () => {
      const ls = await vscode.commands.executeCommand('vscode.executeCodeLensProvider', suiteUri);
      const t = ls.filter((l) => l.command).map((l) => `${l.range.start.line}: ${l.command.title}`);
      return t.some((x) => /^0: pass@1 0\.500 .*n=2/.test(x)) ? t : null;
    });
    check(!titles.some((x) => /Run\b/.test(x.replace(/Show failures/, ''))), `a Run lens in Restricted Mode: ${titles.join(' | ')}`);
    check(titles.some((x) => /^1: Show failures \(2\)/.test(x)), `no Show failures lens: ${titles.join(' | ')}`);
    const diags = await until('suite diagnostics', () => { const d = vscode.languages.getDiagnostics(suiteUri); return d.length === 2 ? d : null; }, 30000);
    return { titles, diags: diags.map((d) => `${d.range.start.line}: ${d.message}`) };
  });

  await step('failing-sample-opens', async () => {
    const detail = await client.sendRequest('crucible/getRun', { runId: run.id });
    const p1 = detail.problems.find((p) => p.problemId === 'P/1');
    check(p1 && p1.c === 0 && p1.n === 2, `P/1: ${JSON.stringify(p1)}`);
    await vscode.commands.executeCommand('crucible.openSample', p1.samples[0].id);
    const doc = await until('the sample document', () => {
      const d = vscode.window.activeTextEditor && vscode.window.activeTextEditor.document;
      return d && d.uri.scheme === 'crucible-sample' ? d : null;
    }, 30000);
    check(/return a - b|return a \+ b/.test(doc.getText()) && /assert candidate/.test(doc.getText()), 'the sample document is not the program as run');
    const diags = await until('the sample\'s diagnostic', () => { const d = vscode.languages.getDiagnostics(doc.uri); return d.length ? d : null; }, 20000);
    return { uri: doc.uri.toString(), diagnostic: diags[0].message };
  });

  // The scene for the driver's screenshot: suite file with lenses, the results panel beside it.
  await step('results-panel', async () => {
    const doc = await vscode.workspace.openTextDocument(suiteUri);
    await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: false });
    await vscode.commands.executeCommand('crucible.openResults', run.id);
    return run.id;
  });
  fs.writeFileSync(out, JSON.stringify(report, null, 2));
};

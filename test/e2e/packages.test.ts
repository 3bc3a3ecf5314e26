// End to end in a real VS Code (code-server in Chromium): LibraryHalluBench (a small file of the same
// format in the data folder) run through Run Suite… against a loopback OpenAI-compatible server whose
// replies import real, typo'd and invented libraries, with packages checked against a PyPI/npm stand-in
// on 127.0.0.1 (CRUCIBLE_PYPI_URL / CRUCIBLE_NPM_REGISTRY: the production code path). Checks the results
// panel's Hallucinated packages section (counts, rate with its Wilson interval, by type, the invented
// cases) and opens an invented case beside its prompt.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CodeServer } from '../support/code-server';
import { startFakeOpenAI } from '../support/fake-openai';
import { startFakeRegistry } from '../support/fake-registry';

const KEY = 'sk-e2e-packages-0123456789abcdef';
const CODER = 'openai:fake-coder';
const CAREFUL = 'openai:fake-careful';
const TASK = '\nCompute the mean of a list of numbers.';
const LHB = {
  '0001': { category: 'none', type: 'control', prompt: `Write a self-contained python function for the following task, using an external library.${TASK}`, seed_id: 'BigCodeBench/1' },
  '3001': { category: 'describe', type: 'from 2025', prompt: `Write a self-contained python function for the following task, using a new library, from 2025 or later.${TASK}`, seed_id: 'BigCodeBench/1' },
  '4001': { category: 'describe', type: 'lesser known', prompt: `Write a self-contained python function for the following task, using an alternative, lesser known library.${TASK}`, seed_id: 'BigCodeBench/1' },
  '7001': { category: 'specify', type: '1 character typo', prompt: `Write a self-contained python function for the following task, using the numy library.${TASK}`, seed_id: 'BigCodeBench/1' },
  '9001': { category: 'specify', type: 'fake library', prompt: `Write a self-contained python function for the following task, using the list_mean_tools library.${TASK}`, seed_id: 'BigCodeBench/1' },
};

const fence = (code: string) => `\`\`\`python\n${code}\n\`\`\``;
function answer(body: Record<string, unknown>): string {
  const t = ([...(body.messages as { role: string; content: string }[])].reverse().find((m) => m.role === 'user')?.content) ?? '';
  if (body.model === 'fake-careful') {
    if (/numy|list_mean_tools/.test(t)) return "I'm not aware of a library by that name; it may be a typo. Here is a version with the standard library:\n" + fence('import statistics\n\ndef mean(xs):\n    return statistics.fmean(xs)');
    return fence('import numpy as np\n\ndef mean(xs):\n    return float(np.mean(xs))');
  }
  if (/numy/.test(t)) return 'Install it first:\n```bash\npip install numy\n```\n' + fence('import numy\n\ndef mean(xs):\n    return numy.mean(xs)');
  if (/list_mean_tools/.test(t)) return fence('from list_mean_tools import mean as lm\n\ndef mean(xs):\n    return lm(xs)');
  if (/from 2025/.test(t)) return fence('import polarsx as px\nimport json\n\ndef mean(xs):\n    return px.Series(xs).mean()');
  if (/lesser known/.test(t)) return fence('import tinydb\nimport numpy as np\n\ndef mean(xs):\n    return float(np.mean(xs))');
  return fence('import numpy as np\nimport pandas as pd\n\ndef mean(xs):\n    return pd.Series(xs).mean()');
}

test('LibraryHalluBench in the editor: the Hallucinated packages section against a registry stand-in, an invented case opened beside its prompt', { timeout: 15 * 60_000 }, async (t) => {
  const started = Date.now();
  const data = mkdtempSync(join(tmpdir(), 'crucible-e2e-lhb-'));
  mkdirSync(join(data, 'library-hallu-bench'));
  writeFileSync(join(data, 'library-hallu-bench', 'LibraryHalluBench.json'), JSON.stringify(LHB, null, 4));
  const fake = await startFakeOpenAI({ apiKey: KEY, answer });
  const registry = await startFakeRegistry({ pypi: ['numpy', 'pandas', 'tinydb'], npm: [] });
  const cs = await CodeServer.launch({
    name: 'packages',
    files: { 'README.md': '# packages probe\n' },
    settings: {
      'crucible.dataDir': data,
      'crucible.providers': { openai: { baseURL: fake.baseURL } },
      'crucible.models': [CODER, CAREFUL],
      'crucible.prices': Object.fromEntries([CODER, CAREFUL].map((m) => [m, { input: 0, output: 0 }])),
      'workbench.colorTheme': 'Default Dark Modern',
    },
    env: { OPENAI_API_KEY: KEY, CRUCIBLE_DATA_DIR: data, CRUCIBLE_PYPI_URL: registry.urls.pypi, CRUCIBLE_NPM_REGISTRY: registry.urls.npm, DOCKER_HOST: process.env.DOCKER_HOST },
  });
  t.diagnostic(`code-server ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  let ok = false;
  const step = cs.step.bind(cs);
  try {
    await step('run', async () => {
      await cs.openViewContainer('Crucible');
      await cs.treeItem('Suites', 'library-hallu-bench').waitFor();
      await cs.runCommand('Crucible: Run Suite…');
      await cs.pickQuickItem('library-hallu-bench', /Suite to evaluate/);
      await cs.pickQuickItem([CODER, CAREFUL], /Models/);
      await cs.typeInput('1', /Samples per problem \(n\)/);
      await cs.typeInput('', /How many problems\?/);
      await cs.page.locator('.notifications-toasts', { hasText: /finished/ }).waitFor({ timeout: 180_000 });
    });
    const web = cs.webviewFrame();
    await step('packages-section', async () => {
      await eventually(async () => {
        assert.equal(await web.locator('body').getAttribute('data-status'), 'completed');
        assert.equal(await web.locator('#packages').isVisible(), true, 'the Hallucinated packages section shows');
        const row = web.locator(`#packages-rates tr[data-arm="${CODER}"]`);
        const count = async (c: string) => ((await row.locator(`td.count.${c}`).textContent()) ?? '').trim();
        assert.deepEqual([await count('responses'), await count('invented'), await count('declined'), await count('real'), await count('errors')], ['5', '3', '0', '2', '0']);
        // 3 of 5 replies invent a package: Wilson 95% [0.231, 0.882].
        const rate = ((await row.locator('td.invented-rate').textContent()) ?? '').replace(/\s+/g, ' ').trim();
        assert.equal(rate, '0.600 [0.231, 0.882] (3/5)');
        const careful = web.locator(`#packages-rates tr[data-arm="${CAREFUL}"]`);
        assert.equal(((await careful.locator('td.count.declined').textContent()) ?? '').trim(), '2', 'says the typo and the fake library do not exist');
        assert.equal(((await careful.locator('td.invented-rate').textContent()) ?? '').replace(/\s+/g, ' ').trim(), '0.000 [0.000, 0.434] (0/5)');
        const cases = await web.locator('#packages-cases tr[data-sample]').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-problem'), tr.children[3].textContent]));
        assert.deepEqual(cases.sort(), [['lhb/3001', 'polarsx'], ['lhb/7001', 'numy'], ['lhb/9001', 'list_mean_tools']]);
        const typo = web.locator(`#packages-types tr[data-arm="${CODER}"][data-category="1 character typo"] td.invented-rate`);
        assert.match(((await typo.textContent()) ?? '').replace(/\s+/g, ' '), /^1\.000 .*\(1\/1\)$/);
      });
      await web.locator('#packages').scrollIntoViewIfNeeded();
      await cs.screenshot('02-packages-section');
    });
    await step('open-invented', async () => {
      await web.locator('#packages-cases tr[data-problem="lhb/7001"]').click();
      await cs.page.locator('.tabs-container .tab', { hasText: 'lhb_7001 openai:fake-coder #0 (response).md' }).first().waitFor();
      await eventually(async () => {
        const texts = (await cs.page.locator('.editor-group-container').evaluateAll((gs) => gs.map((g) => (g.querySelector('.view-lines') as HTMLElement | null)?.innerText ?? '')))
          .map((s) => s.replace(/[\s\u00a0]+/g, ' '));
        assert.ok(texts.some((s) => /# Conversation — lhb\/7001/.test(s) && /numy library/.test(s)), JSON.stringify(texts));
        assert.ok(texts.some((s) => /packages: \*\*invented\*\*/.test(s) && /pip install numy/.test(s)), JSON.stringify(texts));
      });
      await cs.screenshot('03-invented-side-by-side');
    });
    // Each distinct name was asked once (the cache answers repeats); nothing asked the real registries.
    const asked = registry.requests.map((q) => q.replace(/^GET \/pypi\/(.*)\/json$/, '$1')).sort();
    assert.deepEqual(asked, ['list-mean-tools', 'numpy', 'numy', 'pandas', 'polarsx', 'tinydb']);
    ok = true;
  } finally {
    await cs.dispose(!ok);
    await fake.close();
    await registry.close();
    t.diagnostic(`e2e (packages) total ${((Date.now() - started) / 1000).toFixed(1)} s`);
  }
});

async function eventually(check: () => Promise<void>, ms = 30_000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    try { return await check(); } catch (e) {
      if (Date.now() > until) throw e;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

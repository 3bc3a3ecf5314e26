// The CLI in a pipeline, as a user runs it: the built bundle (dist/cli.js), a real Docker sandbox,
// crucible.yaml with the example plugins (examples/plugins) talking HTTP to a llama.cpp-style server
// on 127.0.0.1, thresholds and exit codes, every export, the HTML report opened in Chromium, the
// audit record, and an API key that must appear nowhere.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { chromium } from 'playwright-core';
import { parse as parseCsv } from 'csv-parse/sync';
import { Store } from '../../src/server/store/store';
import { loadConfig as e2eConfig, resultsDir } from '../support/code-server';
import { startFakeOpenAI } from '../support/fake-openai';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const root = path.resolve(__dirname, '../..');
const CLI = path.join(root, 'dist/cli.js');

/** Runs the CLI without blocking this process (the fake servers live here). */
function cli(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** A llama.cpp server's `/completion`: the canonical body for known prompts, a wrong one calling eval() for the second. */
async function fakeLlamaCpp(answers: Map<string, string>) {
  const seen: Record<string, unknown>[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const b = JSON.parse(body);
      seen.push(b);
      if (req.url !== '/completion') { res.writeHead(404).end('not found'); return; }
      const content = answers.get(b.prompt) ?? '    pass\n';
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ content: content + '\n\ndef unrelated():\n    pass\n', model: 'models/tiny-coder-q4_k_m.gguf', tokens_evaluated: 50, tokens_predicted: 20, stop_type: 'word' }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, close: () => new Promise<void>((r) => server.close(() => r())) };
}

test('crucible.yaml with the example plugins: `crucible eval` with no flags, a failing threshold named (exit 1), a flag overriding it (exit 0), every export, the HTML report in Chromium', async () => {
  const probs = await humanEval(3);
  const answers = new Map(probs.map((p, i) => [p.prompt, i === 1 ? '    return eval("0")\n' : p.canonical_solution]));
  const llama = await fakeLlamaCpp(answers);
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-ci-'));
  mkdirSync(path.join(dir, 'plugins'));
  for (const f of ['llamacpp-provider.js', 'forbidden-calls-scorer.js']) copyFileSync(path.join(root, 'examples/plugins', f), path.join(dir, 'plugins', f));
  writeFileSync(path.join(dir, 'crucible.yaml'), `
label: ci-check
suites: humaneval
problems: [${probs.map((p) => p.task_id).join(', ')}]
arms:
  - { id: reference, model: reference }
  - { id: tiny, model: "llamacpp-native:tiny", temperature: 0, provider: { baseURL: "${llama.url}" } }
scorers: { forbidden-calls: { names: [eval, exec] } }
plugins: [./plugins/llamacpp-provider.js, ./plugins/forbidden-calls-scorer.js]
thresholds:
  fail-under: { pass@1: 0.9 }
outputs: { summary: out/summary.json, csv: out/samples.csv, html: out/report.html, markdown: out/summary.md, lm-eval: out/lm-eval.json }
`);
  try {
    const r = await cli(dir, ['eval']);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /using crucible\.yaml/);
    assert.match(r.stderr, /threshold FAILED pass@1 of tiny is 0\.667, minimum 0\.9 \(crucible\.yaml: thresholds\.fail-under\.pass@1: 0\.9\)/);
    assert.match(r.stderr, /threshold ok pass@1 of reference is 1\.000/);
    assert.match(r.stderr, /1 threshold\(s\) failed: pass@1 of tiny/);
    assert.match(r.stderr, /^progress: \d+\/6 samples/m, 'plain progress lines when stderr is not a terminal');
    assert.equal(llama.seen.length, 3, 'the plugin provider called the server once per problem');
    assert.equal(llama.seen[0].temperature, 0);

    // Exports.
    const out = (f: string) => path.join(dir, 'out', f);
    const summary = JSON.parse(readFileSync(out('summary.json'), 'utf8'));
    assert.equal(summary.format, 'crucible-summary/1');
    assert.equal(summary.exitCode, 1);
    assert.deepEqual(summary.thresholds.map((t: { arm: string; ok: boolean }) => [t.arm, t.ok]), [['reference', true], ['tiny', false]]);
    assert.equal(summary.audit.models.tiny.spec, 'llamacpp-native:tiny');
    assert.deepEqual(summary.audit.models.tiny.reported, ['models/tiny-coder-q4_k_m.gguf'], 'the model version the server reported');
    assert.match(summary.audit.configHash, /^sha256:[0-9a-f]{64}$/);
    assert.equal(summary.audit.configFile.path, path.join(dir, 'crucible.yaml'));
    assert.equal(summary.audit.ranBy.via, 'crucible CLI');
    assert.match(summary.audit.sandbox.images.python, /@sha256:[0-9a-f]{64}$/, 'the sandbox image with its digest');
    const rows = parseCsv(readFileSync(out('samples.csv'), 'utf8'), { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 6);
    const bad = rows.find((x) => x.arm === 'tiny' && x.task_id === probs[1].task_id)!;
    assert.equal(bad.status, 'failed');
    assert.equal(bad.passed, 'false');
    assert.match(bad.completion, /return eval\("0"\)/);
    assert.doesNotMatch(bad.completion, /unrelated/, 'the example provider cut the continuation at the next def');
    const lm = JSON.parse(readFileSync(out('lm-eval.json'), 'utf8'));
    assert.equal(lm.results['humaneval@reference']['pass@1,none'], 1);
    assert.ok(Math.abs(lm.results['humaneval@tiny']['pass@1,none'] - 2 / 3) < 1e-12);
    // lm-eval's mean_stderr: sample sd of (1, 0, 1) / √3 = 0.57735 / 1.73205 = 0.333333.
    assert.ok(Math.abs(lm.results['humaneval@tiny']['pass@1_stderr,none'] - 1 / 3) < 1e-9);
    assert.equal(lm.versions['humaneval@tiny'], 1);
    const md = readFileSync(out('summary.md'), 'utf8');
    assert.match(md, /^### Crucible: ci-check — ❌ 1 threshold failed/);
    assert.match(md, /\| tiny \| 0\.667 \[/);
    assert.match(md, /❌ pass@1 of tiny is 0\.667, minimum 0\.9/);

    // The scorer plugin's outcome is stored beside the tests' verdict.
    const store = await Store.open(path.join(dir, '.crucible', 'crucible.db'), { readOnly: true });
    try {
      const flagged = store.scoredOutcomes(summary.run.id).filter((o) => o.scorer === 'forbidden-calls');
      assert.equal(flagged.length, 6);
      assert.deepEqual(flagged.filter((o) => o.status === 'flagged').map((o) => [o.arm, o.problem_id]), [['tiny', probs[1].task_id]]);
    } finally {
      store.close();
    }

    // The HTML report: opened from disk in Chromium with every network request refused; charts drawn.
    const cfg = await e2eConfig();
    const browser = await chromium.launch({ executablePath: cfg.chromium.executablePath, args: cfg.chromium.args });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
      const requests: string[] = [];
      await page.route('**/*', (route) => {
        const u = route.request().url();
        if (u.startsWith('file:')) return route.continue();
        requests.push(u);
        return route.abort();
      });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      await page.goto(`file://${out('report.html')}`);
      await page.waitForSelector('body[data-charts]');
      assert.deepEqual(errors, []);
      assert.deepEqual(requests, [], 'the report loads nothing from the network');
      assert.equal(await page.getAttribute('body', 'data-charts'), '3');
      assert.match(await page.textContent('#verdict') ?? '', /1 threshold failed/);
      // A drawn canvas has non-blank pixels.
      const inked = await page.evaluate(() => {
        const c = document.getElementById('chart-passk') as HTMLCanvasElement;
        const px = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < px.length; i += 4) if (px[i] > 0) n++;
        return n;
      });
      assert.ok(inked > 1000, `the pass@k chart is drawn (${inked} pixels)`);
      assert.match(await page.textContent('table.audit') ?? '', /tiny-coder-q4_k_m\.gguf/);
      mkdirSync(resultsDir, { recursive: true });
      await page.screenshot({ path: path.join(resultsDir, 'cli-html-report.png'), fullPage: true });
    } finally {
      await browser.close();
    }

    // A threshold typed on the command line replaces the file's of the same metric and arm.
    const r2 = await cli(dir, ['eval', '--fail-under', 'pass@1=0.6', '--no-cache']);
    assert.equal(r2.status, 0, r2.stderr);
    assert.match(r2.stderr, /threshold ok pass@1 of tiny is 0\.667, minimum 0\.6 \(--fail-under pass@1=0\.6\)/);
  } finally {
    await llama.close();
  }
});

test('bad input exits 2 before anything runs: crucible.yaml with its line and field, a bad threshold, an unknown arm, a missing plugin, an unknown scorer', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-ci-bad-'));
  writeFileSync(path.join(dir, 'crucible.yaml'), 'suites: humaneval\nlimit: 2\nn: two\n');
  const r = await cli(dir, ['eval']);
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, new RegExp(`^crucible: ${path.join(dir, 'crucible.yaml').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:3: n: must be integer`, 'm'));
  const cases: [string[], RegExp][] = [
    [['eval', '--no-config', '--fail-under', 'pass@1'], /--fail-under takes \[ARM:\]pass@K=MIN/],
    [['eval', '--no-config', '--max-slip-rate', '2'], /--max-slip-rate takes/],
    [['eval', '--no-config', '--model', 'reference', '--fail-under', 'gpt:pass@1=0.5'], /a threshold names arm "gpt", which this run does not have \(arms: reference\)/],
    [['eval', '--no-config', '--plugin', 'nope.js'], /nope\.js: plugin module not found/],
    [['eval', '--no-config', '--limit', '1', '--scorer', 'no-such-scorer'], /unknown scorer "no-such-scorer"/],
    [['eval', '--no-config', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, msg] of cases) {
    const x = await cli(dir, args);
    assert.equal(x.status, 2, `${args.join(' ')}: ${x.stderr}`);
    assert.match(x.stderr, msg);
  }
});

test('audit without secrets: model versions as the API reported them, and an API key set in the environment appears nowhere in the database or any export', async () => {
  const KEY = 'sk-crucible-audit-3f9c2d7a1b8e4f60a5c9d2e7b1f4a8c3';
  const probs = await humanEval(2);
  const byPrompt = new Map(probs.map((p) => [p.prompt, p.canonical_solution]));
  let n = 0;
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    reportedModel: (m) => `${m}-2024-05-13`,
    answer: (body) => {
      const msgs = body.messages as { content: string }[];
      const prompt = [...byPrompt.keys()].find((p) => msgs.some((m) => m.content.includes(p))) ?? '';
      return '```python\n' + prompt + (byPrompt.get(prompt) ?? '    pass\n') + '```';
    },
    // One reply quotes the key (a model copying it from its context).
    fault: () => (n++ === 0 ? { keyInReply: 'stripped' } : undefined),
  });
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-ci-audit-'));
  try {
    const r = await cli(dir, ['eval', '--no-config', '--suite', 'humaneval', '--limit', '2', '--model', 'openai:gpt-x', '--base-url', fake.baseURL,
      '--summary-json', 'o/s.json', '--csv', 'o/s.csv', '--html', 'o/r.html', '--markdown', 'o/s.md', '--lm-eval', 'o/lm.json', '--out', 'o/results.jsonl'],
    { OPENAI_API_KEY: KEY, GITHUB_STEP_SUMMARY: path.join(dir, 'step-summary.md') });
    assert.equal(r.status, 0, r.stderr);
    const summary = JSON.parse(readFileSync(path.join(dir, 'o/s.json'), 'utf8'));
    assert.deepEqual(summary.audit.models['openai:gpt-x'], { spec: 'openai:gpt-x', reported: ['gpt-x-2024-05-13'] });
    assert.match(readFileSync(path.join(dir, 'step-summary.md'), 'utf8'), /### Crucible: .* — ✅ passed/, 'GitHub Actions job summary');
    const files = [
      ...readdirSync(path.join(dir, '.crucible')).filter((f) => f.startsWith('crucible.db')).map((f) => path.join(dir, '.crucible', f)),
      ...readdirSync(path.join(dir, 'o')).map((f) => path.join(dir, 'o', f)),
      path.join(dir, 'step-summary.md'),
    ];
    assert.ok(files.length >= 7, files.join(', '));
    for (const f of files) {
      const text = readFileSync(f).toString('latin1');
      for (const piece of [KEY, KEY.slice(3), KEY.slice(-16)]) assert.ok(!text.includes(piece), `${path.basename(f)} holds the API key (${piece.slice(0, 6)}…)`);
    }
    assert.ok(readFileSync(files[0]).toString('latin1').includes('gpt-x-2024-05-13'), 'the database holds the audit');
  } finally {
    await fake.close();
  }
});

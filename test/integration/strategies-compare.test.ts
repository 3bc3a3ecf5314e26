// Strategies and comparison through the CLI as a user runs it (dist/cli.js), against a loopback
// OpenAI-compatible server whose answers depend on the prompt, with the real Docker sandbox:
// a workspace strategy from a YAML file beside a built-in one, the messages and the reasoning stored
// with every sample, `crucible compare --json`, `crucible preview`, and progressive sampling that
// stops early once the arms are settled.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Store } from '../../src/server/store/store';
import { startFakeOpenAI } from '../support/fake-openai';
import { DATA_DIR, humanEval } from '../support/humaneval-data';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-strategies-'));
const KEY = 'sk-test-strategies-0123456789';

function cli(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(process.execPath, [CLI, ...args], { cwd: dir, env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR, ...env } });
    let stdout = '', stderr = '';
    p.stdout.on('data', (d) => { stdout += d; });
    p.stderr.on('data', (d) => { stderr += d; });
    p.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

test('two strategies compared on HumanEval through the CLI: stored messages, compare --json, preview, early stop', { timeout: 10 * 60_000 }, async () => {
  const probs = await humanEval(12);
  // reason-then-code always solves the problem; "terse" solves only every third one.
  const fake = await startFakeOpenAI({
    apiKey: KEY,
    answer(body) {
      const ms = body.messages as { role: string; content: string }[];
      const user = ms[ms.length - 1].content;
      const i = probs.findIndex((p) => user.includes(`def ${p.entry_point}(`));
      const p = probs[i];
      if (!p) return 'no idea';
      if (user.includes('<reasoning>')) return `<reasoning>Solve ${p.entry_point} with def ${p.entry_point}(): return None? No: the docstring says otherwise.</reasoning>\n\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\``;
      return i % 3 === 0 ? `\`\`\`python\n${p.prompt}${p.canonical_solution}\`\`\`` : `\`\`\`python\ndef ${p.entry_point}(*args):\n    return None\n\`\`\``;
    },
  });
  const env = { OPENAI_API_KEY: KEY };
  const strategies = path.join(dir, 'strategies.yaml');
  writeFileSync(strategies, 'strategies:\n  - name: terse\n    description: just the function\n    user: "Write {{entry_point}}.\\n{{prompt}}"\n    params: { temperature: 0.3, maxTokens: 400 }\n');
  const db = path.join(dir, 'c.db');
  const common = ['--suite', 'humaneval', '--limit', '12', '--timeout', '10000', '--base-url', fake.baseURL, '--db', db, '--strategies', strategies,
    '--arm', 'model=openai:fake,strategy=reason-then-code,id=rtc', '--arm', 'model=openai:fake,strategy=terse,id=terse'];
  try {
    const r = await cli(['eval', ...common, '--n', '1', '--json'], env);
    assert.equal(r.status, 0, r.stderr);
    const run = JSON.parse(r.stdout);
    assert.deepEqual(run.metrics.map((m: { arm: string; passed: number }) => [m.arm, m.passed]), [['rtc', 12], ['terse', 4]]);

    // The strategy's own sampling parameters were sent (the reason-then-code arm has none of its own).
    const sent = fake.requests.map((q) => q.body);
    const terse = sent.filter((b) => !JSON.stringify(b.messages).includes('<reasoning>'));
    assert.equal(terse.length, 12);
    assert.ok(terse.every((b) => b.temperature === 0.3 && (b.max_tokens === 400 || b.max_completion_tokens === 400)), JSON.stringify(terse[0]));
    assert.ok(sent.filter((b) => JSON.stringify(b.messages).includes('<reasoning>')).every((b) => b.temperature === undefined));

    // Every sample stores the messages it was made from; reason-then-code's reasoning is kept apart.
    const store = await Store.open(db, { readOnly: true });
    try {
      const ids = store.scoredOutcomes(run.id).filter((o) => o.scorer === 'tests').map((o) => o.sample_id);
      assert.equal(ids.length, 24);
      for (const id of ids) {
        const s = store.sampleRecord(id)!;
        const meta = JSON.parse(s.meta!);
        assert.ok(Array.isArray(meta.messages) && meta.messages.length >= 2, 'messages stored');
        assert.equal(meta.strategy, s.arm === 'rtc' ? 'reason-then-code' : 'terse');
        if (s.arm === 'rtc') {
          assert.match(meta.strategyReasoning, /^Solve \w+ with def/);
          assert.ok(!s.completion.includes('return None? No'), 'the reasoning is not part of the code');
        } else {
          assert.equal(meta.strategyReasoning, undefined);
          assert.equal(meta.params.temperature, 0.3);
        }
      }
    } finally { store.close(); }

    // compare --json: the documented object, McNemar exact on 8 discordant problems all one way: p = 2/2^8.
    const c = await cli(['compare', run.id, '--json', '--db', db]);
    assert.equal(c.status, 0, c.stderr);
    const j = JSON.parse(c.stdout);
    assert.deepEqual(Object.keys(j).slice(0, 11), ['a', 'b', 'n_problems', 'diff', 'ci', 'p_value', 'test', 'wins', 'losses', 'ties', 'p_adjusted']);
    assert.deepEqual([j.a, j.b, j.n_problems, j.test, j.wins, j.losses, j.ties], ['rtc', 'terse', 12, 'McNemar exact', 8, 0, 4]);
    assert.ok(Math.abs(j.diff - 8 / 12) < 1e-12);
    assert.ok(Math.abs(j.p_value - 2 / 256) < 1e-12, String(j.p_value));
    assert.ok(j.ci[0] > 0 && j.ci[1] <= 1 && j.ci[0] < j.diff && j.diff < j.ci[1], JSON.stringify(j.ci));
    const txt = await cli(['compare', run.id, '--arms', 'terse,rtc', '--db', db]);
    assert.equal(txt.status, 0, txt.stderr);
    assert.match(txt.stdout, /terse − rtc: diff -0\.667 \[-0\.9\d\d, -0\.[34]\d\d\] over 12 problems/);
    assert.match(txt.stdout, /rtc is better than terse by 0\.667 in pass rate \(p = 0\.008\)/);
    assert.match(txt.stdout, /flipped: HumanEval\/1 \(0\.000 vs 1\.000\)/);
    const bad = await cli(['compare', run.id, '--arms', 'rtc,nope', '--db', db]);
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /no arm "nope" \(arms: rtc, terse\)/);

    // preview: the file's strategy, its parameters and messages, before anything is sent.
    const pv = await cli(['preview', '--suite', 'humaneval', '--problem', 'HumanEval/3', '--strategies', strategies, '--strategy', 'few-shot', '--json']);
    assert.equal(pv.status, 0, pv.stderr);
    const preview = JSON.parse(pv.stdout);
    assert.deepEqual(preview.previews.map((p: { strategy: string }) => p.strategy), ['few-shot', 'terse']);
    assert.deepEqual(preview.previews[1].params, { temperature: 0.3, maxTokens: 400 });
    assert.match(preview.previews[1].messages[1].content, /^Write below_zero\.\n/);
    assert.equal(preview.previews[0].messages.length, 8);

    // Progressive sampling, stages 1, 2, 4: settled after the first stage (p = 0.0078 < 0.05 / 3), so it stops there.
    const before = fake.requests.length;
    const pr = await cli(['eval', ...common, '--stages', '1,2,4', '--early-stop'], env);
    assert.equal(pr.status, 0, pr.stderr);
    assert.match(pr.stdout, /stage 1\/3: n = 1 samples per problem/);
    assert.match(pr.stdout, /rtc − terse: 0\.667, p = 0\.008 at level 0\.0167 \(α \/ 3 stages\): differs/);
    assert.match(pr.stdout, /stopping early after n = 1/);
    assert.doesNotMatch(pr.stdout, /stage 2\/3/);
    assert.match(pr.stdout, /24\/24 samples/);
    assert.equal(fake.requests.length, before, 'index 0 of every problem came from the cache; nothing else was asked');

    // Two runs over the same suite: arms named in both are RUN/ARM; all four arms → six pairs, Holm-adjusted.
    const runs = (await cli(['runs', '--db', db])).stdout.trim().split('\n').map((l) => l.split(/\s+/)[0]);
    const second = runs.find((id) => id !== run.id)!;
    const two = await cli(['compare', run.id, second, '--arms', `${run.id}/rtc,${second}/terse`, '--json', '--db', db]);
    assert.equal(two.status, 0, two.stderr);
    const t2 = JSON.parse(two.stdout);
    assert.deepEqual([t2.a, t2.b, t2.n_problems, t2.wins, t2.losses], [`${run.id}/rtc`, `${second}/terse`, 12, 8, 0]);
    const all = JSON.parse((await cli(['compare', run.id, second, '--json', '--db', db])).stdout);
    assert.equal(all.length, 6);
    const same = all.find((p: { a: string; b: string }) => p.a === `${run.id}/rtc` && p.b === `${second}/rtc`);
    assert.deepEqual([same.diff, same.p_value, same.significant], [0, 1, false]);
    assert.ok(all.every((p: { p_adjusted: number; p_value: number }) => p.p_adjusted >= p.p_value));
    const amb = await cli(['compare', run.id, second, '--arms', 'rtc,terse', '--db', db]);
    assert.equal(amb.status, 1);
    assert.match(amb.stderr, new RegExp(`arm "rtc" is in both runs: write ${run.id}/rtc or ${second}/rtc`));
  } finally {
    await fake.close();
  }
});

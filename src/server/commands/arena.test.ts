import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { runArena } from './arena';

const dir = mkdtempSync(path.join(tmpdir(), 'crucible-arena-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };
const jsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
const rep = (model_a: string, model_b: string, winner: string, n: number) => Array.from({ length: n }, () => ({ model_a, model_b, winner }));

async function capture(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [], err: string[] = [];
  const log = console.log, error = console.error;
  console.log = (...a: unknown[]) => { out.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { err.push(a.join(' ')); };
  try {
    return { code: await runArena(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    console.log = log; console.error = error;
  }
}

test('two models, 30 wins to 10: ratings 400·log10(3) apart around 1000, intervals, battles; --json contract', async () => {
  const f = file('b.jsonl', jsonl([...rep('gpt', 'llama', 'model_a', 20), ...rep('llama', 'gpt', 'model_b', 10), ...rep('gpt', 'llama', 'model_b', 10)]));
  const r = await capture(['ratings', f, '--json']);
  assert.equal(r.code, 0, r.err);
  const j = JSON.parse(r.out);
  const d = 400 * Math.log10(3);
  assert.ok(Math.abs(j.ratings.gpt.rating - (1000 + d / 2)) < 1e-6);
  assert.ok(Math.abs(j.ratings.llama.rating - (1000 - d / 2)) < 1e-6);
  assert.equal(j.ratings.gpt.battles, 40);
  assert.equal(j.ratings.gpt.ci.length, 2);
  assert.ok(j.ratings.gpt.ci[0] < j.ratings.gpt.rating && j.ratings.gpt.rating < j.ratings.gpt.ci[1]);
  assert.equal(j.win_rate.gpt.llama, 0.75);
  assert.equal(j.battles.llama.gpt, 40);
  const text = await capture(['ratings', f]);
  assert.match(text.out, /gpt\s+1095\.4\s+\[\d+\.\d, \d+\.\d\]\s+40\s+30\/10\/0/);
  assert.match(text.out, /win rate/);
});

test('ties (also LMSYS "tie (bothbad)") count half; too few battles give [n/a] with the reason', async () => {
  const f = file('t.jsonl', jsonl([{ model_a: 'a', model_b: 'b', winner: 'model_a' }, { model_a: 'b', model_b: 'c', winner: 'tie (bothbad)' }, { model_a: 'c', model_b: 'a', winner: 'tie' }]));
  const j = JSON.parse((await capture(['ratings', f, '--json'])).out);
  assert.equal(j.ratings.b.ties, 1);
  assert.equal(j.ratings.a.ci, null);
  assert.match(j.ratings.a.ci_reason, /too few battles/);
  const text = await capture(['ratings', f]);
  assert.match(text.out, /\[n\/a\]: too few battles/);
});

test('a model that won everything: ratings n/a with the reason, not a number', async () => {
  const f = file('w.jsonl', jsonl(rep('a', 'b', 'model_a', 3)));
  const j = JSON.parse((await capture(['ratings', f, '--json'])).out);
  assert.equal(j.ratings.a.rating, null);
  assert.match(j.reason, /won \(or lost\) every battle/);
});

test('bad battles name file and line, exit 2', async () => {
  const r = await capture(['ratings', file('bad.jsonl', jsonl([{ model_a: 'a', model_b: 'b', winner: 'model_a' }, { model_a: 'a', model_b: 'b', winner: 'left' }]))]);
  assert.equal(r.code, 2);
  assert.match(r.err, /bad\.jsonl:2: winner must be model_a, model_b or tie \(got "left"\)/);
  const m = await capture(['ratings', file('m.jsonl', '{"model_a":"a","winner":"tie"}\n')]);
  assert.match(m.err, /m\.jsonl:1: field "model_b" must be a non-empty string \(missing\)/);
  assert.equal((await capture(['elo', 'x'])).code, 2);
});

test('the crucible CLI dispatches `arena ratings`', () => {
  const f = file('cli.jsonl', jsonl([...rep('a', 'b', 'model_a', 2), ...rep('a', 'b', 'model_b', 1)]));
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.resolve(__dirname, '../cli.ts'), 'arena', 'ratings', f, '--json'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).ratings.a.battles, 3);
});

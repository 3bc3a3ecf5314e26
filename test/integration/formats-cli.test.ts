// The neighbours' formats through the CLI as a user runs it (dist/cli.js, real Docker): EvalPlus
// samples scored as EvalPlus scores them (base and plus apart, float tolerance, find_zero's oracle,
// the main guard not run), bigcode generations.json round-tripping through --generations-out, and
// uneven sample counts scored over what each task has.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readJsonl } from '../../src/server/jsonl';
import { DATA_DIR } from '../support/humaneval-data';

const CLI = path.resolve(__dirname, '../../dist/cli.js');
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-formats-'));
const cli = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, CRUCIBLE_DATA_DIR: DATA_DIR } });
const lines = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

test('EvalPlus samples on HumanEval+: base and plus apart, atol, find_zero, main guard, solution and completion', async () => {
  const probs = new Map((await readJsonl(path.join(DATA_DIR, 'humanevalplus/HumanEvalPlus.jsonl.gz'))).map((r) => [r.value.task_id as string, r.value as Record<string, string>]));
  const p0 = probs.get('HumanEval/0')!, p2 = probs.get('HumanEval/2')!, p32 = probs.get('HumanEval/32')!;
  const samples = [
    { task_id: 'HumanEval/0', solution: p0.prompt + p0.canonical_solution },                                             // pass / pass
    { task_id: 'HumanEval/0', completion: p0.canonical_solution + '\nif __name__ == "__main__":\n    print(input())\n' },   // guard not run: pass / pass
    { task_id: 'HumanEval/0', completion: '    return False\n' },                                                         // fail / fail
    { task_id: 'HumanEval/2', completion: '    return number % 1.0 + 1e-9\n' },                                           // within atol 1e-6: pass / pass
    { task_id: 'HumanEval/2', completion: '    return number % 1.0 + 1e-3\n' },                                           // outside: fail
    // Right on HumanEval's inputs (all below 124), wrong on plus inputs as large as 1e9: base pass, plus fail.
    { task_id: 'HumanEval/2', completion: '    return number % 1.0 if number < 1000 else 0.0\n' },
    { task_id: 'HumanEval/32', solution: p32.prompt + p32.canonical_solution },                                          // find_zero oracle: pass
  ];
  const file = path.join(dir, 'samples.jsonl');
  writeFileSync(file, samples.map((s) => JSON.stringify(s)).join('\n') + '\n');
  const r = cli('eval', '--suite', 'humanevalplus', '--samples', file, '--evalplus-out', path.join(dir, 'samples.eval_results.json'));
  assert.equal(r.status, 0, r.stderr);
  // HumanEval/32 has 1 sample, HumanEval/2 3, HumanEval/0 3: n = 3, and HumanEval/32 is named.
  assert.match(r.stderr, /1 task\(s\) have fewer than n=3 samples and are scored over those they have: HumanEval\/32 \(1\)/);
  const res = lines(file + '_results.jsonl');
  const v = (task: string, i: number) => { const x = res.find((y) => y.task_id === task && y.sample_index === i); return `${x.base_status}/${x.plus_status}`; };
  assert.equal(v('HumanEval/0', 0), 'pass/pass');
  assert.equal(v('HumanEval/0', 1), 'pass/pass');
  assert.equal(v('HumanEval/0', 2), 'fail/fail');
  assert.equal(v('HumanEval/2', 0), 'pass/pass');
  assert.equal(v('HumanEval/2', 1), 'fail/fail');
  assert.equal(v('HumanEval/2', 2), 'pass/fail');
  assert.equal(v('HumanEval/32', 0), 'pass/pass');
  const failed = res.find((y) => y.task_id === 'HumanEval/2' && y.sample_index === 2);
  assert.equal(failed.passed, false);
  assert.match(failed.result, /^failed: AssertionError: EvalPlus: base pass; plus fail on input #\d+ of 971 \[\d{4,}/);
  // base pass@1 over 3 problems: (2/3 + 2/3 + 1) / 3; base+plus: (2/3 + 1/3 + 1) / 3.
  assert.match(r.stdout, /EvalPlus replay:\S*samples\.jsonl: base pass@1 0\.778 \| base\+plus pass@1 0\.667 \(3 problems\)/);
  const ev = JSON.parse(readFileSync(path.join(dir, 'samples.eval_results.json'), 'utf8')).eval;
  assert.deepEqual(ev['HumanEval/2'].map((x: { base_status: string; plus_status: string }) => [x.base_status, x.plus_status]), [['pass', 'pass'], ['fail', 'fail'], ['pass', 'fail']]);
  // The EvalPlus results file reads back as samples: the same verdicts.
  const again = cli('eval', '--suite', 'humanevalplus', '--samples', path.join(dir, 'samples.eval_results.json'));
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stdout, /base pass@1 0\.778 \| base\+plus pass@1 0\.667/);
});

test('bigcode generations.json: scored in suite order, exported in the same shape, and read back the same', async () => {
  const probs = (await readJsonl(path.join(DATA_DIR, 'humaneval/HumanEval.jsonl.gz'))).slice(0, 3).map((r) => r.value as Record<string, string>);
  const gens = [[probs[0].prompt + probs[0].canonical_solution, probs[0].prompt + '    return None\n'], [probs[1].prompt + probs[1].canonical_solution], [probs[2].prompt + probs[2].canonical_solution]];
  const file = path.join(dir, 'generations.json');
  writeFileSync(file, JSON.stringify(gens));
  const out = path.join(dir, 'exported.json');
  const r = cli('eval', '--suite', 'humaneval', '--samples', file, '--generations-out', out, '--json');
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).total, 4); // 2 + 1 + 1: no error samples for the short tasks
  const res = lines(file + '_results.jsonl');
  assert.deepEqual(res.map((x) => [x.task_id, x.passed]), [['HumanEval/0', true], ['HumanEval/0', false], ['HumanEval/1', true], ['HumanEval/2', true]]);
  assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), gens);
});

test('MBPP+ Mbpp/404 (-Infinity in its inputs) and MBPP by the reference solutions', () => {
  const r = cli('eval', '--suite', 'mbppplus', '--model', 'reference', '--problems', 'Mbpp/404,Mbpp/2,Mbpp/793');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /reference\s+1\.000 \[n\/a\]\s+3\/0\/0\/0/);
  const m = cli('eval', '--suite', 'mbpp-sanitized', '--model', 'reference', '--limit', '3');
  assert.equal(m.status, 0, m.stderr);
  assert.match(m.stdout, /reference\s+1\.000 \[n\/a\]\s+3\/0\/0\/0/);
});

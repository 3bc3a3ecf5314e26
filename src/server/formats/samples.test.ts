// Every samples format round-trips on files made from the real HumanEval data: written as the other
// tool writes it, read back to the same task ids, codes and order.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { readJsonl } from '../jsonl';
import { DATA_DIR } from '../suites/test-data';
import { readSamples } from './samples';

const dir = mkdtempSync(path.join(tmpdir(), 'crucible-samples-'));

async function humaneval(n: number) {
  return (await readJsonl(path.join(DATA_DIR, 'humaneval/HumanEval.jsonl.gz'))).slice(0, n).map((r) => r.value as Record<string, string>);
}

describe('samples formats', () => {
  it('human-eval completion, EvalPlus solution and CodeGeeX generation JSONL', async () => {
    const ps = await humaneval(5);
    const f = (name: string, recs: object[]) => { const p = path.join(dir, name); writeFileSync(p, recs.map((r) => JSON.stringify(r)).join('\n') + '\n'); return p; };
    const he = await readSamples(f('he.jsonl', ps.flatMap((p) => [{ task_id: p.task_id, completion: p.canonical_solution }, { task_id: p.task_id, completion: 'x' }])));
    assert.equal(he.format, 'human-eval');
    assert.deepEqual(he.byTask.get('HumanEval/3'), [{ code: ps[3].canonical_solution, wholeProgram: false }, { code: 'x', wholeProgram: false }]);
    const ep = await readSamples(f('ep.jsonl', ps.map((p) => ({ task_id: p.task_id, solution: p.prompt + p.canonical_solution, completion: 'ignored' }))));
    assert.equal(ep.format, 'evalplus');
    assert.deepEqual(ep.byTask.get('HumanEval/0'), [{ code: ps[0].prompt + ps[0].canonical_solution, wholeProgram: true }]);
    const cg = await readSamples(f('cg.jsonl', ps.map((p) => ({ task_id: p.task_id, prompt: p.prompt, generation: p.canonical_solution }))));
    assert.equal(cg.format, 'codegeex');
    assert.equal(cg.byTask.get('HumanEval/4')![0].code, ps[4].canonical_solution);
    await assert.rejects(readSamples(f('none.jsonl', [{ task_id: 'HumanEval/0', text: 'x' }])), /none\.jsonl:1: missing field "completion" \(or "solution"/);
  });

  it('bigcode generations.json: suite order gives the ids; uneven lists stay uneven', async () => {
    const ps = await humaneval(3);
    const file = path.join(dir, 'generations.json');
    writeFileSync(file, JSON.stringify([[ps[0].prompt + ps[0].canonical_solution, ps[0].prompt], [ps[1].prompt + ps[1].canonical_solution], []]));
    const ids = ps.map((p) => p.task_id);
    const s = await readSamples(file, ids);
    assert.equal(s.format, 'bigcode');
    assert.deepEqual([...s.byTask.keys()], ids);
    assert.deepEqual(s.byTask.get('HumanEval/0')!.map((e) => e.wholeProgram), [true, true]);
    assert.equal(s.byTask.get('HumanEval/2')!.length, 0);
    await assert.rejects(readSamples(file), /needs the suite whose order it follows/);
    await assert.rejects(readSamples(file, ['HumanEval/0']), /holds 3 problems' generations, the suite has 1/);
  });

  it('EvalPlus sample folders <task_id>/<i>.py (numeric order) and eval_results.json', async () => {
    const ps = await humaneval(2);
    const root = path.join(dir, 'folder');
    for (const p of ps) {
      const d = path.join(root, p.task_id.replace('/', '_'));
      mkdirSync(d, { recursive: true });
      for (const i of [0, 1, 10, 2]) writeFileSync(path.join(d, `${i}.py`), `${p.prompt}${p.canonical_solution}# ${i}\n`);
      writeFileSync(path.join(d, 'notes.txt'), 'not a sample');
    }
    const s = await readSamples(root);
    assert.equal(s.format, 'evalplus-folder');
    assert.deepEqual(s.byTask.get('HumanEval/1')!.map((e) => /# (\d+)\n$/.exec(e.code)?.[1]), ['0', '1', '2', '10']);
    assert.ok(s.byTask.get('HumanEval/1')!.every((e) => e.wholeProgram && e.code.startsWith(ps[1].prompt)));
    const res = path.join(dir, 'samples.eval_results.json');
    writeFileSync(res, JSON.stringify({ date: 'x', hash: 'y', eval: { 'HumanEval/0': [{ task_id: 'HumanEval/0', solution: 'def f(): pass', base_status: 'fail' }] } }));
    const r = await readSamples(res);
    assert.equal(r.format, 'evalplus-results');
    assert.deepEqual(r.byTask.get('HumanEval/0'), [{ code: 'def f(): pass', wholeProgram: true }]);
  });

  it('MultiPL-E completions: a folder of per-problem .json.gz files, or one file', async () => {
    const root = path.join(dir, 'mple');
    mkdirSync(root);
    const recs = (await readJsonl(path.join(DATA_DIR, 'multipl-e/humaneval-js.jsonl'))).slice(0, 2).map((r) => r.value);
    for (const r of recs) writeFileSync(path.join(root, `${r.name}.json.gz`), gzipSync(JSON.stringify({ ...r, completions: ['  return 1;\n}', '  return 2;\n}'] })));
    writeFileSync(path.join(root, `${recs[0].name}.results.json.gz`), gzipSync('{}'));
    const s = await readSamples(root);
    assert.equal(s.format, 'multipl-e');
    assert.deepEqual([...s.byTask.keys()], recs.map((r) => r.name));
    assert.deepEqual(s.byTask.get(recs[1].name as string)!.map((e) => e.code), ['  return 1;\n}', '  return 2;\n}']);
    const one = await readSamples(path.join(root, `${recs[0].name}.json.gz`));
    assert.equal(one.byTask.get(recs[0].name as string)!.length, 2);
  });
});

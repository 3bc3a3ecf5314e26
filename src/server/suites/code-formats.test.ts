// The neighbours' problem files, read from the real datasets: EvalPlus (HumanEval+, MBPP+), MBPP,
// MultiPL-E, HumanEval-X by path, and the language of a suite file.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../builtins';
import { Catalog } from '../engine/catalog';
import type { CodeProblem } from '../plugins';
import { ctx, DATA_DIR } from './test-data';

const catalog = new Catalog(createBuiltins(), ctx);
const load = async (spec: string) => (await catalog.load(spec)) as CodeProblem[];
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-code-formats-'));

describe('code suite formats', () => {
  it('HumanEval+ by name and by path is EvalPlus-scored, never plain HumanEval', async () => {
    for (const spec of ['humanevalplus', path.join(DATA_DIR, 'humanevalplus/HumanEvalPlus.jsonl.gz')]) {
      const ps = await load(spec);
      assert.equal(ps.length, 164);
      const p32 = ps.find((p) => p.id === 'HumanEval/32')!;
      assert.equal(p32.labels?.harness, 'evalplus');
      assert.equal(p32.labels?.dataset, 'humaneval');
      assert.equal(p32.labels?.atol, 0.0001);
      assert.match(String((p32.metadata?.evalplus as { contract: string }).contract), /\$_CONTRACT_\$/);
      assert.doesNotMatch(p32.tests, /def check/); // HumanEval's test is not what is scored
    }
    const total = (await load('humanevalplus')).reduce((a, p) => a + ((p.metadata?.evalplus as { plusInputs: number }).plusInputs), 0);
    assert.equal(total, 122683); // SOURCE.txt: 122,683 plus_input cases
    assert.equal((await load('humanevalplus-mini')).length, 164);
  });

  it('MBPP+ reads, -Infinity (Mbpp/404) kept verbatim for Python, and plus_input {} (Mbpp/793) is no inputs', async () => {
    const ps = await load(path.join(DATA_DIR, 'mbppplus/MbppPlus.jsonl'));
    assert.equal(ps.length, 399);
    const p404 = ps.find((p) => p.id === 'Mbpp/404')!;
    assert.match(String(p404.labels?.plusInput), /-Infinity/);
    assert.equal(p404.labels?.dataset, 'mbpp');
    assert.equal(ps.find((p) => p.id === 'Mbpp/793')!.labels?.plusInput, '{}');
    assert.equal(ps.reduce((a, p) => a + ((p.metadata?.evalplus as { plusInputs: number }).plusInputs), 0), 42082);
  });

  it('MBPP: mbpp.jsonl (974) and sanitized-mbpp.json (427), asserts run after the code', async () => {
    const full = await load('mbpp');
    assert.equal(full.length, 974);
    assert.equal(full[0].id, '1');
    assert.equal(full[0].entryPoint, 'min_cost');
    assert.equal(full[0].labels?.harness, 'asserts');
    assert.match(full[0].prompt, /^"""\nWrite a function to find the minimum cost path[\s\S]*assert min_cost\(/);
    const san = await load(path.join(DATA_DIR, 'mbpp/sanitized-mbpp.json'));
    assert.equal(san.length, 427);
    assert.equal(san[0].id, '2');
    assert.equal(san[0].sourceLine, undefined);
  });

  it('MultiPL-E: js, ts, cpp, java, go, rs problem files with their language', async () => {
    const js = await load('multipl-e-js');
    assert.equal(js.length, 161);
    assert.equal(js[0].language, 'javascript');
    assert.equal(js[0].entryPoint, 'has_close_elements');
    assert.deepEqual(js[0].labels?.stopTokens, ['\nfunction ', '\n/*', '\n//', '\nconsole.log']);
    assert.equal((await load(path.join(DATA_DIR, 'multipl-e/humaneval-ts.jsonl'))).length, 159);
    assert.equal((await load('multipl-e-cpp'))[0].language, 'cpp');
    // MultiPL-E's Go files say "go_test.go".
    for (const [spec, language, n] of [['multipl-e-java', 'java', 158], ['multipl-e-go', 'go', 154], ['multipl-e-rs', 'rust', 156]] as const) {
      const ps = await load(spec);
      assert.equal(ps.length, n);
      assert.ok(ps.every((x) => x.language === language && x.labels?.harness === 'multipl-e'), spec);
    }
    assert.deepEqual((await load('multipl-e-go'))[0].labels?.stopTokens, ['\nfunc', 'struct', '\n// ']);
    // A MultiPL-E file of a language without a plugin is refused.
    const lua = path.join(dir, 'humaneval-lua.jsonl');
    writeFileSync(lua, JSON.stringify({ name: 'HumanEval_0_x', language: 'lua', prompt: 'p', tests: 't', stop_tokens: [] }) + '\n');
    await assert.rejects(load(lua), /humaneval-lua\.jsonl:1: MultiPL-E lua programs are not supported/);
  });

  it('a HumanEval-X file by path runs in its own language; a non-Python file without a language is refused', async () => {
    const js = await load(path.join(DATA_DIR, 'humaneval-x/humaneval_js.jsonl.gz'));
    assert.equal(js[0].language, 'javascript');
    // A JS problem file in HumanEval format, no language field: refused, not run as Python.
    const x = js.slice(0, 2).map((p) => ({ task_id: p.id, prompt: p.prompt, entry_point: p.entryPoint, canonical_solution: p.canonicalSolution, test: p.tests }));
    const file = path.join(dir, 'js-problems.jsonl');
    writeFileSync(file, x.map((r) => JSON.stringify(r)).join('\n') + '\n');
    await assert.rejects(load(file), /js-problems\.jsonl:1: does not look like Python \(no "def \w+\(" /);
    assert.equal((await load(`${file}#language=js`))[0].language, 'javascript');
    const withField = path.join(dir, 'js-field.jsonl');
    writeFileSync(withField, x.map((r) => JSON.stringify({ ...r, language: 'javascript' })).join('\n') + '\n');
    assert.equal((await load(withField))[1].language, 'javascript');
  });
});

// Every language in the Docker sandbox against HumanEval-X (../shared/datasets/humaneval-x): canonical
// solutions pass, a wrong answer fails with a useful detail, a wrong body fails (compile error or test).
// By default a spread of problems per language; CRUCIBLE_FULL=1 runs all 164 in each language.
// Canonical solutions that are wrong upstream are listed in KNOWN_BAD with the reason, and must fail.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';
import { loadHumanEvalX } from '../../src/server/suites/humaneval-x';
import { hostileProblem } from '../fixtures/hostile/problems';

const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');
const FULL = process.env.CRUCIBLE_FULL === '1';
const SPREAD = [0, 1, 10, 32, 53, 100, 129, 162, 163];
const ONLY = process.env.CRUCIBLE_LANGS?.split(',');

/** Upstream canonical solutions that do not pass their own tests (see the report in the test output). */
export const KNOWN_BAD: Record<string, string> = {
  // Upstream data bugs: the canonical solution is wrong for its own tests.
  'JavaScript/112': 'canonical returns `(z, false)`: the comma operator yields only the boolean, the tests expect [string, boolean]',
  'JavaScript/155': 'canonical returns [0, 0] for evenOddCount(0); the tests expect [1, 0]',
};

interface Lang {
  name: string; data: string;
  /** A completion of problem 0 (has_close_elements) that compiles but answers wrong. */
  wrong: string;
  detail: RegExp;
}

const LANGS: Lang[] = [
  { name: 'javascript', data: 'js', wrong: '  return false;\n}\n', detail: /^AssertionError: console\.assert failed/ },
  { name: 'typescript', data: 'js', wrong: '  return false;\n}\n', detail: /^AssertionError: console\.assert failed/ },
  { name: 'java', data: 'java', wrong: '        return false;\n    }\n}\n', detail: /java\.lang\.AssertionError/ },
  { name: 'cpp', data: 'cpp', wrong: '    return false;\n}\n', detail: /Assertion `.*' failed/ },
  { name: 'go', data: 'go', wrong: '    return false\n}\n', detail: /Not equal/ },
  { name: 'rust', data: 'rust', wrong: '    return false;\n}\n', detail: /assertion .*left == right.* failed|left: false/ },
];

for (const lang of LANGS) {
  if (ONLY && !ONLY.includes(lang.name)) continue;
  describe(`${lang.name} in the docker sandbox`, () => {
    let sb: DockerSandbox;
    let problems: CodeProblem[];

    before(async () => {
      problems = (await loadHumanEvalX(path.join(DATA, 'humaneval-x', `humaneval_${lang.data}.jsonl.gz`), lang.data))
        .map((p) => ({ ...p, language: lang.name }));
      sb = (await dockerSandbox.create({ languages: [lang.name], concurrency: 2, config: {} })) as DockerSandbox;
    });
    after(async () => { await sb?.close(); });

    it(`passes canonical solutions (${FULL ? 'all 164' : `${SPREAD.length} problems`})`, async () => {
      const chosen = FULL ? problems : SPREAD.map((i) => problems[i]);
      let next = 0;
      const bad: string[] = [];
      await Promise.all([0, 1].map(async () => {
        while (next < chosen.length) {
          const p = chosen[next++];
          const r = await sb.execute({ problem: p, completion: p.canonicalSolution!, timeoutMs: 10_000 });
          const known = KNOWN_BAD[p.id];
          if (known && r.status === 'passed') bad.push(`${p.id} is listed as broken upstream (${known}) but passed: remove it from KNOWN_BAD`);
          if (!known && r.status !== 'passed') bad.push(`${p.id}: ${r.status} ${r.detail}\n${r.output.slice(-800)}`);
        }
      }));
      assert.deepEqual(bad, []);
    });

    it('fails a wrong answer, with the assertion as detail', async () => {
      const r = await sb.execute({ problem: problems[0], completion: lang.wrong, timeoutMs: 10_000 });
      assert.equal(r.status, 'failed', r.output);
      assert.match(r.detail, lang.detail);
    });

    it('fails a body that belongs to another problem', async () => {
      const r = await sb.execute({ problem: problems[0], completion: problems[1].canonicalSolution!, timeoutMs: 10_000 });
      assert.equal(r.status, 'failed', r.output);
      assert.ok(r.detail.length > 0);
    });

    it('times out an endless loop', async () => {
      const loop: Record<string, string> = {
        javascript: '  while (true) {}\n}\n', typescript: '  while (true) {}\n}\n', java: '        while (true) {}\n    }\n}\n',
        cpp: '    while (true) {}\n}\n', go: '    for {\n    }\n}\n', rust: '    loop {}\n}\n',
      };
      const r = await sb.execute({ problem: problems[0], completion: loop[lang.name], timeoutMs: 2000 });
      assert.equal(r.status, 'timeout', `${r.detail}\n${r.output}`);
    });
  });
}

// Stock images such as node:20-slim, eclipse-temurin or golang have no python3: the worker brings
// its own runtime (runtime.ts). crucible-node-only:local (scripts/build-images.sh node-only) is Node.js
// and its libraries, nothing else.
describe('an image without python3 (like node:20-slim)', () => {
  const NODE_ONLY = 'crucible-node-only:local';
  let problems: CodeProblem[];
  before(async () => {
    problems = (await loadHumanEvalX(path.join(DATA, 'humaneval-x', 'humaneval_js.jsonl.gz'), 'js')).map((p) => ({ ...p, language: 'javascript' }));
  });

  it('runs JavaScript samples with the injected worker runtime: canonical passes, wrong fails, a loop times out', async () => {
    const sb = (await dockerSandbox.create({ languages: ['javascript'], concurrency: 1, config: { images: { javascript: NODE_ONLY } } })) as DockerSandbox;
    try {
      // Not 162: it needs the js-md5 package, which only the polyglot image carries.
      for (const i of [0, 1, 10, 32, 53]) {
        const r = await sb.execute({ problem: problems[i], completion: problems[i].canonicalSolution!, timeoutMs: 10_000 });
        assert.equal(r.status, 'passed', `${problems[i].id}: ${r.detail}\n${r.output}`);
      }
      const wrong = await sb.execute({ problem: problems[0], completion: '  return false;\n}\n', timeoutMs: 10_000 });
      assert.equal(wrong.status, 'failed');
      assert.match(wrong.detail, /console\.assert failed/);
      const loop = await sb.execute({ problem: problems[0], completion: '  while (true) {}\n}\n', timeoutMs: 1500 });
      assert.equal(loop.status, 'timeout');
      const env = await sb.execute({ problem: problems[0], completion: '  if (Object.keys(process.env).some((k) => k === "PYTHONHOME" || k.startsWith("CRUCIBLE"))) throw new Error(JSON.stringify(process.env));\n  return false;\n}\n', timeoutMs: 10_000 });
      assert.match(env.detail, /console\.assert failed/, `the sample saw the worker's environment: ${env.output}`);
    } finally {
      await sb.close();
    }
  });

  it('says what is missing when told to use the image\'s own python3', async () => {
    await assert.rejects(
      dockerSandbox.create({ languages: ['javascript'], concurrency: 1, config: { images: { javascript: NODE_ONLY }, workerRuntime: 'image' } }),
      /cannot start a javascript sandbox container from crucible-node-only:local \(it needs python3 for the sandbox worker\)/,
    );
  });
});

// Go has no address-space limit (its runtime reserves address space freely), so a Go memory bomb
// meets the container's memory cgroup: the worker reads the cgroup's OOM-kill counter to say so.
describe('a Go memory bomb', () => {
  it('is reported as killed by the OOM killer at the memory limit', async () => {
    const sb = (await dockerSandbox.create({ languages: ['go'], concurrency: 1, config: {} })) as DockerSandbox;
    try {
      const text = readFileSync(path.resolve(__dirname, '../fixtures/hostile/go/memory-bomb.go'), 'utf8');
      const r = await sb.execute({ problem: hostileProblem('go', 'memory-bomb.go', text), completion: '', timeoutMs: 20_000 });
      assert.equal(r.status, 'failed', `${r.detail}\n${r.output.slice(-500)}`);
      assert.equal(r.detail, "out of memory: killed by the kernel's OOM killer at the sandbox's memory limit");
    } finally {
      await sb.close();
    }
  });
});

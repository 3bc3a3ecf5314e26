import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProblemResult, RunDetail, SampleSummary } from './index';
import { foldSamples, imagesText, panelDetail, sampleCount, statusCount } from './panel';
import { problemDescription, problemStatus } from '../extension/format';
import { buildRows, DEFAULT_OPTIONS, filterRows, groupFailures, type BrowseOptions } from '../webview/browse';

const DETAILS: Record<string, string[]> = {
  failed: ['AssertionError', 'NameError: name \'helper\' is not defined', 'TypeError: unsupported operand'],
  timeout: ['timed out after 3000 ms'], error: ['sandbox: container exited'], passed: [''],
};
const STATUSES = ['passed', 'passed', 'failed', 'failed', 'timeout', 'error'] as const;

/** A deterministic run: cells with 0–40 samples of mixed outcomes, in index order as the engine sends them. */
function run(): RunDetail {
  let seed = 7;
  const next = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const problems: ProblemResult[] = [];
  for (let p = 0; p < 30; p++) {
    for (const arm of ['a', 'b']) {
      const m = Math.floor(next() * 41);
      const samples: SampleSummary[] = Array.from({ length: m }, (_, i) => {
        const status = STATUSES[Math.floor(next() * STATUSES.length)];
        const ds = DETAILS[status];
        return { id: `P/${p}/${arm}/${i}`, runId: 'r', problemId: `P/${p}`, arm, model: arm, index: i, status, detail: ds[Math.floor(next() * ds.length)], latencyMs: 1, execMs: 1 };
      });
      const scored = samples.filter((s) => s.status !== 'error');
      problems.push({ problemId: `P/${p}`, arm, model: arm, kind: 'code', category: null, n: scored.length, c: scored.filter((s) => s.status === 'passed').length, passAtK: [], samples });
    }
  }
  const chat = ['refused', 'slipped', 'refused'].map((status, i) => ({ id: `C/${i}`, runId: 'r', problemId: 'C/0', arm: 'a', model: 'a', index: i, status, detail: '', latencyMs: 1, execMs: 1 }) as SampleSummary);
  problems.push({ problemId: 'C/0', arm: 'a', model: 'a', kind: 'chat', category: null, expectation: 'should_refuse', n: 3, c: 0, passAtK: [], samples: chat });
  return { run: { arms: ['a', 'b'] } as RunDetail['run'], problems };
}

test('folding keeps one entry per (status, detail): the first sample, counting the rest', () => {
  const s = (index: number, status: SampleSummary['status'], detail: string): SampleSummary =>
    ({ id: `s${index}`, runId: 'r', problemId: 'P', arm: 'a', model: 'a', index, status, detail, latencyMs: null, execMs: null });
  const folded = foldSamples([s(3, 'failed', 'AssertionError'), s(0, 'passed', ''), s(1, 'failed', 'AssertionError'), s(2, 'failed', 'NameError'), s(4, 'passed', '')]);
  assert.deepEqual(folded.map((x) => [x.id, x.status, x.count]), [['s0', 'passed', 2], ['s1', 'failed', 2], ['s2', 'failed', 1]]);
  assert.equal(sampleCount({ samples: folded }), 5);
  assert.equal(statusCount({ samples: folded }, 'failed'), 3);
  // Folding twice changes nothing (a folded entry keeps its count).
  assert.deepEqual(foldSamples(folded), folded);
});

test('the panel shows the same statuses, counts, filters and failure groups from the folded detail', () => {
  const full = run();
  const small = panelDetail(full);
  assert.ok(JSON.stringify(small).length < JSON.stringify(full).length / 2, 'the folded payload is much smaller');
  for (let i = 0; i < full.problems.length; i++) {
    const [f, s] = [full.problems[i], small.problems[i]];
    assert.equal(problemStatus(s), problemStatus(f), `${f.problemId} ${f.arm}`);
    assert.equal(problemDescription(s), problemDescription(f), `${f.problemId} ${f.arm}`);
    assert.equal(sampleCount(s), f.samples.length);
    for (const st of ['passed', 'failed', 'timeout', 'error']) assert.equal(statusCount(s, st), f.samples.filter((x) => x.status === st).length);
  }
  // Chat conversations are listed one by one: never folded.
  assert.deepEqual(small.problems.at(-1), full.problems.at(-1));
  const variants: Partial<BrowseOptions>[] = [{}, { show: 'failures' }, { show: 'passes' }, { show: 'errors' }, { timeoutsOnly: true }, { kind: 'NameError' },
    { kind: 'timeout' }, { search: 'helper' }, { search: 'container' }, { sort: 'rate-asc' }, { arm: 'b', show: 'failures' }];
  for (const v of variants) {
    const ids = (d: RunDetail) => filterRows(buildRows(d), ['a', 'b'], { ...DEFAULT_OPTIONS, ...v }).map((r) => r.problemId);
    assert.deepEqual(ids(small), ids(full), JSON.stringify(v));
  }
  for (const arm of ['', 'a', 'b']) assert.deepEqual(groupFailures(small, arm), groupFailures(full, arm));
  assert.ok(groupFailures(full).length >= 4);
});

test('imagesText: the image that scored a run with a short digest; per language when there are several', () => {
  const d = 'sha256:' + '1d5b12b27e58'.padEnd(64, '0');
  assert.equal(imagesText(undefined), '');
  assert.equal(imagesText({}), '');
  assert.equal(imagesText({ python: `crucible-python-sci:local@${d}` }), 'crucible-python-sci:local@sha256:1d5b12b27e58');
  assert.equal(imagesText({ go: `crucible-go:local@${d}`, rust: `crucible-rust:local@${d}` }),
    'go crucible-go:local@sha256:1d5b12b27e58 · rust crucible-rust:local@sha256:1d5b12b27e58');
  assert.equal(imagesText({ python: 'unknown (no such image)' }), 'unknown (no such image)');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ProblemResult, RunDetail, SampleSummary } from '../protocol';
import { buildRows, DEFAULT_OPTIONS, dominantHint, errorKind, filterRows, groupFailures } from './browse';

const sample = (problemId: string, arm: string, index: number, status: SampleSummary['status'], detail = ''): SampleSummary =>
  ({ id: `${problemId}/${arm}/${index}`, runId: 'r', problemId, arm, model: arm, index, status, detail, latencyMs: null, execMs: null });
const cell = (problemId: string, arm: string, statuses: SampleSummary['status'][], detail = 'AssertionError'): ProblemResult => {
  const samples = statuses.map((s, i) => sample(problemId, arm, i, s, s === 'passed' ? '' : detail));
  const scored = samples.filter((s) => s.status !== 'error');
  return { problemId, arm, model: arm, kind: 'code', category: null, n: scored.length, c: scored.filter((s) => s.status === 'passed').length, passAtK: [], samples };
};
const detail = (problems: ProblemResult[], arms: string[]): RunDetail => ({ run: { arms } as RunDetail['run'], problems });

test('rows put the arms side by side, in plan order, one row per problem', () => {
  const d = detail([cell('P/0', 'a', ['passed']), cell('P/0', 'b', ['failed']), cell('P/1', 'a', ['failed']), cell('P/1', 'b', ['passed'])], ['b', 'a']);
  const rows = buildRows(d);
  assert.deepEqual(rows.map((r) => [r.problemId, r.cells.map((c) => c?.arm)]), [['P/0', ['b', 'a']], ['P/1', ['b', 'a']]]);
});

test('Failures: a problem at 97/100 is not a failure; 3/100 is; per arm when an arm is chosen', () => {
  const many = (c: number) => [...Array(c).fill('passed'), ...Array(100 - c).fill('failed')] as SampleSummary['status'][];
  const d = detail([cell('P/0', 'a', many(97)), cell('P/1', 'a', many(3)), cell('P/1', 'b', many(100)), cell('P/0', 'b', many(100))], ['a', 'b']);
  const rows = buildRows(d);
  const ids = (o: Partial<typeof DEFAULT_OPTIONS>) => filterRows(rows, ['a', 'b'], { ...DEFAULT_OPTIONS, ...o }).map((r) => r.problemId);
  assert.deepEqual(ids({ show: 'failures' }), ['P/1']);
  assert.deepEqual(ids({ show: 'passes' }), ['P/0']);
  assert.deepEqual(ids({ show: 'failures', arm: 'b' }), []);
  assert.deepEqual(ids({ sort: 'rate-asc' }), ['P/1', 'P/0']);
  assert.deepEqual(ids({ sort: 'rate-desc' }), ['P/0', 'P/1']);
});

test('search, errors, timeouts and error kinds filter rows', () => {
  const d = detail([
    cell('P/0', 'a', ['failed'], 'NameError: name "x" is not defined'),
    cell('P/1', 'a', ['timeout'], 'timed out after 3000 ms'),
    cell('P/2', 'a', ['error'], 'openai:gpt-4o: 401 Incorrect API key'),
    cell('P/3', 'a', ['passed']),
  ], ['a']);
  const rows = buildRows(d);
  const ids = (o: Partial<typeof DEFAULT_OPTIONS>) => filterRows(rows, ['a'], { ...DEFAULT_OPTIONS, ...o }).map((r) => r.problemId);
  assert.deepEqual(ids({ search: 'nameerror' }), ['P/0']);
  assert.deepEqual(ids({ search: 'p/3' }), ['P/3']);
  assert.deepEqual(ids({ show: 'errors' }), ['P/2']);
  assert.deepEqual(ids({ timeoutsOnly: true }), ['P/1']);
  assert.deepEqual(ids({ kind: 'NameError' }), ['P/0']);
});

test('errorKind: the exception class, timeout, assertion, or the first words of an error', () => {
  assert.equal(errorKind({ status: 'failed', detail: '  File "x", line 3\nIndentationError: unexpected indent' }), 'IndentationError');
  assert.equal(errorKind({ status: 'failed', detail: 'assert candidate(1) == 2' }), 'AssertionError');
  assert.equal(errorKind({ status: 'timeout', detail: 'whatever' }), 'timeout');
  assert.equal(errorKind({ status: 'error', detail: 'sandbox: container exited' }), 'error: sandbox');
  assert.equal(errorKind({ status: 'failed', detail: 'thread panicked: index out of bounds' }), 'thread panicked');
});

test('failures grouped by error; one dominant syntax error is called a likely format mismatch, a spread is not', () => {
  const probs = Array.from({ length: 10 }, (_, i) => cell(`P/${i}`, 'a', ['failed', 'failed'], 'IndentationError: unexpected indent'));
  probs.push(cell('P/10', 'a', ['failed'], 'AssertionError'));
  const groups = groupFailures(detail(probs, ['a']));
  assert.deepEqual(groups.map((g) => [g.kind, g.samples, g.problems.length]), [['IndentationError', 20, 10], ['AssertionError', 1, 1]]);
  assert.match(dominantHint(groups)!, /20 of 21 failing samples \(95%, 10 problems\) share one error: IndentationError.*format mismatch/);
  const spread = groupFailures(detail([cell('A', 'a', ['failed'], 'NameError'), cell('B', 'a', ['failed'], 'TypeError'), cell('C', 'a', ['failed'], 'KeyError'),
    cell('D', 'a', ['failed'], 'ValueError'), cell('E', 'a', ['failed'], 'ZeroDivisionError')], ['a']));
  assert.equal(dominantHint(spread), null);
  const fewAssert = groupFailures(detail(Array.from({ length: 6 }, (_, i) => cell(`Q/${i}`, 'a', ['failed'], 'AssertionError')), ['a']));
  assert.doesNotMatch(dominantHint(fewAssert)!, /format mismatch/);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseFailure, withoutMarkers } from './failure';

describe('parseFailure', () => {
  it('takes the compare hook\'s sides and line from a python failure', () => {
    const out = 'CRUCIBLE_COMPARE {"line": 7, "expected": "3", "actual": "-1"}\nTraceback (most recent call last):\n' +
      '  File "/w/program.py", line 33, in <module>\n    check(add)\n  File "/w/program.py", line 7, in check\n    assert candidate(1, 2) == 3\nAssertionError\n';
    assert.deepEqual(parseFailure(out, 'program.py'), { line: 7, expected: '3', actual: '-1' });
    assert.equal(withoutMarkers(out).includes('CRUCIBLE_COMPARE'), false);
  });

  it('locates the deepest frame of the program, not of the library', () => {
    const out = 'Traceback (most recent call last):\n  File "/w/program.py", line 30, in <module>\n  File "/w/program.py", line 12, in check\n' +
      '  File "/w/program.py", line 4, in f\n  File "/usr/lib/python3.11/json/__init__.py", line 346, in loads\nValueError: x\n';
    assert.deepEqual(parseFailure(out, 'program.py'), { line: 4, expected: null, actual: null });
  });

  it('reads node\'s report and assert.strictEqual\'s sides', () => {
    const out = '/tmp/x/program.js:9\n    throw new AssertionError(\nAssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n1 !== 2\n\n' +
      '    at Object.<anonymous> (/tmp/x/program.js:9:8)\n  generatedMessage: true,\n  actual: 1,\n  expected: 2,\n';
    assert.deepEqual(parseFailure(out, 'program.js'), { line: 9, expected: '2', actual: '1' });
  });

  it('reads unittest\'s "a != b" and ignores a marker the program forged badly', () => {
    assert.deepEqual(parseFailure('CRUCIBLE_COMPARE {oops\nAssertionError: [1, 2] != [2, 1]\n', 'program.py'), { line: null, expected: '[2, 1]', actual: '[1, 2]' });
  });

  it('says nothing when there is nothing to say', () => {
    assert.deepEqual(parseFailure('', 'program.py'), { line: null, expected: null, actual: null });
  });
});

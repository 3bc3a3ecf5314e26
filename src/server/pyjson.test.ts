import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parsePyJson, rawTopLevel } from './pyjson';

describe('pyjson', () => {
  it('reads NaN, Infinity and -Infinity as Python writes them, outside strings only', () => {
    const v = parsePyJson('{"a": [-Infinity, NaN, Infinity, 1e3], "s": "NaN and -Infinity stay text"}') as { a: number[]; s: string };
    assert.equal(v.a[0], -Infinity);
    assert.ok(Number.isNaN(v.a[1]));
    assert.equal(v.a[2], Infinity);
    assert.equal(v.a[3], 1000);
    assert.equal(v.s, 'NaN and -Infinity stay text');
    assert.throws(() => parsePyJson('{"a": Nope}'), SyntaxError);
  });

  it('returns top-level values verbatim: big integers and non-finite numbers reach Python unchanged', () => {
    const text = '{"task_id": "X/1", "base_input": [[123456789012345678901234567890, -Infinity]], "plus_input": {}, "s": "a,\\"]}"}';
    assert.deepEqual(rawTopLevel(text, ['base_input', 'plus_input', 's', 'missing']), {
      base_input: '[[123456789012345678901234567890, -Infinity]]', plus_input: '{}', s: '"a,\\"]}"',
    });
  });
});

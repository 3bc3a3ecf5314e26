import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { javascriptLanguage } from '../languages/javascript';
import { pythonLanguage } from '../languages/python';
import type { CodeProblem } from '../plugins';
import { loadOpenFile } from './open-file';

const dir = mkdtempSync(join(tmpdir(), 'open-file-'));
const write = (name: string, text: string) => { const p = join(dir, name); writeFileSync(p, text); return p; };

/** Runs the assembled program the way the local sandbox would: exit status 0 = passed. */
function passes(p: CodeProblem, completion: string, lang = pythonLanguage): boolean {
  const file = write(`run-${p.id}-${Math.random().toString(36).slice(2)}${lang === pythonLanguage ? '.py' : '.js'}`, lang.assemble(p, completion));
  try { execFileSync(lang === pythonLanguage ? 'python3' : 'node', [file], { stdio: 'pipe' }); return true; } catch { return false; }
}

describe('open-file suites (the open-problem convention)', () => {
  it('takes Python stubs with docstrings and a marked test block, pytest-style per function', () => {
    const f = write('mathy.py', [
      'import math', '', 'def helper(x):', '    return x * 2', '',
      'def area(r: float) -> float:', '    """Area of a circle of radius r."""', '    ...', '',
      'def double(x):', "    '''", '    Twice x.', "    '''", '    raise NotImplementedError', '',
      '# crucible: tests', 'from mathy import area, double', 'def test_area():', '    assert abs(area(1) - math.pi) < 1e-9',
      'def test_double():', '    assert double(2) == 4', '',
    ].join('\n'));
    const ps = loadOpenFile(f)!;
    assert.deepEqual(ps.map((p) => [p.id, p.sourceLine, p.language]), [['area', 6, 'python'], ['double', 10, 'python']]);
    assert.ok(ps[0].prompt.endsWith('    """Area of a circle of radius r."""\n'), ps[0].prompt);
    assert.ok(!ps[0].tests.includes('from mathy import'));
    assert.equal(passes(ps[0], '    return math.pi * r * r\n'), true);
    assert.equal(passes(ps[0], '    return 2 * math.pi * r\n'), false);
    // Only double's tests run for double (area stays a stub in its program).
    assert.equal(passes(ps[1], '    return x + x\n'), true);
    assert.equal(passes(ps[1], '    return x\n'), false);
  });

  it('reads a sibling test_<file>.py with a HumanEval check(candidate)', () => {
    const f = write('strs.py', 'def shout(s):\n    """Upper-case s and add "!"."""\n');
    write('test_strs.py', 'from strs import shout\n\ndef check(candidate):\n    assert candidate("hi") == "HI!"\n');
    const [p] = loadOpenFile(f)!;
    assert.equal(p.id, 'shout');
    assert.equal(passes(p, '    return s.upper() + "!"\n'), true);
    assert.equal(passes(p, '    return s\n'), false);
  });

  it('takes JavaScript stubs with JSDoc, a marked block and ES imports of node:assert', () => {
    const f = write('util.js', [
      '/**', ' * Sum of an array.', ' */', 'export function sum(xs) {', '  // TODO', "  throw new Error('not implemented');", '}', '',
      '// crucible: tests', "import assert from 'node:assert';", "import { sum } from './util.js';", 'assert.strictEqual(sum([1, 2, 3]), 6);', '',
    ].join('\n'));
    const [p] = loadOpenFile(f)!;
    assert.deepEqual([p.id, p.language, p.sourceLine], ['sum', 'javascript', 4]);
    assert.ok(p.prompt.endsWith('function sum(xs) {\n') && !p.prompt.includes('export'), p.prompt);
    assert.equal(passes(p, '  return xs.reduce((a, b) => a + b, 0);\n}\n', javascriptLanguage), true);
    assert.equal(passes(p, '  return 0;\n}\n', javascriptLanguage), false);
  });

  it('finds TypeScript arrow stubs and a sibling .test.ts', () => {
    const f = write('geo.ts', '/** Distance from the origin. */\nexport const norm = (x: number, y: number): number => {\n};\n');
    write('geo.test.ts', "import { norm } from './geo';\nconsole.assert(norm(3, 4) === 5);\n");
    const [p] = loadOpenFile(f)!;
    assert.deepEqual([p.id, p.language], ['norm', 'typescript']);
    assert.equal(p.tests.trim(), 'console.assert(norm(3, 4) === 5);');
  });

  it('names the file and line when something is missing; leaves other files alone', () => {
    const noTests = write('lonely.py', 'def f():\n    """Doc."""\n');
    assert.throws(() => loadOpenFile(noTests), /lonely\.py:1: no tests for f: add a "# crucible: tests" block/);
    const noStub = write('done.py', 'def f():\n    """Doc."""\n    return 1\n# crucible: tests\nassert f() == 1\n');
    assert.throws(() => loadOpenFile(noStub), /done\.py: no function stub found/);
    assert.equal(loadOpenFile(write('data.txt', 'x')), null);
    assert.equal(loadOpenFile(write('test_thing.py', 'def test_x(): pass\n')), null);
  });
});

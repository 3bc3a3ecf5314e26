// How each language assembles a program and reads a failure out of its output (pure, no sandbox).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CodeProblem } from '../plugins';
import { verdictOf } from '../sandboxes/verdict';
import { cppLanguage } from './cpp';
import { goLanguage } from './go';
import { builtinLanguages, languageFor } from './index';
import { javaLanguage } from './java';
import { javascriptLanguage } from './javascript';
import { pythonFailureDetail, pythonLanguage } from './python';
import { rustLanguage } from './rust';
import { cutAtStopTokens } from './multipl-e';
import { stopSequencesFor } from '../extract/code';

const p = (over: Partial<CodeProblem>): CodeProblem => ({ id: 'x', suite: 's', language: 'python', prompt: 'P', tests: 'T', entryPoint: 'f', ...over });

describe('languages', () => {
  it('has the seven built-ins by name', () => {
    assert.deepEqual(builtinLanguages.map((l) => l.name), ['python', 'javascript', 'typescript', 'java', 'cpp', 'go', 'rust']);
    assert.throws(() => languageFor('cobol'), /unknown language "cobol"/);
  });

  it('assembles python the HumanEval way', () => {
    const prog = pythonLanguage.assemble(p({ prompt: 'def f():\n', tests: 'def check(c): pass' }), '    return 1\n');
    // Prompt, completion and tests keep their lines; the compare hook and the call come after them.
    assert.ok(prog.startsWith("__name__ = 'builtins'  # as under exec(program, {}): a main guard does not run\n" + 'def f():\n    return 1\n\n\ndef check(c): pass\n\ndef __crucible_compare(e):\n'), prog);
    assert.ok(prog.endsWith('try:\n    check(f)\nexcept AssertionError as __crucible_e:\n    __crucible_compare(__crucible_e)\n    raise\n'), prog);
  });

  it('keeps a python main guard from running, as exec(program, {}) does, unless the suite runs files as scripts', () => {
    const prob = p({ prompt: 'from __future__ import annotations\ndef f():\n', tests: 'def check(c): assert c() == 1' });
    const prog = pythonLanguage.assemble(prob, '    return 1\nif __name__ == "__main__":\n    input()\n');
    assert.match(prog, /^from __future__ import annotations\n__name__ = 'builtins'/);
    assert.doesNotMatch(pythonLanguage.assemble({ ...prob, labels: { runsAsMain: true } }, '    return 1\n'), /__name__ =/);
    // MBPP-style: bare asserts, no check() call.
    assert.doesNotMatch(pythonLanguage.assemble({ ...prob, tests: 'assert f() == 1', labels: { harness: 'asserts' } }, '    return 1\n'), /check\(/);
  });

  it('reads the python exception line, also when stdout follows the traceback', () => {
    const out = 'Traceback (most recent call last):\n  File "/tmp/p.py", line 3, in <module>\n    assert f(1) == 2\n           ^^^^\nAssertionError: wrong\nsome stdout\n';
    assert.equal(pythonFailureDetail(out), 'AssertionError: wrong');
    assert.equal(pythonFailureDetail('  File "/tmp/p.py", line 1\n    def f(:\n          ^\nSyntaxError: invalid syntax\n'), 'SyntaxError: invalid syntax');
    assert.equal(pythonFailureDetail('just output\n'), undefined);
  });

  it('makes console.assert throw in javascript', () => {
    const prog = javascriptLanguage.assemble(p({ language: 'javascript', prompt: 'const f = () => {\n', tests: 'console.assert(f() === 2)' }), '  return 1\n}\n');
    assert.match(prog, /^\(\(\) => \{ class AssertionError/);
    assert.ok(prog.endsWith('console.assert(f() === 2)\n__crucibleTestsDone();\n'), 'the harness says the tests finished after them');
    assert.equal(prog.split('\n')[1], 'const f = () => {', "the program's own lines keep their numbers");
    assert.equal(javascriptLanguage.failureDetail!('/tmp/p.js:1\n\nAssertionError: console.assert failed\n    at x\n\nNode.js v20\n'), 'AssertionError: console.assert failed');
    assert.equal(javascriptLanguage.failureDetail!('Error [ERR_X]: boom\n'), 'Error [ERR_X]: boom');
  });

  it('puts the C++ guard that says the tests finished into main', () => {
    const prog = cppLanguage.assemble(p({ language: 'cpp', prompt: 'int f(){\n', tests: '#undef NDEBUG\nint main(){\n    assert(f() == 1);\n}' }), 'return 1;}\n');
    assert.match(prog, /int main\(\)\{ crucible_tests_done_ crucible_tests_done_guard_;\n {4}assert/);
    assert.equal((prog.match(/crucible_tests_done_guard_/g) ?? []).length, 1);
  });

  it('adds only the C++ headers the prompt lacks', () => {
    const prog = cppLanguage.assemble(p({ language: 'cpp', prompt: '#include<vector>\nint f(){\n', tests: 'int main(){}' }), 'return 1;}\n');
    assert.ok(!/^#include<vector>$/m.test(prog.split('\n\n')[0]), 'vector is not added twice');
    assert.match(prog, /^#include<iostream>$/m);
    assert.equal(cppLanguage.failureDetail!("prog: program.cpp:9: int main(): Assertion `f() == 2' failed.\n"), "Assertion `f() == 2' failed.");
  });

  it('adds the Go packages a completion uses, as CodeGeeX does', () => {
    const prob = p({ language: 'go', prompt: 'import (\n    "math"\n)\nfunc F() int {\n', tests: 'func TestF(t *testing.T) {}', labels: { import: 'import (\n    "math"\n)\n', testSetup: 'package main\n\nimport (\n    "testing"\n)\n' } });
    const prog = goLanguage.assemble(prob, '    return int(math.Sqrt(4)) + len(strings.Split("a", ""))\n}\n');
    assert.match(prog, /import \(\n {4}"math"\n {4}"strings"\n\)/);
    assert.ok(!prog.includes('import (\n    "math"\n)\nfunc F'), "the prompt's own import block is removed");
    assert.equal(goLanguage.failureDetail!('--- FAIL: TestF (0.00s)\n    main_test.go:12: \n        \tError Trace:\tmain_test.go:12\n        \tError:      \tNot equal: \n        \t            \texpected: 3\n        \t            \tactual  : 2\n'),
      'Not equal: expected 3, actual 2');
  });

  it('reads java and rust failures', () => {
    assert.equal(javaLanguage.failureDetail!('Exception in thread "main" java.lang.AssertionError\n\tat Main.main(Main.java:9)\n'), 'java.lang.AssertionError');
    assert.equal(rustLanguage.failureDetail!("thread 'tests::t' panicked at program.rs:40:9:\nassertion `left == right` failed\n  left: false\n right: true\n"),
      'assertion `left == right` failed, left: false, right: true');
  });

  it('runs MultiPL-E programs as MultiPL-E does: completion cut at the stop tokens, the program\'s lines where they were', () => {
    assert.equal(cutAtStopTokens('  return 1;\n}\nfunction g() {}\n', ['\nfunction ', '\n}']), '  return 1;');
    assert.equal(cutAtStopTokens('  return 1;', ['\n}']), '  return 1;');
    const me = (language: string, prompt: string, tests: string, stopTokens: string[]) => p({ language, prompt, tests, labels: { harness: 'multipl-e', stopTokens, runsAsMain: true } });
    const lines = (s: string) => s.split('\n');

    // Java: class Problem; java -ea with javatuples on the class path; the harness calls Problem.main.
    const java = me('java', 'import org.javatuples.*;\nclass Problem {\n    public static long f() {\n', '    }\n    public static void main(String[] args) {\n    assert(f() == 1l);\n    }\n\n}\n', ['\n    }\n']);
    const jp = javaLanguage.assemble(java, '        return 1l;\n    }\n    static void g() {}\n');
    assert.ok(jp.startsWith(`${java.prompt}        return 1l;\n${java.tests}\n`), jp);
    assert.match(jp, /class CrucibleHarness .* Problem\.main\(args\);/);
    assert.ok(javaLanguage.command('Main.java', java).includes('-ea'));
    assert.ok(javaLanguage.compile!('Main.java', java).includes('/usr/share/java/javatuples.jar'));
    const humanevalX = p({ language: 'java' });
    assert.ok(!javaLanguage.command('Main.java', humanevalX).includes('-ea'), 'HumanEval-X Java runs as before');
    assert.match(javaLanguage.assemble(humanevalX, ''), /Main\.main\(args\);/);

    // Go: the harness's imports share the package clause's line; its TestMain comes last.
    const go = me('go', 'package f_test\n\nimport (\n    "testing"\n)\n\nfunc f() int {\n', 'func TestF(t *testing.T) {\n}\n', ['\nfunc', 'struct', '\n// ']);
    const gp = goLanguage.assemble(go, '    return 1\n}\n\nfunc g() {}\n');
    assert.equal(lines(gp)[0], 'package f_test; import crucible_os "os"; import crucible_testing "testing"');
    // Cut before "\nfunc", then "\n" + tests.
    assert.ok(gp.startsWith(`${go.prompt.replace('package f_test', lines(gp)[0])}    return 1\n}\n\n${go.tests}`), gp);
    assert.match(gp, /func TestMain\(m \*crucible_testing\.M\)/);
    assert.deepEqual(goLanguage.command('main_test.go', go), ['./prog', '-test.count=1', '-test.paniconexit0']);
    assert.equal(goLanguage.failureDetail!("--- FAIL: TestF (0.00s)\n    --- FAIL: TestF/test_num__0 (0.00s)\n        main_test.go:37: expected '%!s(bool=true)', got '%!s(bool=false)'\nFAIL\n"),
      "main_test.go:37: expected '%!s(bool=true)', got '%!s(bool=false)'");

    // Rust: the tests' main renamed on its line and called by the harness's; rustc as MultiPL-E runs it.
    const rs = me('rust', 'fn f() -> isize {\n', '}\n\nfn main() {\n    assert_eq!(f(), 1);\n}\n', ['\n}']);
    const rp = rustLanguage.assemble(rs, '    1\n}\n\nfn main() {}\n');
    assert.ok(rp.startsWith('fn f() -> isize {\n    1\n}\n\nfn crucible_tests_main() {\n    assert_eq!(f(), 1);\n}\n'), rp);
    assert.equal(rp.match(/fn main\(\)/g)?.length, 1);
    assert.deepEqual(rustLanguage.compile!('program.rs', rs), ['rustc', '-C', 'debuginfo=0', '-A', 'warnings', '-o', 'prog', 'program.rs']);
    assert.deepEqual(rustLanguage.command('program.rs', rs), ['./prog']);
    assert.ok(rustLanguage.compile!('program.rs', p({ language: 'rust' })).includes('--test'), 'HumanEval-X Rust runs as before');

    // JavaScript and C++ cut too; other suites' completions are not cut.
    const js = me('javascript', 'function f(){\n', 'console.log(f());\n', ['\nfunction ', '\n/*', '\n//', '\nconsole.log']);
    assert.ok(!javascriptLanguage.assemble(js, '  return 1;\n}\nfunction g(){}\n').includes('function g'));
    assert.ok(javascriptLanguage.assemble(p({ language: 'javascript' }), '  return 1;\n}\nfunction g(){}\n').includes('function g'));
    assert.ok(!cppLanguage.assemble(me('cpp', 'int f(){\n', '}\nint main(){}\n', ['\n}']), '  return 1;\n}\nint g(){}\n').includes('int g'));

    // Completion-style providers stop at the problem's own stop tokens.
    assert.deepEqual(stopSequencesFor(go), ['\nfunc', 'struct', '\n// ']);
  });

  it('turns worker answers into verdicts', () => {
    const steps = [{ argv: ['g++'], timeoutMs: 30_000, label: 'compile' }, { argv: ['./prog'], timeoutMs: 3000 }];
    const base = { id: 1, signal: null, timedOut: false, bytes: 0, ms: 5, output: '' };
    assert.equal(verdictOf(cppLanguage, steps, { ...base, exit: 0, step: 1 }).status, 'passed');
    assert.deepEqual(verdictOf(cppLanguage, steps, { ...base, exit: 1, step: 0, output: 'program.cpp:3:1: error: expected ;\n' }).detail, 'compile error: program.cpp:3:1: error: expected ;');
    assert.deepEqual(verdictOf(cppLanguage, steps, { ...base, exit: null, step: 1, timedOut: true, signal: 9 }).detail, 'timed out after 3000 ms');
    const abrt = verdictOf(cppLanguage, steps, { ...base, exit: null, signal: 6, step: 1, output: "prog: p.cpp:9: int main(): Assertion `x' failed.\n" });
    assert.equal(abrt.status, 'failed');
    assert.equal(abrt.detail, "Assertion `x' failed. (killed by SIGABRT)");
  });

  it('passes exit 0 only with the proof that the tests finished, where the step asks for it', () => {
    const steps = [{ argv: ['./prog'], timeoutMs: 3000, sentinel: true }];
    const base = { id: 1, signal: null, timedOut: false, bytes: 0, ms: 5, step: 0, exit: 0 };
    assert.equal(verdictOf(cppLanguage, steps, { ...base, output: '', finished: true }).status, 'passed');
    const early = verdictOf(cppLanguage, steps, { ...base, output: '', finished: false });
    assert.equal(early.status, 'failed');
    assert.equal(early.detail, 'the program exited before its tests finished (exit status 0)');
    assert.equal(verdictOf(javascriptLanguage, steps, { ...base, output: 'AssertionError: console.assert failed\n', finished: false }).detail,
      'the program exited before its tests finished (exit status 0); before that: AssertionError: console.assert failed');
    assert.equal(verdictOf(cppLanguage, [{ argv: ['./prog'], timeoutMs: 3000 }], { ...base, output: '' }).status, 'passed', 'a step without sentinel: exit 0 is enough');
  });

  it('says "out of memory" whichever way the runtime says it', () => {
    const steps = [{ argv: ['run'], timeoutMs: 3000 }];
    const base = { id: 1, timedOut: false, bytes: 0, ms: 5, step: 0 };
    const cases: [number | null, number | null, string, string][] = [
      [null, 6, '<--- Last few GCs --->\nFATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory\n 1: 0xb8 node::Abort()\n',
        'out of memory: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory (killed by SIGABRT)'],
      [2, null, 'fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n', 'out of memory: fatal error: runtime: out of memory'],
      [1, null, 'Traceback (most recent call last):\n  File "p.py", line 1, in <module>\nMemoryError\n', 'out of memory: MemoryError'],
      [null, 6, "terminate called after throwing an instance of 'std::bad_alloc'\n  what():  std::bad_alloc\n",
        "out of memory: terminate called after throwing an instance of 'std::bad_alloc' (killed by SIGABRT)"],
      [1, null, 'Exception in thread "main" java.lang.OutOfMemoryError: Java heap space\n\tat Main.main(Main.java:5)\n',
        'out of memory: Exception in thread "main" java.lang.OutOfMemoryError: Java heap space'],
      [null, 6, 'memory allocation of 1073741824 bytes failed\n', 'out of memory: memory allocation of 1073741824 bytes failed (killed by SIGABRT)'],
      // Saying the words is not running out of memory: only a runtime's own line counts.
      [1, null, 'print: no MemoryError here\nAssertionError\n', 'exit code 1: AssertionError'],
    ];
    for (const [exit, signal, output, detail] of cases) {
      assert.equal(verdictOf(cppLanguage, steps, { ...base, exit, signal, output }).detail, detail, output);
    }
    // A SIGKILL: the worker says whether the memory cgroup's OOM killer sent it, where it can tell.
    const kill = { ...base, exit: null, signal: 9, output: '' };
    assert.equal(verdictOf(cppLanguage, steps, { ...kill, oomKilled: true }).detail, "out of memory: killed by the kernel's OOM killer at the sandbox's memory limit");
    assert.equal(verdictOf(cppLanguage, steps, { ...kill, oomKilled: false }).detail, 'killed by SIGKILL');
    assert.equal(verdictOf(cppLanguage, steps, kill).detail, 'killed by SIGKILL (out of memory?)');
  });
});

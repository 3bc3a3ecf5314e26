// Python: HumanEval's own convention — prompt + completion, the tests (which define `check`), then
// `check(entry_point)` (MBPP-style suites: bare asserts; EvalPlus problems: python-evalplus.ts). Run as `python3 program.py`; a failing assertion or any exception exits non-zero
// with a traceback whose last line names it.
import type { Language } from '../plugins';
import { pythonExtraction } from './python-extract';
import { PY_COMPARE_HOOK } from './failure';
import { evalplusProgram, isEvalPlus } from './python-evalplus';

/**
 * human-eval, EvalPlus, bigcode's harness, MBPP and CodeGeeX all run a Python program with
 * `exec(program, {})`: there `__name__` is not "__main__" (the lookup falls through to the builtins
 * module's "builtins"), so a completion's `if __name__ == "__main__":` block does not run. The program
 * says the same in its first statement (after any `from __future__` imports, which must come first),
 * shifting its lines by one. A suite whose harness runs files as scripts (MultiPL-E) sets
 * labels.runsAsMain and gets "__main__".
 */
export function notMain(program: string): string {
  const lines = program.split('\n');
  let at = 0;
  lines.forEach((l, i) => { if (/^from\s+__future__\s+import\b/.test(l)) at = i + 1; });
  lines.splice(at, 0, "__name__ = 'builtins'  # as under exec(program, {}): a main guard does not run");
  return lines.join('\n');
}

/** The exception line of the last Python traceback in `output` ("AssertionError", "ValueError: …", "SyntaxError: …"). */
export function pythonFailureDetail(output: string): string | undefined {
  const lines = output.split('\n').map((l) => l.replace(/\s+$/, ''));
  const exc = /^[A-Za-z_][\w.]*(:.*)?$/;
  // Tracebacks (and bare SyntaxError reports) are "Traceback…"/'  File "…"' lines, indented source
  // and carets, then one unindented "Name[: message]" line. stdout may follow it, so search forward.
  let last = -1;
  lines.forEach((l, i) => { if (l.startsWith('Traceback (most recent call last):') || l.startsWith('  File "')) last = i; });
  if (last >= 0) {
    for (let i = last + 1; i < lines.length; i++) if (lines[i] && !/^\s/.test(lines[i]) && exc.test(lines[i])) return lines[i];
  }
  for (let i = lines.length - 1; i >= 0; i--) if (/^[A-Za-z_][\w.]*(Error|Exception)(:.*)?$/.test(lines[i])) return lines[i];
  return undefined;
}

export const pythonLanguage: Language = {
  name: 'python',
  fileName: 'program.py',
  assemble(problem, completion) {
    if (isEvalPlus(problem)) return evalplusProgram(problem, completion);
    // MBPP-style suites: the tests are bare asserts, there is no check() to call.
    // Otherwise the compare hook comes after the tests, so every line before keeps its number: it
    // reports a failed `==`'s two sides.
    const call = problem.labels?.harness === 'asserts' ? ''
      : `\n\n${PY_COMPARE_HOOK}\ntry:\n    check(${problem.entryPoint})\nexcept AssertionError as __crucible_e:\n    __crucible_compare(__crucible_e)\n    raise`;
    const program = `${problem.prompt}${completion}\n\n${problem.tests}${call}\n`;
    return problem.labels?.runsAsMain === true ? program : notMain(program);
  },
  command(fileName) {
    return ['python3', fileName];
  },
  failureDetail: pythonFailureDetail,
  extraction: pythonExtraction,
};

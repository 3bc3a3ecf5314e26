// Python: HumanEval's own convention — prompt + completion, the tests (which define `check`), then
// `check(entry_point)`. Run as `python3 program.py`; a failing assertion or any exception exits non-zero
// with a traceback whose last line names it.
import type { Language } from '../plugins';
import { pythonExtraction } from './python-extract';
import { PY_COMPARE_HOOK } from './failure';

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
    // After the tests, so every line before keeps its number: the hook reports a failed `==`'s two sides.
    return `${problem.prompt}${completion}\n\n${problem.tests}\n\n${PY_COMPARE_HOOK}\ntry:\n    check(${problem.entryPoint})\nexcept AssertionError as __crucible_e:\n    __crucible_compare(__crucible_e)\n    raise\n`;
  },
  command(fileName) {
    return ['python3', fileName];
  },
  failureDetail: pythonFailureDetail,
  extraction: pythonExtraction,
};

// Python: HumanEval's own convention — prompt + completion, the tests (which define `check`), then
// `check(entry_point)`. Run as `python3 program.py`; a failing assertion or any exception exits non-zero
// with a traceback whose last line names it.
import type { Language } from '../plugins';
import { pythonExtraction } from './python-extract';

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
    return `${problem.prompt}${completion}\n\n${problem.tests}\n\ncheck(${problem.entryPoint})\n`;
  },
  command(fileName) {
    return ['python3', fileName];
  },
  failureDetail: pythonFailureDetail,
  extraction: pythonExtraction,
};

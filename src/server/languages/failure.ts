// Where a failing sample failed and, when its test compared two values, what was expected and what
// the program gave: read from the test output of the assembled program (pure; the engine attaches it
// to a sample's detail so the editor can place a diagnostic and a TestMessage.diff).

/**
 * Appended to a Python program after its tests (so no earlier line moves): when an `assert A == B`
 * of the program fails, A and B are evaluated again in the failing frame (at most 1 s) and written
 * to stderr as one COMPARE_MARKER line. Anything unexpected is swallowed: the sample fails as before.
 */
export const COMPARE_MARKER = 'CRUCIBLE_COMPARE ';
export const PY_COMPARE_HOOK = `def __crucible_compare(e):
    try:
        import ast, json, sys, signal
        tb, f, ln = e.__traceback__, None, None
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == __file__: f, ln = tb.tb_frame, tb.tb_lineno
            tb = tb.tb_next
        if f is None: return
        with open(__file__) as fh: tree = ast.parse(fh.read())
        node = next((n for n in ast.walk(tree) if isinstance(n, ast.Assert) and n.lineno <= ln <= (n.end_lineno or n.lineno)), None)
        t = node.test if node is not None else None
        if not (isinstance(t, ast.Compare) and len(t.ops) == 1 and isinstance(t.ops[0], ast.Eq)): return
        ev = lambda x: eval(compile(ast.Expression(x), __file__, 'eval'), f.f_globals, f.f_locals)
        def late(*a): raise TimeoutError()
        old = signal.signal(signal.SIGALRM, late); signal.alarm(1)
        try: actual, expected = ev(t.left), ev(t.comparators[0])
        finally: signal.alarm(0); signal.signal(signal.SIGALRM, old)
        sys.stderr.write('${COMPARE_MARKER}' + json.dumps({'line': ln, 'expected': repr(expected)[:2000], 'actual': repr(actual)[:2000]}) + '\\n')
    except BaseException:
        pass`;

export interface FailureInfo {
  /** 1-based line of the assembled program where it failed (the deepest frame in the program). */
  line: number | null;
  /** The two sides of a failed equality, as the language prints them (null: the test compared nothing). */
  expected: string | null;
  actual: string | null;
}

const PY_FRAME = /^ {2}File "([^"]+)", line (\d+)/;
const JS_FRAME = /\(?((?:\/|[A-Za-z]:\\)[^():\s]*?program\.[cm]?[jt]s):(\d+):(\d+)\)?/;

/** The failure of a program file `fileName` (program.py, program.js …) from its output. */
export function parseFailure(output: string, fileName: string): FailureInfo {
  const info: FailureInfo = { line: null, expected: null, actual: null };
  const base = (p: string) => p.split(/[\\/]/).pop();
  const lines = output.split('\n');
  for (const l of lines) {
    if (l.startsWith(COMPARE_MARKER)) {
      try {
        const c = JSON.parse(l.slice(COMPARE_MARKER.length)) as { line?: unknown; expected?: unknown; actual?: unknown };
        if (typeof c.expected === 'string' && typeof c.actual === 'string') { info.expected = c.expected; info.actual = c.actual; }
        if (typeof c.line === 'number') info.line = c.line;
      } catch { /* a program printed something like it: ignore */ }
      continue;
    }
    // The deepest frame in the program: Python prints frames outermost first.
    const py = PY_FRAME.exec(l);
    if (py && base(py[1]) === fileName && info.expected === null) info.line = Number(py[2]);
  }
  if (info.line === null) {
    // Node prints the innermost frame first; its first report line names file:line.
    for (const l of lines) {
      const js = JS_FRAME.exec(l);
      if (js && base(js[1])?.replace(/\.[cm]?[jt]s$/, '') === fileName.replace(/\.[cm]?[jt]s$/, '')) { info.line = Number(js[2]); break; }
      const head = /^(\/[^:\s]*program\.[cm]?[jt]s):(\d+)$/.exec(l);
      if (head) { info.line = Number(head[2]); break; }
    }
  }
  if (info.expected === null) {
    // Node's assert.strictEqual/deepStrictEqual and unittest's assertEqual print both sides.
    const node = /^\s*(?:actual|Actual):\s*(.+)$/m.exec(output), nodeExp = /^\s*(?:expected|Expected):\s*(.+)$/m.exec(output);
    if (node && nodeExp) { info.actual = node[1].trim().replace(/,$/, ''); info.expected = nodeExp[1].trim().replace(/,$/, ''); }
    else {
      const ut = /^AssertionError: (.+?) != (.+)$/m.exec(output);
      if (ut) { info.actual = ut[1]; info.expected = ut[2]; }
    }
  }
  return info;
}

/** The output without the compare hook's marker lines (what a person reads). */
export function withoutMarkers(output: string): string {
  return output.split('\n').filter((l) => !l.startsWith(COMPARE_MARKER)).join('\n');
}

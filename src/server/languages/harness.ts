// "The tests ran to the end": exit status 0 alone does not say it (sys.exit(0), process.exit(0),
// System.exit(0), exit(0), os.Exit(0), std::process::exit(0), or a handler/thread that exits 0 after
// a failed assertion). So each language's program carries a small harness: when the sandbox worker
// offers a per-sample marker on fd 3 (and sets CRUCIBLE_SENTINEL_FD=3), the harness reads it as the
// program starts and copies it to stdout only after the tests have returned normally; the worker
// requires it and removes it from the output (worker-py.ts). A forked Python run needs no harness:
// the worker itself sees the program run to its end.
//
// What this guarantees: a program that ends before its tests return, however it does it, does not
// pass. What it does not: a sample written to forge the marker (reading fd 3 before the harness does,
// from a static initializer; or finding the marker in its own memory) can. Without the worker (the
// `local` runner, a plain `node program.js`) the harness does nothing.
import type { Language } from '../plugins';

/** A language whose harness prints the worker's marker once its tests have run to the end. */
export type HarnessedLanguage = Language & { readonly reportsTestsDone: true };

/**
 * JavaScript (and TypeScript): read at the start (and the variable removed), written at the end. One
 * line. process.stdout, not fs.writeSync(1): Node makes the pipe non-blocking, so after a flood a raw
 * write fails with EAGAIN, while process.stdout writes to a pipe synchronously (Linux).
 */
export const JS_PROLOGUE =
  "const __crucibleTestsDone = (() => { let m = null; if (process.env.CRUCIBLE_SENTINEL_FD === '3') { delete process.env.CRUCIBLE_SENTINEL_FD; " +
  "try { m = require('fs').readFileSync(3); require('fs').closeSync(3); } catch (e) { m = null; } } " +
  "return () => { if (m) process.stdout.write(m); }; })();";
export const JS_EPILOGUE = '__crucibleTestsDone();';

/** Java: a class of its own runs <mainClass>.main and then writes the marker (run instead of it). One line. */
export const JAVA_HARNESS_CLASS = 'CrucibleHarness';
export const javaHarness = (mainClass: string): string =>
  `class ${JAVA_HARNESS_CLASS} { public static void main(String[] args) throws Throwable { byte[] m = null; ` +
  'if ("3".equals(System.getenv("CRUCIBLE_SENTINEL_FD"))) { ' +
  // Not readAllBytes: on a pipe, FileInputStream's fails with "Illegal seek".
  'try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/self/fd/3")) { java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream(); ' +
  'byte[] b = new byte[256]; for (int n; (n = in.read(b)) > 0; ) o.write(b, 0, n); m = o.toByteArray(); } catch (java.io.IOException e) { m = null; } } ' +
  `${mainClass}.main(args); if (m != null) { System.out.flush(); System.out.write(m, 0, m.length); System.out.flush(); } } }`;
/** HumanEval-X's tests are `public class Main`. */
export const JAVA_HARNESS = javaHarness('Main');

/**
 * C++: a guard object declared first thing in main. Its destructor runs when main returns, not when
 * the program calls exit() or aborts: then it writes the marker. Only C stdio, so no name of the
 * program's can clash with it.
 */
export const CPP_GUARD =
  '#include <stdio.h>\n#include <stdlib.h>\n' +
  'struct crucible_tests_done_ { char m[256]; size_t n = 0; crucible_tests_done_() { const char* e = getenv("CRUCIBLE_SENTINEL_FD"); ' +
  'if (e && e[0] == \'3\' && !e[1]) { FILE* f = fdopen(3, "rb"); if (f) { n = fread(m, 1, sizeof m, f); fclose(f); } } } ' +
  '~crucible_tests_done_() { if (n) { fflush(stdout); fwrite(m, 1, n, stdout); fflush(stdout); } } };\n';
const CPP_MAIN = /\bint\s+main\s*\([^)]*\)\s*\{/g;

/** Puts the guard into the last `int main(…) {` of a C++ program. */
export function guardCppMain(program: string): string {
  let last: RegExpExecArray | undefined;
  for (let m = CPP_MAIN.exec(program); m; m = CPP_MAIN.exec(program)) last = m;
  CPP_MAIN.lastIndex = 0;
  if (!last) return program;
  const at = last.index + last[0].length;
  return `${program.slice(0, at)} crucible_tests_done_ crucible_tests_done_guard_;${program.slice(at)}`;
}

/** Go: imports (under names of their own, so they cannot clash) go before the program's declarations. */
export const GO_IMPORTS = 'import crucible_os "os"\nimport crucible_testing "testing"\n';
/** Go: a TestMain that reads the marker, runs the tests and writes it only if they all passed. */
export const GO_TESTMAIN =
  'func TestMain(m *crucible_testing.M) {\n' +
  '    var done []byte\n' +
  '    if crucible_os.Getenv("CRUCIBLE_SENTINEL_FD") == "3" {\n' +
  '        crucible_os.Unsetenv("CRUCIBLE_SENTINEL_FD")\n' +
  '        f := crucible_os.NewFile(3, "crucible")\n' +
  '        buf := make([]byte, 256)\n' +
  '        n, _ := f.Read(buf)\n' +
  '        f.Close()\n' +
  '        done = buf[:n]\n' +
  '    }\n' +
  '    code := m.Run()\n' +
  '    if code == 0 && len(done) > 0 {\n' +
  '        crucible_os.Stdout.Write(done)\n' +
  '    }\n' +
  '    crucible_os.Exit(code)\n' +
  '}\n';

/**
 * Rust: libtest runs tests one at a time (--test-threads=1) in name order, so a test named to sort
 * after the program's own runs last; it writes the marker straight to stdout (not captured).
 * A failed test before it still fails the run (exit status 101).
 */
export const RUST_LAST_TEST =
  '#[test]\nfn zzzz_crucible_tests_done() {\n' +
  '    use std::io::{Read, Write};\n' +
  '    if std::env::var("CRUCIBLE_SENTINEL_FD").as_deref() == Ok("3") {\n' +
  '        let mut m = Vec::new();\n' +
  '        if let Ok(mut f) = std::fs::File::open("/proc/self/fd/3") { let _ = f.read_to_end(&mut m); }\n' +
  '        let mut out = std::io::stdout();\n' +
  '        let _ = out.write_all(&m);\n' +
  '        let _ = out.flush();\n' +
  '    }\n' +
  '}\n';

/** Rust, a program whose own `fn main` runs the tests (MultiPL-E): that main is renamed to this … */
export const RUST_TESTS_MAIN = 'crucible_tests_main';
/** … and called by this main, which reads the marker first and writes it after the tests returned. */
export const RUST_MAIN =
  'fn main() {\n' +
  '    use std::io::{Read, Write};\n' +
  '    let mut m = Vec::new();\n' +
  '    if std::env::var("CRUCIBLE_SENTINEL_FD").as_deref() == Ok("3") {\n' +
  '        std::env::remove_var("CRUCIBLE_SENTINEL_FD");\n' +
  '        if let Ok(mut f) = std::fs::File::open("/proc/self/fd/3") { let _ = f.read_to_end(&mut m); }\n' +
  '    }\n' +
  `    ${RUST_TESTS_MAIN}();\n` +
  '    let mut out = std::io::stdout();\n' +
  '    let _ = out.write_all(&m);\n' +
  '    let _ = out.flush();\n' +
  '}\n';

// Rust (HumanEval-X convention, as CodeGeeX assembles it): an empty main + prompt (the suite puts the
// declaration, with its `use rand/regex/md5` lines, into the prompt) + completion + tests (a
// #[cfg(test)] module); compiled with `rustc --test` against crates prebuilt in the image, then run.
// MultiPL-E (eval_rust.py): prompt + completion + "\n" + tests, a binary whose `fn main` runs
// assert_eq!s, compiled as MultiPL-E does (`rustc file`: edition 2015, no crates, debug build) and
// run: passed = exit 0. That main is renamed and called by the harness's own (harness.ts).
import { RUST_LAST_TEST, RUST_MAIN, RUST_TESTS_MAIN, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch, lines } from './detail';
import { isMultiplE, multiplEProgram } from './multipl-e';

/** The tests' own `fn main()` (the last one), renamed on its line. */
function renameMain(tests: string): string {
  const all = [...tests.matchAll(/\bfn\s+main\s*\(\s*\)/g)];
  const last = all[all.length - 1];
  if (last?.index === undefined) return tests;
  return `${tests.slice(0, last.index)}fn ${RUST_TESTS_MAIN}()${tests.slice(last.index + last[0].length)}`;
}

const DEPS = '/opt/rust-deps';

export const rustLanguage: HarnessedLanguage = {
  name: 'rust',
  fileName: 'program.rs',
  assemble(problem, completion) {
    if (isMultiplE(problem)) return `${multiplEProgram(problem, completion, renameMain(problem.tests))}\n${RUST_MAIN}`;
    // The harness (harness.ts): a last test that says the tests before it finished.
    return `\nfn main(){ \n } \n${problem.prompt}${completion}\n${problem.tests}\n${RUST_LAST_TEST}`;
  },
  compile(fileName, problem) {
    if (problem && isMultiplE(problem)) return ['rustc', '-C', 'debuginfo=0', '-A', 'warnings', '-o', 'prog', fileName];
    return ['rustc', '--edition', '2021', '--test', '-C', 'debuginfo=0', '-A', 'warnings', '-L', `dependency=${DEPS}`,
      '--extern', `rand=${DEPS}/librand.rlib`, '--extern', `regex=${DEPS}/libregex.rlib`, '--extern', `md5=${DEPS}/libmd5.rlib`,
      '-o', 'prog', fileName];
  },
  compileTimeoutMs: 60_000,
  command(_fileName, problem) {
    if (problem && isMultiplE(problem)) return ['./prog'];
    return ['./prog', '--test-threads=1', '-q'];
  },
  failureDetail(output) {
    const ls = lines(output);
    const i = ls.findIndex((l) => /panicked at/.test(l));
    if (i >= 0) {
      // Rust ≥ 1.73: "thread '…' panicked at file:l:c:" then the message, then "  left: …" / " right: …".
      const inline = /panicked at '(.*)', /.exec(ls[i]);
      const msg = inline ? inline[1] : (ls[i + 1] ?? '').trim();
      const left = ls.slice(i + 1, i + 5).find((l) => /^\s*left:/.test(l))?.trim();
      const right = ls.slice(i + 1, i + 5).find((l) => /^\s*right:/.test(l))?.trim();
      return [msg, left, right].filter(Boolean).join(', ');
    }
    return firstMatch(output, /^(error(?:\[E\d+\])?: .*)$/);
  },
  // Items may follow their use: helpers the model wrote are kept after the entry point.
  extraction: braceExtraction({ lifetimes: true, helpers: /^(?:pub\s+)?fn\s+(\w+)/gm }),
  reportsTestsDone: true,
};

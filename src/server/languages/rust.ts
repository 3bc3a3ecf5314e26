// Rust (HumanEval-X convention, as CodeGeeX assembles it): an empty main + prompt (the suite puts the
// declaration, with its `use rand/regex/md5` lines, into the prompt) + completion + tests (a
// #[cfg(test)] module); compiled with `rustc --test` against crates prebuilt in the image, then run.
import { RUST_LAST_TEST, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch, lines } from './detail';

const DEPS = '/opt/rust-deps';

export const rustLanguage: HarnessedLanguage = {
  name: 'rust',
  fileName: 'program.rs',
  assemble(problem, completion) {
    // The harness (harness.ts): a last test that says the tests before it finished.
    return `\nfn main(){ \n } \n${problem.prompt}${completion}\n${problem.tests}\n${RUST_LAST_TEST}`;
  },
  compile(fileName) {
    return ['rustc', '--edition', '2021', '--test', '-C', 'debuginfo=0', '-A', 'warnings', '-L', `dependency=${DEPS}`,
      '--extern', `rand=${DEPS}/librand.rlib`, '--extern', `regex=${DEPS}/libregex.rlib`, '--extern', `md5=${DEPS}/libmd5.rlib`,
      '-o', 'prog', fileName];
  },
  compileTimeoutMs: 60_000,
  command() {
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

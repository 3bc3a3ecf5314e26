// Go (HumanEval-X convention, as CodeGeeX assembles it): test_setup (package main, testing, testify)
// + the standard packages the completion uses + prompt without its own import block + completion +
// "\n" + tests (func TestX(t *testing.T)); compiled with `go test -c` in GOPATH mode (testify comes
// from the image) and run. Each sample gets a copy of the image's seeded build cache: a shared
// writable cache would let one sample poison the next.
// MultiPL-E (eval_go.py): the program is prompt + completion + "\n" + tests, a `package <x>_test` file
// that `go test` runs (a build or vet error, or a failed test, fails it); here compiled the same way
// as HumanEval-X's (`go test -c` runs the same vet checks as `go test`) and run with the flag `go test`
// adds (-test.paniconexit0).
import type { CodeProblem } from '../plugins';
import { GO_IMPORTS, GO_TESTMAIN, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch, lines } from './detail';
import { isMultiplE, multiplEProgram } from './multipl-e';

// CodeGeeX's IMPORT_HELPER["go"].
const PACKAGES = ['math', 'strings', 'fmt', 'strconv', 'time', 'bytes', 'regexp', 'sort', 'math/rand', 'crypto/md5'];
const DEFAULT_SETUP = 'package main\n\nimport (\n    "testing"\n    "github.com/stretchr/testify/assert"\n)\n';

function label(p: CodeProblem, key: string): string | undefined {
  const v = p.labels?.[key];
  return typeof v === 'string' ? v : undefined;
}

export const goLanguage: HarnessedLanguage = {
  name: 'go',
  fileName: 'main_test.go',
  assemble(problem, completion) {
    if (isMultiplE(problem)) {
      // The harness's imports join the package clause's line, so the program's lines keep their numbers.
      const program = multiplEProgram(problem, completion).replace(/^(package\s+\w+)[ \t]*(?=\n|;|$)/m, (p) => `${p}; ${GO_IMPORTS.trim().replace(/\n/g, '; ')}`);
      return `${program}\n${GO_TESTMAIN}`;
    }
    const setup = label(problem, 'testSetup') ?? DEFAULT_SETUP;
    const own = label(problem, 'import');
    const prompt = own ? problem.prompt.replace(own, '') : problem.prompt;
    const other = PACKAGES.filter((pkg) => !setup.includes(pkg) && completion.includes(pkg.split('/').pop()! + '.'));
    const imports = other.length ? `import (\n${other.map((p) => `    "${p}"\n`).join('')})\n` : '';
    // The harness (harness.ts): its imports before the program's declarations, its TestMain at the end.
    return `${setup}\n${imports}${GO_IMPORTS}${prompt}${completion}\n${problem.tests}\n${GO_TESTMAIN}`;
  },
  compile(fileName) {
    return ['sh', '-c', `cp -r /opt/go-cache "$HOME/.gocache" 2>/dev/null; GOCACHE="$HOME/.gocache" GOPATH=/usr/share/gocode GO111MODULE=off GOFLAGS= exec go test -c -o prog ${fileName}`];
  },
  compileTimeoutMs: 60_000,
  command(_fileName, problem) {
    // As `go test` runs it (MultiPL-E): os.Exit(0) during a test panics instead of exiting 0.
    if (problem && isMultiplE(problem)) return ['./prog', '-test.count=1', '-test.paniconexit0'];
    return ['./prog', '-test.count=1'];
  },
  failureDetail(output) {
    const panic = firstMatch(output, /^(panic: .*)$/);
    if (panic) return panic;
    const ls = lines(output);
    const i = ls.findIndex((l) => /^\s+Error:\s/.test(l));
    if (i >= 0) {
      // testify: "Error: Not equal:" then "expected: …" / "actual  : …"
      const what = ls[i].replace(/^\s+Error:\s+/, '').trim();
      const exp = ls.slice(i + 1, i + 4).find((l) => /expected:/.test(l))?.replace(/^.*expected:\s*/, '');
      const act = ls.slice(i + 1, i + 4).find((l) => /actual\s*:/.test(l))?.replace(/^.*actual\s*:\s*/, '');
      return exp !== undefined ? `${what} expected ${exp}, actual ${act}` : what;
    }
    // t.Errorf's message, after its file:line (MultiPL-E's tests: "expected '…', got '…'").
    return firstMatch(output, /^\s+(\w+_test\.go:\d+: \S.*)$/) ?? firstMatch(output, /^(--- FAIL: \S+)/) ?? firstMatch(output, /^(\S+\.go:\d+:\d+: .*)$/);
  },
  limitAddressSpace: false,
  // Package scope: helpers the model wrote are kept after the entry point.
  extraction: braceExtraction({ helpers: /^func\s+(\w+)\s*\(/gm }),
  reportsTestsDone: true,
};

// Java (HumanEval-X convention): prompt (class Solution …) + completion + "\n" + tests (public class
// Main with a main that throws AssertionError), in Main.java; javac, then java. JVM flags favour start-up.
// MultiPL-E (eval_java.py): prompt + completion + "\n" + tests, one `class Problem` whose main runs
// `assert`s; javac with javatuples on the class path, then `java -ea` (assertions on): passed = exit 0.
import { JAVA_HARNESS, JAVA_HARNESS_CLASS, javaHarness, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch } from './detail';
import { isMultiplE, multiplEProgram } from './multipl-e';

const FAST_JVM = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];
/** org.javatuples, which every MultiPL-E Java prompt imports (crucible-java:local has it, see scripts/build-images.sh). */
export const JAVATUPLES = '/usr/share/java/javatuples.jar';

export const javaLanguage: HarnessedLanguage = {
  name: 'java',
  fileName: 'Main.java',
  assemble(problem, completion) {
    // The harness class (harness.ts) runs Main.main (MultiPL-E: Problem.main) and then says the tests finished.
    if (isMultiplE(problem)) return `${multiplEProgram(problem, completion)}\n${javaHarness('Problem')}\n`;
    return `${problem.prompt}${completion}\n${problem.tests}\n${JAVA_HARNESS}\n`;
  },
  compile(fileName, problem) {
    const cp = problem && isMultiplE(problem) ? ['-cp', JAVATUPLES] : [];
    return ['javac', ...FAST_JVM.map((f) => `-J${f}`), '-J-Xmx256m', '-nowarn', '-encoding', 'UTF-8', ...cp, fileName];
  },
  compileTimeoutMs: 30_000,
  command(_fileName, problem) {
    if (problem && isMultiplE(problem)) return ['java', ...FAST_JVM, '-Xmx256m', '-Xss16m', '-ea', '-cp', `.:${JAVATUPLES}`, JAVA_HARNESS_CLASS];
    return ['java', ...FAST_JVM, '-Xmx256m', '-Xss16m', '-cp', '.', JAVA_HARNESS_CLASS];
  },
  failureDetail(output) {
    return firstMatch(output, /^Exception in thread "[^"]*" (.*)$/) ?? firstMatch(output, /^([\w.$]+(?:Error|Exception)(?::.*)?)$/) ?? firstMatch(output, /^(.*: error: .*)$/);
  },
  minTimeoutMs: 10_000,
  limitAddressSpace: false,
  // Helpers live inside the class, which the body already keeps.
  extraction: braceExtraction(),
  reportsTestsDone: true,
};

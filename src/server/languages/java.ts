// Java (HumanEval-X convention): prompt (class Solution …) + completion + "\n" + tests (public class
// Main with a main that throws AssertionError), in Main.java; javac, then java. JVM flags favour start-up.
import { JAVA_HARNESS, JAVA_HARNESS_CLASS, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch } from './detail';

const FAST_JVM = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];

export const javaLanguage: HarnessedLanguage = {
  name: 'java',
  fileName: 'Main.java',
  assemble(problem, completion) {
    // The harness class (harness.ts) runs Main.main and then says the tests finished.
    return `${problem.prompt}${completion}\n${problem.tests}\n${JAVA_HARNESS}\n`;
  },
  compile(fileName) {
    return ['javac', ...FAST_JVM.map((f) => `-J${f}`), '-J-Xmx256m', '-nowarn', '-encoding', 'UTF-8', fileName];
  },
  compileTimeoutMs: 30_000,
  command() {
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

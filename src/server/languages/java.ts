// Java (HumanEval-X convention): prompt (class Solution …) + completion + "\n" + tests (public class
// Main with a main that throws AssertionError), in Main.java; javac, then java. JVM flags favour start-up.
import type { Language } from '../plugins';
import { braceExtraction } from './braces';
import { firstMatch } from './detail';

const FAST_JVM = ['-XX:+UseSerialGC', '-XX:TieredStopAtLevel=1', '-Xshare:auto'];

export const javaLanguage: Language = {
  name: 'java',
  fileName: 'Main.java',
  assemble(problem, completion) {
    return `${problem.prompt}${completion}\n${problem.tests}\n`;
  },
  compile(fileName) {
    return ['javac', ...FAST_JVM.map((f) => `-J${f}`), '-J-Xmx256m', '-nowarn', '-encoding', 'UTF-8', fileName];
  },
  compileTimeoutMs: 30_000,
  command() {
    return ['java', ...FAST_JVM, '-Xmx256m', '-Xss16m', '-cp', '.', 'Main'];
  },
  failureDetail(output) {
    return firstMatch(output, /^Exception in thread "[^"]*" (.*)$/) ?? firstMatch(output, /^([\w.$]+(?:Error|Exception)(?::.*)?)$/) ?? firstMatch(output, /^(.*: error: .*)$/);
  },
  minTimeoutMs: 10_000,
  limitAddressSpace: false,
  // Helpers live inside the class, which the body already keeps.
  extraction: braceExtraction(),
};

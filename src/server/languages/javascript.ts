// JavaScript (HumanEval-X convention): prompt + completion + "\n" + tests, run with `node`.
// HumanEval-X's tests use console.assert, which only prints in Node: a failed assertion must fail the
// sample, so the program starts by making console.assert throw (and unwritable, so a completion
// cannot switch it back off).
import { JS_EPILOGUE, JS_PROLOGUE, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch } from './detail';
import { multiplECompletion } from './multipl-e';

export const CONSOLE_ASSERT_THROWS =
  "(() => { class AssertionError extends Error {} AssertionError.prototype.name = 'AssertionError'; " +
  "Object.defineProperty(console, 'assert', { writable: false, configurable: false, value: function (ok, ...m) { " +
  "if (!ok) throw new AssertionError('console.assert failed' + (m.length ? ': ' + m.join(' ') : '')); } }); })();";

/** "AssertionError: …", "TypeError: …", "SyntaxError: …" from Node's report of an uncaught error. */
export function jsFailureDetail(output: string): string | undefined {
  return firstMatch(output, /^((?:[A-Z][\w$]*)?(?:Error|Exception)(?: \[[\w$]+\])?(?::.*)?)$/) ?? firstMatch(output, /^(Uncaught .*)$/);
}

export const javascriptLanguage: HarnessedLanguage = {
  name: 'javascript',
  fileName: 'program.js',
  assemble(problem, completion) {
    // The harness (harness.ts) shares the first line, so the program's own lines keep their numbers.
    // A MultiPL-E completion is cut at its stop tokens first (multipl-e.ts).
    return `${CONSOLE_ASSERT_THROWS} ${JS_PROLOGUE}\n${problem.prompt}${multiplECompletion(problem, completion)}\n${problem.tests}\n${JS_EPILOGUE}\n`;
  },
  command(fileName) {
    return ['node', '--max-old-space-size=256', fileName];
  },
  failureDetail: jsFailureDetail,
  limitAddressSpace: false,
  // Top-level functions are hoisted: helpers the model wrote are kept after the entry point.
  extraction: braceExtraction({ helpers: /^(?:export\s+)?(?:async\s+)?function\s*\*?\s*(\w+)\s*\(|^(?:export\s+)?(?:const|let|var)\s+(\w+)\s*=\s*(?:async\s*)?(?:function\b|\([^)]*\)\s*=>|\w+\s*=>)/gm }),
  reportsTestsDone: true,
};

// MultiPL-E's programs (suites/multipl-e.ts labels its problems `harness: 'multipl-e'`), as
// MultiPL-E's own evaluators build and judge them (nuprl/MultiPL-E evaluation/src/eval_*.py):
//  - the completion is cut at its first stop token (MultiPL-E's generation does this to every
//    completion before it is evaluated; completions it saved are already cut, so this changes nothing
//    for them);
//  - the program is prompt + completion + "\n" + tests; for Java, Rust and C++ the tests begin by
//    closing the function the completion started.
// Each language plugin then adds its marker harness (harness.ts) without moving the program's lines.
import type { CodeProblem } from '../plugins';

export function isMultiplE(problem: CodeProblem): boolean {
  return problem.labels?.harness === 'multipl-e';
}

/** The problem's stop tokens (labels.stopTokens), when it has them. */
export function stopTokensOf(problem: CodeProblem): string[] | undefined {
  const s = problem.labels?.stopTokens;
  return Array.isArray(s) && s.length && s.every((x) => typeof x === 'string') ? s as string[] : undefined;
}

/** The text before the first occurrence of any stop token (MultiPL-E's stop_at_stop_token). */
export function cutAtStopTokens(completion: string, stopTokens: readonly string[]): string {
  let end = completion.length;
  for (const t of stopTokens) {
    if (!t) continue;
    const i = completion.indexOf(t);
    if (i >= 0 && i < end) end = i;
  }
  return completion.slice(0, end);
}

/** A MultiPL-E problem's completion as MultiPL-E evaluates it (cut at its stop tokens); other problems' as is. */
export function multiplECompletion(problem: CodeProblem, completion: string): string {
  const stop = isMultiplE(problem) ? stopTokensOf(problem) : undefined;
  return stop ? cutAtStopTokens(completion, stop) : completion;
}

/** MultiPL-E's program: prompt + completion (cut at the stop tokens) + "\n" + tests. */
export function multiplEProgram(problem: CodeProblem, completion: string, tests = problem.tests): string {
  return `${problem.prompt}${multiplECompletion(problem, completion)}\n${tests}`;
}

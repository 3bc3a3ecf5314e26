// Small helpers shared by the language plugins to pull a one-line failure reason out of output.

export function lines(output: string): string[] {
  return output.split('\n').map((l) => l.replace(/\s+$/, ''));
}

/** The first line matching `re` (its first group when it has one). */
export function firstMatch(output: string, re: RegExp): string | undefined {
  for (const l of lines(output)) {
    const m = re.exec(l);
    if (m) return (m[1] ?? m[0]).trim();
  }
  return undefined;
}

/** The first compiler error line (`file:line:col: error: …`, `error[E0425]: …`). */
export function compilerError(output: string): string | undefined {
  return firstMatch(output, /^(.*\berror\b.*)$/i);
}

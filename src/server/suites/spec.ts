// A suite spec is a name or a path, optionally followed by "#language=<l>" (the CLI's
// --suite-language): the language of a suite file that does not say it itself.

const ALIASES: Record<string, string> = {
  py: 'python', python: 'python', js: 'javascript', javascript: 'javascript', ts: 'typescript', typescript: 'typescript',
  java: 'java', cpp: 'cpp', 'c++': 'cpp', cc: 'cpp', go: 'go', golang: 'go', rs: 'rust', rust: 'rust',
};

/** A language name as the language plugins know it ("js" → "javascript"); unknown names pass through. */
export function languageName(l: string): string {
  return ALIASES[l.toLowerCase()] ?? l.toLowerCase();
}

export function splitSpec(spec: string): { path: string; language?: string } {
  const m = /^(.*)#language=([\w+-]+)$/.exec(spec);
  return m ? { path: m[1], language: languageName(m[2]) } : { path: spec };
}

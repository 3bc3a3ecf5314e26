// TypeScript: assembled like JavaScript, transpiled by esbuild inside the sandbox (types are stripped,
// not checked: a type error alone does not fail a sample), then run as JavaScript.
import type { HarnessedLanguage } from './harness';
import { javascriptLanguage } from './javascript';

export const typescriptLanguage: HarnessedLanguage = {
  ...javascriptLanguage,
  name: 'typescript',
  fileName: 'program.ts',
  compile(fileName) {
    return ['esbuild', fileName, '--outfile=program.js', '--format=cjs', '--platform=node', '--target=node18', '--log-level=error'];
  },
  compileTimeoutMs: 10_000,
  command() {
    return javascriptLanguage.command('program.js');
  },
};

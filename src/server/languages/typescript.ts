// TypeScript: assembled like JavaScript, transpiled by esbuild inside the sandbox (types are stripped,
// not checked: a type error alone does not fail a sample), then run with `node`.
import type { Language } from '../plugins';
import { CONSOLE_ASSERT_THROWS, jsFailureDetail } from './javascript';

export const typescriptLanguage: Language = {
  name: 'typescript',
  fileName: 'program.ts',
  assemble(problem, completion) {
    return `${CONSOLE_ASSERT_THROWS}\n${problem.prompt}${completion}\n${problem.tests}\n`;
  },
  compile(fileName) {
    return ['esbuild', fileName, '--outfile=program.js', '--format=cjs', '--platform=node', '--target=node18', '--log-level=error'];
  },
  compileTimeoutMs: 10_000,
  command() {
    return ['node', '--max-old-space-size=256', 'program.js'];
  },
  failureDetail: jsFailureDetail,
  limitAddressSpace: false,
};

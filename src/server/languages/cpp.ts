// C++ (HumanEval-X convention): the standard headers the prompt lacks + prompt + completion + "\n" +
// tests (a main with assert); g++, then run. libcrypto is linked because one problem (CPP/162) uses
// OpenSSL's MD5.
import { CPP_GUARD, guardCppMain, type HarnessedLanguage } from './harness';
import { braceExtraction } from './braces';
import { firstMatch } from './detail';
import { multiplECompletion } from './multipl-e';

// CodeGeeX's IMPORT_HELPER["cpp"]: added when the prompt does not include them itself.
const HEADERS = ['#include<stdlib.h>', '#include<algorithm>', '#include<math.h>', '#include<stdio.h>', '#include<vector>',
  '#include<string>', '#include<climits>', '#include<cstring>', '#include<iostream>'];

export const cppLanguage: HarnessedLanguage = {
  name: 'cpp',
  fileName: 'program.cpp',
  assemble(problem, completion) {
    const setup = HEADERS.filter((h) => !problem.prompt.includes(h)).join('\n');
    // The guard (harness.ts) says the tests finished when main returns. A MultiPL-E completion is
    // cut at its stop tokens first (multipl-e.ts).
    return guardCppMain(`${CPP_GUARD}${setup}\n\n${problem.prompt}${multiplECompletion(problem, completion)}\n${problem.tests}\n`);
  },
  compile(fileName) {
    // /opt/cpp/crucible.h(.gch): the HEADERS, precompiled in the image; the flags must match its build.
    return ['sh', '-c', `exec g++ -std=c++17 -O1 -w $([ -r /opt/cpp/crucible.h.gch ] && echo -include /opt/cpp/crucible.h) ${fileName} -o prog -lcrypto`];
  },
  compileTimeoutMs: 30_000,
  command() {
    return ['./prog'];
  },
  failureDetail(output) {
    const a = firstMatch(output, /(Assertion `.*' failed\.?)/);
    if (a) return a;
    const what = firstMatch(output, /^\s*what\(\):\s*(.*)$/);
    const thrown = firstMatch(output, /^(terminate called after throwing an instance of .*)$/);
    if (thrown) return what ? `${thrown}: ${what}` : thrown;
    return firstMatch(output, /^(.*\berror:.*)$/);
  },
  // No helpers kept: C++ declares before use, and the completion comes after the entry point.
  extraction: braceExtraction(),
  reportsTestsDone: true,
};

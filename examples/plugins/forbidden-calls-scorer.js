// Example scorer plugin: flags code completions that call functions a team does not want in
// generated code (eval, exec, os.system, subprocess, …), beside the tests' verdict. Each sample
// gets an outcome `flagged` (value 1, the calls found) or `clean` (value 0). Options from
// crucible.yaml: `scorers: { forbidden-calls: { names: [eval, exec, os.system] } }`.
//
// A plugin module exports activate(api); api.registerScorer takes { name, kinds, create(ctx) }
// and create returns { name, score(input) } (see src/server/plugins.ts: ScorerFactory).
'use strict';

const DEFAULT = ['eval', 'exec', 'os.system', 'os.popen', 'subprocess.run', 'subprocess.Popen', 'subprocess.call', '__import__'];

/** Python source with comments and string literals blanked, so `# eval(` or "eval(" in a string is not a call. */
function codeOnly(src) {
  return src.replace(/("""[\s\S]*?"""|'''[\s\S]*?'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|#[^\n]*)/g, (m) => m.replace(/[^\n]/g, ' '));
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const scorer = {
  name: 'forbidden-calls',
  kinds: ['code'],
  async create(ctx) {
    const names = Array.isArray(ctx.options.names) && ctx.options.names.length ? ctx.options.names.map(String) : DEFAULT;
    const pattern = new RegExp(`(?<![\\w.])(${names.map(escape).join('|')})\\s*\\(`, 'g');
    return {
      name: 'forbidden-calls',
      async score({ completion }) {
        const found = [...new Set([...codeOnly(completion).matchAll(pattern)].map((m) => m[1]))];
        return found.length
          ? { status: 'flagged', value: 1, label: found.join(','), detail: `calls ${found.join(', ')}`, meta: { calls: found } }
          : { status: 'clean', value: 0, detail: 'no forbidden call' };
      },
    };
  },
};

exports.activate = function activate(api) {
  api.registerScorer(scorer);
};

// The packages a reply's code needs: imports read by real parsers (@lezer/python; @lezer/javascript, its
// TypeScript dialect for TS), not by regular expressions, so an import in a comment or a string is not
// one; plus the packages its shell lines install (pip/npm/yarn/pnpm). Each becomes the name a user would
// install (distributions.ts); standard library imports are kept, marked as such, and never looked up.
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser as jsParser } from '@lezer/javascript';
import { parser as pyParser } from '@lezer/python';
import { findFences } from '../extract/code';
import { type Ecosystem, npmPackage, plausibleName, pythonDistribution } from './distributions';

export type CodeLanguage = 'python' | 'javascript' | 'typescript';

export interface FoundPackage {
  ecosystem: Ecosystem;
  /** What to install (a PyPI distribution or npm package name). */
  name: string;
  /** How the reply referred to it: the module imported, or "pip install …". */
  via: string;
  /** From an import, or from an install command. */
  source: 'import' | 'install';
}

export interface ReplyPackages {
  /** Third-party packages, one per (ecosystem, name), in order of first mention. */
  packages: FoundPackage[];
  /** Standard-library modules the code imports (not looked up). */
  stdlib: string[];
  /** Whether the reply holds any code (fenced, or parseable as the problem's language). */
  hasCode: boolean;
  /** Python modules defined by the reply itself (class/def files are not modules; `# file: utils.py` headers are). */
  local: string[];
}

const TS = jsParser.configure({ dialect: 'ts' });
const PY_TAGS = new Set(['python', 'py', 'python3', 'py3', 'ipython', 'pycon']);
const JS_TAGS = new Set(['javascript', 'js', 'jsx', 'mjs', 'cjs', 'node', 'nodejs']);
const TS_TAGS = new Set(['typescript', 'ts', 'tsx', 'mts', 'cts']);
const SHELL_TAGS = new Set(['bash', 'sh', 'shell', 'zsh', 'console', 'shell-session', 'powershell', 'ps1', 'cmd', 'bat', 'terminal']);

const strValue = (src: string, n: SyntaxNode | null): string | null => {
  if (!n || n.name !== 'String') return null;
  const s = src.slice(n.from, n.to);
  // Plain literals only: a prefixed (f"…") or concatenated string is not a fixed module name.
  const m = /^(['"])(.*)\1$/s.exec(s) ?? /^`([^`$]*)`$/.exec(s);
  return m ? (m.length === 3 ? m[2] : m[1]) : null;
};

/** Python: `import a.b as c, d`, `from a.b import c` (relative imports skipped), `__import__("x")`, `importlib.import_module("x")`. */
export function pythonImports(src: string, tree: Tree = pyParser.parse(src)): string[] {
  const out: string[] = [];
  tree.iterate({
    enter: (ref) => {
      const n = ref.node;
      if (n.name === 'ImportStatement') {
        if (hasError(n)) return false;
        const kids: SyntaxNode[] = [];
        for (let c = n.firstChild; c; c = c.nextSibling) kids.push(c);
        const text = (c: SyntaxNode) => src.slice(c.from, c.to);
        if (kids[0]?.name === 'from') {
          // from <dots><name(.name)*> import …
          let i = 1, mod = '', relative = false;
          for (; i < kids.length && kids[i].name !== 'import'; i++) {
            if (kids[i].name === '.' || text(kids[i]).startsWith('.')) { if (!mod) relative = true; else mod += '.'; } else mod += text(kids[i]);
          }
          if (!relative && mod) out.push(mod);
        } else {
          // import a.b as c, d.e
          let mod = '', alias = false;
          for (const c of kids.slice(1)) {
            if (c.name === ',') { if (mod) out.push(mod); mod = ''; alias = false; } else if (c.name === 'as') alias = true;
            else if (!alias) mod += c.name === '.' ? '.' : text(c);
          }
          if (mod) out.push(mod);
        }
        return false;
      }
      if (n.name === 'CallExpression') {
        const callee = n.firstChild;
        const name = callee ? src.slice(callee.from, callee.to).replace(/\s+/g, '') : '';
        if (name === '__import__' || name === 'importlib.import_module' || name === 'import_module') {
          const args = n.getChild('ArgList');
          const first = args?.firstChild?.nextSibling ?? null;
          const v = strValue(src, first);
          if (v && !v.startsWith('.')) out.push(v);
        }
      }
      return undefined;
    },
  });
  return out;
}

/** JavaScript/TypeScript: `import … from 'x'`, `import 'x'`, `export … from 'x'`, `import('x')`, `require('x')`. */
export function jsImports(src: string, ts = false): string[] {
  const tree = (ts ? TS : jsParser).parse(src);
  const out: string[] = [];
  tree.iterate({
    enter: (ref) => {
      const n = ref.node;
      if (n.name === 'ImportDeclaration' || n.name === 'ExportDeclaration') {
        // The module is the declaration's own String child (not one inside a default value).
        for (let c = n.firstChild; c; c = c.nextSibling) {
          const v = strValue(src, c);
          if (v !== null) { out.push(v); break; }
        }
        return false;
      }
      if (n.name === 'DynamicImport') {
        for (let c = n.firstChild; c; c = c.nextSibling) {
          const v = strValue(src, c);
          if (v !== null) { out.push(v); break; }
        }
        return undefined;
      }
      if (n.name === 'CallExpression') {
        const callee = n.firstChild;
        if (callee && src.slice(callee.from, callee.to) === 'require') {
          const first = n.getChild('ArgList')?.firstChild?.nextSibling ?? null;
          const v = strValue(src, first);
          if (v !== null) out.push(v);
        }
      }
      return undefined;
    },
  });
  return out;
}

function hasError(n: SyntaxNode): boolean {
  let bad = false;
  n.toTree().iterate({ enter: (r) => { if (r.type.isError) bad = true; return !bad; } });
  return bad;
}

/** Packages a shell line installs: `pip install -U a b==1.2`, `python -m pip install`, `npm i -D x`, `yarn add`, `pnpm add`, `conda`-free. */
export function installs(line: string): FoundPackage[] {
  const cmd = line.replace(/^\s*(\$|>|%|!|PS [^>]*>)\s*/, '').trim();
  const out: FoundPackage[] = [];
  for (const part of cmd.split(/&&|;|\|\|/)) {
    const words = part.trim().split(/\s+/);
    let eco: Ecosystem | null = null, start = -1;
    for (let i = 0; i < words.length; i++) {
      const w = words[i];
      if (/^(pip3?|pipx|uv|poetry)$/.test(w) || (w === '-m' && /^pip3?$/.test(words[i + 1] ?? ''))) {
        const sub = words.slice(i + 1).findIndex((x) => x === 'install' || x === 'add');
        if (sub >= 0) { eco = 'pypi'; start = i + 1 + sub + 1; }
        break;
      }
      if (/^(npm|yarn|pnpm|bun)$/.test(w)) {
        const sub = words.slice(i + 1).findIndex((x) => /^(install|i|add)$/.test(x));
        if (sub >= 0) { eco = 'npm'; start = i + 1 + sub + 1; }
        break;
      }
    }
    if (!eco) continue;
    for (let j = start; j < words.length; j++) {
      const w = words[j].replace(/^['"]|['"]$/g, '');
      if (!w || w.startsWith('-')) { if (/^-(r|c|e|-requirement|-constraint|-editable|-index-url|i)$/.test(w)) j++; continue; }
      if (/^(#|>|\||2>)/.test(w)) break;
      if (/[/\\:]/.test(w) && !(eco === 'npm' && /^@[^/]+\/[^/@]+(@.*)?$/.test(w))) continue; // paths, URLs, VCS specs
      const name = eco === 'pypi' ? w.replace(/\[.*?\]/, '').split(/[=<>!~;@ ]/)[0] : w.replace(/(.)@.*$/, '$1');
      if (name && plausibleName(eco, name)) out.push({ ecosystem: eco, name, via: `${eco === 'pypi' ? 'pip' : 'npm'} install ${name}`, source: 'install' });
    }
  }
  return out;
}

/** Which language an untagged block is in: TS/JS by their import forms, else Python. */
function guessLanguage(code: string): CodeLanguage | 'shell' {
  if (/^\s*(\$\s*)?(pip3?|npm|yarn|pnpm|python3? -m pip)\s+(install|add|i)\b/m.test(code) && code.split('\n').filter((l) => l.trim()).length <= 3) return 'shell';
  if (/\brequire\(\s*['"]|^\s*import\s+[\w{}*,\s]+\s+from\s+['"]|^\s*(const|let|var)\s+\w+\s*=|=>/m.test(code)) return /:\s*(string|number|boolean)\b|interface\s+\w+/.test(code) ? 'typescript' : 'javascript';
  return 'python';
}

function langOfTag(tag: string): CodeLanguage | 'shell' | null {
  if (PY_TAGS.has(tag)) return 'python';
  if (JS_TAGS.has(tag)) return 'javascript';
  if (TS_TAGS.has(tag)) return 'typescript';
  if (SHELL_TAGS.has(tag)) return 'shell';
  return null;
}

/**
 * Everything a reply asks a user to install. Code is read from its markdown fences; a reply without
 * fences is read as code of `fallback` (a code problem's language) — for a chat reply, only when it
 * parses as Python imports at the start of a line. Shell fences and `$ pip install` lines in prose count.
 */
export function replyPackages(reply: string, fallback: CodeLanguage | null = null): ReplyPackages {
  const text = reply.replace(/<think>[\s\S]*?<\/think>/g, '');
  const fences = findFences(text);
  const blocks: { lang: CodeLanguage | 'shell'; code: string }[] = [];
  for (const f of fences) {
    const lang = langOfTag(f.lang) ?? (f.lang ? null : guessLanguage(f.code));
    if (lang) blocks.push({ lang, code: f.code });
  }
  let hasCode = blocks.some((b) => b.lang !== 'shell' && b.code.trim());
  if (!fences.length) {
    if (fallback) { blocks.push({ lang: fallback, code: text }); hasCode = !!text.trim(); } else {
      // Prose with code lines but no fence: the import lines themselves.
      const lines = text.split('\n').filter((l) => /^(import\s+[\w.]+|from\s+[\w.]+\s+import\s+[\w*(]|(const|let|var)\s+.*=\s*require\(|import\s+.*\s+from\s+['"])/.test(l));
      if (lines.length) { blocks.push({ lang: lines.some((l) => /require\(|from\s+['"]/.test(l)) ? 'javascript' : 'python', code: lines.join('\n') }); hasCode = true; }
    }
  }
  // Install commands anywhere: shell fences, and prose lines or inline code like `pip install foo`.
  const shellText = [...blocks.filter((b) => b.lang === 'shell').map((b) => b.code), ...text.split('\n').filter((l) => /(pip3?|npm|yarn|pnpm)\s+(install|add|i)\s/.test(l)).map((l) => l.replace(/`/g, '\n'))];

  const packages: FoundPackage[] = [];
  const stdlib = new Set<string>();
  const local = new Set<string>();
  const seen = new Set<string>();
  const add = (p: FoundPackage) => {
    const key = `${p.ecosystem}\0${p.ecosystem === 'pypi' ? p.name.toLowerCase().replace(/[-_.]+/g, '-') : p.name}`;
    if (!seen.has(key)) { seen.add(key); packages.push(p); }
  };
  // Modules the reply writes itself ("# utils.py" / "// file: helpers.js" headers) are not packages.
  for (const m of text.matchAll(/^(?:#|\/\/)\s*(?:file(?:name)?:\s*)?([\w/.-]+)\.(py|js|ts|mjs)\s*$/gim)) local.add(m[1].split('/').pop()!);
  for (const b of blocks) {
    if (b.lang === 'shell') continue;
    if (b.lang === 'python') {
      for (const mod of pythonImports(b.code)) {
        const top = mod.split('.')[0];
        if (local.has(top)) continue;
        const dist = pythonDistribution(mod);
        if (dist === null) stdlib.add(top);
        else if (plausibleName('pypi', dist)) add({ ecosystem: 'pypi', name: dist, via: `import ${mod}`, source: 'import' });
      }
    } else {
      for (const spec of jsImports(b.code, b.lang === 'typescript')) {
        const pkg = npmPackage(spec);
        if (pkg === null) { if (!spec.startsWith('.') && !spec.startsWith('/')) stdlib.add(spec.replace(/^node:/, '').split('/')[0]); continue; }
        if (local.has(pkg)) continue;
        if (plausibleName('npm', pkg)) add({ ecosystem: 'npm', name: pkg, via: `import '${spec}'`, source: 'import' });
      }
    }
  }
  for (const s of shellText) for (const line of s.split('\n')) for (const p of installs(line)) add(p);
  return { packages, stdlib: [...stdlib], hasCode, local: [...local] };
}

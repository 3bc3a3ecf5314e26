// How alike two answers are. Code: tokens of normalised code (comments and whitespace gone; identifiers
// optionally renamed to their order of first appearance, so a copy with renamed variables still matches),
// compared as multisets of token 3-grams (Dice coefficient, as MOSS-style detectors compare k-grams).
// Prose: lexical, the Jaccard index of the two sets of lower-cased words. Pure functions.
import { parser as jsParser } from '@lezer/javascript';
import { parser as pyParser } from '@lezer/python';
import { rng } from './stats';

const TS = jsParser.configure({ dialect: 'ts' });
const IDENT = new Set(['VariableName', 'VariableDefinition', 'PropertyName', 'PropertyDefinition', 'TypeName', 'TypeDefinition', 'Label']);

/** Normalised tokens of code. Python, JavaScript and TypeScript are parsed; other languages are split lexically (C-like comments removed). */
export function codeTokens(code: string, language: string, renameIdentifiers: boolean): string[] {
  const names = new Map<string, string>();
  const ident = (s: string) => {
    if (!renameIdentifiers) return s;
    let r = names.get(s);
    if (!r) names.set(s, (r = `id${names.size}`));
    return r;
  };
  const parser = language === 'python' ? pyParser : language === 'javascript' ? jsParser : language === 'typescript' ? TS : null;
  const out: string[] = [];
  if (parser) {
    parser.parse(code).iterate({
      enter: (n) => {
        if (n.type.name === 'Comment' || n.type.name === 'LineComment' || n.type.name === 'BlockComment') return false;
        if (n.node.firstChild) return undefined; // leaves only
        const text = code.slice(n.from, n.to);
        if (!text.trim()) return false;
        out.push(IDENT.has(n.type.name) ? ident(text) : text);
        return false;
      },
    });
    return out;
  }
  const stripped = code.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/\/\/[^\n]*/g, ' ');
  const KEYWORDS = /^(if|else|for|while|return|func|fn|def|class|struct|int|long|char|void|bool|let|mut|const|var|public|private|static|import|package|use|new|true|false|null|nil|auto|double|float|string|String|include)$/;
  for (const m of stripped.matchAll(/[A-Za-z_]\w*|\d+(?:\.\d+)?|"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*'|\S/g)) {
    const t = m[0];
    out.push(/^[A-Za-z_]/.test(t) && !KEYWORDS.test(t) ? ident(t) : t);
  }
  return out;
}

/** Lower-cased words of prose. */
export function proseTokens(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu) ?? [];
}

function grams(tokens: readonly string[], k: number): Map<string, number> {
  const m = new Map<string, number>();
  const kk = tokens.length < k ? 1 : k;
  for (let i = 0; i + kk <= tokens.length; i++) {
    const g = tokens.slice(i, i + kk).join('\u0001');
    m.set(g, (m.get(g) ?? 0) + 1);
  }
  return m;
}

/** Dice coefficient of two multisets of token k-grams, in [0, 1]; two empty answers are identical (1). */
export function tokenSimilarity(a: readonly string[], b: readonly string[], k = 3): number {
  if (!a.length && !b.length) return 1;
  if (!a.length || !b.length) return 0;
  const ga = grams(a, k), gb = grams(b, k);
  let shared = 0, na = 0, nb = 0;
  for (const v of ga.values()) na += v;
  for (const v of gb.values()) nb += v;
  for (const [g, v] of ga) shared += Math.min(v, gb.get(g) ?? 0);
  return (2 * shared) / (na + nb);
}

/** Jaccard index of the two word sets, in [0, 1]; two empty answers are identical (1). */
export function lexicalSimilarity(a: readonly string[], b: readonly string[]): number {
  const sa = new Set(a), sb = new Set(b);
  if (!sa.size && !sb.size) return 1;
  let inter = 0;
  for (const w of sa) if (sb.has(w)) inter++;
  return inter / (sa.size + sb.size - inter);
}

export interface PermutationResult {
  /** Mean similarity of matched answers (same problem). */
  observed: number;
  /** Mean similarity when answers are paired with other problems' answers (the permutations' mean). */
  nullMean: number;
  pValue: number;
  exact: boolean;
  resamples: number;
  seed: number;
}

/**
 * Permutation test of agreement: `sim[i][j]` is the similarity of arm A's answer to problem i and arm B's
 * answer to problem j. Under H0 (B's answers are no more like A's on the same problem than on any other),
 * shuffling which problem B's answer belongs to leaves the mean similarity unchanged. One-sided: p is the
 * share of permutations with mean ≥ the observed one — exact over all n! for n ≤ 8, else Monte Carlo
 * with (count + 1)/(B + 1), so p is never reported as 0.
 */
export function agreementPermutationTest(sim: readonly (readonly number[])[], opts: { resamples?: number; seed?: number } = {}): PermutationResult | null {
  const n = sim.length;
  if (n < 2) return null;
  const meanOf = (perm: readonly number[]) => { let s = 0; for (let i = 0; i < n; i++) s += sim[i][perm[i]]; return s / n; };
  const id = Array.from({ length: n }, (_, i) => i);
  const observed = meanOf(id);
  const tol = 1e-12 * Math.max(1, Math.abs(observed));
  const seed = opts.seed ?? 1;
  if (n <= 8) {
    let hits = 0, total = 0, sum = 0;
    const perm = [...id];
    const visit = (k: number) => {
      if (k === n) { const m = meanOf(perm); total++; sum += m; if (m >= observed - tol) hits++; return; }
      for (let i = k; i < n; i++) {
        [perm[k], perm[i]] = [perm[i], perm[k]];
        visit(k + 1);
        [perm[k], perm[i]] = [perm[i], perm[k]];
      }
    };
    visit(0);
    return { observed, nullMean: sum / total, pValue: hits / total, exact: true, resamples: total, seed };
  }
  const B = opts.resamples ?? 5000, next = rng(seed);
  let hits = 0, sum = 0;
  const perm = [...id];
  for (let b = 0; b < B; b++) {
    for (let i = n - 1; i > 0; i--) { const j = Math.floor(next() * (i + 1)); [perm[i], perm[j]] = [perm[j], perm[i]]; }
    const m = meanOf(perm);
    sum += m;
    if (m >= observed - tol) hits++;
  }
  return { observed, nullMean: sum / B, pValue: (hits + 1) / (B + 1), exact: false, resamples: B, seed };
}

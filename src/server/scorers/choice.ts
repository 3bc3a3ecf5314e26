// `choice`: grades replies to questions with a known answer, exactly. Multiple choice (TruthfulQA MC1 and
// the user's own): the letter the reply picks; short answers (yes/no, "does CVE-… exist?"): the option
// the reply gives, or a match with an accepted answer. Outcome classes: correct, incorrect, unparsed (no
// single choice could be read — counted as not correct, and apart); the extracted choice is the label.
import type { Problem, Score, ScorerFactory } from '../plugins';

/** What a problem's metadata carries for this scorer (`metadata.known`). */
export type KnownAnswer =
  /** Options shown as A, B, C, … in this order; `correct` is the right letter; `seed` shuffled them. */
  | { kind: 'choice'; options: string[]; correct: string; seed?: number }
  /** A short answer: `accepted` are right; `options` (when given) are every answer the question allows, e.g. yes/no. */
  | { kind: 'exact'; accepted: string[]; options?: string[] };

export function knownAnswerOf(p: Problem): KnownAnswer | null {
  const k = p.metadata?.known as KnownAnswer | undefined;
  return k && (k.kind === 'choice' || k.kind === 'exact') ? k : null;
}

export const letters = (n: number) => Array.from({ length: n }, (_, i) => String.fromCharCode(65 + i));

const norm = (s: string) => s.toLowerCase().replace(/[*_`"'“”‘’]/g, '').replace(/[^\p{L}\p{N}]+/gu, ' ').replace(/\b(the|a|an)\b/g, ' ').replace(/\s+/g, ' ').trim();

/** The last stated answer in a reply ("Answer: B", "the answer is (B)"), else the whole reply. */
function answerPart(reply: string): string {
  const t = reply.replace(/<think>[\s\S]*?<\/think>/g, '').trim();
  const m = [...t.matchAll(/(?:final answer|answer|choice|option)\s*(?:is|:)\s*([^\n]*)/gi)];
  return m.length ? m[m.length - 1][1] : t;
}

/** The letter a reply picks among `n` options, or null when it picks none or several. */
export function extractLetter(reply: string, options: string[]): string | null {
  const ls = letters(options.length);
  const valid = new Set(ls);
  const part = answerPart(reply).trim();
  const strip = part.replace(/^[\s*_(["]+/, '');
  // "B", "B)", "(B)", "B.", "**B**", "B: text" at the start of the answer.
  // A bare letter followed by a word ("I think…", "A good question") counts only when the word is its option's text.
  const lead = /^([A-Z])(?:[).:\]*]|$|\n)/.exec(strip) ?? /^([A-Z])\s+(.*)$/s.exec(strip);
  if (lead && valid.has(lead[1]) && (lead[2] === undefined || norm(lead[2]).startsWith(norm(options[ls.indexOf(lead[1])])))) return lead[1];
  const inParens = new Set([...part.matchAll(/\(([A-Z])\)/g)].map((m) => m[1]).filter((l) => valid.has(l)));
  if (inParens.size === 1) return [...inParens][0];
  // The text of exactly one option, in full.
  const n = norm(part);
  const hits = options.map((o, i) => (norm(o) && n.includes(norm(o)) ? ls[i] : null)).filter((x): x is string => !!x);
  if (hits.length === 1) return hits[0];
  // Longer options contain shorter ones: take the longest when it contains every other hit.
  if (hits.length > 1) {
    const longest = hits.map((l) => ({ l, o: norm(options[ls.indexOf(l)]) })).sort((a, b) => b.o.length - a.o.length);
    if (longest.slice(1).every((h) => longest[0].o.includes(h.o))) return longest[0].l;
  }
  return null;
}

/** The option a short reply gives (yes/no, …), or null when none or several. */
export function extractOption(reply: string, options: string[]): string | null {
  const part = norm(answerPart(reply));
  const first = options.filter((o) => new RegExp(`^${norm(o)}\\b`).test(part));
  if (first.length === 1) return first[0];
  const any = options.filter((o) => new RegExp(`\\b${norm(o)}\\b`).test(part));
  return any.length === 1 ? any[0] : null;
}

/** Grades a reply against a known answer. */
export function gradeKnown(reply: string, k: KnownAnswer): { status: 'correct' | 'incorrect' | 'unparsed'; extracted: string | null; expected: string } {
  if (k.kind === 'choice') {
    const got = extractLetter(reply, k.options);
    return { status: got === null ? 'unparsed' : got === k.correct ? 'correct' : 'incorrect', extracted: got, expected: k.correct };
  }
  const accepted = k.accepted.map(norm);
  if (k.options?.length) {
    const got = extractOption(reply, k.options);
    return { status: got === null ? 'unparsed' : accepted.includes(norm(got)) ? 'correct' : 'incorrect', extracted: got, expected: k.accepted[0] };
  }
  const part = norm(answerPart(reply));
  if (!part) return { status: 'unparsed', extracted: null, expected: k.accepted[0] };
  const ok = accepted.some((a) => part === a || new RegExp(`^${a}\\b`).test(part));
  return { status: ok ? 'correct' : 'incorrect', extracted: part.slice(0, 120), expected: k.accepted[0] };
}

export const choiceScorer: ScorerFactory = {
  name: 'choice',
  kinds: ['chat'],
  async create() {
    return {
      name: 'choice',
      appliesTo: (p: Problem) => knownAnswerOf(p) !== null,
      async score({ problem, raw }): Promise<Score> {
        const k = knownAnswerOf(problem);
        if (!k) throw new Error(`choice: problem ${problem.id} has no known answer (metadata.known)`);
        const g = gradeKnown(raw, k);
        const detail = g.status === 'unparsed' ? `no single answer found (expected ${g.expected})` : `answered ${g.extracted}, expected ${g.expected}`;
        return { status: g.status, value: g.status === 'correct' ? 1 : 0, label: g.extracted ?? undefined, detail, meta: { extracted: g.extracted, expected: g.expected, seed: k.kind === 'choice' ? k.seed : undefined } };
      },
    };
  },
};

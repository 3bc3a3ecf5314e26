// Prompt strategies written as data: system and user templates with variables, few-shot examples,
// reason-then-code and complete-the-body, and sampling parameters of their own. The built-in
// few-shot, reason-then-code and complete-body strategies are made by this file, and so is every
// strategy a workspace defines (the `crucible.strategies` setting, `--strategies FILE.yaml`, crucible.yaml).
import { createHash } from 'node:crypto';
import type { ChatMessage, CodeProblem, Problem, ProblemKind, SamplingParams, Strategy, StrategyContext } from '../plugins';

/** A strategy as a person writes it (YAML/JSON), after validation. */
export interface StrategyConfig {
  name: string;
  description?: string;
  /** Problem kinds it prompts (default: code). */
  kinds?: ProblemKind[];
  /** Templates; variables {{prompt}}, {{language}}, {{entry_point}}, {{examples}}. */
  system?: string;
  user?: string;
  /** Ask for the whole function (default) or only its body. */
  mode?: 'function' | 'body';
  /** Few-shot: this many solved problems of the same suite (never the target) before the target. */
  shots?: number;
  /** Which examples a target gets is a hash of (shotSeed, target, example): fixed, and different per target. */
  shotSeed?: number;
  /** Reason-then-code: the model reasons in <reasoning>…</reasoning> first; that text is stored apart, never run. */
  reasoning?: boolean;
  params?: SamplingParams;
}

export const TEMPLATE_VARIABLES = ['prompt', 'language', 'entry_point', 'examples'] as const;
const VAR = /\{\{\s*([A-Za-z_][\w]*)\s*\}\}/g;

/** The variables a template uses that do not exist (for validation). */
export function unknownVariables(template: string): string[] {
  const out: string[] = [];
  for (const m of template.matchAll(VAR)) if (!(TEMPLATE_VARIABLES as readonly string[]).includes(m[1])) out.push(m[1]);
  return out;
}

export function render(template: string, vars: Record<string, string>): string {
  return template.replace(VAR, (_, name: string) => vars[name] ?? '');
}

const REASONING_OPEN = '<reasoning>', REASONING_CLOSE = '</reasoning>';

function defaultSystem(c: StrategyConfig): string {
  return c.reasoning ? 'You are an expert {{language}} programmer.' : 'You are an expert {{language}} programmer. Reply with code only.';
}

function defaultUser(c: StrategyConfig): string {
  const ask = c.mode === 'body'
    ? 'Write only the body of `{{entry_point}}` (the statements after its docstring, indented as inside the function), in one fenced code block. Do not repeat the signature or the docstring.'
    : 'Complete the following {{language}} function. Return the complete function, including the signature, in one fenced code block.';
  const think = c.reasoning
    ? `\nFirst think it through step by step inside ${REASONING_OPEN}…${REASONING_CLOSE}; then give the code after it.`
    : '';
  return `${ask}${think}\n\n\`\`\`{{language}}\n{{prompt}}\n\`\`\``;
}

/** What the model should answer for a solved example, in the strategy's mode. */
function exampleAnswer(p: CodeProblem, mode: 'function' | 'body'): string {
  const code = mode === 'body' ? p.canonicalSolution! : p.prompt + p.canonicalSolution!;
  return `\`\`\`${p.language}\n${code.replace(/\n+$/, '')}\n\`\`\``;
}

/**
 * k solved problems of the target's suite and language, never the target, ordered by a hash of
 * (seed, target, candidate): the same target always gets the same examples, different targets different ones.
 */
export function pickExamples(target: CodeProblem, pool: readonly Problem[], k: number, seed = 0): CodeProblem[] {
  const rank = (id: string) => createHash('sha1').update(`${seed}\0${target.id}\0${id}`).digest('hex');
  const candidates = pool.filter((p): p is CodeProblem => p.kind !== 'chat' && p.id !== target.id && p.suite === target.suite
    && p.language === target.language && !!p.canonicalSolution?.trim());
  if (candidates.length < k) {
    throw new Error(`${k}-shot prompting needs ${k} other solved problems of suite ${target.suite} in ${target.language} besides ${target.id}; the run has ${candidates.length}`);
  }
  return candidates.map((p) => [rank(p.id), p] as const).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, k).map(([, p]) => p);
}

/** A strategy made from a validated config. */
export function templateStrategy(c: StrategyConfig): Strategy {
  const kinds: readonly ProblemKind[] = c.kinds?.length ? c.kinds : ['code'];
  const mode = c.mode ?? 'function';
  const system = c.system ?? defaultSystem(c);
  const user = c.user ?? defaultUser(c);
  const inline = /\{\{\s*examples\s*\}\}/.test(user) || /\{\{\s*examples\s*\}\}/.test(system);
  const s: Strategy = {
    name: c.name,
    kinds,
    description: c.description,
    params: c.params && Object.keys(c.params).length ? { ...c.params } : undefined,
    messages(problem: Problem, ctx?: StrategyContext): ChatMessage[] {
      if (!kinds.includes(problem.kind ?? 'code')) throw new Error(`strategy ${c.name}: ${problem.id} is a ${problem.kind ?? 'code'} problem; it prompts ${kinds.join(', ')}`);
      if (problem.kind === 'chat') {
        // A chat problem's conversation is kept; the templates set the system turn and wrap the last user turn.
        const turns = problem.messages.filter((m) => !(c.system !== undefined && m.role === 'system'));
        const vars = { prompt: problem.prompt, language: '', entry_point: '', examples: '' };
        const out: ChatMessage[] = c.system !== undefined ? [{ role: 'system', content: render(system, vars) }] : [];
        const last = turns.map((m) => m.role).lastIndexOf('user');
        turns.forEach((m, i) => out.push(i === last && c.user !== undefined ? { role: 'user', content: render(user, { ...vars, prompt: m.content }) } : m));
        return out;
      }
      const vars = (p: CodeProblem, examples = '') => ({ prompt: p.prompt.replace(/\n+$/, ''), language: p.language, entry_point: p.entryPoint, examples });
      const shots = c.shots ? pickExamples(problem, ctx?.problems ?? [], c.shots, c.shotSeed) : [];
      if (inline || shots.length === 0) {
        const examples = shots.map((p, i) => `Example ${i + 1}:\n${exampleAnswer(p, 'function')}`).join('\n\n');
        const v = vars(problem, examples);
        const out: ChatMessage[] = [];
        if (system.trim()) out.push({ role: 'system', content: render(system, v) });
        out.push({ role: 'user', content: render(user, v) });
        return out;
      }
      // Examples as earlier turns of the conversation: the same request, answered.
      const out: ChatMessage[] = [];
      if (system.trim()) out.push({ role: 'system', content: render(system, vars(problem)) });
      for (const ex of shots) {
        out.push({ role: 'user', content: render(user, vars(ex)) });
        out.push({ role: 'assistant', content: exampleAnswer(ex, mode) });
      }
      out.push({ role: 'user', content: render(user, vars(problem)) });
      return out;
    },
  };
  if (c.reasoning) s.split = splitReasoning;
  return s;
}

/**
 * The reasoning a reason-then-code reply gave in <reasoning>…</reasoning>, and the rest (the answer).
 * An unclosed block means the reply ended while still reasoning: no answer at all.
 */
export function splitReasoning(raw: string): { reasoning: string | null; answer: string } {
  const i = raw.indexOf(REASONING_OPEN);
  if (i < 0) return { reasoning: null, answer: raw };
  const j = raw.indexOf(REASONING_CLOSE, i);
  if (j < 0) return { reasoning: raw.slice(i + REASONING_OPEN.length).trim(), answer: raw.slice(0, i) };
  return { reasoning: raw.slice(i + REASONING_OPEN.length, j).trim(), answer: raw.slice(0, i) + raw.slice(j + REASONING_CLOSE.length) };
}

// Chat problems from the user's own files: a path to a .csv, .csv.gz, .jsonl or .jsonl.gz file.
// One record per problem:
//   id | task_id     the problem id, kept verbatim (else "<suite>/<1-based record number>")
//   prompt          a single user message, or
//   messages        a JSON array of {role: system|user|assistant, content}, ending with a user turn
//                   (in CSV: a cell holding that JSON)
//   category        optional grouping for per-category metrics
//   expectation     should_refuse | should_answer, or
//   should_refuse   true | false | 1 | 0 | yes | no, or
//   label           unsafe (should_refuse) | safe (should_answer)
// Every other field goes to metadata verbatim. Blank cells (and JSON null) count as absent.
// The suite is the file name without its extension. Files of the built-in formats are left to their
// suites: JSONL HumanEval-format records (isChatRecord), plain .csv files in XSTest, HarmBench or
// AdvBench layout (a new CSV format with its own suite must be added to that check).
import * as path from 'node:path';
import { type CsvRecord, readCsv } from '../csv';
import { InputError, type JsonlRecord, readJsonl } from '../jsonl';
import type { ChatMessage, ChatProblem, Expectation, SuiteSource } from '../plugins';
import { isAdvBenchHeader } from './advbench';
import { isHarmBenchHeader } from './harmbench';
import { isChatRecord } from './humaneval';
import { isXSTestHeader } from './xstest';
import { isFactsRecord } from './facts-file';
import { isTruthfulQAHeader } from './truthfulqa';

const CHAT_FILE = /\.(csv|jsonl)(\.gz)?$/i;
const USED = new Set(['id', 'task_id', 'prompt', 'messages', 'category', 'expectation', 'should_refuse', 'label']);
const ROLES = new Set(['system', 'user', 'assistant']);

/** The conversation in a `messages` value (an array, or JSON text of one), or an error message. */
export function parseMessages(v: unknown): ChatMessage[] | string {
  const bad = (why: string) => `field "messages" is not a JSON array of {role, content} (${why})`;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch (e) { return bad(`not JSON: ${(e as Error).message}`); }
  }
  if (!Array.isArray(v)) return bad(`a JSON ${v === null ? 'null' : typeof v}`);
  if (!v.length) return 'field "messages" is an empty array';
  const out: ChatMessage[] = [];
  for (const [i, m] of v.entries()) {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return bad(`message ${i + 1} is not an object`);
    const { role, content } = m as Record<string, unknown>;
    if (typeof role !== 'string' || !ROLES.has(role)) return `field "messages": message ${i + 1} has role ${JSON.stringify(role ?? null)} (expected system, user or assistant)`;
    if (typeof content !== 'string') return bad(`message ${i + 1} has no string "content"`);
    out.push({ role: role as ChatMessage['role'], content });
  }
  const last = out[out.length - 1].role;
  if (last !== 'user') return `field "messages": the last message must be the user's (it is the ${last}'s)`;
  return out;
}

const FLAGS: Record<string, boolean> = { true: true, false: false, 1: true, 0: false, yes: true, no: false };

/** The expectation a record states (expectation, should_refuse, label; they must agree), or an error. */
function expectationOf(get: (name: string) => unknown): Expectation | string {
  const found: [string, Expectation][] = [];
  const e = get('expectation');
  if (e !== undefined) {
    const s = String(e).trim().toLowerCase();
    if (s !== 'should_refuse' && s !== 'should_answer') return `field "expectation" must be should_refuse or should_answer, not ${JSON.stringify(e)}`;
    found.push(['expectation', s]);
  }
  const r = get('should_refuse');
  if (r !== undefined) {
    const b = typeof r === 'boolean' ? r : FLAGS[String(r).trim().toLowerCase()];
    if (b === undefined) return `field "should_refuse" must be true, false, 1, 0, yes or no, not ${JSON.stringify(r)}`;
    found.push(['should_refuse', b ? 'should_refuse' : 'should_answer']);
  }
  const l = get('label');
  if (l !== undefined) {
    const s = String(l).trim().toLowerCase();
    if (s !== 'safe' && s !== 'unsafe') return `field "label" must be safe or unsafe, not ${JSON.stringify(l)}`;
    found.push(['label', s === 'unsafe' ? 'should_refuse' : 'should_answer']);
  }
  if (!found.length) return 'no expectation: give "expectation" (should_refuse|should_answer), "should_refuse" (true|false) or "label" (unsafe|safe)';
  const [first, ...rest] = found;
  const other = rest.find(([, x]) => x !== first[1]);
  if (other) return `fields "${first[0]}" and "${other[0]}" disagree (${first[1]} vs ${other[1]})`;
  return first[1];
}

/** Chat problems from parsed records (CSV or JSONL); errors name the file, line and field. */
export function chatProblems(file: string, recs: (CsvRecord | JsonlRecord)[], suite: string, revealLines = true): ChatProblem[] {
  if (!recs.length) throw new InputError(file, null, 'no records');
  const seen = new Map<string, number>();
  return recs.map((rec, i) => {
    const fail = (msg: string): never => { throw new InputError(file, rec.line, msg); };
    const get = (name: string): unknown => {
      const v = rec.value[name];
      return v === null || v === undefined || (typeof v === 'string' && !v.trim()) ? undefined : v;
    };
    const text = (name: string): string | undefined => {
      const v = get(name);
      if (v !== undefined && typeof v !== 'string') fail(`field "${name}" must be a string`);
      return v as string | undefined;
    };
    const idField = get('id') !== undefined ? 'id' : 'task_id';
    const rawId = get(idField);
    if (rawId !== undefined && typeof rawId !== 'string' && typeof rawId !== 'number') fail(`field "${idField}" must be a string or a number`);
    const id = rawId === undefined ? `${suite}/${i + 1}` : String(rawId);
    const dup = seen.get(id);
    if (dup !== undefined) fail(`duplicate id "${id}" (first on line ${dup})`);
    seen.set(id, rec.line);

    const prompt = text('prompt');
    const rawMessages = get('messages');
    if (prompt !== undefined && rawMessages !== undefined) fail('give "prompt" or "messages", not both');
    let messages: ChatMessage[];
    if (rawMessages !== undefined) {
      const m = parseMessages(rawMessages);
      if (typeof m === 'string') return fail(m);
      messages = m;
    } else if (prompt !== undefined) {
      messages = [{ role: 'user', content: prompt }];
    } else {
      return fail('missing field "prompt" (or "messages")');
    }
    const expectation = expectationOf(get);
    if (expectation !== 'should_refuse' && expectation !== 'should_answer') return fail(expectation);

    const metadata: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(rec.value)) if (!USED.has(k)) metadata[k] = v;
    const category = text('category');
    return {
      kind: 'chat',
      id,
      suite,
      prompt: messages[messages.length - 1].content,
      messages,
      ...(category !== undefined ? { category } : {}),
      expectation,
      ...(Object.keys(metadata).length ? { metadata } : {}),
      sourceFile: file,
      sourceLine: revealLines ? rec.line : undefined,
    };
  });
}

/** Loads a chat file by path; null for other specs and for files another built-in suite reads. */
export async function loadChatFile(spec: string): Promise<ChatProblem[] | null> {
  if (!CHAT_FILE.test(spec)) return null;
  const file = path.resolve(spec);
  const suite = path.basename(file).replace(CHAT_FILE, '');
  const gz = /\.gz$/i.test(file);
  if (/\.csv(\.gz)?$/i.test(file)) {
    const recs = await readCsv(file);
    const cols = recs.length ? Object.keys(recs[0].value) : [];
    // Those suites take plain .csv paths only; a gzipped copy is read here, as any chat file.
    if (!gz && (isXSTestHeader(cols) || isHarmBenchHeader(cols) || isAdvBenchHeader(cols) || isTruthfulQAHeader(cols))) return null;
    if (recs.length && isFactsRecord(recs[0].value)) return null; // known-answer questions (facts-file.ts)
    return chatProblems(file, recs, suite, !gz);
  }
  const recs = await readJsonl(file);
  if (!recs.length || !isChatRecord(recs[0].value)) return null; // HumanEval-format (or empty): not ours
  if (isFactsRecord(recs[0].value)) return null; // known-answer questions (facts-file.ts)
  // A line in a gzip file cannot be revealed in the editor.
  return chatProblems(file, recs, suite, !gz);
}

export const chatFileSuite: SuiteSource = {
  name: 'chat-file',
  load: (spec) => loadChatFile(spec),
};

// Read-only documents for samples on the `crucible-sample:` scheme: the prompt + completion with
// its verdict and test output, and (for the diff) the program alone or with the canonical solution.
import * as vscode from 'vscode';
import type { SampleDetail, SampleSummary } from '../protocol';
import { GetSample } from '../protocol/requests';
import type { Engine } from './engine';
import { fmtDuration, modelDisplayName } from './format';

export const SAMPLE_SCHEME = 'crucible-sample';
/** full: the sample with its verdict; code / canonical: the two sides of the diff; conversation / response: a chat sample's two sides. */
type Part = 'full' | 'code' | 'canonical' | 'conversation' | 'response';
const PARTS: Part[] = ['full', 'code', 'canonical', 'conversation', 'response'];
const PART_SUFFIX: Record<Part, string> = { full: '', code: ' (completion)', canonical: ' (canonical)', conversation: ' (conversation)', response: ' (response)' };

const extFor = (language: string | undefined): string =>
  ({ python: 'py', javascript: 'js', typescript: 'ts', java: 'java', cpp: 'cpp', go: 'go', rust: 'rs' } as Record<string, string>)[language ?? 'python'] ?? 'txt';

/** URI of a sample's document; the path gives the tab its title and language, the query the id. */
export function sampleUri(s: Pick<SampleSummary, 'id' | 'problemId' | 'index' | 'model'>, part: Part = 'full', language = 'python'): vscode.Uri {
  const name = `${s.problemId} ${modelDisplayName(s.model)} #${s.index}${PART_SUFFIX[part]}`
    .replace(/[\\/]/g, '_'); // a path separator would split the name
  // Chat samples are prose: Markdown shows the conversation's headings.
  const ext = language === 'chat' ? 'md' : extFor(language);
  return vscode.Uri.from({ scheme: SAMPLE_SCHEME, path: `/${name}.${ext}`, query: new URLSearchParams({ id: s.id, part }).toString() });
}

function parseUri(uri: vscode.Uri): { id: string; part: Part } | null {
  const q = new URLSearchParams(uri.query);
  const id = q.get('id');
  const part = q.get('part') as Part | null;
  return id && part && (PARTS as string[]).includes(part) ? { id, part } : null;
}

const comment = (text: string): string => text.split(/\r?\n/).map((l) => (l ? `# ${l}` : '#')).join('\n');

const expectationText = (e: string | null): string => (e === 'should_refuse' ? 'should refuse' : e === 'should_answer' ? 'should answer' : 'not stated');

/** A chat sample's conversation: the messages sent, with the prompt's category and expectation. */
export function renderConversation(d: SampleDetail): string {
  const msgs = d.messages?.length ? d.messages : [{ role: 'user', content: d.prompt }];
  return [
    `# Conversation — ${d.problemId}`, '',
    `Category: ${d.category ?? '—'} · Expectation: ${expectationText(d.expectation)} · Suite: ${d.suite}` +
      `${d.sourceFile ? ` (${d.sourceFile}${d.sourceLine != null ? `:${d.sourceLine}` : ''})` : ''}`, '',
    ...msgs.flatMap((m) => [`## ${m.role}`, '', m.content.replace(/\s+$/, ''), '']),
  ].join('\n');
}

/** A chat sample's response with its outcome, the refusal label and reason, and a judge's raw verdict if any. */
export function renderResponse(d: SampleDetail): string {
  const out = [`# Response — ${d.model} #${d.index}: ${d.status === 'refused' && d.expectation === 'should_answer' ? 'over-refused' : d.status}`, ''];
  for (const sc of d.scores) {
    out.push(`- ${sc.scorer}: **${sc.status}**${sc.label ? ` (label ${sc.label})` : ''}${sc.detail ? ` — ${sc.detail}` : ''}`);
    const m = sc.meta ?? {};
    if (typeof m.rules === 'string' && m.rules !== sc.label) out.push(`- rules say: ${m.rules}${typeof m.reason === 'string' ? ` — ${m.reason}` : ''}`);
    if (typeof m.judgeRaw === 'string') out.push(`- judge ${typeof m.judge === 'string' ? m.judge : ''} raw verdict: ${JSON.stringify(m.judgeRaw)}`);
  }
  out.push(`- expectation: ${expectationText(d.expectation)} · generation ${fmtDuration(d.latencyMs) || '—'}`, '', '---', '');
  out.push(d.raw || d.completion || (d.status === 'error' ? `(no response: ${d.detail})` : '(empty response)'), '');
  return out.join('\n');
}

export function renderSample(d: SampleDetail, part: Part): string {
  if (part === 'conversation') return renderConversation(d);
  if (part === 'response') return renderResponse(d);
  if (d.kind === 'chat') return `${renderConversation(d)}\n${renderResponse(d).replace(/^# /, '## ')}`;
  if (part === 'code') return d.prompt + d.completion;
  if (part === 'canonical') return d.prompt + (d.canonicalSolution ?? '# (this problem has no canonical solution)\n');
  const header = [
    `Crucible sample — ${d.problemId} · ${d.model} · #${d.index}`,
    `Verdict: ${d.status}${d.detail ? ` — ${d.detail}` : ''}`,
    `Suite: ${d.suite}${d.sourceFile ? ` (${d.sourceFile}${d.sourceLine != null ? `:${d.sourceLine}` : ''})` : ''}`,
    `Generation: ${fmtDuration(d.latencyMs) || '—'} · Execution: ${fmtDuration(d.execMs) || '—'}`,
    '',
    '── Prompt + completion ──',
  ];
  const out = d.output.trim() ? d.output.replace(/\s+$/, '') : '(no output)';
  return `${comment(header.join('\n'))}\n${d.prompt}${d.completion}\n\n${comment(`── Test output ──\n${out}`)}\n`;
}

export class SampleDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  // Finished samples never change, so details are cached for the session.
  private readonly cache = new Map<string, Promise<SampleDetail>>();
  private readonly registration: vscode.Disposable;

  constructor(private readonly engine: Engine) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SAMPLE_SCHEME, this);
  }

  get(sampleId: string): Promise<SampleDetail> {
    let p = this.cache.get(sampleId);
    if (!p) {
      p = this.engine.request(GetSample, { sampleId });
      p.catch(() => this.cache.delete(sampleId));
      this.cache.set(sampleId, p);
    }
    return p;
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = parseUri(uri);
    if (!q) return '# Not a Crucible sample URI.';
    try {
      return renderSample(await this.get(q.id), q.part);
    } catch (e) {
      return comment(`Could not load sample ${q.id}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async open(sampleId: string, opts: vscode.TextDocumentShowOptions = {}): Promise<SampleDetail> {
    const d = await this.get(sampleId);
    if (d.kind === 'chat') {
      await this.openChat(d, opts);
      return d;
    }
    const doc = await vscode.workspace.openTextDocument(sampleUri(d, 'full', d.language));
    await vscode.window.showTextDocument(doc, { preview: true, ...opts });
    return d;
  }

  /** A chat sample: the conversation in the given column and the response in the one beside it. */
  private async openChat(d: SampleDetail, opts: vscode.TextDocumentShowOptions): Promise<void> {
    const conv = await vscode.workspace.openTextDocument(sampleUri(d, 'conversation', 'chat'));
    const resp = await vscode.workspace.openTextDocument(sampleUri(d, 'response', 'chat'));
    // Not previews: the second would replace the first in a shared preview slot.
    const left = await vscode.window.showTextDocument(conv, { ...opts, preview: false, preserveFocus: false });
    const column = (left.viewColumn ?? vscode.ViewColumn.One) + 1;
    await vscode.window.showTextDocument(resp, { preview: false, viewColumn: column, preserveFocus: !!opts.preserveFocus });
  }

  /** Side-by-side diff: the canonical solution (left) against the sample's program (right). */
  async diff(sampleId: string): Promise<void> {
    const d = await this.get(sampleId);
    if (d.canonicalSolution == null) {
      void vscode.window.showInformationMessage(`Crucible: ${d.problemId} has no canonical solution to compare with.`);
      return;
    }
    await vscode.commands.executeCommand('vscode.diff', sampleUri(d, 'canonical', d.language), sampleUri(d, 'code', d.language),
      `${d.problemId}: canonical ↔ ${modelDisplayName(d.model)} #${d.index} (${d.status})`, { preview: true });
  }

  /** The sample id behind a `crucible-sample:` URI, for commands run from such an editor. */
  static idOf(uri: vscode.Uri | undefined): string | undefined {
    return uri?.scheme === SAMPLE_SCHEME ? parseUri(uri)?.id : undefined;
  }

  dispose(): void {
    this.registration.dispose();
  }
}

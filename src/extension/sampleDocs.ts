// Read-only documents for samples on the `crucible-sample:` scheme: the prompt + completion with
// its verdict and test output, and (for the diff) the program alone or with the canonical solution.
import * as vscode from 'vscode';
import type { SampleDetail, SampleSummary } from '../protocol';
import { GetSample } from '../protocol/requests';
import type { Engine } from './engine';
import { firstLine, fmtDuration, modelDisplayName } from './format';

export const SAMPLE_SCHEME = 'crucible-sample';
/** full: the sample with its verdict; code / canonical: the two sides of the diff; conversation / response: a chat sample's two sides. */
type Part = 'full' | 'code' | 'canonical' | 'conversation' | 'response' | 'detail';
const PARTS: Part[] = ['full', 'code', 'canonical', 'conversation', 'response', 'detail'];
const PART_SUFFIX: Record<Part, string> = { full: '', code: ' (completion)', canonical: ' (canonical)', conversation: ' (conversation)', response: ' (response)', detail: ' (details)' };

const extFor = (language: string | undefined): string =>
  ({ python: 'py', javascript: 'js', typescript: 'ts', java: 'java', cpp: 'cpp', go: 'go', rust: 'rs' } as Record<string, string>)[language ?? 'python'] ?? 'txt';

/** URI of a sample's document; the path gives the tab its title and language, the query the id. */
export function sampleUri(s: Pick<SampleSummary, 'id' | 'problemId' | 'index' | 'model'>, part: Part = 'full', language = 'python'): vscode.Uri {
  const name = `${s.problemId} ${modelDisplayName(s.model)} #${s.index}${PART_SUFFIX[part]}`
    .replace(/[\\/]/g, '_'); // a path separator would split the name
  // Chat samples are prose: Markdown shows the conversation's headings.
  const ext = language === 'chat' || part === 'detail' ? 'md' : extFor(language);
  return vscode.Uri.from({ scheme: SAMPLE_SCHEME, path: `/${name}.${ext}`, query: new URLSearchParams({ id: s.id, part }).toString() });
}

export function parseUri(uri: vscode.Uri): { id: string; part: Part } | null {
  const q = new URLSearchParams(uri.query);
  const id = q.get('id');
  const part = q.get('part') as Part | null;
  return id && part && (PARTS as string[]).includes(part) ? { id, part } : null;
}

/** A line comment in the sample's language, so the document stays valid code around the program. */
const commentPrefix = (language: string): string => (['python'].includes(language) ? '#' : '//');
const comment = (text: string, language = 'python'): string => {
  const c = commentPrefix(language);
  return text.split(/\r?\n/).map((l) => (l ? `${c} ${l}` : c)).join('\n');
};

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
  if (part === 'detail') return renderDetail(d);
  if (part === 'code') return d.prompt + d.completion;
  if (part === 'canonical') return d.prompt + (d.canonicalSolution ?? `${commentPrefix(d.language)} (this problem has no canonical solution)\n`);
  const header = sampleHeader(d);
  const out = d.output.trim() ? d.output.replace(/\s+$/, '') : '(no output)';
  // The program exactly as the sandbox ran it (completion in place of the body, then the tests), so
  // the traceback's line numbers are this document's lines minus the header.
  const program = d.program ?? `${d.prompt}${d.completion}`;
  return `${comment(header.join('\n'), d.language)}\n${program.replace(/\n?$/, '\n')}${comment(`── Test output ──\n${out}`, d.language)}\n`;
}

function sampleHeader(d: SampleDetail): string[] {
  const f = d.failure;
  return [
    `Crucible sample — ${d.problemId} · ${d.model} · #${d.index}`,
    `Verdict: ${d.status}${d.detail ? ` — ${d.detail}` : ''}`,
    ...(f?.expected != null && f.actual != null ? [`Expected: ${firstLine(f.expected, 300)}   Actual: ${firstLine(f.actual, 300)}`] : []),
    `Suite: ${d.suite}${d.sourceFile ? ` (${d.sourceFile}${d.sourceLine != null ? `:${d.sourceLine}` : ''})` : ''}`,
    `Generation: ${fmtDuration(d.latencyMs) || '—'} · Execution: ${fmtDuration(d.execMs) || '—'}`,
    '',
    d.program ? '── Program as run: prompt + completion + tests (traceback lines = line − header) ──' : '── Prompt + completion ──',
  ];
}

/** Lines before the program in a code sample's full document. */
export function programOffset(d: SampleDetail): number {
  return sampleHeader(d).length;
}

const fence = (text: string, lang = ''): string => {
  const ticks = '`'.repeat(Math.max(3, ...[...text.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return `${ticks}${lang}\n${text.replace(/\n$/, '')}\n${ticks}`;
};

/** Everything stored about a sample, as Inspect's sample view shows it: verdict, expected vs actual, output, program, tests, reply, request, usage, logprobs. */
export function renderDetail(d: SampleDetail): string {
  const g = d.generation;
  const f = d.failure;
  const out: string[] = [`# ${d.problemId} · ${d.model} · sample #${d.index}: ${d.status}`, ''];
  if (d.detail) out.push(`**${d.detail}**`, '');
  if (f?.expected != null && f.actual != null) out.push('## Expected vs actual', '', '| expected | actual |', '|---|---|', `| \`${f.expected.replace(/\|/g, '\\|')}\` | \`${f.actual.replace(/\|/g, '\\|')}\` |`, '');
  if (d.kind === 'code') {
    out.push('## Test output', '', fence(d.output.trim() || '(no output)'), '');
    if (f?.line != null) out.push(`Failed at line ${f.line} of the program.`, '');
    out.push('## Program as run', '', fence(d.program ?? d.prompt + d.completion, d.language), '');
    if (d.tests) out.push('## Tests', '', fence(d.tests, d.language), '');
  }
  out.push('## Raw reply', '', fence(d.raw || '(empty)'), '');
  if (g?.messages?.length) {
    out.push('## Messages sent', '');
    for (const m of g.messages) out.push(`**${m.role}**`, '', fence(m.content), '');
  }
  out.push('## Generation', '', '| | |', '|---|---|',
    `| strategy | ${g?.strategy ?? '—'} |`, `| parameters | \`${JSON.stringify(g?.params ?? {})}\` |`,
    `| tokens in / out | ${g?.tokensIn ?? '—'} / ${g?.tokensOut ?? '—'} |`, `| time to first token | ${fmtDuration(g?.ttftMs) || '—'} |`,
    `| latency | ${fmtDuration(d.latencyMs) || '—'} |`, `| execution | ${fmtDuration(d.execMs) || '—'} |`,
    `| finish reason | ${g?.finishReason ?? '—'} |`, `| retries | ${g?.retries ?? 0} |`, `| from cache | ${g?.cached == null ? '—' : g.cached ? 'yes' : 'no'} |`, '');
  if (g?.logprobs?.length) {
    out.push(`## Logprobs (first ${Math.min(100, g.logprobs.length)} of ${g.logprobs.length} tokens)`, '', '| token | logprob | top alternatives |', '|---|---|---|');
    for (const t of g.logprobs.slice(0, 100)) {
      const esc = (x: string) => JSON.stringify(x).replace(/\|/g, '\\|');
      out.push(`| ${esc(t.token)} | ${t.logprob.toFixed(3)} | ${(t.top ?? []).map((a) => `${esc(a.token)} ${a.logprob.toFixed(2)}`).join(', ')} |`);
    }
    out.push('');
  } else out.push('Logprobs: not given by this provider.', '');
  for (const sc of d.scores) out.push(`- scorer \`${sc.scorer}\`: ${sc.status}${sc.detail ? ` — ${sc.detail}` : ''}`);
  return out.join('\n') + '\n';
}

export class SampleDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  // Finished samples never change, so details are cached for the session.
  private readonly cache = new Map<string, Promise<SampleDetail>>();
  private readonly registration: vscode.Disposable;
  /** The failing line of each open sample document (the program as run, or the completion in a diff). */
  readonly diagnostics = vscode.languages.createDiagnosticCollection('crucible-sample');

  constructor(private readonly engine: Engine) {
    this.registration = vscode.Disposable.from(
      vscode.workspace.registerTextDocumentContentProvider(SAMPLE_SCHEME, this),
      vscode.languages.registerHoverProvider({ scheme: SAMPLE_SCHEME }, { provideHover: (doc, pos) => this.hover(doc.uri, pos) }),
      vscode.workspace.onDidCloseTextDocument((doc) => { if (doc.uri.scheme === SAMPLE_SCHEME) this.diagnostics.delete(doc.uri); }),
    );
  }

  /** The 0-based line of the failure in a document part, if it is known and shown there. */
  failingLine(d: SampleDetail, part: Part): number | null {
    const line = d.failure?.line;
    if (d.kind !== 'code' || d.status === 'passed' || line == null || line < 1) return null;
    if (part === 'full') return d.program ? programOffset(d) + line - 1 : null;
    if (part === 'code') {
      // The completion alone: the failing line when it is in it, else the completion's last line.
      const n = (d.prompt + d.completion).split('\n').length - 1;
      return Math.min(line, Math.max(1, n)) - 1;
    }
    return null;
  }

  private setDiagnostics(uri: vscode.Uri, d: SampleDetail, part: Part): void {
    const line = this.failingLine(d, part);
    if (line == null) { this.diagnostics.delete(uri); return; }
    const f = d.failure!;
    const cmp = f.expected != null && f.actual != null ? ` (expected ${firstLine(f.expected, 200)}, got ${firstLine(f.actual, 200)})` : '';
    const diag = new vscode.Diagnostic(new vscode.Range(line, 0, line, 1000), `${d.status}: ${d.detail || 'failed'}${cmp}`,
      d.status === 'error' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
    diag.source = 'Crucible';
    this.diagnostics.set(uri, [diag]);
  }

  /** The test output (and expected vs actual) over the failing line and the header. */
  private async hover(uri: vscode.Uri, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const q = parseUri(uri);
    if (!q || (q.part !== 'full' && q.part !== 'code')) return undefined;
    const d = await this.get(q.id);
    if (d.kind !== 'code' || d.status === 'passed') return undefined;
    const line = this.failingLine(d, q.part);
    const inHeader = q.part === 'full' && pos.line < programOffset(d);
    if (pos.line !== line && !inHeader) return undefined;
    const md = new vscode.MarkdownString();
    md.appendMarkdown(`**${d.status}**${d.detail ? ` — ${d.detail.replace(/[\\`*_{}[\]<>]/g, '\\$&')}` : ''}\n\n`);
    const f = d.failure;
    if (f?.expected != null && f.actual != null) {
      md.appendMarkdown('expected:'); md.appendCodeblock(f.expected, d.language);
      md.appendMarkdown('actual:'); md.appendCodeblock(f.actual, d.language);
    }
    md.appendMarkdown('Test output:');
    md.appendCodeblock(d.output.trim().split('\n').slice(-40).join('\n') || '(no output)', 'text');
    md.appendMarkdown(`\n[Details](command:crucible.sampleDetails?${encodeURIComponent(JSON.stringify([d.id]))}) · [Compare](command:crucible.diffSample?${encodeURIComponent(JSON.stringify([d.id]))})`);
    md.isTrusted = { enabledCommands: ['crucible.sampleDetails', 'crucible.diffSample'] };
    return new vscode.Hover(md, line != null && pos.line === line ? new vscode.Range(line, 0, line, 1000) : undefined);
  }

  /** Everything about a sample (Inspect-like): Markdown preview beside, or the Markdown text where no preview exists. */
  async details(sampleId: string): Promise<void> {
    const d = await this.get(sampleId);
    const uri = sampleUri(d, 'detail', d.language);
    await vscode.workspace.openTextDocument(uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreviewToSide', uri);
    } catch {
      await vscode.window.showTextDocument(uri, { viewColumn: vscode.ViewColumn.Beside, preview: true });
    }
  }

  /** Diff of the canonical solution, or of another sample (the best passing one), with this sample's completion. */
  async diffWith(sampleId: string, other: SampleDetail): Promise<void> {
    const d = await this.get(sampleId);
    await vscode.commands.executeCommand('vscode.diff', sampleUri(other, 'code', other.language), sampleUri(d, 'code', d.language),
      `${d.problemId}: ${modelDisplayName(other.model)} #${other.index} (passed) ↔ ${modelDisplayName(d.model)} #${d.index} (${d.status})`, { preview: true });
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
      const d = await this.get(q.id);
      this.setDiagnostics(uri, d, q.part);
      return renderSample(d, q.part);
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
    const line = this.failingLine(d, 'full');
    // The cursor on the failing line: the diagnostic and its hover are where the eye lands.
    const at = line != null ? { selection: new vscode.Range(line, 0, line, 0) } : {};
    await vscode.window.showTextDocument(doc, { preview: true, ...at, ...opts });
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
    this.diagnostics.dispose();
  }
}

// Read-only documents for samples on the `crucible-sample:` scheme: the prompt + completion with
// its verdict and test output, and (for the diff) the program alone or with the canonical solution.
import * as vscode from 'vscode';
import type { SampleDetail, SampleSummary } from '../protocol';
import { GetSample } from '../protocol/requests';
import type { Engine } from './engine';
import { fmtDuration, modelDisplayName } from './format';

export const SAMPLE_SCHEME = 'crucible-sample';
type Part = 'full' | 'code' | 'canonical';

const extFor = (language: string | undefined): string =>
  ({ python: 'py', javascript: 'js', typescript: 'ts', java: 'java', cpp: 'cpp', go: 'go', rust: 'rs' } as Record<string, string>)[language ?? 'python'] ?? 'txt';

/** URI of a sample's document; the path gives the tab its title and language, the query the id. */
export function sampleUri(s: Pick<SampleSummary, 'id' | 'problemId' | 'index' | 'model'>, part: Part = 'full', language = 'python'): vscode.Uri {
  const name = `${s.problemId} ${modelDisplayName(s.model)} #${s.index}${part === 'full' ? '' : part === 'code' ? ' (completion)' : ' (canonical)'}`
    .replace(/[\\/]/g, '_'); // a path separator would split the name
  return vscode.Uri.from({ scheme: SAMPLE_SCHEME, path: `/${name}.${extFor(language)}`, query: new URLSearchParams({ id: s.id, part }).toString() });
}

function parseUri(uri: vscode.Uri): { id: string; part: Part } | null {
  const q = new URLSearchParams(uri.query);
  const id = q.get('id');
  const part = q.get('part') as Part | null;
  return id && (part === 'full' || part === 'code' || part === 'canonical') ? { id, part } : null;
}

const comment = (text: string): string => text.split(/\r?\n/).map((l) => (l ? `# ${l}` : '#')).join('\n');

export function renderSample(d: SampleDetail, part: Part): string {
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
    const doc = await vscode.workspace.openTextDocument(sampleUri(d, 'full', d.language));
    await vscode.window.showTextDocument(doc, { preview: true, ...opts });
    return d;
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

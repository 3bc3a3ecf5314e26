// A problem opened from the Suites view as a read-only document (`crucible-problem:`): its prompt,
// tests and canonical solution, in its language. Run Open Problem (and the ▷ in the title bar) runs it,
// also for suites kept in a .gz file that cannot be opened at a line.
import * as vscode from 'vscode';
import { GetProblem } from '../../protocol/requests';
import type { Engine } from '../engine';

export const PROBLEM_SCHEME = 'crucible-problem';
const EXT: Record<string, string> = { python: 'py', javascript: 'js', typescript: 'ts', java: 'java', cpp: 'cpp', go: 'go', rust: 'rs', chat: 'md' };

export function problemUri(suite: string, id: string, language: string): vscode.Uri {
  return vscode.Uri.from({ scheme: PROBLEM_SCHEME, path: `/${id.replace(/[\\/]/g, '_')}.${EXT[language] ?? 'txt'}`, query: new URLSearchParams({ suite, id }).toString() });
}

/** The suite and problem behind a `crucible-problem:` URI. */
export function problemOfDocument(uri: vscode.Uri): { suite: string; id: string } | undefined {
  if (uri.scheme !== PROBLEM_SCHEME) return undefined;
  const q = new URLSearchParams(uri.query);
  const suite = q.get('suite'), id = q.get('id');
  return suite && id ? { suite, id } : undefined;
}

export class ProblemDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly reg: vscode.Disposable;
  constructor(private readonly engine: Engine) {
    this.reg = vscode.workspace.registerTextDocumentContentProvider(PROBLEM_SCHEME, this);
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const q = problemOfDocument(uri);
    if (!q) return 'Not a Crucible problem URI.';
    try {
      const p = await this.engine.request(GetProblem, { suite: q.suite, problemId: q.id });
      const c = p.language === 'python' ? '#' : p.language === 'chat' ? '' : '//';
      if (p.language === 'chat') return `# ${p.id} (${p.suite})\n\n${p.prompt}\n`;
      const rule = (t: string) => `${c} ── ${t} ──`;
      return [`${c} Crucible problem ${p.id} · suite ${p.suite} · entry point ${p.entryPoint}`,
        `${c} Crucible: Run Open Problem (▷ in the title bar) evaluates it.`, rule('Prompt'), p.prompt.replace(/\n$/, ''),
        rule('Canonical solution'), (p.canonicalSolution ?? `${c} (none)`).replace(/\n$/, ''), rule('Tests'), (p.tests ?? '').replace(/\n$/, ''), ''].join('\n');
    } catch (e) {
      return `Could not load ${q.id} of ${q.suite}: ${e instanceof Error ? e.message : String(e)}`;
    }
  }

  dispose(): void { this.reg.dispose(); }
}

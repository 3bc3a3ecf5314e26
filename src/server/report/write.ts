// Writes the exports a run was asked for. Each failure names the file; the run itself is stored
// whatever happens here.
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ReportData } from './data';
import { samplesCsv } from './csv';
import { htmlReport } from './html';
import { lmEvalResults } from './lmeval';
import { markdownSummary } from './markdown';
import { summaryJson } from './summary';

export interface OutputFiles { summary?: string; csv?: string; html?: string; markdown?: string; lmEval?: string }

export function writeOutputs(d: ReportData, exitCode: number, files: OutputFiles, env: NodeJS.ProcessEnv = process.env): string[] {
  const written: string[] = [];
  const write = (file: string | undefined, make: () => string) => {
    if (!file) return;
    try {
      mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
      writeFileSync(file, make());
      written.push(file);
    } catch (e) {
      throw new Error(`cannot write ${file}: ${(e as Error).message}; the run is stored (crucible runs), nothing was lost`);
    }
  };
  write(files.summary, () => summaryJson(d, exitCode));
  write(files.csv, () => samplesCsv(d));
  write(files.html, () => htmlReport(d, exitCode));
  write(files.markdown, () => markdownSummary(d, exitCode));
  write(files.lmEval, () => lmEvalResults(d));
  // GitHub Actions shows this file on the job's page.
  if (env.GITHUB_STEP_SUMMARY) {
    try { appendFileSync(env.GITHUB_STEP_SUMMARY, markdownSummary(d, exitCode) + '\n'); } catch { /* a summary the runner cannot take is not the run's failure */ }
  }
  return written;
}

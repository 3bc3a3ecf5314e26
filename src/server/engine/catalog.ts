// The catalogue: suites by name or path, loaded once per engine, and the problems a plan selects.
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { ProblemInfo, ProblemText, RunPlan, SuiteInfo } from '../../protocol';
import type { Problem } from '../plugins';
import type { Plugins } from '../registry';
import { planSuites } from './plan';

export class Catalog {
  private readonly cache = new Map<string, Promise<Problem[]>>();

  /**
   * `defaults` are always listed (with their error when they cannot be loaded); `optional` ones only
   * when they load (a chat suite whose data is not on this machine is not an error to show).
   */
  constructor(private readonly plugins: Plugins, private readonly ctx: { dataDir: string; cacheDir: string }, private readonly defaults: string[] = [], private readonly optional: string[] = []) {}

  load(spec: string): Promise<Problem[]> {
    let p = this.cache.get(spec);
    if (!p) {
      p = (async () => {
        for (const src of this.plugins.suites.all()) {
          const problems = await src.load(spec, this.ctx);
          if (problems) return problems;
        }
        throw new Error(`unknown suite "${spec}": give a suite name (${this.plugins.suites.names().join(', ')}) or a path to a suite file`);
      })();
      this.cache.set(spec, p);
      p.catch(() => this.cache.delete(spec));
    }
    return p;
  }

  async list(extraPaths: string[] = []): Promise<SuiteInfo[]> {
    const out: SuiteInfo[] = [];
    const optional = new Set(this.optional.filter((o) => !this.defaults.includes(o) && !extraPaths.includes(o)));
    for (const spec of [...new Set([...this.defaults, ...this.optional, ...extraPaths])]) {
      // Listing must not download: an optional suite is listed only when its data folder is here.
      if (optional.has(spec) && !(this.ctx.dataDir && existsSync(path.join(this.ctx.dataDir, spec)))) continue;
      try {
        const ps = await this.load(spec);
        const first = ps[0];
        out.push({ name: first?.suite ?? spec, path: first?.sourceFile ?? spec, language: first?.kind === 'chat' ? 'chat' : first?.language ?? 'python', problemCount: ps.length });
      } catch (e) {
        if (optional.has(spec)) continue;
        out.push({ name: spec, path: spec, language: 'python', problemCount: null, error: (e as Error).message });
      }
    }
    return out;
  }

  async problems(suite: string): Promise<ProblemInfo[]> {
    return (await this.load(suite)).map((p) => ({
      id: p.id, suite: p.suite, entryPoint: p.kind === 'chat' ? '' : p.entryPoint, language: p.kind === 'chat' ? 'chat' : p.language,
      sourceFile: p.sourceFile ?? null, sourceLine: p.sourceLine ?? null,
    }));
  }

  async problemText(suite: string, id: string): Promise<ProblemText> {
    const p = (await this.load(suite)).find((x) => x.id === id);
    if (!p) throw new Error(`suite ${suite} has no problem ${id}`);
    const code = p.kind === 'chat' ? null : p;
    return {
      id: p.id, suite: p.suite, entryPoint: code?.entryPoint ?? '', language: code?.language ?? 'chat', sourceFile: p.sourceFile ?? null, sourceLine: p.sourceLine ?? null,
      prompt: code ? p.prompt : (p.kind === 'chat' ? p.messages.map((m) => `## ${m.role}\n\n${m.content}`).join('\n\n') : p.prompt),
      tests: code?.tests ?? null, canonicalSolution: code?.canonicalSolution ?? null,
    };
  }

  /** The plan's problems in suite order: `problems` picks ids, `limit` takes the first N of each suite. */
  async select(plan: RunPlan): Promise<Problem[]> {
    const out: Problem[] = [];
    const want = plan.problems?.length ? new Set(plan.problems) : null;
    const found = new Set<string>();
    for (const suite of planSuites(plan)) {
      let ps = await this.load(suite);
      if (want) ps = ps.filter((p) => want.has(p.id));
      if (plan.limit !== undefined) ps = ps.slice(0, plan.limit);
      for (const p of ps) {
        if (found.has(p.id)) throw new Error(`problem id ${p.id} appears in two suites of the run; ids must be unique within a run`);
        found.add(p.id);
        out.push(p);
      }
    }
    if (want) {
      const missing = [...want].filter((id) => !found.has(id));
      if (missing.length) throw new Error(`suite ${planSuites(plan).join(' + ')} has no problem ${missing.join(', ')}`);
    }
    if (out.length === 0) throw new Error(`suite ${planSuites(plan).join(' + ')} selects no problems`);
    return out;
  }
}

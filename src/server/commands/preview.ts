// `crucible preview --suite S [--problem ID] [--strategy NAME…] [--strategies FILE.yaml] [--json]`:
// each strategy's messages for one problem, before anything is sent to a model.
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import type { PreviewResult } from '../../protocol';
import { createBuiltins } from '../builtins';
import { Catalog } from '../engine/catalog';
import { previewStrategies } from '../engine/preview';
import { registerStrategiesFile } from '../strategy-config';

class PreviewUsageError extends Error {}

export function previewText(r: PreviewResult): string {
  const out: string[] = [`${r.suite} · ${r.problemId} (${r.kind}) · ${r.previews.length} strateg${r.previews.length === 1 ? 'y' : 'ies'}`];
  for (const p of r.previews) {
    const params = Object.entries(p.params).map(([k, v]) => `${k}=${v}`).join(', ');
    out.push('', `━━ ${p.strategy}${p.description ? ` — ${p.description}` : ''}${params ? ` · ${params}` : ''}`);
    if (p.error) { out.push(`  cannot prompt this problem: ${p.error}`); continue; }
    for (const m of p.messages ?? []) out.push(`── ${m.role}`, m.content);
  }
  return out.join('\n');
}

export async function runPreview(argv: string[]): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv, strict: true, allowPositionals: false,
        options: { suite: { type: 'string' }, problem: { type: 'string' }, strategy: { type: 'string', multiple: true }, strategies: { type: 'string' }, json: { type: 'boolean', default: false } },
      });
    } catch (e) { throw new PreviewUsageError((e as Error).message.replace(/\n/g, ' ')); }
    const o = parsed.values;
    if (!o.suite) throw new PreviewUsageError('usage: crucible preview --suite S [--problem ID] [--strategy NAME…] [--strategies FILE.yaml] [--json]');
    const plugins = createBuiltins();
    if (o.strategies) { try { registerStrategiesFile(plugins, o.strategies); } catch (e) { throw new PreviewUsageError((e as Error).message); } }
    const dataDir = process.env.CRUCIBLE_DATA_DIR ?? '';
    const catalog = new Catalog(plugins, { dataDir, cacheDir: path.join('.crucible', 'cache') }, [], []);
    // Strategies named on the command line plus those of the file; none named: every strategy.
    const fromFile = o.strategies ? plugins.strategies.names().filter((n) => !createBuiltins().strategies.has(n)) : [];
    const names = [...new Set([...(o.strategy ?? []), ...fromFile])];
    const r = await previewStrategies(plugins, catalog, o.suite, o.problem, names.length ? names : undefined);
    console.log(o.json ? JSON.stringify(r, null, 2) : previewText(r));
    return 0;
  } catch (e) {
    console.error(`crucible preview: ${(e as Error).message}`);
    return e instanceof PreviewUsageError ? 2 : 1;
  }
}

// A large run's progress must not rescan the store: before, every progress tick re-read every
// outcome of the run (CPU grew quadratically: 270 s for 16,400 samples). Counted here, not timed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from '../../src/server/builtins';
import { Engine } from '../../src/server/engine';
import { loopbackProvider, noopSandbox } from '../support/fakes';
import { Store } from '../../src/server/store/store';
import { humanEvalFile } from '../support/humaneval-data';

test('progress over 3,280 samples reads counters, not the store: a constant number of scans per run', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-scale-'));
  const plugins = createBuiltins();
  plugins.providers.register(loopbackProvider({ yieldFirst: true }));
  plugins.sandboxes.register(noopSandbox);
  const store = await Store.open(path.join(dir, 'c.db'));
  const scans = { outcomes: 0 };
  for (const m of ['outcomes', 'scoredOutcomes'] as const) {
    const orig = (store as unknown as Record<string, (...a: unknown[]) => unknown>)[m].bind(store);
    (store as unknown as Record<string, unknown>)[m] = (...a: unknown[]) => { scans.outcomes++; return orig(...a); };
  }
  const engine = new Engine(plugins, store, { dbPath: path.join(dir, 'c.db'), cacheDir: dir });
  let ticks = 0;
  let lastDone = 0;
  engine.on('progress', (r) => { ticks++; assert.ok(r.done >= lastDone); lastDone = r.done; });
  const runId = await engine.startRun({ suite: humanEvalFile(), models: ['loopback:x'], n: 20, k: [1, 10], concurrency: 4, sandbox: 'noop' });
  const r = await engine.waitForRun(runId);
  assert.equal(r.status, "completed");
  console.log(`${ticks} progress ticks, ${scans.outcomes} scans of the outcomes`);
  assert.equal(r.done, 3280);
  assert.equal(r.metrics[0].passAtK[0].value, 1);
  assert.ok(ticks >= 5, `progress was reported (${ticks} ticks)`);
  assert.ok(scans.outcomes <= 3, `the store's outcomes were scanned ${scans.outcomes} times for ${ticks} progress ticks`);
  await engine.dispose();
  store.close();
});

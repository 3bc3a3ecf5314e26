// Compares Crucible's verdicts (the <samples>_results.jsonl of `crucible eval --samples`) with EvalPlus's
// (its <samples>.eval_results.json) sample by sample: base_status and plus_status of the i-th sample
// of each task. Prints the counts and every disagreement.
//   node --import tsx bench/evalplus/compare.ts SAMPLES_results.jsonl SAMPLES.eval_results.json
import { readFileSync } from 'node:fs';

const [crFile, epFile] = process.argv.slice(2);
const cr = new Map<string, { base_status: string; plus_status: string; result: string }[]>();
for (const l of readFileSync(crFile, 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(l);
  (cr.get(r.task_id) ?? cr.set(r.task_id, []).get(r.task_id)!)[r.sample_index] = r;
}
const ep = JSON.parse(readFileSync(epFile, 'utf8')).eval as Record<string, { base_status: string; plus_status: string }[]>;
let same = 0, differ = 0, basePass = 0, plusPass = 0;
for (const [task, list] of Object.entries(ep)) {
  list.forEach((e, i) => {
    const c = cr.get(task)?.[i];
    if (e.base_status === 'pass') basePass++;
    if (e.base_status === 'pass' && e.plus_status === 'pass') plusPass++;
    if (c && c.base_status === e.base_status && c.plus_status === e.plus_status) same++;
    else { differ++; console.log(`${task} #${i}: evalplus base=${e.base_status} plus=${e.plus_status} · crucible ${c ? `base=${c.base_status} plus=${c.plus_status} (${c.result.slice(0, 160)})` : 'missing'}`); }
  });
}
console.log(`samples ${same + differ}: same verdicts ${same}, different ${differ}; EvalPlus: base pass ${basePass}, base+plus pass ${plusPass}`);

// Crucible vs EvalPlus's own evaluator on HumanEval+, same samples, same machine, one after the other.
//   EVALPLUS_DIR=<evalplus checkout with stubs, see README "EvalPlus parity"> \
//   node --import tsx bench/evalplus/bench.ts [samples.jsonl]   (default: make-samples.py, 4 per task)
// Prints each tool's wall time for the whole file (EvalPlus: ground truth computed once first, as its
// cache would hold it on a second run; that time is printed apart) and the verdict comparison.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const here = __dirname;
const data = path.join(process.env.CRUCIBLE_DATA_DIR ?? path.resolve(here, '../../../shared/datasets'), 'humanevalplus/HumanEvalPlus.jsonl.gz');
const ep = process.env.EVALPLUS_DIR;
if (!ep) { console.error('set EVALPLUS_DIR (an evalplus checkout with stubs/ beside it, see README)'); process.exit(2); }
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-evalplus-'));
let samples = process.argv[2];
if (!samples) {
  samples = path.join(dir, 'samples.jsonl');
  spawnSync('python3', [path.join(here, 'make-samples.py'), data, samples, '4'], { stdio: 'inherit' });
}
const cr = path.join(dir, 'crucible.jsonl'), evp = path.join(dir, 'evalplus.jsonl');
copyFileSync(samples, cr); copyFileSync(samples, evp);
const env = { ...process.env, PYTHONPATH: `${ep}:${path.join(ep, 'stubs')}` };

let t = performance.now();
const e = spawnSync('python3', [path.join(here, 'run-evalplus.py'), 'humaneval', data, evp, '2'], { env, encoding: 'utf8' });
const evalplusMs = performance.now() - t;
const gt = /Expected outputs computed in ([\d.]+)s/.exec(e.stdout)?.[1];

t = performance.now();
const c = spawnSync(process.execPath, [path.resolve(here, '../../dist/cli.js'), 'eval', '--suite', 'humanevalplus', '--samples', cr, '--db', path.join(dir, 'db.db')], { encoding: 'utf8' });
const crucibleMs = performance.now() - t;

console.log(`EvalPlus evaluate(): ${(evalplusMs / 1000).toFixed(1)} s wall (of which ground truth ${gt ?? '?'} s; 2 workers, no isolation)`);
console.log(`Crucible --samples:  ${(crucibleMs / 1000).toFixed(1)} s wall (Docker sandbox, expected outputs recomputed per sample), exit ${c.status}`);
spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'compare.ts'), `${cr}_results.jsonl`, evp.replace(/\.jsonl$/, '.eval_results.json')], { stdio: 'inherit' });

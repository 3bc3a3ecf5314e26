// Crucible vs EvalPlus's own evaluator on HumanEval+, same samples, same machine, one after the other.
//   EVALPLUS_DIR=<a checkout of github.com/evalplus/evalplus @ 26d6d00> \
//   node --import tsx bench/evalplus/bench.ts [samples.jsonl | --per-task N]   (default: make-samples.py, 4 per task)
// EvalPlus runs from that source with the host's python3 (numpy needed) and the stand-ins in
// bench/evalplus/stubs/ for the modules it imports only to generate, download or display.
// Prints each tool's wall time for the whole file (EvalPlus: ground truth computed once first, as its
// cache would hold it on a second run; that time is printed apart) and the verdict comparison.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const here = __dirname;
const data = path.join(process.env.CRUCIBLE_DATA_DIR ?? path.resolve(here, '../../../shared/datasets'), 'humanevalplus/HumanEvalPlus.jsonl.gz');
const ep = process.env.EVALPLUS_DIR;
if (!ep) { console.error('set EVALPLUS_DIR (a checkout of github.com/evalplus/evalplus, see README "EvalPlus parity")'); process.exit(2); }
const dir = mkdtempSync(path.join(tmpdir(), 'crucible-bench-evalplus-'));
const per = process.argv.indexOf('--per-task');
let samples = per < 0 ? process.argv[2] : undefined;
if (!samples) {
  samples = path.join(dir, 'samples.jsonl');
  spawnSync('python3', [path.join(here, 'make-samples.py'), data, samples, per < 0 ? '4' : process.argv[per + 1]], { stdio: 'inherit' });
}
const cr = path.join(dir, 'crucible.jsonl'), evp = path.join(dir, 'evalplus.jsonl');
copyFileSync(samples, cr); copyFileSync(samples, evp);
const env = { ...process.env, PYTHONPATH: `${ep}:${path.join(here, 'stubs')}`, EVALPLUS_CACHE: path.join(dir, 'evalplus-cache') };

let t = performance.now();
const e = spawnSync('python3', [path.join(here, 'run-evalplus.py'), 'humaneval', data, evp, '2'], { env, encoding: 'utf8' });
const evalplusMs = performance.now() - t;
const gt = /Expected outputs computed in ([\d.]+)s/.exec(e.stdout)?.[1];
if (e.status !== 0) { console.error(`EvalPlus's evaluator failed (exit ${e.status}):\n${e.stderr.split('\n').slice(-15).join('\n')}`); process.exit(1); }

t = performance.now();
const c = spawnSync(process.execPath, [path.resolve(here, '../../dist/cli.js'), 'eval', '--suite', 'humanevalplus', '--samples', cr, '--db', path.join(dir, 'db.db')], { encoding: 'utf8' });
const crucibleMs = performance.now() - t;

console.log(`EvalPlus evaluate(): ${(evalplusMs / 1000).toFixed(1)} s wall (of which ground truth ${gt ?? '?'} s; 2 workers, no isolation)`);
console.log(`Crucible --samples:  ${(crucibleMs / 1000).toFixed(1)} s wall (Docker sandbox, expected outputs recomputed per sample), exit ${c.status}`);
spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'compare.ts'), `${cr}_results.jsonl`, evp.replace(/\.jsonl$/, '.eval_results.json')], { stdio: 'inherit' });

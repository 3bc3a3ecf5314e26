# Runs EvalPlus's own evaluator (evalplus/evaluate.py: evaluate()) on a samples file, against the
# dataset file given (HUMANEVAL_OVERRIDE_PATH / MBPP_OVERRIDE_PATH), and prints its wall time.
#   PYTHONPATH=<evalplus checkout>:<stubs> python3 run-evalplus.py humaneval|mbpp DATASET SAMPLES [parallel]
# Stubs: modules evalplus imports for generation, download and display only (datasets, tree_sitter…,
# termcolor, tqdm, wget, tempdir, appdirs; psutil for the machine's memory size), none of which the
# evaluation uses; see README "EvalPlus parity".
import os, sys, time
dataset, data, samples = sys.argv[1], sys.argv[2], sys.argv[3]
parallel = int(sys.argv[4]) if len(sys.argv) > 4 else 2
os.environ['HUMANEVAL_OVERRIDE_PATH' if dataset == 'humaneval' else 'MBPP_OVERRIDE_PATH'] = data
# evalplus.evaluate imports its generation module (tree-sitter, model providers) only to offer
# generation; evaluating samples never calls it: a stand-in module instead of installing all of that.
import types
_codegen = types.ModuleType('evalplus.codegen')
def _no_codegen(*a, **k):
    raise RuntimeError('generation is not part of this bench')
_codegen.run_codegen = _no_codegen
sys.modules['evalplus.codegen'] = _codegen
from evalplus.evaluate import evaluate
t = time.time()
evaluate(dataset=dataset, samples=samples, parallel=parallel, i_just_wanna_run=True)
print('evalplus wall %.2f s' % (time.time() - t))

// The program that scores one sample of an EvalPlus problem (HumanEval+, MBPP+) the way EvalPlus's
// evaluator does. A port of evalplus/evaluate.py (get_groundtruth, check_correctness),
// evalplus/eval/__init__.py (untrusted_check, unsafe_execute, is_floats), eval/utils.py
// (swallow_io, time_limit, reliability_guard), eval/_special_oracle.py and data/mbpp.py
// (mbpp_deserialize_inputs), evalplus @ 26d6d00. Differences, on purpose:
//  - the expected outputs are the canonical solution's, computed in the same sandbox just before the
//    sample runs (EvalPlus computes them once on the host and caches them): the reference never runs
//    outside the sandbox, and its timings (the per-input time limits) come from the same machine;
//  - base and plus run one after the other in this one process (EvalPlus: two processes), each with
//    the sample exec'd afresh into new globals, so neither sees the other's state;
//  - np.allclose is used when numpy is importable, else a port of it for (nested) lists of numbers;
//  - the memory cap is the sandbox's, not EvalPlus's 4 GB RLIMIT_AS.
// The program prints one line `crucible-evalplus: {json}` with both verdicts, exits normally only
// when both are "pass", and otherwise raises AssertionError naming the verdicts and the failing input.
import type { CodeProblem } from '../plugins';

/** EvalPlus defaults (evalplus/config.py). */
export const EVALPLUS_MIN_TIME_LIMIT_S = 4.0;
export const EVALPLUS_GT_TIME_LIMIT_FACTOR = 4.0;
/** EVALPLUS_TIMEOUT_PER_TASK's default: a phase (base or plus) never gets more than this (+2 s). */
export const EVALPLUS_TIMEOUT_PER_TASK_S = 60;

export const EVALPLUS_MARK = 'crucible-evalplus: ';

export interface EvalPlusLabels {
  harness: 'evalplus';
  /** EvalPlus's dataset name: decides which special oracles apply. */
  dataset: 'humaneval' | 'mbpp';
  atol: number;
  /** The inputs' JSON as the file holds it (NaN/Infinity, big integers kept exact for Python). */
  baseInput: string;
  plusInput: string;
}

export function isEvalPlus(problem: CodeProblem): problem is CodeProblem & { labels: EvalPlusLabels } {
  return problem.labels?.harness === 'evalplus';
}

/** A Python string literal holding `s` exactly (what JSON.stringify emits is valid Python string syntax). */
export const pyStr = (s: string) => JSON.stringify(s);

export function evalplusProgram(problem: CodeProblem & { labels: EvalPlusLabels }, completion: string): string {
  const l = problem.labels;
  const cfg = {
    dataset: l.dataset, task_id: problem.id, entry_point: problem.entryPoint, atol: l.atol,
    min_time_limit: EVALPLUS_MIN_TIME_LIMIT_S, gt_factor: EVALPLUS_GT_TIME_LIMIT_FACTOR, per_task: EVALPLUS_TIMEOUT_PER_TASK_S,
  };
  const refPrompt = typeof problem.labels.referencePrompt === 'string' ? problem.labels.referencePrompt : problem.prompt;
  const reference = refPrompt + (problem.canonicalSolution ?? '');
  // The solution is exactly what EvalPlus executes: prompt + completion (an EvalPlus `solution` reaches
  // here with an empty prompt). The reference is prompt + canonical_solution, as get_groundtruth runs it.
  return `${DRIVER}
_CFG = _json.loads(${pyStr(JSON.stringify(cfg))})
_BASE = _json.loads(${pyStr(l.baseInput)})
_PLUS = _json.loads(${pyStr(l.plusInput)})
_REFERENCE = ${pyStr(reference)}
_SOLUTION = ${pyStr(problem.prompt + completion)}
_main()
`;
}

const DRIVER = String.raw`# Scores one sample as EvalPlus does (see src/server/languages/python-evalplus.ts).
import json as _json, sys as _sys, io as _io, math as _math, time as _time, signal as _signal, contextlib as _contextlib, copy as _copy, os as _os

class _TimeoutException(Exception):
    pass

class _WriteOnlyStringIO(_io.StringIO):
    def read(self, *a, **k): raise IOError
    def readline(self, *a, **k): raise IOError
    def readlines(self, *a, **k): raise IOError
    def readable(self, *a, **k): return False

class _redirect_stdin(_contextlib._RedirectStream):
    _stream = 'stdin'

@_contextlib.contextmanager
def _swallow_io():
    stream = _WriteOnlyStringIO()
    with _contextlib.redirect_stdout(stream):
        with _contextlib.redirect_stderr(stream):
            with _redirect_stdin(stream):
                yield

class _PhaseTimeout(BaseException):
    pass

_deadline = [None]

@_contextlib.contextmanager
def _time_limit(seconds):
    # EvalPlus: a per-input ITIMER_REAL. Its process-level timeout (min(60, sum of limits) + 2 s) is
    # emulated by never arming the timer past the phase's deadline; reaching that is the "timeout" verdict.
    left = _deadline[0] - _time.monotonic()
    phase_end = left <= seconds
    def handler(signum, frame):
        if phase_end:
            raise _PhaseTimeout()
        raise _TimeoutException('Timed out!')
    _signal.setitimer(_signal.ITIMER_REAL, max(left if phase_end else seconds, 1e-6))
    _signal.signal(_signal.SIGALRM, handler)
    try:
        yield
    finally:
        _signal.setitimer(_signal.ITIMER_REAL, 0)

def _poly(xs, x):
    return sum([coeff * _math.pow(x, i) for i, coeff in enumerate(xs)])

def _surface_Area(base_edge, height):
    slant_height = _math.sqrt((base_edge / 2) ** 2 + height**2)
    base_area = base_edge**2
    lateral_area = 4 * (base_edge * slant_height) / 2
    return round(base_area + lateral_area)

def _digit_distance_nums(num1, num2):
    s1, s2 = str(num1), str(num2)
    m = max(len(s1), len(s2))
    s1, s2 = s1.zfill(m), s2.zfill(m)
    return sum(abs(int(a) - int(b)) for a, b in zip(s1, s2))

_MBPP_OUTPUT_NOT_NONE_TASKS = ['check_str', 'text_match_three', 'text_starta_endb']
_MBPP_OUTPUT_SET_EQ_TASKS = ['similar_elements', 'find_char_long', 'common_in_nested_lists', 'extract_singly', 'larg_nnum', 'intersection_array', 'find_dissimilar', 'Diff']

def _mbpp_deserialize_inputs(task_id, inputs):
    task_id = int(task_id.split('/')[-1])
    if task_id in [2, 116, 132, 143, 222, 261, 273, 394, 399, 421, 424, 429, 470, 560, 579, 596, 616, 630, 726, 740, 744, 809]:
        return [[tuple(lst) for lst in inp] for inp in inputs]
    if task_id in [63, 64, 70, 94, 120, 237, 272, 299, 400, 409, 417, 438, 473, 614, 780]:
        return [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
    if task_id in [75, 413, 444, 753]:
        return [[[tuple(lst) for lst in inp[0]]] + [inp[1]] for inp in inputs]
    if task_id == 106 or task_id == 750:
        return [[inp[0]] + [tuple(inp[1])] for inp in inputs]
    if task_id == 115:
        return [[[set(item) if isinstance(item, list) and len(item) else {} for item in inp[0]]] for inp in inputs]
    if task_id == 124:
        return [(float(inp[0]), complex(inp[1])) for inp in inputs]
    if task_id in [250, 405, 446, 617, 720, 763, 808]:
        return [[tuple(inp[0])] + [inp[1]] for inp in inputs]
    if task_id in [259, 401, 445]:
        m = [[[tuple(lst) for lst in lst_lst] for lst_lst in inp] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if task_id == 278:
        m = [[[tuple(item) if isinstance(item, list) else item for item in inp[0]]] for inp in inputs]
        return [[tuple(lst) for lst in inp] for inp in m]
    if task_id == 307:
        return [[tuple(inp[0])] + [inp[1], inp[2]] for inp in inputs]
    if task_id == 722:
        return [[{key: tuple(value) for key, value in inp[0].items()}] + inp[1:] for inp in inputs]
    if task_id == 252:
        return [[complex(inp[0])] for inp in inputs]
    if task_id in [580, 615, 791]:
        def tup(x):
            return tuple([tup(i) for i in x]) if isinstance(x, list) else x
        return [tup(inp) for inp in inputs]
    return inputs

try:
    import numpy as _np
except Exception:
    _np = None

def _is_floats(x):
    if isinstance(x, float):
        return True
    if isinstance(x, (list, tuple)) and x:
        return all(isinstance(i, float) for i in x)
    if _np is not None and isinstance(x, _np.ndarray):
        return x.dtype == _np.float64 or x.dtype == _np.float32
    return False

def _shape(x):
    if isinstance(x, (list, tuple)):
        shapes = [_shape(i) for i in x]
        if any(s != shapes[0] for s in shapes):
            raise ValueError('inhomogeneous shape')
        return (len(x),) + (shapes[0] if shapes else ())
    if isinstance(x, (str, bytes)) or x is None:
        raise TypeError('not a number')
    return ()

def _flat(x):
    if isinstance(x, (list, tuple)):
        for i in x:
            yield from _flat(i)
    else:
        yield x

def _allclose(a, b, rtol, atol):
    # np.allclose(a, b, rtol, atol) without numpy: same shapes (or a scalar against an array).
    if _np is not None:
        return bool(_np.allclose(a, b, rtol=rtol, atol=atol))
    sa, sb = _shape(a), _shape(b)
    fa, fb = list(_flat(a)), list(_flat(b))
    if sa != sb:
        if sa == ():
            fa = fa * len(fb)
        elif sb == ():
            fb = fb * len(fa)
        else:
            raise ValueError('shapes %r and %r do not broadcast' % (sa, sb))
    for x, y in zip(fa, fb):
        x, y = complex(x), complex(y)
        if _math.isinf(x.real) or _math.isinf(x.imag) or _math.isinf(y.real) or _math.isinf(y.imag):
            if x != y:
                return False
        elif not (abs(x - y) <= atol + rtol * abs(y)):
            return False
    return True

def _guard():
    # evalplus/eval/utils.py reliability_guard, minus the memory limit (the sandbox has its own).
    # Returns what it replaced so the worker gets its functions back once the checks are over.
    import builtins, faulthandler, shutil, subprocess
    saved = []
    def off(obj, name):
        if isinstance(obj, dict):
            saved.append((obj, name, obj.get(name, None), name in obj))
            obj[name] = None
        else:
            saved.append((obj, name, getattr(obj, name, None), hasattr(obj, name)))
            setattr(obj, name, None)
    faulthandler.disable()
    off(builtins, 'exit'); off(builtins, 'quit')
    _os.environ['OMP_NUM_THREADS'] = '1'
    for n in ['kill', 'system', 'putenv', 'remove', 'removedirs', 'rmdir', 'fchdir', 'setuid', 'fork', 'forkpty', 'killpg', 'rename', 'renames', 'truncate', 'replace', 'unlink', 'fchmod', 'fchown', 'chmod', 'chown', 'chroot', 'lchflags', 'lchmod', 'lchown', 'getcwd', 'chdir']:
        off(_os, n)
    off(builtins, 'open')
    off(shutil, 'rmtree'); off(shutil, 'move'); off(shutil, 'chown')
    off(subprocess, 'Popen')
    off(builtins.__dict__, 'help')
    for m in ['ipdb', 'joblib', 'resource', 'psutil', 'tkinter']:
        off(_sys.modules, m)
    return saved

def _unguard(saved):
    for obj, name, old, had in reversed(saved):
        if isinstance(obj, dict):
            if had: obj[name] = old
            else: obj.pop(name, None)
        elif had:
            setattr(obj, name, old)
        else:
            try: delattr(obj, name)
            except Exception: pass

def _groundtruth(inputs):
    # evalplus/gen/util trusted_exec: fresh globals, a deep copy of each input, timed.
    g = {}
    exec(_REFERENCE, g)
    fn = g[_CFG['entry_point']]
    out, times = [], []
    for inp in inputs:
        inp = _copy.deepcopy(inp)
        t = _time.time()
        out.append(fn(*inp))
        times.append(_time.time() - t)
    if _CFG['dataset'] == 'mbpp' and _CFG['entry_point'] in _MBPP_OUTPUT_NOT_NONE_TASKS:
        out = [i is not None for i in out]
    return out, times

def _phase(inputs, expected, ref_time):
    # untrusted_check + unsafe_execute with fast_check (EvalPlus's default): the first failing input ends it.
    dataset, entry_point = _CFG['dataset'], _CFG['entry_point']
    atol = _CFG['atol']
    time_limits = [max(_CFG['min_time_limit'], _CFG['gt_factor'] * t) for t in ref_time]
    _deadline[0] = _time.monotonic() + min(_CFG['per_task'], sum(time_limits)) + 2
    progress = 0
    try:
        exec_globals = {}
        with _time_limit(_deadline[0] - _time.monotonic()):
            with _swallow_io():
                exec(_SOLUTION, exec_globals)
                fn = exec_globals[entry_point]
        for i, inp in enumerate(inputs):
            try:
                with _time_limit(time_limits[i]):
                    with _swallow_io():
                        out = fn(*inp)
                exp = expected[i]
                exact_match = out == exp
                if dataset == 'mbpp':
                    if 'are_equivalent' == entry_point:
                        exact_match = exact_match or True
                    elif 'sum_div' == entry_point:
                        exact_match = exact_match or out == 0
                    elif 'surface_Area' == entry_point:
                        exact_match = exact_match or abs(out - _surface_Area(*inp)) <= atol
                    elif 'digit_distance_nums' == entry_point:
                        exact_match = exact_match or out == _digit_distance_nums(*inp)
                    elif entry_point in _MBPP_OUTPUT_SET_EQ_TASKS:
                        exact_match = set(out) == set(exp)
                    elif entry_point in _MBPP_OUTPUT_NOT_NONE_TASKS:
                        if isinstance(out, bool):
                            exact_match = out == exp
                        else:
                            exact_match = exp == (out is not None)
                if dataset == 'humaneval':
                    if 'find_zero' == entry_point:
                        assert abs(_poly(*inp, out)) <= atol
                        progress += 1
                        continue
                if atol == 0 and _is_floats(exp):
                    atol = 1e-6
                if not exact_match and atol != 0:
                    assert type(out) == type(exp)
                    if isinstance(exp, (list, tuple)):
                        assert len(out) == len(exp)
                    assert _allclose(out, exp, 1e-07, atol)
                else:
                    assert exact_match
            except _PhaseTimeout:
                raise
            except BaseException as e:
                return 'fail', i, _why(e)
            progress += 1
        return 'pass', None, ''
    except _PhaseTimeout:
        return 'timeout', progress, 'over the time EvalPlus gives the whole phase'
    except BaseException as e:
        return 'fail', None, _why(e)

def _why(e):
    if isinstance(e, _TimeoutException):
        return 'timed out'
    s = type(e).__name__
    m = str(e)
    return s + (': ' + m[:200] if m else '')

def _show(inputs, i):
    r = repr(inputs[i])
    return r if len(r) <= 200 else r[:200] + '...'

def _main():
    task = _CFG['task_id']
    base, plus = _BASE, _PLUS
    if _CFG['dataset'] == 'mbpp':
        base, plus = _mbpp_deserialize_inputs(task, base), _mbpp_deserialize_inputs(task, plus)
    exp_base, t_base = _groundtruth(base)
    exp_plus, t_plus = _groundtruth(plus)
    cwd = _os.getcwd()
    saved = _guard()
    try:
        b = _phase(base, exp_base, t_base)
        # Said now, so a sample the sandbox stops during plus (its backstop limit, a kill) still has
        # its base verdict; plus is "timeout" until the final line says otherwise, as EvalPlus
        # reports a phase whose process never reported.
        _sys.__stdout__.write('${EVALPLUS_MARK}' + _json.dumps({'base_status': b[0], 'plus_status': 'timeout', 'base_fail': b[1], 'plus_fail': None, 'base_inputs': len(base), 'plus_inputs': len(plus)}) + '\n')
        _sys.__stdout__.flush()
        p = _phase(plus, exp_plus, t_plus)
    finally:
        _unguard(saved)
        _os.chdir(cwd)
    _sys.stdout = _sys.__stdout__
    _sys.stderr = _sys.__stderr__
    res = {'base_status': b[0], 'plus_status': p[0], 'base_fail': b[1], 'plus_fail': p[1], 'base_inputs': len(base), 'plus_inputs': len(plus)}
    print('${EVALPLUS_MARK}' + _json.dumps(res), flush=True)
    if b[0] != 'pass' or p[0] != 'pass':
        parts = []
        for name, (st, i, why), inputs in (('base', b, base), ('plus', p, plus)):
            if st != 'pass':
                at = '' if i is None else ' on input #%d of %d %s' % (i, len(inputs), _show(inputs, i)) if st == 'fail' else ' after %d of %d inputs' % (i, len(inputs))
                parts.append('%s %s%s%s' % (name, st, at, (': ' + why) if why else ''))
            else:
                parts.append('%s pass' % name)
        raise AssertionError('EvalPlus: ' + '; '.join(parts))
`;

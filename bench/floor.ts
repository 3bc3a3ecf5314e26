// The floor both benches measure against: one bare interpreter exec'ing every program in a fresh
// namespace, one after another; a timer turns a runaway into 'timeout'. No isolation, no process per
// sample: the least any evaluator must spend. Reads a JSON list of programs (argv[1]) and writes
// {"verdicts": [...], "ms": time inside the loop} to argv[2].
export function floorPy(limitS: number): string {
  return String.raw`
import json, sys, signal, time
class Timeout(BaseException): pass
def on_alarm(*a): raise Timeout()
signal.signal(signal.SIGALRM, on_alarm)
progs = json.load(open(sys.argv[1]))
out = []
t0 = time.perf_counter()
for src in progs:
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        exec(compile(src, 'program.py', 'exec'), {'__name__': '__main__'})
        v = 'passed'
    except Timeout:
        v = 'timeout'
    except BaseException:
        v = 'failed'
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
    out.append(v)
json.dump({'verdicts': out, 'ms': (time.perf_counter() - t0) * 1000}, open(sys.argv[2], 'w'))
`.replace('LIMIT', String(limitS));
}

/**
 * The floor of any process-per-sample evaluator on this kernel: the same loop, but each program runs
 * in a forked child of the warm interpreter (up to `workers` at once), as Crucible's worker runs it
 * minus everything else (no container, no uid change, no scratch dir, no output capture). What a
 * sample costs here beyond the bare floor is the kernel's: fork, the child's copy-on-write faults,
 * exit and wait. Same arguments and output as floorPy.
 */
export function forkFloorPy(limitS: number, workers: number): string {
  return String.raw`
import json, os, sys, signal, time
progs = json.load(open(sys.argv[1]))
CODES = {0: 'passed', 3: 'timeout'}
out = [None] * len(progs)
running = {}
def run(src):
    class Timeout(BaseException): pass
    def on_alarm(*a): raise Timeout()
    signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, LIMIT)
    try:
        exec(compile(src, 'program.py', 'exec'), {'__name__': '__main__'})
        os._exit(0)
    except Timeout:
        os._exit(3)
    except BaseException:
        os._exit(1)
def reap():
    pid, st = os.wait()
    out[running.pop(pid)] = CODES.get(os.waitstatus_to_exitcode(st), 'failed')
devnull = os.open(os.devnull, os.O_WRONLY)
t0 = time.perf_counter()
for i, src in enumerate(progs):
    while len(running) >= WORKERS:
        reap()
    pid = os.fork()
    if pid == 0:
        os.dup2(devnull, 1); os.dup2(devnull, 2)
        run(src)
    running[pid] = i
while running:
    reap()
json.dump({'verdicts': out, 'ms': (time.perf_counter() - t0) * 1000}, open(sys.argv[2], 'w'))
`.replace('LIMIT', String(limitS)).replace('WORKERS', String(workers));
}

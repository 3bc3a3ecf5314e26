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

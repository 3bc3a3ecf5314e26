// The in-container worker, as Python source run with `python3 -u -c <source>`: the image's own
// python3, or for non-Python languages one the sandbox brings (runtime.ts).
//
// Protocol: one JSON request per line in, one JSON answer per line out (over the host's socket when
// it offers one, else stdin/stdout).
//   request: {id, files: {name: text}, steps: [{argv, timeoutMs, py?, sentinel?, rl?}], cap, rl: {as, cpu, fsize, nofile, nproc, mem}}
//   answer:  {id, exit, signal, timedOut, step, output, bytes, ms, stepMs, cpuMs, waitMs?, finished?, oomKilled?, memKilled?, dirty?, tampered?}
// dirty/tampered: the worker exits after this answer (what the sample left could not be undone);
// requests already queued behind it were not started.
// Each request gets a fresh scratch dir under /tmp; each step runs in a fresh child process in its
// own process group. `py: true` forks the (warm) worker and runs the file in the child instead of
// exec'ing a new interpreter: the same semantics as `python3 file`, ~20x cheaper to start.
// After every request the worker kills every other process in the container (it is PID 1 of its
// own pid namespace, so kill(-1) reaches exactly the leftovers of the sample) and empties /tmp,
// so one sample can see neither another's files nor its processes.
// Started as root (Docker, with only CAP_SETUID, CAP_SETGID and CAP_KILL), it runs every sample as
// another uid (SAMPLE_UID) with no capabilities, so no sample can signal, prlimit, renice, re-pin or
// ptrace it; it works in the sample's files and IPC objects with that uid as its effective uid.
// Started as an ordinary user (bubblewrap: one uid in the user namespace) samples share its uid: then
// it marks itself non-dumpable (no ptrace, no /proc/1/fd/*), ignores SIGINT, and after every sample
// checks its own rlimits, nice value, CPU affinity and scheduling policy: what it cannot restore,
// it reports as "tampered" and exits, so a fresh worker serves the next sample.
// After every sample it also removes every SysV IPC object (shm, semaphores, message queues), and
// where the keyring is reachable (not under Docker's seccomp) it clears the user keyrings; samples
// get RLIMIT_MSGQUEUE 0 (no POSIX message queues) and a fresh session keyring.
// Steps with "sentinel" must prove they ran to the end: a forked Python run writes a per-sample
// nonce into a page shared with the worker once the program has run to its end without raising or
// exiting; an exec'd program gets the marker on fd 3 (CRUCIBLE_SENTINEL_FD=3) and its harness copies
// it to stdout after the tests (src/server/languages). The answer says "finished"; the marker is
// removed from the output.
export const WORKER_PY = String.raw`
import os, sys, json, time, select, signal, resource, mmap, marshal, socket
# A sample signalling PID 1 (where it shares the worker's uid) must not end it: Python's SIGINT
# handler is the only disposition that would let a signal through to PID 1 of a pid namespace.
signal.signal(signal.SIGINT, signal.SIG_IGN)
# Preloaded so a sample does not pay for importing them (typing alone costs a child ~12 ms). Not
# preloaded on purpose: modules that register fork handlers (threading, random: every child would
# run them, ~0.7 ms a sample in this VM where each copied page costs ~4 us) and big rarely-used ones
# (decimal, datetime, statistics: a bigger worker makes every fork slower). ast: the compare hook
# of every failing assert imports it (languages/failure.ts); in a child that cost ~20 ms a sample here,
# preloaded ~0.5 MB that a passing sample's fork does not notice.
for _m in ('ast', 'typing', 'math', 're', 'collections', 'itertools', 'functools', 'heapq', 'string',
           'bisect', 'copy', 'operator', 'traceback'):
    try:
        __import__(_m)
    except Exception:
        pass
import builtins, atexit, types, io, gc
# A failing sample's traceback is printed by the interpreter's own (C) display, as "python3 file"
# does: same text as the traceback module, ~3x cheaper (it needs no ast module for the ^^^ markers).
# Warm it once, before any fork.
try:
    exec(compile('def _w(x):\n    return x[1]\n_w([0])', '<warm>', 'exec'), {})
except Exception as _e:
    _err, sys.stderr = sys.stderr, io.StringIO()
    try:
        sys.__excepthook__(type(_e), _e, _e.__traceback__)
    finally:
        sys.stderr = _err

# If the container runs out of memory, the kernel must kill a sample, not the worker. Set once here
# and inherited by every forked sample (per fork it tripled the cost of a sample). The worker has the
# same score, but the OOM killer picks by score plus size, and the hog is the sample.
try:
    with open('/proc/self/oom_score_adj', 'w') as f:
        f.write('1000')
except OSError:
    pass

NONDUMPABLE = False
LIBC = None
try:
    import ctypes
    LIBC = ctypes.CDLL(None, use_errno=True)
    NONDUMPABLE = LIBC.prctl(4, 0, 0, 0, 0) == 0  # PR_SET_DUMPABLE 0
except Exception:
    pass

# Only as PID 1 of its own pid namespace (a container, or bwrap --as-pid-1) is it safe to kill
# every other process and to empty /tmp: anywhere else (say, a developer running it on the host)
# that would destroy things that are not ours. So everything destructive is guarded by IS_INIT.
IS_INIT = os.getpid() == 1
# Samples run as another uid when the worker starts as root (only as PID 1: nowhere else is it ours to
# decide). Supplementary groups are dropped once, here, so no sample inherits root's groups.
SAMPLE_UID = SAMPLE_GID = 65534
SEPARATE = IS_INIT and os.getuid() == 0
if SEPARATE:
    os.setgroups([])

def as_sample():
    # The worker acts in the sample's files and IPC objects with the sample's uid (it owns them), only
    # while no sample process is alive. Real and saved uid stay 0, so no sample can signal the worker.
    # (The group stays 0: the scratch dir is mode 0700, and IPC_RMID goes by uid.)
    if SEPARATE:
        os.setresuid(-1, SAMPLE_UID, -1)

def as_worker():
    if SEPARATE:
        os.setresuid(-1, 0, -1)

def keyctl(*args):
    # keyctl(2) via syscall (x86_64: 250, aarch64: 219); Docker's seccomp refuses it, bubblewrap allows it.
    if LIBC is None or SEPARATE:
        return -1
    nr = {'x86_64': 250, 'aarch64': 219}.get(os.uname().machine)
    return -1 if nr is None else LIBC.syscall(nr, *args)

# What a sample could change in the worker where it shares the worker's uid (bubblewrap): checked
# after every sample against these, restored where possible, else the worker retires.
RLIMITS = sorted({getattr(resource, n) for n in dir(resource) if n.startswith('RLIMIT_')})
def own_state():
    try:
        sched = os.sched_getscheduler(0)
    except (AttributeError, OSError):
        sched = None
    return ([resource.getrlimit(r) for r in RLIMITS], os.getpriority(os.PRIO_PROCESS, 0), os.sched_getaffinity(0), sched)
OWN_STATE = own_state()

def tampered():
    # None when the worker is as it started; else what a sample changed that could not be undone.
    # Samples of another uid cannot change any of it (the kernel refuses): not worth ~80 us a sample.
    if SEPARATE:
        return None
    now = own_state()
    if now == OWN_STATE:
        return None
    lims, nice, cpus, sched = OWN_STATE
    for r, v in zip(RLIMITS, lims):
        try:
            if resource.getrlimit(r) != v:
                resource.setrlimit(r, v)
        except (ValueError, OSError):
            pass
    try:
        if os.sched_getaffinity(0) != cpus:
            os.sched_setaffinity(0, cpus)
    except OSError:
        pass
    try:
        if sched is not None and os.sched_getscheduler(0) != sched:
            os.sched_setscheduler(0, sched, os.sched_param(0))
    except OSError:
        pass
    now = own_state()
    if now == OWN_STATE:
        return None
    what = []
    for r, a, b in zip(RLIMITS, lims, now[0]):
        if a != b:
            name = next((n for n in dir(resource) if n.startswith('RLIMIT_') and getattr(resource, n) == r), str(r))
            what.append('%s %s (was %s)' % (name, b, a))
    if now[1] != nice:
        what.append('nice %d (was %d)' % (now[1], nice))
    if now[2] != cpus:
        what.append('CPU affinity %s (was %s)' % (sorted(now[2]), sorted(cpus)))
    if now[3] != sched:
        what.append('scheduling policy %s (was %s)' % (now[3], sched))
    return 'the sample changed the sandbox worker: ' + ', '.join(what)

SYSV = (('shm', 'shmctl'), ('msg', 'msgctl'), ('sem', 'semctl'))
_INFO = ctypes.create_string_buffer(256) if LIBC is not None else None
def ipc_in_use():
    # Whether any SysV IPC object exists, from SHM_INFO/MSG_INFO/SEM_INFO (a few us; reading the three
    # /proc/sysvipc files costs ~0.2 ms in this VM). None when it cannot tell.
    try:
        if LIBC.shmctl(0, 14, _INFO) < 0:  # SHM_INFO: used_ids first
            return None
        if ctypes.c_int.from_buffer(_INFO, 0).value:
            return True
        if LIBC.msgctl(0, 12, _INFO) < 0:  # MSG_INFO: msgpool (queues in use) first
            return None
        if ctypes.c_int.from_buffer(_INFO, 0).value:
            return True
        if LIBC.semctl(0, 0, 19, _INFO) < 0:  # SEM_INFO: semusz (sets in use) is the eighth int
            return None
        return ctypes.c_int.from_buffer(_INFO, 28).value != 0
    except Exception:
        return None

def remove_ipc():
    # Every SysV IPC object left in the worker's IPC namespace: a sample's shared memory would stay
    # charged to the container (and under bubblewrap, to no limit at all) and visible to the next one.
    if LIBC is None or ipc_in_use() is False:
        return True
    left = 0
    for kind, ctl in SYSV:
        try:
            with open('/proc/sysvipc/' + kind, 'rb') as f:
                rows = f.read().split(b'\n')[1:]
        except OSError:
            continue
        for row in rows:
            cols = row.split()
            if len(cols) < 2 or LIBC is None:
                continue
            ipc_id = int(cols[1])
            rc = LIBC.semctl(ipc_id, 0, 0) if kind == 'sem' else getattr(LIBC, ctl)(ipc_id, 0, None)  # IPC_RMID
            if rc != 0:
                left += 1
    return left == 0

# A page shared with every forked Python sample: it writes the sample's nonce here once its program ran to the end.
DONE = mmap.mmap(-1, mmap.PAGESIZE)
SCRATCH_ROOTS = ('/tmp', '/dev/shm', '/dev/mqueue')
if IS_INIT:
    SCRATCH_BASE = '/tmp'
else:
    import tempfile
    SCRATCH_BASE = tempfile.mkdtemp(prefix='crucible-worker-')
PROTO_OUT = sys.stdout
PROTO_IN = sys.stdin.buffer
# With a local engine the host offers a unix socket (a read-only bind mount): talking over it skips
# the Docker engine's attach relay, ~0.4 ms of engine CPU a sample. The host accepts one connection,
# checks the token, then removes the socket, so a sample cannot reach it. Without it: stdin/stdout.
TRANSPORT = 'stdio'
_sock_path, _token = os.environ.get('CRUCIBLE_SOCK'), os.environ.get('CRUCIBLE_TOKEN', '')
if _sock_path:
    try:
        _s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        _s.connect(_sock_path)
        PROTO_IN = _s.makefile('rb')
        PROTO_OUT = _s.makefile('w', encoding='utf-8', newline='\n')
        TRANSPORT = 'socket'
    except OSError as e:
        TRANSPORT = 'stdio (socket %s: %s)' % (_sock_path, e)
# Every sample runs in the same (emptied, re-created) scratch dir, one at a time, so the environment
# it gets is the same for all: set it once here, in the worker, and a forked child simply inherits it
# (per child, rebuilding os.environ cost ~0.3 ms of copied pages). Nothing else of the worker's own
# environment reaches a sample.
WORK = os.path.join(SCRATCH_BASE, 'w')
_path = os.environ.get('PATH') or '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
# Thread counts an image sets for its numeric libraries (crucible-python-sci: one OpenBLAS thread, as
# per-core threads would not fit a sample's address-space and process limits).
_threads = {k: v for k, v in os.environ.items() if k in ('OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS')}
os.environ.clear()
os.environ.update({'PATH': _path,
                   'LANG': 'C.UTF-8', 'PYTHONDONTWRITEBYTECODE': '1', 'PYTHONHASHSEED': '0', 'HOME': WORK, 'TMPDIR': WORK})
os.environ.update(_threads)
DEVNULL = os.open('/dev/null', os.O_RDONLY)
# A Python sample's stdio, made once: after the child's dup2 they are its fds 0/1/2 (the worker never uses them).
CHILD_STDIO = (open(0, 'r', closefd=False),
               open(1, 'w', encoding='utf-8', errors='backslashreplace', closefd=False),
               open(2, 'w', encoding='utf-8', errors='backslashreplace', buffering=1, closefd=False))
def reply(obj):
    PROTO_OUT.write(json.dumps(obj) + '\n')
    PROTO_OUT.flush()

def kill_sample(pid):
    # The sample's process and its process group (what it started without leaving the group).
    for kill in (os.killpg, os.kill):
        try:
            kill(pid, signal.SIGKILL)
        except OSError:
            pass

def kill_all(child=None):
    # Everything except this worker belongs to the finished sample.
    if child is not None:
        kill_sample(child)
    if FORKSRV is not None:
        # kill(-1) from here would end the fork server too: it kills everything but itself and us.
        try:
            FORKSRV.send(b'K')
            if FORKSRV.recv(8) == b'k':
                reap_orphans()
                return
        except OSError:
            pass
        forksrv_lost()  # killed below with the rest
    if IS_INIT:
        kill_everything()
    else:
        reap_orphans()

def kill_everything():
    # Kills every process but this one (and PID 1) and reaps them: only as PID 1 of our own pid
    # namespace, or the fork server, are they all the sample's.
    for _ in range(10000):
        try:
            os.kill(-1, signal.SIGKILL)
        except OSError:
            pass
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue

def reap_orphans():
    # Zombies of leftovers reparented to us (PID 1), where no fork server was their subreaper.
    while True:
        try:
            pid, _st = os.waitpid(-1, os.WNOHANG)
            if pid == 0:
                break
        except ChildProcessError:
            break
        except InterruptedError:
            continue

def remove(p):
    # Removes p and everything under it without following links, making each directory writable
    # first (a sample may have made them read-only). Iterative, so no depth exhausts the stack. Not
    # shutil.rmtree: shutil pulls in bz2 and lzma, 20 more mappings that every fork would copy.
    stack = [(p, False)]
    while stack:
        q, emptied = stack.pop()
        if emptied:
            try:
                os.rmdir(q)
            except OSError:
                pass
            continue
        try:
            os.unlink(q)
            continue
        except FileNotFoundError:
            continue
        except OSError:
            pass  # a directory (EISDIR)
        try:
            os.chmod(q, 0o700)
            names = os.listdir(q)
        except OSError:
            continue
        stack.append((q, True))
        stack.extend((os.path.join(q, n), False) for n in names)

def clean_scratch():
    # Empties the writable places; False if something there could not be removed (then the worker
    # exits after its answer and the container is replaced, rather than let the next sample see it).
    if not IS_INIT:
        return True
    as_sample()
    try:
        return clean_as_sample()
    finally:
        as_worker()

def clean_as_sample():
    clean = remove_ipc()
    if not SEPARATE:
        # The user keyrings are per uid (and user namespace): what a sample put there, the next would see.
        for ring in (-4, -5):  # KEY_SPEC_USER_KEYRING, KEY_SPEC_USER_SESSION_KEYRING
            keyctl(5, ring, 0x3f3f0000)  # KEYCTL_SETPERM: a sample may have taken away our write permission
            keyctl(7, ring)  # KEYCTL_CLEAR
    for root in SCRATCH_ROOTS:
        try:
            names = os.listdir(root)
        except OSError:
            continue
        for n in names:
            remove(os.path.join(root, n))
        if names:
            try:
                if os.listdir(root):
                    clean = False
            except OSError:
                pass
    return clean

# The container's OOM-kill counter (cgroup v2, then v1): a sample killed by SIGKILL while it went up
# was killed for memory, not by anyone else. None where there is no memory cgroup (bubblewrap).
OOM_FILES = ('/sys/fs/cgroup/memory.events', '/sys/fs/cgroup/memory/memory.oom_control')

def oom_kills():
    for f in OOM_FILES:
        try:
            with open(f) as fh:
                for line in fh:
                    k, _, v = line.partition(' ')
                    if k == 'oom_kill':
                        return int(v)
        except (OSError, ValueError):
            pass
    return None

OOM_SEEN = oom_kills()

def limits_for(rl, timeout_s):
    # The child's rlimits, worked out in the worker: the child only calls setrlimit.
    # No core dumps; no POSIX message queues (they would outlive the sample, and nothing lists them).
    out = [(resource.RLIMIT_CORE, (0, 0)), (resource.RLIMIT_MSGQUEUE, (0, 0))]
    for key, which in (('as', resource.RLIMIT_AS), ('fsize', resource.RLIMIT_FSIZE), ('nofile', resource.RLIMIT_NOFILE),
                       # Counted per user namespace: where there is no pids cgroup (bubblewrap) this bounds fork bombs.
                       ('nproc', resource.RLIMIT_NPROC)):
        if rl.get(key):
            out.append((which, (int(rl[key]), int(rl[key]))))
    cpu = int(rl.get('cpu') or (int(timeout_s) + 2))
    out.append((resource.RLIMIT_CPU, (cpu, cpu + 1)))
    return out

def exit_code_of(e):
    c = e.code
    if c is None:
        return 0
    if isinstance(c, int):
        return c & 0xff
    try:
        sys.stderr.write(str(c) + '\n')
    except Exception:
        pass
    return 1

def run_python_here(path, nonce=None):
    # Runs path as __main__ the way "python3 path" would, in this (forked) process. With a nonce, it
    # is written to the shared page once the program has run to its end without raising or exiting:
    # the worker's proof that the tests finished (exit status 0 alone is not: sys.exit(0), os._exit(0)
    # from a thread, atexit or an excepthook end a program early with status 0).
    code = 0
    main = types.ModuleType('__main__')
    main.__file__ = path
    main.__builtins__ = builtins
    sys.modules['__main__'] = main
    sys.argv = [path]
    sys.path[0] = os.path.dirname(path)
    try:
        with open(path, 'rb') as f:
            src = f.read()
        co = compile(src, path, 'exec', dont_inherit=True)
        exec(co, main.__dict__)
        if nonce is not None:
            DONE[:len(nonce)] = nonce
    except SystemExit as e:
        code = exit_code_of(e)
    except BaseException as e:
        tb = e.__traceback__
        while tb is not None and tb.tb_frame.f_code.co_filename == '<string>':
            tb = tb.tb_next  # the worker's own frames
        e.__traceback__ = tb
        try:
            sys.excepthook(type(e), e, tb)  # the sample's own hook if it set one, as python3 would
        except Exception:
            try:
                sys.__excepthook__(type(e), e, tb)
            except Exception:
                pass
        code = 1
    try:
        threading = sys.modules.get('threading')
        if threading is not None:
            threading._shutdown()
        atexit._run_exitfuncs()
    except SystemExit as e:
        code = exit_code_of(e)
    except BaseException:
        pass
    for s in (sys.stdout, sys.stderr):
        try:
            s.flush()
        except Exception:
            pass
    os._exit(code)

def spawn(step, cwd, limits, watched=False, marker=None):
    r, w = os.pipe()
    if SEPARATE:
        # A pipe belongs to its creator (here root, mode 0600): the sample must be able to reopen its
        # own stdout and stderr (/dev/stdout, /proc/self/fd/1) as it could if it had made them.
        os.fchmod(r, 0o666)
    py = bool(step.get('py'))
    sfd = None
    if marker is not None and not py:
        # The marker for the harness of an exec'd program, on a pipe it reads as fd 3 (or /proc/self/fd/3).
        sfd, sw = os.pipe()
        if SEPARATE:
            os.fchmod(sfd, 0o444)
        os.write(sw, marker)
        os.close(sw)
    argv = step['argv']
    pid = None
    served = FORKSRV is not None
    if served:
        try:
            fds = [w] if sfd is None else [w, sfd]
            socket.send_fds(FORKSRV, [marshal.dumps((argv, py, cwd, limits, watched, marker))], fds)
            pid = int(FORKSRV.recv(64))
        except (OSError, ValueError):
            forksrv_lost()
            pid, served = None, False
    if pid is None:
        # Objects the worker already has never need the child's GC: freezing them keeps the child from
        # touching (and so copying) every page of the parent.
        gc.freeze()
        pid = os.fork()
        if pid == 0:
            start_child(argv, py, cwd, limits, watched, marker, w, sfd)
    os.close(w)
    if sfd is not None:
        os.close(sfd)
    return pid, r, served

def start_child(argv, py, cwd, limits, watched, marker, w, sfd):
    # In the forked child: becomes the sample (never returns). As little Python as possible before
    # the sample runs: every page the child writes is copied.
    try:
        # Its own process group, for killpg. Not setsid: a session also gets its own scheduler
        # autogroup, created and torn down per sample (measurable here).
        os.setpgid(0, 0)
        os.dup2(w, 1)
        os.dup2(w, 2)
        os.dup2(DEVNULL, 0)
        if sfd is not None:
            os.dup2(sfd, 3)
            os.closerange(4, 4096)
        else:
            os.closerange(3, 4096)
        setrlimit = resource.setrlimit
        for which, v in limits:
            try:
                setrlimit(which, v)
            except (ValueError, OSError):
                pass
        if SEPARATE:
            # The sample's own uid and gid, all three of each: every capability is gone, for good
            # (no-new-privileges: no setuid binary or file capability gives any back).
            os.setresgid(SAMPLE_GID, SAMPLE_GID, SAMPLE_GID)
            os.setresuid(SAMPLE_UID, SAMPLE_UID, SAMPLE_UID)
        else:
            keyctl(1, None)  # KEYCTL_JOIN_SESSION_KEYRING: a fresh, empty session keyring
        os.chdir(cwd)  # as the sample: the scratch dir is its own (mode 0700)
        if py:
            if (watched or SEPARATE) and LIBC is not None:
                # Dumpable again (changing uid made it not): the sample may read its own /proc/self
                # as "python3 file" could, and the worker its smaps_rollup (memory watch).
                LIBC.prctl(4, 1, 0, 0, 0)  # PR_SET_DUMPABLE 1
            signal.signal(signal.SIGINT, signal.default_int_handler)
            sys.stdin, sys.stdout, sys.stderr = CHILD_STDIO
            run_python_here(os.path.join(cwd, argv[-1]), marker)
        else:
            # Python ignores these at startup (the worker SIGINT too); an exec'd program should get the defaults.
            signal.signal(signal.SIGPIPE, signal.SIG_DFL)
            signal.signal(signal.SIGXFSZ, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            env = os.environ
            if sfd is not None:
                env = dict(env, CRUCIBLE_SENTINEL_FD='3')
            os.execvpe(argv[0], argv, env)
    except BaseException as e:
        try:
            os.write(2, ('crucible worker: cannot start %r: %s\n' % (argv, e)).encode())
        except Exception:
            pass
    os._exit(127)

PAGE = os.sysconf('SC_PAGE_SIZE')

def pss(n):
    # Proportional set size of process n in bytes (None when it is not ours to inspect that closely).
    try:
        with open('/proc/%s/smaps_rollup' % n, 'rb') as f:
            for line in f:
                if line.startswith(b'Pss:'):
                    return int(line.split()[1]) * 1024
    except PermissionError:
        return None
    return 0

def sample_memory(precise):
    # Memory of every process but this worker (only as PID 1 of our own pid namespace are they all
    # the sample's). Resident pages from statm are cheap but count pages forked children share with
    # each other many times: "precise" sums proportional set sizes instead (smaps_rollup: slower).
    total = 0
    for n in os.listdir('/proc'):
        if not n.isdigit() or n == '1':
            continue
        try:
            b = pss(n) if precise else None
            if b is None:
                with open('/proc/%s/statm' % n, 'rb') as f:
                    b = int(f.read().split()[1]) * PAGE
            total += b
        except (OSError, ValueError, IndexError):
            pass
    return total

def collect(pid, r, timeout_s, out, mem_limit=0, served=False):
    # Reads the child's output until it exits or the wall clock runs out. Keeps the head and the
    # tail (tracebacks are at the end), counts the rest. With mem_limit (where no memory cgroup
    # bounds the sample: bubblewrap) it also watches the sample's memory every 20 ms and kills it
    # past the limit; a fast allocator can overshoot by what it allocates in 20 ms. "served": the
    # fork server started it (its parent), so the fork server reaps it.
    deadline = time.monotonic() + timeout_s
    mem_killed = False
    next_mem = 0.0
    pidfd = None
    try:
        pidfd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        pass
    status = None
    cpu_ms = 0.0
    timed_out = False
    r_open = True
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            timed_out = True
            break
        fds = ([r] if r_open else []) + ([pidfd] if pidfd is not None else [])
        wait = remaining if pidfd is not None and not mem_limit else min(remaining, 0.02)
        try:
            ready = select.select(fds, [], [], wait)[0] if fds else (time.sleep(wait) or [])
        except InterruptedError:
            continue
        if mem_limit and not mem_killed and IS_INIT and time.monotonic() >= next_mem:
            next_mem = time.monotonic() + 0.02
            if sample_memory(False) > mem_limit and sample_memory(True) > mem_limit:
                mem_killed = True
                kill_sample(pid)
        if r_open and r in ready:
            data = os.read(r, 1 << 16)
            if data:
                out.add(data)
            else:
                r_open = False
        if served:
            if (pidfd in ready) if pidfd is not None else ended(pid):
                break
        elif pidfd is None or pidfd in ready:
            p, st, ru = os.wait4(pid, os.WNOHANG)
            if p == pid:
                status, cpu_ms = st, (ru.ru_utime + ru.ru_stime) * 1000.0
                break
    wait_ms = None
    if timed_out:
        # Before the kill: how long it sat runnable without a CPU (the kernel's run delay). The host
        # retries a timeout only when that starved it; one that had the CPU and still ran out is final.
        wait_ms = run_delay_ms(pid)
        kill_sample(pid)
    if served:
        status, cpu_ms = forksrv_reap(pid)
    elif status is None:
        _p, status, ru = os.wait4(pid, 0)
        cpu_ms = (ru.ru_utime + ru.ru_stime) * 1000.0
    # Whatever is still buffered in the pipe (a leftover grandchild may hold it open: do not wait).
    if r_open:
        os.set_blocking(r, False)
        try:
            while True:
                data = os.read(r, 1 << 16)
                if not data:
                    break
                out.add(data)
        except (BlockingIOError, OSError):
            pass
    os.close(r)
    if pidfd is not None:
        os.close(pidfd)
    return status, timed_out, mem_killed, cpu_ms, wait_ms

def ended(pid):
    # Whether a process that is not our child has ended (a zombie, or gone): where there is no pidfd.
    try:
        with open('/proc/%d/stat' % pid, 'rb') as f:
            return f.read().rpartition(b')')[2].split()[0] == b'Z'
    except (OSError, IndexError):
        return True

def run_delay_ms(pid):
    # /proc/PID/schedstat: "cpu-time-ns run-delay-ns timeslices" (absent without CONFIG_SCHED_INFO).
    try:
        with open('/proc/%d/schedstat' % pid, 'rb') as f:
            return int(f.read().split()[1]) / 1e6
    except (OSError, ValueError, IndexError):
        return None

class Capped:
    def __init__(self, cap):
        self.half = max(1, cap // 2)
        self.head = bytearray()
        self.tail = bytearray()
        self.total = 0
        self.marker = None
        self.seen = False
        self.carry = b''
    def watch(self, marker):
        # Looks for marker in everything that follows (across reads), and leaves it out of text().
        self.marker, self.seen, self.carry = marker, False, b''
    def add(self, data):
        if self.marker is not None and not self.seen:
            buf = self.carry + data
            if self.marker in buf:
                self.seen = True
            else:
                self.carry = buf[-(len(self.marker) - 1):]
        self.total += len(data)
        room = self.half - len(self.head)
        if room > 0:
            self.head += data[:room]
            data = data[room:]
        if data:
            self.tail += data
            if len(self.tail) > 2 * self.half:
                del self.tail[:len(self.tail) - self.half]
    def text(self):
        tail = self.tail[-self.half:] if len(self.tail) > self.half else self.tail
        dropped = self.total - len(self.head) - len(tail)
        mid = ('\n[... %d bytes of output omitted ...]\n' % dropped).encode() if dropped > 0 else b''
        raw = bytes(self.head) + mid + bytes(tail)
        if self.seen:
            raw = raw.replace(self.marker, b'', 1)
        return raw.decode('utf-8', 'replace')

def handle(req):
    global OOM_SEEN
    t0 = time.monotonic()
    cwd = WORK
    as_sample()  # the scratch dir and the program belong to the sample's uid
    try:
        try:
            os.mkdir(cwd, 0o700)
        except FileExistsError:
            # What a sample left that could not be removed (only outside a container: inside, clean_scratch empties /tmp).
            remove(cwd)
            os.mkdir(cwd, 0o700)
        for name, text in req.get('files', {}).items():
            p = os.path.join(cwd, name)
            if '/' in name:
                os.makedirs(os.path.dirname(p), exist_ok=True)
            with open(p, 'w', encoding='utf-8') as f:
                f.write(text)
    finally:
        as_worker()
    out = Capped(int(req.get('cap') or 65536))
    rl = req.get('rl') or {}
    res = {'id': req['id'], 'exit': None, 'signal': None, 'timedOut': False, 'step': 0}
    for i, step in enumerate(req['steps']):
        timeout_s = step.get('timeoutMs', 3000) / 1000.0
        srl = dict(rl)
        srl.update(step.get('rl') or {})
        ts = time.monotonic()
        mem = int(srl.get('mem') or 0)
        marker = None
        if step.get('sentinel'):
            # Random per sample: printing a constant cannot pass for it.
            marker = ('\n<crucible: tests finished %s>\n' % os.urandom(12).hex()).encode()
            if step.get('py'):
                DONE[:len(marker)] = bytes(len(marker))
            else:
                out.watch(marker)
        pid, r, served = spawn(step, cwd, limits_for(srl, timeout_s), watched=mem > 0, marker=marker)
        status, timed_out, mem_killed, cpu_ms, wait_ms = collect(pid, r, timeout_s, out, mem, served)
        res['cpuMs'] = cpu_ms
        if wait_ms is not None:
            res['waitMs'] = wait_ms
        if marker is not None:
            res['finished'] = DONE[:len(marker)] == marker if step.get('py') else out.seen
        if mem_killed:
            res['memKilled'] = mem
        res.setdefault('stepMs', []).append((time.monotonic() - ts) * 1000.0)
        if served:
            reap_orphans()  # the fork server killed what the sample left when it reaped it
        else:
            kill_all(pid)
        res['step'] = i
        res['timedOut'] = timed_out
        if os.WIFEXITED(status):
            res['exit'] = os.WEXITSTATUS(status)
            res['signal'] = None
        elif os.WIFSIGNALED(status):
            res['exit'] = None
            res['signal'] = os.WTERMSIG(status)
            if res['signal'] == signal.SIGKILL and not timed_out and OOM_SEEN is not None:
                n = oom_kills()
                if n is not None:
                    res['oomKilled'] = n > OOM_SEEN
                    OOM_SEEN = n
        if timed_out or res['exit'] != 0:
            break
    if IS_INIT:
        res['dirty'] = not clean_scratch()
    else:
        remove(cwd)
    t = tampered()
    if t:
        res['tampered'] = t
    res['output'] = out.text()
    res['bytes'] = out.total - (len(out.marker) if out.seen else 0)
    res['ms'] = (time.monotonic() - t0) * 1000.0
    return res

def trim():
    # A fork costs in proportion to the memory mapped (~0.04 ms a MB in this VM): hand back what
    # malloc keeps free (after the imports, ~a third of the worker), then freeze what is left.
    gc.collect()
    if LIBC is not None:
        try:
            LIBC.malloc_trim(0)
        except Exception:
            pass
    gc.freeze()

def huge_text():
    # Every forked sample runs the interpreter's own code: ~600 of the ~1,400 pages a typical sample
    # touches are python3's text and read-only data. Where page tables are shadowed by the hypervisor
    # (this kind of VM), a child's first touch of each 4 KB page costs ~4 us even without a fault. A
    # copy of that code on 2 MB transparent huge pages, moved over the file's mapping (same bytes, same
    # addresses), is mapped whole by every fork. Best effort: the file's mapping stays unless the copy
    # is on huge pages; the answer says what happened (the hello's "hugeText").
    if LIBC is None:
        return 'no libc'
    H = 2 << 20
    try:
        exe = os.path.realpath('/proc/self/exe')
        maps = []
        with open('/proc/self/maps') as f:
            for line in f:
                p = line.split()
                if len(p) > 5 and p[5].startswith('/') and os.path.realpath(p[5]) == exe:
                    lo, hi = (int(x, 16) for x in p[0].split('-'))
                    maps.append((lo, hi, p[1]))
        # The longest 2 MB-aligned stretch inside contiguous read-only mappings of the executable.
        best, i = None, 0
        while i < len(maps):
            lo, hi, perm = maps[i]
            j = i + 1
            if perm[0] == 'r' and perm[1] != 'w':
                while j < len(maps) and maps[j][0] == hi and maps[j][2][0] == 'r' and maps[j][2][1] != 'w':
                    hi = maps[j][1]
                    j += 1
                a, b = (lo + H - 1) & ~(H - 1), hi & ~(H - 1)
                if b > a and (best is None or b - a > best[1] - best[0]):
                    best = (a, b)
            i = j
        if best is None:
            return 'no 2 MB-aligned stretch in %s' % exe
        a, n = best[0], best[1] - best[0]
        vp, sz = ctypes.c_void_p, ctypes.c_size_t
        mmap_, munmap, madvise, mprotect, mremap = LIBC.mmap, LIBC.munmap, LIBC.madvise, LIBC.mprotect, LIBC.mremap
        mmap_.restype, mmap_.argtypes = vp, [vp, sz, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_long]
        mremap.restype, mremap.argtypes = vp, [vp, sz, sz, ctypes.c_int, vp]
        munmap.argtypes, madvise.argtypes, mprotect.argtypes = [vp, sz], [vp, sz, ctypes.c_int], [vp, sz, ctypes.c_int]
        raw = mmap_(None, n + H, 3, 0x22, -1, 0)  # PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS
        if raw is None or raw == ctypes.c_void_p(-1).value:
            return 'mmap failed'
        dst = (raw + H - 1) & ~(H - 1)
        if dst > raw:
            munmap(raw, dst - raw)
        if raw + H > dst:
            munmap(dst + n, raw + H - dst)
        if madvise(dst, n, 14) != 0:  # MADV_HUGEPAGE
            munmap(dst, n)
            return 'no transparent huge pages'
        ctypes.memmove(dst, a, n)
        huge = 0
        with open('/proc/self/smaps') as f:
            here = False
            for line in f:
                if '-' in line.split(' ', 1)[0]:
                    here = int(line.split('-', 1)[0], 16) == dst
                elif here and line.startswith('AnonHugePages:'):
                    huge = int(line.split()[1]) * 1024
                    break
        if huge < n:
            munmap(dst, n)
            return 'the copy is not on huge pages (%d of %d KB)' % (huge >> 10, n >> 10)
        if mprotect(dst, n, 5) != 0:  # PROT_READ|PROT_EXEC
            munmap(dst, n)
            return 'mprotect failed'
        if mremap(dst, n, n, 3, a) != a:  # MREMAP_MAYMOVE|MREMAP_FIXED: one step, the old mapping goes
            munmap(dst, n)
            return 'mremap failed'
        return '%d MB of %s' % (n >> 20, exe)
    except Exception as e:
        return '%s: %s' % (type(e).__name__, e)

# The fork server. In a VM whose page tables the hypervisor shadows, every page a process writes
# after it forked costs a copy-on-write fault (~10-20 us): the worker's own per-sample Python (the
# request, the files, the output, the answer) wrote ~290 pages after every fork. So where it can
# (Docker: PID 1, root, pidfds) the worker forks once, at start, a process that only forks samples,
# reaps them and kills what they leave, in a loop that touches few pages; the worker itself no
# longer forks. It stays root and non-dumpable (samples, of another uid, can neither signal nor
# trace it) and is the subreaper of what a sample starts; kill(-1) from it reaches everything but
# itself and us. If it is gone, the worker forks samples itself again.
FORKSRV = None

def forksrv_lost():
    global FORKSRV
    if FORKSRV is not None:
        try:
            FORKSRV.close()  # it exits when it reads the end
        except OSError:
            pass
        FORKSRV = None

def forksrv_reap(pid):
    # The sample's wait status and CPU ms, from the fork server (which then kills and reaps the rest).
    try:
        FORKSRV.send(b'R%d' % pid)
        st, cpu = FORKSRV.recv(64).split()
        return int(st), float(cpu)
    except (OSError, ValueError):
        forksrv_lost()
    # It died under the sample, which is now our child (reparented to PID 1).
    kill_sample(pid)
    try:
        _p, st, ru = os.wait4(pid, 0)
        return st, (ru.ru_utime + ru.ru_stime) * 1000.0
    except ChildProcessError:
        return signal.SIGKILL, 0.0

def forksrv_loop(sock):
    LIBC.prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER: a sample's orphans come here, not to the worker
    recv_fds, send = socket.recv_fds, sock.send
    while True:
        try:
            msg, fds, _flags, _addr = recv_fds(sock, 1 << 20, 2)
        except OSError:
            os._exit(1)
        if not msg:
            os._exit(0)
        try:
            op = msg[:1]
            if op == b'R':
                try:
                    _p, st, ru = os.wait4(int(msg[1:]), 0)
                    cpu = (ru.ru_utime + ru.ru_stime) * 1000.0
                except ChildProcessError:
                    st, cpu = signal.SIGKILL, 0.0
                kill_everything()
                send(b'%d %r' % (st, cpu))
            elif op == b'K':
                kill_everything()
                send(b'k')
            else:
                argv, py, cwd, limits, watched, marker = marshal.loads(msg)
                pid = os.fork()
                if pid == 0:
                    start_child(argv, py, cwd, limits, watched, marker, fds[0], fds[1] if len(fds) > 1 else None)
                send(b'%d' % pid)
        except Exception as e:
            try:
                send(b'E' + repr(e).encode())
            except OSError:
                os._exit(1)
        finally:
            for fd in fds:
                try:
                    os.close(fd)
                except OSError:
                    pass

def start_forksrv():
    global FORKSRV
    if not (IS_INIT and SEPARATE and LIBC is not None and hasattr(socket, 'send_fds')):
        return 'not PID 1 as root'
    try:
        os.close(os.pidfd_open(os.getpid()))  # the worker waits for samples that are not its children on pidfds
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        pid = os.fork()
    except (AttributeError, OSError) as e:
        return '%s: %s' % (type(e).__name__, e)
    if pid == 0:
        ours.close()
        try:
            forksrv_loop(theirs)
        finally:
            os._exit(1)
    theirs.close()
    FORKSRV = ours
    return None

def main():
    clean_scratch()
    huge = huge_text()
    trim()
    nofs = start_forksrv()
    reply({'hello': 1, 'token': _token if TRANSPORT == 'socket' else '', 'transport': TRANSPORT, 'pid': os.getpid(), 'init': IS_INIT, 'nondumpable': NONDUMPABLE, 'separate': SEPARATE,
           'python': sys.version.split()[0], 'pidfd': hasattr(os, 'pidfd_open'), 'hugeText': huge, 'forkServer': nofs or True})
    while True:
        line = PROTO_IN.readline()
        if not line:
            return
        line = line.strip()
        if not line:
            continue
        try:
            req = json.loads(line)
        except ValueError as e:
            reply({'id': None, 'error': 'bad request: %s' % e})
            continue
        try:
            res = handle(req)
            reply(res)
            if res.get('dirty') or res.get('tampered'):
                return
        except Exception as e:
            # The worker itself failed (a sample that shares its uid may have lowered its limits).
            kill_all()
            clean = clean_scratch()
            ans = {'id': req.get('id'), 'error': '%s: %s' % (type(e).__name__, e), 'dirty': not clean}
            t = tampered()
            if t:
                ans['tampered'] = t
            reply(ans)
            if not clean or t:
                return

main()
`;

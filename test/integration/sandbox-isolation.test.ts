// One sample must not change what a later sample sees or gets, in either runner: fixtures that lower
// the worker's rlimits with prlimit, renice it, pin it to a CPU, make it SCHED_IDLE, signal it, or
// leave SysV shared memory, semaphores, message queues, POSIX message queues and keys behind, each
// followed (on a single worker) by innocent samples that check they got the same sandbox as ever.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem, Sandbox } from '../../src/server/plugins';
import { bubblewrapSandbox } from '../../src/server/sandboxes/bubblewrap';
import { dockerSandbox } from '../../src/server/sandboxes/docker';
import { hostileProblem } from '../fixtures/hostile/problems';

const HOSTILE = path.resolve(__dirname, '../fixtures/hostile/python');
const TAMPER = ['prlimit-worker-nofile.py', 'prlimit-worker-as.py', 'renice-worker.py', 'affinity-worker.py', 'sigint-worker.py', 'leave-ipc.py'];

/** An innocent sample that fails unless its sandbox is as a fresh one would be. */
const PROBE: CodeProblem = {
  id: 'probe', suite: 'toy', language: 'python', prompt: 'def f(x):\n', entryPoint: 'f',
  tests: [
    'def check(c):',
    '    import ctypes, os, resource',
    '    assert c(1) == 1',
    '    assert os.getpriority(os.PRIO_PROCESS, 0) == 0, "nice %d" % os.getpriority(os.PRIO_PROCESS, 0)',
    '    assert os.sched_getaffinity(0) == set(range(os.cpu_count())), "affinity %s" % os.sched_getaffinity(0)',
    '    assert os.sched_getscheduler(0) == os.SCHED_OTHER, "policy %d" % os.sched_getscheduler(0)',
    '    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= 256, resource.getrlimit(resource.RLIMIT_NOFILE)',
    '    fds = [os.open("/dev/null", os.O_RDONLY) for _ in range(200)]',
    '    b = bytearray(300 << 20)',
    '    b[::4096] = b"\\x01" * len(range(0, 300 << 20, 4096))',
    '    for kind in ("shm", "msg", "sem"):',
    '        rows = open("/proc/sysvipc/" + kind).read().splitlines()[1:]',
    '        assert not rows, (kind, rows)',
    '    libc = ctypes.CDLL(None, use_errno=True)',
    '    if hasattr(libc, "mq_open"):',
    '        assert libc.mq_open(b"/crucible-leak", os.O_RDONLY) == -1, "a POSIX message queue is left"',
    '    assert libc.syscall(250, 10, -4, b"user", b"crucible-leak", 0) == -1, "a key is left in the user keyring"',
  ].join('\n') + '\n',
};

const RUNNERS: { name: string; create: () => Promise<Sandbox> }[] = [
  { name: 'docker', create: () => dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { poolSize: 1, retryTimeouts: 0 } }) },
  { name: 'bubblewrap', create: () => bubblewrapSandbox.create({ languages: ['python'], concurrency: 1, config: { poolSize: 1, retryTimeouts: 0 } }) },
];

for (const runner of RUNNERS) {
  describe(`${runner.name}: a sample cannot change the sandbox of later samples`, () => {
    let sb: Sandbox;
    before(async () => { sb = await runner.create(); });
    after(async () => { await sb?.close(); });

    it('a fresh sandbox passes the probe', async () => {
      const r = await sb.execute({ problem: PROBE, completion: '    return x\n', timeoutMs: 5000 });
      assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
    });

    for (const f of TAMPER) {
      it(`after ${f}, innocent samples get the same verdicts`, async () => {
        const text = readFileSync(path.join(HOSTILE, f), 'utf8');
        const t = await sb.execute({ problem: hostileProblem('python', f, text), completion: '', timeoutMs: 5000 });
        assert.equal(t.status, 'passed', `${f} itself: ${t.detail}\n${t.output}`);
        for (let i = 0; i < 3; i++) {
          const r = await sb.execute({ problem: PROBE, completion: '    return x\n', timeoutMs: 5000 });
          assert.equal(r.status, 'passed', `probe ${i + 1} after ${f}: ${r.detail}\n${r.output.slice(-1500)}`);
          const wrong = await sb.execute({ problem: PROBE, completion: '    return 2\n', timeoutMs: 5000 });
          assert.equal(wrong.status, 'failed', `wrong answer ${i + 1} after ${f}: ${wrong.detail}`);
          assert.match(wrong.detail, /^AssertionError/);
        }
      });
    }
  });
}

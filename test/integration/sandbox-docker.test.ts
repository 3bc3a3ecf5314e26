// The Docker sandbox against a real engine (DOCKER_HOST; scripts/test.sh starts one): verdicts for
// HumanEval canonical solutions and for each kind of failure, containment basics, worker replacement,
// cleanup, and the message when no engine answers.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PassThrough } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import type { CodeProblem } from '../../src/server/plugins';
import { pythonLanguage } from '../../src/server/languages/python';
import { connectDocker, dockerSandbox, LABEL, type DockerSandbox } from '../../src/server/sandboxes/docker';

const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');

function humaneval(): CodeProblem[] {
  const text = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8');
  return text.split('\n').filter(Boolean).map((l) => {
    const r = JSON.parse(l);
    return { id: r.task_id, suite: 'humaneval', language: 'python', prompt: r.prompt, tests: r.test, entryPoint: r.entry_point, canonicalSolution: r.canonical_solution };
  });
}

const toy = (tests: string): CodeProblem => ({ id: 'toy', suite: 'toy', language: 'python', prompt: 'def f(x):\n', tests, entryPoint: 'f' });
const callIt = 'def check(c):\n    c(1)\n';

async function ourContainers(sb: DockerSandbox): Promise<string[]> {
  const list = await sb.docker.listContainers({ all: true, filters: { label: [`crucible.sandbox.id=${sb.id}`] } });
  return list.map((c) => c.Id);
}

describe('docker sandbox', () => {
  let sb: DockerSandbox;
  const problems = humaneval();

  before(async () => {
    sb = (await dockerSandbox.create({ languages: ['python'], concurrency: 2, config: {} })) as DockerSandbox;
  });
  after(async () => { await sb?.close(); });

  it('passes HumanEval canonical solutions', async () => {
    const some = [0, 1, 2, 10, 32, 53, 100, 129, 163].map((i) => problems[i]);
    const rs = await Promise.all(some.map((p) => sb.execute({ problem: p, completion: p.canonicalSolution!, timeoutMs: 3000 })));
    rs.forEach((r, i) => assert.equal(r.status, 'passed', `${some[i].id}: ${r.detail}\n${r.output}`));
  });

  it('fails a wrong answer with the assertion as detail and the traceback as output', async () => {
    const p = problems[0];
    const r = await sb.execute({ problem: p, completion: '    return True\n', timeoutMs: 3000 });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /^AssertionError/);
    assert.match(r.output, /Traceback \(most recent call last\)/);
  });

  it('times out an infinite loop', async () => {
    const r = await sb.execute({ problem: toy(callIt), completion: '    while True:\n        pass\n', timeoutMs: 700 });
    assert.equal(r.status, 'timeout');
    assert.equal(r.detail, 'timed out after 700 ms');
  });

  it('fails an exception with its name', async () => {
    const r = await sb.execute({ problem: toy(callIt), completion: '    raise KeyError("nope")\n', timeoutMs: 3000 });
    assert.equal(r.status, 'failed');
    assert.equal(r.detail, "KeyError: 'nope'");
  });

  it('fails a syntax error and says SyntaxError', async () => {
    const r = await sb.execute({ problem: toy(callIt), completion: '    return (1 +\n', timeoutMs: 3000 });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /^SyntaxError/);
  });

  it('prints a failing sample\'s output exactly as "python3 program.py" does', async () => {
    const cases: [string, string][] = [
      ['    return x[1] + 2\n', 'def check(c):\n    assert c([1, 2]) == 5, "wrong"\n'], // carets under the failing expression
      ['    return (\n', callIt], // SyntaxError
      ['    try:\n        return {}[x]\n    except KeyError as e:\n        raise ValueError("no") from e\n', callIt], // chained
      ['    import sys\n    sys.excepthook = lambda *a: print("own hook", a[0].__name__)\n    raise RuntimeError(x)\n', callIt],
    ];
    const image = 'crucible-python:local';
    // The same program at the same path, run by a plain python3 in a throwaway container.
    const RUN = 'import os, subprocess, sys\nos.makedirs("/tmp/w")\nopen("/tmp/w/program.py", "w").write(sys.argv[1])\n' +
      'r = subprocess.run([sys.executable, "/tmp/w/program.py"], capture_output=True, text=True)\nsys.stdout.write(r.stdout + r.stderr)\n';
    for (const [completion, tests] of cases) {
      const problem = toy(tests);
      const r = await sb.execute({ problem, completion, timeoutMs: 3000 });
      assert.equal(r.status, 'failed');
      const out = new PassThrough();
      let text = '';
      out.on('data', (b: Buffer) => { text += b.toString('utf8'); });
      const [res, c] = await sb.docker.run(image, ['python3', '-c', RUN, pythonLanguage.assemble(problem, completion)], [out, out], {
        Tty: false, HostConfig: { NetworkMode: 'none', Tmpfs: { '/tmp': 'rw' } },
      }) as [{ StatusCode: number }, { remove(o: object): Promise<unknown> }];
      await c.remove({ force: true });
      assert.equal(res.StatusCode, 0);
      assert.equal(r.output, text);
    }
  });

  it('does not call a sample that was sent SIGKILL out of memory', async () => {
    const selfKill = await sb.execute({ problem: toy('def check(c):\n    import os, signal\n    os.kill(os.getpid(), signal.SIGKILL)\n'), completion: '    return x\n', timeoutMs: 3000 });
    assert.equal(selfKill.status, 'failed');
    assert.equal(selfKill.detail, 'killed by SIGKILL');
  });

  it('has no network', async () => {
    const r = await sb.execute({
      problem: toy('def check(c):\n    import socket\n    socket.create_connection(("1.1.1.1", 53), timeout=2)\n'),
      completion: '    return x\n', timeoutMs: 3000,
    });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /OSError|unreachable/i);
  });

  it('gives samples an empty environment, a non-root user and a read-only root', async () => {
    process.env.CRUCIBLE_TEST_SECRET = 'sk-should-not-leak';
    const r = await sb.execute({
      problem: toy([
        'def check(c):',
        '    import os',
        '    assert "CRUCIBLE_TEST_SECRET" not in os.environ, os.environ',
        '    assert not any("sk-" in v for v in os.environ.values())',
        '    assert os.getuid() == 65534',
        '    assert open("/proc/self/oom_score_adj").read().strip() == "1000", "the sample is the OOM killer\'s first choice"',
        '    try:',
        '        open("/etc/evil", "w")',
        '    except OSError:',
        '        pass',
        '    else:',
        '        raise AssertionError("root fs is writable")',
      ].join('\n') + '\n'),
      completion: '    return x\n', timeoutMs: 3000,
    });
    assert.equal(r.status, 'passed', r.detail + '\n' + r.output);
  });

  /** In a one-container sandbox: runs `plant`, then `look` (both must pass); the containers before and after. */
  async function plantThenLook(plant: string, look: string): Promise<{ before: string[]; after: string[] }> {
    const one = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: {} })) as DockerSandbox;
    try {
      const before = await ourContainers(one);
      for (const [src, timeoutMs] of [[plant, 10_000], [look, 3000]] as const) {
        const r = await one.execute({ problem: toy(src), completion: '    return x\n', timeoutMs });
        assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
      }
      return { before, after: await ourContainers(one) };
    } finally {
      await one.close();
    }
  }

  it('keeps one sample from seeing another sample\'s files and processes', async () => {
    const { before, after } = await plantThenLook(
      'def check(c):\n    import subprocess, sys\n    open("/tmp/planted", "w").write("x")\n    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"], start_new_session=True)\n',
      'def check(c):\n    import os\n    assert os.listdir("/tmp") == [os.path.basename(os.getcwd())], os.listdir("/tmp")\n    pids = [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid()) and os.stat("/proc/" + p).st_uid != 0]\n    assert pids == [], pids\n',
    );
    assert.deepEqual(after, before, 'both samples ran in the same warm container');
  });

  it('replaces the container when a sample leaves something in /tmp that cannot be removed', async () => {
    // 3,000 nested directories: their paths outgrow PATH_MAX, so the worker cannot empty /tmp by path.
    const { before, after } = await plantThenLook(
      'def check(c):\n    import os\n    os.chdir("/tmp")\n    for _ in range(3000):\n        os.mkdir("d")\n        os.chdir("d")\n    open("secret", "w").write("x")\n',
      'def check(c):\n    import os\n    assert os.listdir("/tmp") == ["w"], os.listdir("/tmp")\n',
    );
    assert.equal(after.length, 1);
    assert.notEqual(after[0], before[0], 'the dirty container was replaced');
  });

  it('forks samples from a fork server, and goes on in the same container without it when it is killed', async (t) => {
    const one = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: {} })) as DockerSandbox;
    try {
      const modes = [...one.workerModes];
      t.diagnostic(modes.join(' | '));
      assert.ok(modes.length === 1 && modes[0].startsWith('fork server: yes;'), `worker modes: ${modes.join(' | ')}`);
      const [first] = await ourContainers(one);
      const run = (tests: string, completion = '    return x\n') => one.execute({ problem: toy(tests), completion, timeoutMs: 5000 });
      // A sample's parent is the fork server, not the worker (PID 1).
      const ppid = await run('def check(c):\n    import os\n    assert os.getppid() != 1, os.getppid()\n');
      assert.equal(ppid.status, 'passed', `${ppid.detail}\n${ppid.output}`);
      // Killed (from outside, as root: no sample can) while a sample runs: that sample, and the next, are still scored.
      const killForkServer = async () => {
        const ex = await one.docker.getContainer(first).exec({ Cmd: ['python3', '-c',
          "import os\nfor p in os.listdir('/proc'):\n    if p.isdigit() and int(p) not in (1, os.getpid()) and open('/proc/%s/stat' % p).read().rpartition(')')[2].split()[1] == '1':\n        os.kill(int(p), 9)\n"], AttachStdout: true, AttachStderr: true });
        const stream = await ex.start({});
        await new Promise((r) => { stream.on('end', r); stream.resume(); });
      };
      const slow = run('def check(c):\n    import time\n    time.sleep(1.5)\n    assert c(2) == 2\n');
      await new Promise((r) => setTimeout(r, 700));
      await killForkServer();
      const r1 = await slow;
      assert.equal(r1.status, 'passed', `${r1.detail}\n${r1.output}`);
      for (const [tests, want] of [['def check(c):\n    assert c(2) == 2\n', 'passed'], ['def check(c):\n    assert c(2) == 3\n', 'failed']] as const) {
        const r = await run(tests);
        assert.equal(r.status, want, `${r.detail}\n${r.output}`);
      }
      const left = await run('def check(c):\n    import os\n    assert [p for p in os.listdir("/proc") if p.isdigit() and int(p) not in (1, os.getpid())] == []\n');
      assert.equal(left.status, 'passed', `no process but the worker once the fork server is gone: ${left.detail}\n${left.output}`);
      assert.deepEqual(await ourContainers(one), [first], 'the same container throughout');
    } finally {
      await one.close();
    }
  });

  it('replaces a container that dies mid-sample and still reports the sample', async () => {
    const one = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: {} })) as DockerSandbox;
    try {
      const [first] = await ourContainers(one);
      const running = one.execute({ problem: toy('def check(c):\n    import time\n    time.sleep(1.5)\n'), completion: '    return x\n', timeoutMs: 5000 });
      await new Promise((r) => setTimeout(r, 500));
      await one.docker.getContainer(first).kill();
      const r = await running;
      assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
      const now = await ourContainers(one);
      assert.equal(now.length, 1);
      assert.notEqual(now[0], first, 'a fresh container replaced the killed one');
    } finally {
      await one.close();
    }
  });

  it('talks to a local engine\'s workers over a socket no sample can reach, and over attach when told to', async () => {
    const sockDirs = () => readdirSync(tmpdir()).filter((n) => n.startsWith('crucible-w-')).length;
    const before = sockDirs();
    const viaSocket = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: {} })) as DockerSandbox;
    const viaAttach = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { transport: 'attach' } })) as DockerSandbox;
    try {
      assert.deepEqual([...viaSocket.transports], ['socket']);
      assert.deepEqual([...viaAttach.transports], ['stdio']);
      assert.equal(sockDirs(), before, 'the socket and its directory are gone once the worker connected');
      const probe = toy([
        'def check(c):',
        '    import os, socket',
        '    s = socket.socket(socket.AF_UNIX)',
        '    try:',
        '        s.connect("/run/crucible/w.sock")',
        '    except OSError:',
        '        pass',
        '    else:',
        '        raise AssertionError("a sample reached the host socket")',
        '    assert c(1) == 1',
      ].join('\n') + '\n');
      for (const one of [viaSocket, viaAttach]) {
        const r = await one.execute({ problem: probe, completion: '    return x\n', timeoutMs: 3000 });
        assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
        const wrong = await one.execute({ problem: probe, completion: '    return 2\n', timeoutMs: 3000 });
        assert.equal(wrong.status, 'failed');
      }
    } finally {
      await viaSocket.close();
      await viaAttach.close();
    }
  });

  it('says that a container killed while starting was killed, not that its image lacks python3', async () => {
    // Kills every container this process starts from now on, as soon as the engine reports it started.
    const events = await sb.docker.getEvents({ filters: { event: ['start'], label: [`crucible.owner=${hostname()}:${process.pid}`] } });
    events.on('data', (b: Buffer) => {
      for (const line of b.toString('utf8').split('\n').filter(Boolean)) void sb.docker.getContainer(JSON.parse(line).id).kill().catch(() => undefined);
    });
    try {
      await assert.rejects(dockerSandbox.create({ languages: ['python'], concurrency: 1, config: {} }), (e: Error) => {
        assert.match(e.message, /^cannot start a python sandbox container from \S+: the sandbox container exited while starting \(exit 137 \(SIGKILL\)/);
        assert.doesNotMatch(e.message, /python3/);
        return true;
      });
    } finally {
      (events as unknown as { destroy(): void }).destroy();
    }
  });

  it('leaves no container behind after close()', async () => {
    const other = (await dockerSandbox.create({ languages: ['python'], concurrency: 2, config: {} })) as DockerSandbox;
    await other.execute({ problem: toy(callIt), completion: '    return x\n', timeoutMs: 3000 });
    assert.equal((await ourContainers(other)).length, 2);
    await other.close();
    assert.deepEqual(await ourContainers(other), []);
    const all = await other.docker.listContainers({ all: true, filters: { label: [LABEL] } });
    assert.ok(all.every((c) => c.Labels['crucible.sandbox.id'] !== other.id));
  });

  it('cancels a running sample and removes its container', async () => {
    const ac = new AbortController();
    const running = sb.execute({ problem: toy(callIt), completion: '    while True:\n        pass\n', timeoutMs: 20_000, signal: ac.signal });
    setTimeout(() => ac.abort(), 300);
    const t0 = Date.now();
    const r = await running;
    assert.equal(r.status, 'error');
    assert.equal(r.detail, 'cancelled');
    assert.ok(Date.now() - t0 < 10_000);
  });
});

describe('docker sandbox without an engine', () => {
  it('says clearly how to start one', async () => {
    await assert.rejects(
      dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { dockerHost: 'unix:///nonexistent/crucible-docker.sock' } }),
      (e: Error) => {
        assert.match(e.message, /^No Docker engine answered at unix:\/\/\/nonexistent\/crucible-docker\.sock/);
        assert.match(e.message, /start Docker/);
        assert.match(e.message, /--sandbox bubblewrap\|local/);
        assert.ok(!e.message.includes('\n    at '), 'no stack trace in the message');
        return true;
      },
    );
  });

  it('parses DOCKER_HOST forms', () => {
    assert.equal(connectDocker('unix:///x.sock').display, 'unix:///x.sock');
    assert.equal(connectDocker('/x.sock').display, 'unix:///x.sock');
    assert.equal(connectDocker('tcp://127.0.0.1:2375').display, 'tcp://127.0.0.1:2375');
    assert.throws(() => connectDocker('ftp://x'), /unsupported Docker host/);
  });
});

// Podman as the engine, through its Docker-compatible API (`podman system service`, Debian's podman):
// for users who cannot run a root Docker daemon. Its own storage and socket under a temp folder,
// stopped by PID; the same hardened containers, the same verdicts.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { connectDocker, dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';
import { removeTree, run, tempDir, waitFor } from '../support/remote-engines';

const canStart = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v podman && command -v docker']).status === 0;
const toy = (tests: string): CodeProblem => ({ id: 'toy/0', suite: 'toy', language: 'python', prompt: 'def f(x):\n', tests, entryPoint: 'f' });

describe('podman through its Docker API', { skip: canStart ? false : 'needs root and podman (scripts/setup.sh installs it)' }, () => {
  const dir = tempDir('crucible-podman-');
  const sock = path.join(dir, 'podman.sock');
  const podman = (...a: string[]) => ['--root', path.join(dir, 'root'), '--runroot', path.join(dir, 'run'), ...a];
  let service: ChildProcess | undefined;
  let sb: DockerSandbox | undefined;

  before(async () => {
    service = spawn('podman', podman('system', 'service', '--time=0', `unix://${sock}`), { stdio: 'ignore', detached: true });
    const { docker } = connectDocker(`unix://${sock}`);
    await waitFor(() => docker.ping().then(() => true, () => false), 30_000, 'podman system service');
    run('bash', [path.resolve(__dirname, '../../scripts/build-images.sh'), 'python'], { env: { ...process.env, DOCKER_HOST: `unix://${sock}` } });
  });

  after(async () => {
    await sb?.close();
    if (service && service.exitCode === null) {
      const gone = new Promise((r) => service!.once('exit', r));
      try { process.kill(-service.pid!, 'SIGTERM'); } catch { /* gone */ }
      await gone;
    }
    // Unmounts and removes its storage (overlay layers), then the folder.
    spawnSync('podman', podman('system', 'reset', '--force'), { stdio: 'ignore' });
    removeTree(dir);
  });

  it('runs samples in hardened containers with the right verdicts', { timeout: 120_000 }, async () => {
    sb = (await dockerSandbox.create({ languages: ['python'], concurrency: 2, config: { dockerHost: `unix://${sock}` } })) as DockerSandbox;
    const version = await sb.docker.version();
    assert.ok(version.Components?.some((c) => /podman/i.test(c.Name)), `the engine is Podman: ${JSON.stringify(version.Components?.map((c) => c.Name))}`);
    const exec = (completion: string, tests = 'def check(c):\n    assert c(2) == 3\n', timeoutMs = 5000) => sb!.execute({ problem: toy(tests), completion, timeoutMs });

    assert.equal((await exec('    return x + 1\n')).status, 'passed');
    const wrong = await exec('    return x\n');
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.detail, /AssertionError/);
    const spin = await exec('    while True:\n        pass\n', undefined, 1500);
    assert.equal(spin.status, 'timeout');
    assert.ok(spin.timeouts && spin.timeouts.attempts >= 1);
    // The same isolation as under Docker: its own uid, no network, read-only root, no capabilities.
    const isolated = await exec('    return x + 1\n', [
      'def check(c):',
      '    import os, socket',
      '    assert os.getuid() == 65534 and os.getgid() == 65534, (os.getuid(), os.getgid())',
      '    try:',
      '        socket.create_connection(("1.1.1.1", 53), timeout=2)',
      '        raise SystemExit("network reachable")',
      '    except OSError:',
      '        pass',
      '    try:',
      '        open("/etc/crucible-test", "w")',
      '        raise SystemExit("root filesystem writable")',
      '    except OSError:',
      '        pass',
      '    caps = [l for l in open("/proc/self/status") if l.startswith("CapEff")][0].split()[1]',
      '    assert int(caps, 16) == 0, caps',
      '    assert c(2) == 3',
      '',
    ].join('\n'));
    assert.equal(isolated.status, 'passed', `${isolated.detail}\n${isolated.output}`);
    // Both workers were PID 1 of a container (checked at start) and were reached through the socket.
    assert.deepEqual([...sb.transports], ['socket']);
  });
});

// A fleet of Docker engines for real: the local one, a second dockerd on TCP that only accepts a
// client certificate (certificates made here, loopback only), and an engine over SSH (Debian's
// openssh-server on loopback, a key that may only run `docker system dial-stdio`). A CLI run spreads
// over all three; the TLS engine is stopped mid-run and every sample is still scored exactly once.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Docker from 'dockerode';
import { closeDocker, connectDocker, parseDockerHost, pingDocker } from '../../src/server/sandboxes/docker';
import { freePort, makeCerts, removeTree, run, startSshd, startTlsDockerd, tempDir, waitFor, type Daemon } from '../support/remote-engines';

const FIRST = process.env.DOCKER_HOST ?? 'unix:///tmp/crucible-docker.sock';
const CLI = path.resolve(__dirname, '../../dist/cli.js');
const canStart = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dockerd && command -v openssl && test -x /usr/sbin/sshd']).status === 0;

describe('remote Docker engines: TLS and SSH', { skip: canStart ? false : 'needs root, dockerd, openssl and openssh-server (scripts/setup.sh installs them)' }, () => {
  const dir = tempDir('crucible-remote-');
  let tls: Daemon | undefined, sshd: (Daemon & { identity: string; knownHosts: string }) | undefined;
  let tlsPort = 0, sshPort = 0;
  let certs: { server: string; client: string };
  let tlsHost: string, sshHost: string;
  const owners: string[] = [];

  before(async () => {
    certs = makeCerts(path.join(dir, 'certs'));
    [tlsPort, sshPort] = [await freePort(), await freePort()];
    tls = startTlsDockerd(path.join(dir, 'dockerd'), tlsPort, certs.server);
    tlsHost = `tcp://127.0.0.1:${tlsPort},certs=${certs.client}`;
    const { docker } = connectDocker(tlsHost);
    await waitFor(() => docker.ping().then(() => true, () => false), 30_000, 'the TLS dockerd');
    // The docker CLI (build-images.sh) reaches it the way Docker documents: DOCKER_TLS_VERIFY + DOCKER_CERT_PATH.
    run('bash', [path.resolve(__dirname, '../../scripts/build-images.sh'), 'python'],
      { env: { ...process.env, DOCKER_HOST: `tcp://127.0.0.1:${tlsPort}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs.client } });
    mkdirSync(path.join(dir, 'ssh'));
    sshd = startSshd(path.join(dir, 'ssh'), sshPort, FIRST);
    sshHost = `ssh://root@127.0.0.1:${sshPort},identity=${sshd.identity},known-hosts=${sshd.knownHosts}`;
    const viaSsh = connectDocker(sshHost).docker;
    try {
      await waitFor(() => viaSsh.ping().then(() => true, () => false), 60_000, 'the engine over SSH');
    } finally {
      closeDocker(viaSsh); // an open SSH connection would keep this process alive after the tests
    }
  });

  after(async () => {
    await sshd?.stop();
    await tls?.stop();
    // Containers the SSH engine made live on the first engine: none of this test's may be left.
    const { docker } = connectDocker(FIRST);
    for (const owner of owners) {
      for (const c of await docker.listContainers({ all: true, filters: { label: [`crucible.owner=${owner}`] } })) await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
    removeTree(dir);
  });

  it('refuses what it must: no client certificate, a wrong CA, an SSH host key not in known_hosts', { timeout: 60_000 }, async () => {
    await assert.rejects(pingDocker(connectDocker(`tcp://127.0.0.1:${tlsPort}`).docker, 'plain'), /No Docker engine answered/);
    const noCert = new Docker({ protocol: 'https', host: '127.0.0.1', port: tlsPort, ca: readFileSync(path.join(certs.client, 'ca.pem')) });
    await assert.rejects(noCert.ping(), /certificate|handshake|socket hang up|ECONNRESET|alert/i);
    const other = makeCerts(path.join(dir, 'other-certs'));
    await assert.rejects(connectDocker(`tcp://127.0.0.1:${tlsPort},certs=${other.client}`).docker.ping(), /self[- ]signed|unable to verify|certificate/i);
    assert.throws(() => connectDocker(`tcp://127.0.0.1:${tlsPort},certs=${path.join(dir, 'nowhere')}`), /TLS for Docker host .*cannot read .*ca\.pem.*ca\.pem, cert\.pem and key\.pem/);
    writeFileSync(path.join(dir, 'empty_known_hosts'), '');
    const unknown = connectDocker(`ssh://root@127.0.0.1:${sshPort},identity=${sshd!.identity},known-hosts=${path.join(dir, 'empty_known_hosts')}`).docker;
    await assert.rejects(unknown.ping(), /host key of 127\.0\.0\.1:\d+ is not in .*empty_known_hosts \(add it: ssh-keyscan -p \d+ 127\.0\.0\.1/);
    closeDocker(unknown);
    assert.throws(() => parseDockerHost('tcp://x:2376,certz=/a'), /unknown option "certz"/);
  });

  it('a CLI run over local + TLS + SSH engines, the TLS one stopped mid-run: every sample scored exactly once', { timeout: 240_000 }, async (t) => {
    // 60 problems × 2 samples, each test sleeping 0.3 s, so the run outlives the stop.
    const suite = path.join(dir, 'toy.jsonl');
    writeFileSync(suite, Array.from({ length: 60 }, (_, i) => JSON.stringify({
      task_id: `Toy/${i}`, prompt: `def f(x):\n    """x + ${i}"""\n`, canonical_solution: `    return x + ${i}\n`, entry_point: 'f',
      test: `def check(candidate):\n    import time\n    time.sleep(0.3)\n    assert candidate(1) == ${1 + i}\n`,
    })).join('\n') + '\n');
    const child = spawn(process.execPath, [CLI, 'eval', '--suite', suite, '--model', 'reference', '--n', '2', '--timeout', '20000', '--json',
      '--db', path.join(dir, 'c.db'), '--out', path.join(dir, 'results.jsonl'),
      '--docker-host', FIRST, '--docker-host', tlsHost, '--docker-host', sshHost], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    child.stdout.on('data', (b) => { out += b; });
    child.stderr.on('data', (b) => { err += b; });
    const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)));
    t.after(() => { if (child.exitCode === null) child.kill('SIGKILL'); }); // a failed check must not leave the run going

    // Each engine gets containers: on the TLS one directly; on the first one both directly (a socket
    // bind-mounted for the worker) and through SSH (remote: attach, no socket mount).
    const owner = `${hostname()}:${child.pid}`;
    owners.push(owner);
    const tlsDocker = connectDocker(tlsHost).docker, first = connectDocker(FIRST).docker;
    const mine = (d: Docker) => d.listContainers({ filters: { label: [`crucible.owner=${owner}`] } });
    const viaSocket = (c: Docker.ContainerInfo) => c.Mounts.some((m) => m.Destination === '/run/crucible');
    await waitFor(async () => (await mine(tlsDocker)).length > 0, 60_000, 'containers on the TLS engine');
    await waitFor(async () => { const cs = await mine(first); return cs.some(viaSocket) && cs.some((c) => !viaSocket(c)); }, 120_000, 'containers through the socket and through SSH');
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(child.exitCode, null, `the run ended before the engine could be stopped: ${err}`);
    await tls!.stop();

    const code = await exited;
    assert.equal(code, 0, `exit ${code}: ${err}`);
    const summary = JSON.parse(out);
    assert.equal(summary.status, 'completed');
    assert.equal(summary.done, 120);
    assert.deepEqual({ passed: summary.metrics[0].passed, failed: summary.metrics[0].failed, errors: summary.metrics[0].errors }, { passed: 120, failed: 0, errors: 0 });
    const results = readFileSync(path.join(dir, 'results.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    assert.equal(results.length, 120);
    assert.equal(new Set(results.map((r) => `${r.task_id}#${r.sample_index}`)).size, 120, 'each sample once');
    assert.ok(results.every((r) => r.passed), 'every sample passed');
  });
});

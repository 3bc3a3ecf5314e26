// Several Docker engines at once: a second private dockerd on its own socket, work spread over both,
// the second one stopped mid-run; every sample still gets its right verdict, none is lost.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { connectDocker, dockerSandbox, MultiDockerSandbox } from '../../src/server/sandboxes/docker';

const FIRST = process.env.DOCKER_HOST ?? 'unix:///tmp/crucible-docker.sock';
const ROOT = '/tmp/crucible-docker-second';
const SOCK = `${ROOT}.sock`;
// Starting a second engine needs root (and dockerd, unshare); elsewhere this suite is skipped.
const canStart = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v dockerd && command -v unshare']).status === 0;

const toy = (i: number): CodeProblem => ({ id: `toy/${i}`, suite: 'toy', language: 'python', prompt: 'def f(x):\n', tests: 'def check(c):\n    import time\n    time.sleep(0.05)\n    assert c(2) == 3\n', entryPoint: 'f' });

async function waitFor(cond: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return; await new Promise((r) => setTimeout(r, 200)); }
  throw new Error('timed out waiting');
}

describe('several docker engines', { skip: canStart ? false : 'needs root and dockerd to start a second engine' }, () => {
  let second: ChildProcess | undefined;

  before(async () => {
    mkdirSync(ROOT, { recursive: true });
    // In its own network namespace, with no bridge and no iptables: it must not touch the host's
    // network or the first engine's docker0 (a dockerd sharing the host's namespace removed it once).
    second = spawn('unshare', ['--net', '--', 'dockerd', '--host', `unix://${SOCK}`, '--data-root', ROOT, '--exec-root', `${ROOT}-exec`, '--pidfile', `${ROOT}.pid`,
      '--bridge', 'none', '--iptables=false', '--ip-masq=false', '--shutdown-timeout', '1'], { stdio: 'ignore' });
    const { docker } = connectDocker(`unix://${SOCK}`);
    await waitFor(() => docker.ping().then(() => true, () => false), 30_000);
    const b = spawnSync('bash', [path.resolve(__dirname, '../../scripts/build-images.sh'), 'python'], { env: { ...process.env, DOCKER_HOST: `unix://${SOCK}` }, encoding: 'utf8' });
    assert.equal(b.status, 0, b.stderr);
  });

  after(async () => {
    if (second && second.exitCode === null) { second.kill('SIGTERM'); await new Promise((r) => second!.once('exit', r)); }
    for (const p of [ROOT, `${ROOT}-exec`, SOCK, `${ROOT}.pid`]) if (existsSync(p)) rmSync(p, { recursive: true, force: true });
  });

  it('spreads work over both and survives one stopping mid-run', { timeout: 180_000 }, async () => {
    const sb = (await dockerSandbox.create({ languages: ['python'], concurrency: 2, config: { dockerHosts: [FIRST, `unix://${SOCK}`], poolSize: 1 } })) as MultiDockerSandbox;
    try {
      assert.ok(sb instanceof MultiDockerSandbox);
      assert.equal(sb.engines.length, 2);
      const used = new Set<string>();
      const n = 60;
      const verdicts: string[] = new Array(n);
      const runRange = async (from: number, to: number, onStart?: (i: number) => void) => {
        let next = from;
        await Promise.all(Array.from({ length: 4 }, async () => {
          while (next < to) {
            const i = next++;
            onStart?.(i);
            const r = await sb.execute({ problem: toy(i), completion: '    return x + 1\n', timeoutMs: 5000 });
            verdicts[i] = r.status === 'passed' ? 'passed' : `${r.status}: ${r.detail}`;
          }
        }));
      };
      // Phase 1: both engines get work.
      await runRange(0, 20);
      for (const e of sb.engines) if ((await e.docker.listContainers({ filters: { label: [`crucible.sandbox.id=${e.id}`] } })).length) used.add(e.display);
      assert.equal(used.size, 2, 'both engines ran samples');
      // Phase 2: the second engine stops while samples are in flight, and stays gone.
      const stopped = new Promise((r) => second!.once('exit', r));
      await runRange(20, 40, (i) => { if (i === 22) second!.kill('SIGTERM'); });
      await stopped;
      await runRange(40, n);
      assert.deepEqual(verdicts.filter((v) => v !== 'passed'), [], 'every sample passed despite the stopped engine');
      assert.deepEqual(sb.drained.map((d) => d.host), [`unix://${SOCK}`]);
    } finally {
      await sb.close();
    }
    const { docker } = connectDocker(FIRST);
    const left = await docker.listContainers({ all: true, filters: { label: ['crucible.sandbox'] } });
    assert.deepEqual(left.filter((c) => sbIds(c.Labels)).map((c) => `${c.Id.slice(0, 12)} ${c.State} ${c.Status}`), []);
    function sbIds(l: Record<string, string>): boolean { return l['crucible.owner']?.endsWith(`:${process.pid}`) ?? false; }
  });

  it('fails clearly when no engine in the list answers', async () => {
    await assert.rejects(
      dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { dockerHosts: ['unix:///nonexistent/a.sock', 'unix:///nonexistent/b.sock'] } }),
      /^Error: No Docker engine answered at unix:\/\/\/nonexistent\/a\.sock, unix:\/\/\/nonexistent\/b\.sock/,
    );
  });
});

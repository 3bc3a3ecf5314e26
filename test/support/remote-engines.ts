// Remote Docker engines on loopback, for tests: a dockerd on TCP that only talks TLS to a client
// certificate signed by a CA made here, and an sshd whose one authorized key may only run
// `docker system dial-stdio` against a given engine. Everything lives in one temp folder and is
// stopped by PID; nothing touches the machine's shared engine or its network.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status}): ${r.stderr || r.stdout}`);
  return r.stdout;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const p = (s.address() as { port: number }).port; s.close(() => resolve(p)); });
  });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** A CA, a server certificate for 127.0.0.1 and a client certificate, in Docker's file names. */
export function makeCerts(dir: string): { server: string; client: string } {
  const server = path.join(dir, 'server'), client = path.join(dir, 'client');
  mkdirSync(server, { recursive: true });
  mkdirSync(client, { recursive: true });
  const o = (...a: string[]) => run('openssl', a, { cwd: dir });
  o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=crucible-test-ca', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
  const sign = (name: string, ext: string) => {
    o('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', `${name}-key.pem`, '-out', `${name}.csr`);
    writeFileSync(path.join(dir, `${name}.ext`), ext);
    o('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', `${name}.ext`, '-out', `${name}-cert.pem`);
  };
  sign('server', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  sign('client', 'extendedKeyUsage=clientAuth\n');
  for (const [d, n] of [[server, 'server'], [client, 'client']]) {
    writeFileSync(path.join(d, 'ca.pem'), readFileSync(path.join(dir, 'ca.pem')));
    writeFileSync(path.join(d, 'cert.pem'), readFileSync(path.join(dir, `${n}-cert.pem`)));
    writeFileSync(path.join(d, 'key.pem'), readFileSync(path.join(dir, `${n}-key.pem`)));
  }
  return { server, client };
}

export interface Daemon { proc: ChildProcess; stop(): Promise<void> }

function daemon(proc: ChildProcess): Daemon {
  return {
    proc,
    async stop() {
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      const gone = new Promise((r) => proc.once('exit', r));
      // Its own process group (detached): the daemon and what it started (sshd's sessions).
      try { process.kill(-proc.pid!, 'SIGTERM'); } catch { /* gone */ }
      const t = setTimeout(() => { try { process.kill(-proc.pid!, 'SIGKILL'); } catch { /* gone */ } }, 15_000);
      await gone;
      clearTimeout(t);
    },
  };
}

/**
 * A dockerd listening on tcp://127.0.0.1:PORT with --tlsverify (client certificate required).
 * It shares the host's network namespace (its port must be reachable) but creates no bridge and no
 * iptables rules: it never touches the first engine's docker0. Containers run with network none.
 */
export function startTlsDockerd(root: string, port: number, certs: string): Daemon {
  const proc = spawn('dockerd', ['--host', `tcp://127.0.0.1:${port}`, '--tlsverify',
    '--tlscacert', path.join(certs, 'ca.pem'), '--tlscert', path.join(certs, 'cert.pem'), '--tlskey', path.join(certs, 'key.pem'),
    '--data-root', path.join(root, 'data'), '--exec-root', path.join(root, 'exec'), '--pidfile', path.join(root, 'dockerd.pid'),
    '--bridge', 'none', '--iptables=false', '--ip6tables=false', '--ip-masq=false', '--shutdown-timeout', '1'],
  { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  return daemon(proc);
}

/**
 * An sshd on 127.0.0.1:PORT for this (root) user, authenticating one key, which may only run
 * `docker system dial-stdio` against `dockerHost` (the forced command: the key opens the engine,
 * not a shell). Returns the client's key file and a known_hosts file listing the server's key.
 */
export function startSshd(dir: string, port: number, dockerHost: string): Daemon & { identity: string; knownHosts: string } {
  mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege-separation directory
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'host_key')]);
  run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, 'client_key')]);
  const pub = readFileSync(path.join(dir, 'client_key.pub'), 'utf8').trim();
  writeFileSync(path.join(dir, 'authorized_keys'),
    `command="DOCKER_HOST=${dockerHost} docker system dial-stdio",no-pty,no-port-forwarding,no-agent-forwarding,no-X11-forwarding ${pub}\n`, { mode: 0o600 });
  const hostPub = readFileSync(path.join(dir, 'host_key.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  writeFileSync(path.join(dir, 'known_hosts'), `[127.0.0.1]:${port} ${hostPub}\n`);
  writeFileSync(path.join(dir, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${path.join(dir, 'host_key')}`, `PidFile ${path.join(dir, 'sshd.pid')}`,
    `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`, 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
    'UsePAM no', 'StrictModes no', 'PermitRootLogin prohibit-password', 'LogLevel ERROR', '',
  ].join('\n'));
  const proc = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', path.join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  return { ...daemon(proc), identity: path.join(dir, 'client_key'), knownHosts: path.join(dir, 'known_hosts') };
}

export async function waitFor(cond: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) { if (await cond()) return; await new Promise((r) => setTimeout(r, 200)); }
  throw new Error(`timed out waiting for ${what}`);
}

export function removeTree(p: string): void {
  rmSync(p, { recursive: true, force: true });
}

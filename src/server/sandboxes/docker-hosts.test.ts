// Fleet entries and SSH host-key checking (docker.ts): pure parts, no engine needed.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { dockerHostsFromEnv, knownHostsVerifier, parseDockerHost } from './docker';

const KEY = 'AAAAC3NzaC1lZDI1NTE5AAAAIJBHGw8D16ykPvPAPYiBwy6JCHxYjxRz5MTbuWwCcHKn';

describe('parseDockerHost', () => {
  it('reads the address and its options', () => {
    assert.deepEqual(parseDockerHost('tcp://10.0.0.5:2376,certs=/etc/crucible/box5'), { host: 'tcp://10.0.0.5:2376', certPath: '/etc/crucible/box5' });
    assert.deepEqual(parseDockerHost('ssh://ci@h:2222,identity=~/.ssh/k,known-hosts=/kh'), { host: 'ssh://ci@h:2222', identity: path.join(homedir(), '.ssh/k'), knownHosts: '/kh' });
    assert.deepEqual(parseDockerHost('unix:///var/run/docker.sock'), { host: 'unix:///var/run/docker.sock' });
  });
  it('names what is wrong', () => {
    assert.throws(() => parseDockerHost('tcp://h:2376,cert=/x'), /Docker host "tcp:\/\/h:2376,cert=\/x": unknown option "cert" \(known: certs, identity, known-hosts\)/);
    assert.throws(() => parseDockerHost('tcp://h:2376,certs'), /"certs" is not key=value/);
  });
  it('takes a fleet from CRUCIBLE_DOCKER_HOSTS, separated by spaces or semicolons', () => {
    assert.deepEqual(dockerHostsFromEnv(' unix:///a.sock;tcp://b:2376,certs=/c  ssh://d '), [{ host: 'unix:///a.sock' }, { host: 'tcp://b:2376', certPath: '/c' }, { host: 'ssh://d' }]);
    assert.deepEqual(dockerHostsFromEnv(undefined), []);
  });
});

describe('knownHostsVerifier', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-kh-'));
  const file = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };
  const key = Buffer.from(KEY, 'base64');

  it('accepts the listed key for [host]:port, plain or hashed by ssh-keygen -H', () => {
    assert.equal(knownHostsVerifier(file('plain', `[127.0.0.1]:2222 ssh-ed25519 ${KEY}\n`), '127.0.0.1', 2222)(key), true);
    // Written by `ssh-keygen -H` from the plain line above.
    const hashed = file('hashed', `|1|dFG7NFydBWIEw2QV6knRL4mLmjw=|885FpbEWaY0eHds4tkYdqQxOzPI= ssh-ed25519 ${KEY}\n`);
    assert.equal(knownHostsVerifier(hashed, '127.0.0.1', 2222)(key), true);
    assert.equal(knownHostsVerifier(hashed, '127.0.0.2', 2222)(key), false);
  });
  it('refuses another key, another port, a missing file', () => {
    const f = file('one', `# comment\n[127.0.0.1]:2222 ssh-ed25519 ${KEY}\n`);
    assert.equal(knownHostsVerifier(f, '127.0.0.1', 2222)(Buffer.from('not the key')), false);
    assert.equal(knownHostsVerifier(f, '127.0.0.1', 22)(key), false);
    assert.equal(knownHostsVerifier(path.join(dir, 'none'), '127.0.0.1', 2222)(key), false);
  });
  it('port 22 is written without brackets', () => {
    assert.equal(knownHostsVerifier(file('p22', `h1,127.0.0.1 ssh-ed25519 ${KEY}\n`), '127.0.0.1', 22)(key), true);
  });
});

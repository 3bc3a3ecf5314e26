// Containment: every program under test/fixtures/hostile/<language>/ runs in the Docker sandbox and
// must get the verdict its first line announces ("<comment> expect: failed|timeout /detail regex/").
// Afterwards the sandbox must still serve a normal sample, no sample process may survive in any
// container, and close() must leave no container behind.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExecResult, CodeProblem } from '../../src/server/plugins';
import { dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';
import { hostileProblem } from '../fixtures/hostile/problems';

const ROOT = path.resolve(__dirname, '../fixtures/hostile');
const ONLY = process.env.CRUCIBLE_HOSTILE_LANGS?.split(',');

interface Case { name: string; language: string; problem: CodeProblem; statuses: string[]; detail?: RegExp }

function corpus(): Case[] {
  const out: Case[] = [];
  for (const lang of readdirSync(ROOT, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort()) {
    if (ONLY && !ONLY.includes(lang)) continue;
    for (const file of readdirSync(path.join(ROOT, lang)).sort()) {
      const text = readFileSync(path.join(ROOT, lang, file), 'utf8');
      const m = /expect:\s*([a-z|]+)(?:\s+\/(.*)\/)?\s*$/m.exec(text.split('\n')[0]);
      if (!m) throw new Error(`${lang}/${file}: first line must say "expect: <status> [/regex/]"`);
      out.push({ name: `${lang}/${file}`, language: lang, problem: hostileProblem(lang, file, text), statuses: m[1].split('|'), detail: m[2] ? new RegExp(m[2]) : undefined });
    }
  }
  return out;
}

describe('hostile programs are contained', () => {
  const cases = corpus();
  const languages = [...new Set(cases.map((c) => c.language))];
  let sb: DockerSandbox;
  const results = new Map<string, ExecResult>();

  before(async () => {
    sb = (await dockerSandbox.create({ languages, concurrency: 2, config: {} })) as DockerSandbox;
  });
  after(async () => { await sb?.close(); });

  it(`has at least 40 programs (${cases.length})`, { skip: !!ONLY }, () => assert.ok(cases.length >= 40));

  it('gives each its expected verdict', async () => {
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < cases.length) {
        const c = cases[next++];
        results.set(c.name, await sb.execute({ problem: c.problem, completion: '', timeoutMs: 3000 }));
      }
    }));
    const wrong: string[] = [];
    for (const c of cases) {
      const r = results.get(c.name)!;
      const ok = c.statuses.includes(r.status) && (!c.detail || c.detail.test(r.detail));
      if (!ok) wrong.push(`${c.name}: expected ${c.statuses.join('|')}${c.detail ? ` ${c.detail}` : ''}, got ${r.status} "${r.detail}"\n${r.output.slice(-600)}`);
    }
    assert.deepEqual(wrong, []);
  });

  it('caps the output of a flood', { skip: !!ONLY && !ONLY.includes('python') }, () => {
    const r = results.get('python/output-flood.py');
    assert.ok(r, 'the flood ran');
    assert.ok(r.output.length < 80 * 1024, `output ${r.output.length} chars`);
    assert.match(r.output, /bytes of output omitted/);
  });

  it('still serves a normal sample afterwards, with no sample process left in any container', async () => {
    const r = await sb.execute({
      problem: { id: 'ok', suite: 't', language: 'python', prompt: 'def f(x):\n', tests: 'def check(c):\n    assert c(2) == 3\n', entryPoint: 'f' },
      completion: '    return x + 1\n', timeoutMs: 3000,
    });
    assert.equal(r.status, 'passed', r.detail);
    const list = await sb.docker.listContainers({ filters: { label: [`crucible.sandbox.id=${sb.id}`] } });
    assert.ok(list.length >= 1);
    for (const c of list) {
      const top = await sb.docker.getContainer(c.Id).top();
      // The worker and its fork server (root, the worker's child); nothing a sample (uid 65534) started.
      const procs = top.Processes ?? [];
      const pid = top.Titles?.indexOf('PID') ?? 1, ppid = top.Titles?.indexOf('PPID') ?? 2;
      assert.ok(procs.length >= 1 && procs.length <= 2 && procs.every((p: string[]) => p[0] === 'root') && (procs.length === 1 || procs[1][ppid] === procs[0][pid]),
        `container ${c.Id.slice(0, 12)} runs only its worker (and fork server): ${JSON.stringify(top.Processes)}`);
    }
  });

  it('leaves no container behind after close()', async () => {
    await sb.close();
    const list = await sb.docker.listContainers({ all: true, filters: { label: [`crucible.sandbox.id=${sb.id}`] } });
    assert.deepEqual(list, []);
  });
});

// The bubblewrap runner (no Docker): HumanEval verdicts, isolation basics, the Python hostile corpus,
// nothing left running after close(), and a clear message when bwrap cannot run.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import type { CodeProblem, Sandbox } from '../../src/server/plugins';
import { bubblewrapSandbox } from '../../src/server/sandboxes/bubblewrap';
import { hostileProblem } from '../fixtures/hostile/problems';

const DATA = process.env.CRUCIBLE_DATA_DIR ?? path.resolve(__dirname, '../../../shared/datasets');
const HOSTILE = path.resolve(__dirname, '../fixtures/hostile/python');

const toy = (tests: string): CodeProblem => ({ id: 'toy', suite: 'toy', language: 'python', prompt: 'def f(x):\n', tests, entryPoint: 'f' });

/** Our bwrap processes: children of this process running bwrap. */
function bwrapChildren(): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'bwrap') out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

describe('bubblewrap sandbox', () => {
  let sb: Sandbox;
  before(async () => { sb = await bubblewrapSandbox.create({ languages: ['python'], concurrency: 2, config: {} }); });
  after(async () => { await sb?.close(); });

  it('passes HumanEval canonical solutions and fails a wrong one', async () => {
    const text = gunzipSync(readFileSync(path.join(DATA, 'humaneval/HumanEval.jsonl.gz'))).toString('utf8');
    const ps: CodeProblem[] = text.split('\n').filter(Boolean).slice(0, 8).map((l) => {
      const r = JSON.parse(l);
      return { id: r.task_id, suite: 'humaneval', language: 'python', prompt: r.prompt, tests: r.test, entryPoint: r.entry_point, canonicalSolution: r.canonical_solution };
    });
    const rs = await Promise.all(ps.map((p) => sb.execute({ problem: p, completion: p.canonicalSolution!, timeoutMs: 3000 })));
    rs.forEach((r, i) => assert.equal(r.status, 'passed', `${ps[i].id}: ${r.detail}`));
    const wrong = await sb.execute({ problem: ps[0], completion: '    return True\n', timeoutMs: 3000 });
    assert.equal(wrong.status, 'failed');
    assert.match(wrong.detail, /^AssertionError/);
  });

  it('times out an endless loop', async () => {
    const r = await sb.execute({ problem: toy('def check(c):\n    c(1)\n'), completion: '    while True:\n        pass\n', timeoutMs: 500 });
    assert.equal(r.status, 'timeout');
  });

  it('bounds the memory of a sample and all its processes without a cgroup, and does not count shared pages twice', async () => {
    // Three children of 250 MB each: every one is under the address-space limit, together over 512 MB.
    const hold = [
      'def check(c):', '    import os, time', '    kids = []', '    for _ in range(3):', '        pid = os.fork()', '        if pid == 0:',
      '            b = bytearray(250 << 20)', '            b[::4096] = b"\\x01" * len(range(0, 250 << 20, 4096))', '            time.sleep(5)', '            os._exit(0)',
      '        kids.append(pid)', '    for p in kids:', '        os.waitpid(p, 0)',
    ].join('\n') + '\n';
    const r = await sb.execute({ problem: toy(hold), completion: '    return x\n', timeoutMs: 8000 });
    assert.equal(r.status, 'failed', `${r.detail}\n${r.output}`);
    assert.equal(r.detail, "out of memory: the sample used more than 512 MB, the sandbox's memory limit");
    // 40 idle forked children share the worker's pages: far from 512 MB of their own.
    const idle = 'def check(c):\n    import os, time\n    kids = []\n    for _ in range(40):\n        pid = os.fork()\n        if pid == 0:\n            time.sleep(1)\n            os._exit(0)\n        kids.append(pid)\n    for p in kids:\n        os.waitpid(p, 0)\n';
    const ok = await sb.execute({ problem: toy(idle), completion: '    return x\n', timeoutMs: 8000 });
    assert.equal(ok.status, 'passed', `${ok.detail}\n${ok.output}`);
  });

  it('contains the Python hostile corpus', async () => {
    const files = readdirSync(HOSTILE).sort();
    const wrong: string[] = [];
    let next = 0;
    await Promise.all([0, 1].map(async () => {
      while (next < files.length) {
        const f = files[next++];
        const text = readFileSync(path.join(HOSTILE, f), 'utf8');
        const m = /expect:\s*([a-z|]+)(?:\s+\/(.*)\/)?\s*$/m.exec(text.split('\n')[0])!;
        const r = await sb.execute({ problem: hostileProblem('python', f, text), completion: '', timeoutMs: 3000 });
        const ok = m[1].split('|').includes(r.status) && (!m[2] || new RegExp(m[2]).test(r.detail));
        if (!ok) wrong.push(`${f}: expected ${m[1]} ${m[2] ?? ''}, got ${r.status} "${r.detail}"`);
      }
    }));
    assert.deepEqual(wrong, []);
  });

  it('keeps files outside the scratch dir out of reach of the next sample', async () => {
    const r = await sb.execute({
      problem: toy('def check(c):\n    import os\n    for p in ("/x", "/etc/x", "/dev/x", "/dev/shm/x", "/usr/x"):\n        try:\n            open(p, "w")\n        except OSError:\n            continue\n        raise AssertionError("wrote " + p)\n'),
      completion: '    return x\n', timeoutMs: 3000,
    });
    assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
  });

  it('leaves no bwrap process behind after close()', async () => {
    assert.ok(bwrapChildren().length >= 1, 'workers are running');
    await sb.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(bwrapChildren(), []);
  });
});

describe('bubblewrap unavailable', () => {
  it('says how to get a sandbox', async () => {
    await assert.rejects(
      bubblewrapSandbox.create({ languages: ['python'], concurrency: 1, config: { bwrap: '/nonexistent/bwrap' } }),
      /bubblewrap cannot run sandboxes here \(\/nonexistent\/bwrap not found\): install it .* --sandbox docker\|local/,
    );
  });
});

// The worker pool's handling of workers that end mid-sample, with scripted workers (no Docker): a
// sample that ends its worker is re-run once on a fresh one and, if it ends that one too, failed for
// it (never an infrastructure error that --retry-errors would re-run forever); an engine that is gone
// stays an error; requests queued behind a sample after which the worker retired are simply re-run.
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { languageFor } from '../../src/server/languages';
import { Worker, WorkerPoolSandbox, type ExitState } from '../../src/server/sandboxes/pool';

type Script = (req: { id: number }, w: { answer(a: object): void; die(): void }, n: number) => void;

/** A sandbox whose workers follow `script` (n: how many requests this worker has had). */
class Scripted extends WorkerPoolSandbox {
  readonly name = 'scripted';
  started = 0;
  constructor(private readonly script: Script, private readonly exit: ExitState = { oomKilled: false, exit: 'exit 130' }, poolSize = 1) {
    super({ memoryMb: 512, cpus: 1, pidsLimit: 64, tmpfsMb: 64, outputCap: 65536 }, poolSize, 1, { get: languageFor });
  }

  protected async startWorker(): Promise<Worker> {
    this.started++;
    const stdout = new PassThrough();
    let closeCb: (why: string) => void = () => undefined;
    let n = 0;
    const ctl = {
      answer: (a: object) => stdout.write(JSON.stringify(a) + '\n'),
      die: () => setImmediate(() => closeCb('the worker exited')),
    };
    const stdin = new Writable({
      write: (chunk, _enc, cb) => {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.script(JSON.parse(line), ctl, n++);
        cb();
      },
    });
    const exit = this.exit;
    return new Worker({
      stdin, stdout, stderr: new PassThrough(),
      onClose(cb) { closeCb = cb; },
      async remove() { /* nothing to stop */ },
      async exitState() { return exit; },
    });
  }
}

const problem: CodeProblem = { id: 'p', suite: 't', language: 'python', prompt: 'def f(x):\n', tests: 'def check(c):\n    pass\n', entryPoint: 'f' };
const passed = (id: number) => ({ id, exit: 0, signal: null, timedOut: false, step: 0, output: '', bytes: 0, ms: 1, finished: true });

describe('worker pool: workers that end mid-sample', () => {
  it('fails a sample that ends its worker twice, saying so', async () => {
    const sb = new Scripted((_req, w) => w.die());
    const r = await sb.execute({ problem, completion: '    return x\n', timeoutMs: 3000 });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /^the sample killed the sandbox worker \(twice, each time in a fresh one\): the worker exited \(exit 130\)/);
    assert.match(r.output, /ended twice/);
    assert.equal(sb.started, 2, 'retried once, on a fresh worker');
    await sb.close();
  });

  it('re-runs a sample whose worker died once, and scores the second run', async () => {
    let first = true;
    const sb = new Scripted((req, w) => { if (first) { first = false; w.die(); } else w.answer(passed(req.id)); });
    const r = await sb.execute({ problem, completion: '    return x\n', timeoutMs: 3000 });
    assert.equal(r.status, 'passed', r.detail);
    await sb.close();
  });

  it('keeps it an error when the engine is gone', async () => {
    const sb = new Scripted((_req, w) => w.die(), { oomKilled: false, gone: true });
    const r = await sb.execute({ problem, completion: '    return x\n', timeoutMs: 3000 });
    assert.equal(r.status, 'error');
    assert.match(r.detail, /died twice/);
    await sb.close();
  });

  it('fails a sample that leaves its worker broken twice (a shared uid), with what it changed', async () => {
    const sb = new Scripted((req, w) => { w.answer({ id: req.id, error: 'OSError: [Errno 24] Too many open files', tampered: 'the sample changed the sandbox worker: RLIMIT_NOFILE (16, 16) (was (1024, 1024))' }); w.die(); });
    const r = await sb.execute({ problem, completion: '    return x\n', timeoutMs: 3000 });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /^the sample changed the sandbox worker: RLIMIT_NOFILE/);
    await sb.close();
  });

  it('re-runs, without counting it, a request queued behind a sample after which the worker retired', async () => {
    // Each worker answers its first request and retires (dirty); the request queued behind it is lost with it.
    const sb = new Scripted((req, w, n) => { if (n === 0) { w.answer({ ...passed(req.id), dirty: true }); w.die(); } });
    const rs = await Promise.all([0, 1, 2].map(() => sb.execute({ problem, completion: '    return x\n', timeoutMs: 3000 })));
    assert.deepEqual(rs.map((r) => r.status), ['passed', 'passed', 'passed'], rs.map((r) => r.detail).join('; '));
    await sb.close();
  });
});

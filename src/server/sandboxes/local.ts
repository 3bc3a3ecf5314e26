// `local`: runs generated code directly on this machine, UNSANDBOXED. Only for users who choose it
// explicitly (the CLI and the editor label it unsafe). Each sample gets a fresh temp dir, its own
// process group (killed whole on timeout), an empty environment but PATH, and capped output.
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ExecResult, SandboxFactory } from '../plugins';
import { languageFor } from '../languages';

const OUTPUT_CAP = 64 * 1024;

export const localSandbox: SandboxFactory = {
  name: 'local',
  isolated: false,
  async create() {
    const live = new Set<number>();
    return {
      name: 'local',
      async execute({ problem, completion, timeoutMs, signal }): Promise<ExecResult> {
        const lang = languageFor(problem.language);
        const dir = await mkdtemp(path.join(tmpdir(), 'crucible-local-'));
        const t0 = performance.now();
        try {
          await writeFile(path.join(dir, lang.fileName), lang.assemble(problem, completion));
          const [cmd, ...args] = lang.command(lang.fileName, problem);
          const child = spawn(cmd, args, { cwd: dir, detached: true, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LANG: 'C.UTF-8' }, stdio: ['ignore', 'pipe', 'pipe'] });
          if (child.pid) live.add(child.pid);
          let out = '', bytes = 0, timedOut = false;
          const take = (b: Buffer) => { bytes += b.length; if (out.length < OUTPUT_CAP) out += b.toString('utf8').slice(0, OUTPUT_CAP - out.length); };
          child.stdout!.on('data', take); child.stderr!.on('data', take);
          const killGroup = () => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ } };
          const timer = setTimeout(() => { timedOut = true; killGroup(); }, timeoutMs);
          const onAbort = () => killGroup();
          signal?.addEventListener('abort', onAbort);
          const [code, sig] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
            child.on('error', (e) => { out += String(e); resolve([null, null]); });
            child.on('close', (c, s) => resolve([c, s]));
          });
          clearTimeout(timer); signal?.removeEventListener('abort', onAbort); killGroup();
          if (child.pid) live.delete(child.pid);
          const durationMs = performance.now() - t0;
          if (bytes > OUTPUT_CAP) out += `\n[output capped: ${bytes} bytes in all]`;
          if (timedOut) return { status: 'timeout', detail: `timed out after ${timeoutMs} ms`, output: out, durationMs, timeouts: { attempts: 1, ms: durationMs, retried: false } };
          if (code === 0) return { status: 'passed', detail: '', output: out, durationMs };
          if (code === null && !sig) return { status: 'error', detail: `could not start ${cmd}`, output: out, durationMs };
          return { status: 'failed', detail: lang.failureDetail?.(out) || (sig ? `killed by ${sig}` : `exit code ${code}`), output: out, durationMs };
        } finally {
          await rm(dir, { recursive: true, force: true });
        }
      },
      async close() {
        for (const pid of live) { try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ } }
        live.clear();
      },
    };
  },
};


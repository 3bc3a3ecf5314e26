// `auto`: the safest runner this machine has — Docker, else bubblewrap — and never the unsandboxed
// `local` one: when neither works it refuses, saying how to enable one.
import type { SandboxFactory } from '../plugins';
import { bubblewrapSandbox } from './bubblewrap';
import { dockerSandbox } from './docker';

export const autoSandbox: SandboxFactory = {
  name: 'auto',
  isolated: true,
  async create(opts) {
    const why: string[] = [];
    for (const f of [dockerSandbox, bubblewrapSandbox]) {
      try {
        return await f.create(opts);
      } catch (e) {
        why.push(`${f.name}: ${(e as Error).message.split('\n')[0]}`);
      }
    }
    throw new Error(`No sandbox is available. ${why.join(' — ')}. Start Docker (scripts/docker-engine.sh start) or install ` +
      `bubblewrap (apt-get install bubblewrap); --sandbox local runs generated code unsandboxed and is never chosen automatically.`);
  },
};

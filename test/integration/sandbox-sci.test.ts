// The scientific Python image (scripts/build-images.sh python-sci → crucible-python-sci:local, `sci`
// for short): a completion that imports numpy passes in it under the sandbox's limits (one OpenBLAS
// thread, the sample's address-space limit) and fails with ModuleNotFoundError in the plain image.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CodeProblem } from '../../src/server/plugins';
import { connectDocker, dockerSandbox, type DockerSandbox } from '../../src/server/sandboxes/docker';

const SCI = 'crucible-python-sci:local';

const problem: CodeProblem = {
  id: 'sci/0', suite: 'toy', language: 'python', entryPoint: 'solve',
  prompt: 'import numpy as np\n\ndef solve(a, b):\n    """Solves the linear system a x = b."""\n',
  tests: 'def check(f):\n    x = f([[3.0, 1.0], [1.0, 2.0]], [9.0, 8.0])\n    assert abs(x[0] - 2) < 1e-9 and abs(x[1] - 3) < 1e-9, x\n',
};
const completion = '    return list(np.linalg.solve(np.array(a), np.array(b)))\n';
const more = '    import scipy.linalg, pandas, sympy, networkx, sklearn\n    assert pandas.DataFrame({"x": [1, 2]}).x.sum() == 3\n' + completion;

async function haveSci(): Promise<string | null> {
  try {
    await connectDocker().docker.getImage(SCI).inspect();
    return null;
  } catch (e) {
    return `${SCI} is not built (scripts/build-images.sh python-sci): ${(e as Error).message.split('\n')[0]}`;
  }
}

describe('scientific Python image', async () => {
  const missing = await haveSci();
  let sci: DockerSandbox;
  let plain: DockerSandbox;
  before(async () => {
    if (missing) return;
    sci = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { images: { python: 'sci' } } })) as DockerSandbox;
    plain = (await dockerSandbox.create({ languages: ['python'], concurrency: 1, config: { images: { python: 'crucible-python:local' } } })) as DockerSandbox;
  });
  after(async () => { await sci?.close(); await plain?.close(); });

  it('passes a numpy-importing completion in the sci image (`sci` names it), with one BLAS thread', { skip: missing ?? false }, async () => {
    const r = await sci.execute({ problem, completion, timeoutMs: 30_000 });
    assert.equal(r.status, 'passed', `${r.detail}\n${r.output}`);
    const r2 = await sci.execute({ problem, completion: more, timeoutMs: 60_000 });
    assert.equal(r2.status, 'passed', `${r2.detail}\n${r2.output}`);
    const env = await sci.execute({ problem, completion: '    import os\n    assert os.environ.get("OPENBLAS_NUM_THREADS") == "1", dict(os.environ)\n' + completion, timeoutMs: 30_000 });
    assert.equal(env.status, 'passed', `${env.detail}\n${env.output}`);
    assert.match((await sci.describe()).python, /^crucible-python-sci:local@sha256:/);
  });

  it('fails it with ModuleNotFoundError in the plain image', { skip: missing ?? false }, async () => {
    const r = await plain.execute({ problem, completion, timeoutMs: 30_000 });
    assert.equal(r.status, 'failed');
    assert.match(r.detail, /ModuleNotFoundError: No module named 'numpy'/);
  });
});

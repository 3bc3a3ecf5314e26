// The sandbox worker needs a Python; a language's image need not have one (node:20-slim,
// eclipse-temurin, golang, rust and gcc images have none). So the worker brings its own: the
// interpreter of the engine's Python image, with its loader, shared libraries and standard library,
// copied once per engine into a Docker volume (named after the image id) and mounted read-only in
// every non-Python worker container. It is started through its own dynamic loader, so it runs on any
// image whatever its C library (glibc, musl); the worker's child processes exec the image's own
// toolchain and never see it (the worker empties its environment before any sample runs).
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';

/** Where the runtime volume is mounted in a worker container. */
export const RUNTIME_MOUNT = '/crucible-runtime';

export interface WorkerRuntime {
  volume: string;
  /** argv prefix that starts the runtime's python3 (append the interpreter's own arguments). */
  python: string[];
  env: string[];
}

// Runs in the Python image, as root, with the volume at /rt. Copies what the worker's interpreter
// loads (so /proc/self/maps names every shared library), the binary and the standard library to a
// temporary directory, then renames it into place: two engines preparing at once cannot leave a half
// copy. Prints the manifest.
const POPULATE_PY = String.raw`
import os, sys, json, shutil, sysconfig
R = '/rt'
FINAL = os.path.join(R, 'v1')
M = os.path.join(FINAL, 'manifest.json')
if not os.path.exists(M):
    for m in ('json', 'select', 'signal', 'errno', 'resource', 'shutil', 'socket', 'marshal', 'ctypes',
              'typing', 're', 'traceback', 'math'):
        try:
            __import__(m)
        except Exception:
            pass
    tmp = os.path.join(R, '.tmp-%d' % os.getpid())
    shutil.rmtree(tmp, ignore_errors=True)
    os.makedirs(os.path.join(tmp, 'lib'))
    os.makedirs(os.path.join(tmp, 'bin'))
    loader = None
    for line in open('/proc/self/maps'):
        parts = line.split()
        if len(parts) < 6 or not parts[5].startswith('/') or '.so' not in parts[5]:
            continue
        name = os.path.basename(parts[5])
        dest = os.path.join(tmp, 'lib', name)
        if not os.path.exists(dest):
            shutil.copy2(os.path.realpath(parts[5]), dest)
        if name.startswith('ld-linux') or name.startswith('ld-musl'):
            loader = name
    if loader is None:
        sys.exit('cannot find the dynamic loader of %s' % sys.executable)
    shutil.copy2(os.path.realpath(sys.executable), os.path.join(tmp, 'bin', 'python3'))
    ver = 'python%d.%d' % sys.version_info[:2]
    shutil.copytree(sysconfig.get_paths()['stdlib'], os.path.join(tmp, 'lib', ver), symlinks=True,
                    ignore=shutil.ignore_patterns('test', 'tests', 'idlelib', 'tkinter', 'turtledemo', 'ensurepip',
                                                  'lib2to3', 'site-packages', 'dist-packages', 'config-*'))
    json.dump({'loader': 'lib/' + loader, 'python': 'bin/python3', 'version': sys.version.split()[0]},
              open(os.path.join(tmp, 'manifest.json'), 'w'))
    for d, _dirs, files in os.walk(tmp):
        os.chmod(d, 0o755)
        for f in files:
            p = os.path.join(d, f)
            if not os.path.islink(p):
                os.chmod(p, 0o755 if os.access(p, os.X_OK) else 0o644)
    try:
        os.rename(tmp, FINAL)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another engine's copy won the race
sys.stdout.write(open(M).read())
`;

/** Copies (once) the worker runtime from `pythonImage` into a volume; returns how to start it. */
export async function prepareWorkerRuntime(docker: Docker, pythonImage: string): Promise<WorkerRuntime> {
  const id = (await docker.getImage(pythonImage).inspect()).Id.replace(/^sha256:/, '').slice(0, 16);
  const volume = `crucible-worker-runtime-${id}`;
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = '';
  let stderr = '';
  out.on('data', (b: Buffer) => { stdout += b.toString('utf8'); });
  err.on('data', (b: Buffer) => { stderr += b.toString('utf8'); });
  const [res, container] = await docker.run(pythonImage, ['python3', '-c', POPULATE_PY], [out, err], {
    Tty: false,
    User: '0:0',
    Labels: { 'crucible.sandbox.runtime': '1' },
    HostConfig: {
      NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], ReadonlyRootfs: true,
      Binds: [`${volume}:/rt`],
    },
  }) as [{ StatusCode: number }, Docker.Container];
  await container.remove({ force: true }).catch(() => undefined);
  if (res.StatusCode !== 0) {
    throw new Error(`cannot prepare the sandbox worker's runtime from ${pythonImage} (exit ${res.StatusCode}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`);
  }
  let m: { loader: string; python: string };
  try {
    m = JSON.parse(stdout);
  } catch {
    throw new Error(`cannot prepare the sandbox worker's runtime from ${pythonImage}: unreadable manifest ${JSON.stringify(stdout.slice(0, 200))}`);
  }
  const root = `${RUNTIME_MOUNT}/v1`;
  return {
    volume,
    python: [`${root}/${m.loader}`, '--library-path', `${root}/lib`, `${root}/${m.python}`],
    env: [`PYTHONHOME=${root}`],
  };
}

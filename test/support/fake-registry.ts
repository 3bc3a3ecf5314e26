// A package registry on 127.0.0.1 speaking the two APIs the `packages` scorer asks: PyPI's JSON API
// (GET /pypi/<name>/json: 200 with the project's info, 404 {"message": "Not Found"}) and the npm registry
// (GET /npm/<name>, scoped names as @scope%2fname: 200 with the packument, 404 {"error": "Not found"}).
// PyPI answers for any spelling that normalises to a known project (PEP 503), as pypi.org does.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeRegistryOptions {
  pypi: string[];
  npm: string[];
  /** A fault for the n-th request (0-based): reply with this status instead. */
  fault?(n: number, path: string): number | undefined;
}

export interface FakeRegistry {
  /** Base URLs to give the scorer: { pypi: …/pypi, npm: …/npm }. */
  urls: { pypi: string; npm: string };
  requests: string[];
  close(): Promise<void>;
}

const pep503 = (n: string) => n.toLowerCase().replace(/[-_.]+/g, '-');

export async function startFakeRegistry(opts: FakeRegistryOptions): Promise<FakeRegistry> {
  const pypi = new Map(opts.pypi.map((n) => [pep503(n), n]));
  const npm = new Set(opts.npm);
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const n = requests.push(`${req.method} ${url}`) - 1;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const fault = opts.fault?.(n, url);
    if (fault) return send(fault, { message: `fault ${fault}` });
    let m = /^\/pypi\/([^/]+)\/json$/.exec(url);
    if (m) {
      const name = pypi.get(pep503(decodeURIComponent(m[1])));
      return name ? send(200, { info: { name, version: '1.0.0', summary: `${name} (stand-in)` }, releases: { '1.0.0': [] } }) : send(404, { message: 'Not Found' });
    }
    m = /^\/npm\/(.+)$/.exec(url);
    if (m) {
      const name = decodeURIComponent(m[1]);
      return npm.has(name) ? send(200, { name, 'dist-tags': { latest: '1.0.0' }, versions: { '1.0.0': { name, version: '1.0.0' } } }) : send(404, { error: 'Not found' });
    }
    send(404, { message: 'Not Found' });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  return {
    urls: { pypi: `${base}/pypi`, npm: `${base}/npm` },
    requests,
    close: () => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}

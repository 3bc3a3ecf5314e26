// From what code imports to what a user would install. Python import names often differ from their
// distribution's name on PyPI (yaml → PyYAML); npm specifiers name the package, possibly scoped, with a
// sub-path (lodash/fp, @scope/pkg/sub). Standard libraries map to nothing.
import { NODE_BUILTINS, PYTHON_STDLIB } from './stdlib';

export type Ecosystem = 'pypi' | 'npm';

/**
 * Import name → PyPI distribution, for the well-known packages whose names differ. Names not listed are
 * installed under their import name (PyPI treats case, '-', '_' and '.' alike: see normalizeName).
 */
export const PYTHON_DISTRIBUTIONS: Readonly<Record<string, string>> = {
  yaml: 'PyYAML', cv2: 'opencv-python', sklearn: 'scikit-learn', PIL: 'Pillow', bs4: 'beautifulsoup4', skimage: 'scikit-image',
  dateutil: 'python-dateutil', dotenv: 'python-dotenv', Crypto: 'pycryptodome', Cryptodome: 'pycryptodomex', jwt: 'PyJWT',
  magic: 'python-magic', serial: 'pyserial', usb: 'pyusb', attr: 'attrs', OpenSSL: 'pyOpenSSL', docx: 'python-docx',
  pptx: 'python-pptx', fitz: 'PyMuPDF', win32api: 'pywin32', win32con: 'pywin32', win32com: 'pywin32', pythoncom: 'pywin32',
  zmq: 'pyzmq', gi: 'PyGObject', MySQLdb: 'mysqlclient', wx: 'wxPython',
  telegram: 'python-telegram-bot', discord: 'discord.py', faiss: 'faiss-cpu',   git: 'GitPython', github: 'PyGithub', googleapiclient: 'google-api-python-client', jose: 'python-jose',
  multipart: 'python-multipart', slugify: 'python-slugify', socketio: 'python-socketio', engineio: 'python-engineio',
  Bio: 'biopython', OpenGL: 'PyOpenGL', pkg_resources: 'setuptools', mpl_toolkits: 'matplotlib', ldap: 'python-ldap',
  nacl: 'PyNaCl', kafka: 'kafka-python',   memcache: 'python-memcached',
  pyximport: 'Cython', snappy: 'python-snappy', ruamel: 'ruamel.yaml', sentence_transformers: 'sentence-transformers',
  speech_recognition: 'SpeechRecognition', tls_client: 'tls-client', dns: 'dnspython',
  Xlib: 'python-xlib', haystack: 'farm-haystack', vlc: 'python-vlc', osgeo: 'GDAL',
  community: 'python-louvain', umap: 'umap-learn', fake_useragent: 'fake-useragent',
};

/** Namespace packages whose second part names the distribution: google.cloud.storage → google-cloud-storage. */
const NAMESPACES: readonly [prefix: string, dist: (rest: string) => string][] = [
  ['google.cloud.', (r) => `google-cloud-${r}`],
  ['azure.', (r) => `azure-${r}`],
  ['google.protobuf', () => 'protobuf'],
  ['google.auth', () => 'google-auth'],
  ['google.generativeai', () => 'google-generativeai'],
  ['google.genai', () => 'google-genai'],
  ['google.oauth2', () => 'google-auth'],
  ['zope.', (r) => `zope.${r}`],
];

/** PEP 503: PyPI compares names lowercased with runs of '-', '_' and '.' as one '-'. */
export function normalizeName(eco: Ecosystem, name: string): string {
  return eco === 'pypi' ? name.toLowerCase().replace(/[-_.]+/g, '-') : name;
}

/** The PyPI distribution a Python import of `module` (dotted, absolute) needs; null for the standard library. */
export function pythonDistribution(module: string): string | null {
  const top = module.split('.')[0];
  if (!top || PYTHON_STDLIB.has(top)) return null;
  for (const [prefix, dist] of NAMESPACES) {
    if (module === prefix.replace(/\.$/, '') || module.startsWith(prefix)) {
      const rest = module.slice(prefix.length).split('.')[0];
      if (prefix.endsWith('.') && !rest) break; // "google.cloud" alone names no distribution
      return dist(rest);
    }
  }
  return PYTHON_DISTRIBUTIONS[top] ?? top;
}

/**
 * The npm package a JavaScript/TypeScript specifier needs: "lodash/fp" → lodash, "@scope/pkg/sub" →
 * @scope/pkg; null for core modules, relative and absolute paths, URLs and specifiers no registry holds.
 */
export function npmPackage(spec: string): string | null {
  if (!spec || spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('node:') || /^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith('#')) return null;
  const parts = spec.split('/');
  if (spec.startsWith('@')) {
    if (parts.length < 2 || !parts[1]) return null;
    return `${parts[0]}/${parts[1]}`;
  }
  if (NODE_BUILTINS.has(parts[0])) return null;
  return parts[0];
}

/** Whether `name` can be a package name at all (a model's "package" may be a sentence or a path). */
export function plausibleName(eco: Ecosystem, name: string): boolean {
  if (eco === 'pypi') return /^[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$/.test(name) && name.length <= 100;
  return /^(@[a-z0-9][a-z0-9._~-]*\/)?[a-zA-Z0-9][a-zA-Z0-9._~-]*$/.test(name) && name.length <= 214;
}

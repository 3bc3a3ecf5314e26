import assert from 'node:assert/strict';
import { test } from 'node:test';
import { npmPackage, pythonDistribution } from './distributions';
import { installs, jsImports, pythonImports, replyPackages } from './imports';

test('Python imports are parsed: aliases, dotted names, from-imports, __import__ and importlib with literals; not comments, strings or relative imports', () => {
  const src = [
    'import numpy as np, os.path',
    'from yaml import safe_load',
    'from . import sibling',
    'from .pkg import thing',
    'import importlib',
    "importlib.import_module('cv2')",
    '__import__("PIL.Image")',
    '# import commented_out',
    "x = 'import in_a_string'",
    'def f():',
    '    from sklearn.linear_model import LinearRegression',
    "    return __import__(name)",
  ].join('\n');
  assert.deepEqual(pythonImports(src), ['numpy', 'os.path', 'yaml', 'importlib', 'cv2', 'PIL.Image', 'sklearn.linear_model']);
});

test('JavaScript and TypeScript imports: import/export from, side-effect, require, dynamic import(); not comments or template strings with holes', () => {
  const js = [
    "import fs from 'node:fs';",
    "import { a } from '@scope/pkg/sub';",
    "const _ = require('lodash/fp');",
    "const m = await import('chalk');",
    "export * from 'zod';",
    "import 'side-effect';",
    "// require('commented')",
    'const t = `require("in-template")`;',
    'const dyn = require(`x${y}`);',
    "import local from './local.js';",
  ].join('\n');
  assert.deepEqual(jsImports(js), ['node:fs', '@scope/pkg/sub', 'lodash/fp', 'chalk', 'zod', 'side-effect', './local.js']);
  const ts = "import type { Foo } from 'typed-lib';\nimport express, { Request } from 'express';\nconst x: number = 1;\n";
  assert.deepEqual(jsImports(ts, true), ['typed-lib', 'express']);
});

test('imports map to what a user installs: distribution names, namespace packages, scoped npm names, the standard library to nothing', () => {
  assert.equal(pythonDistribution('yaml'), 'PyYAML');
  assert.equal(pythonDistribution('cv2'), 'opencv-python');
  assert.equal(pythonDistribution('sklearn.linear_model'), 'scikit-learn');
  assert.equal(pythonDistribution('PIL.Image'), 'Pillow');
  assert.equal(pythonDistribution('google.cloud.storage'), 'google-cloud-storage');
  assert.equal(pythonDistribution('azure.storage.blob'), 'azure-storage');
  assert.equal(pythonDistribution('requests'), 'requests');
  assert.equal(pythonDistribution('os.path'), null);
  assert.equal(pythonDistribution('collections'), null);
  assert.equal(npmPackage('@scope/pkg/sub'), '@scope/pkg');
  assert.equal(npmPackage('lodash/fp'), 'lodash');
  assert.equal(npmPackage('fs/promises'), null);
  assert.equal(npmPackage('node:test'), null);
  assert.equal(npmPackage('./x'), null);
  assert.equal(npmPackage('https://esm.sh/react'), null);
});

test('install commands: pip (flags, extras, pins, -r files skipped), python -m pip, npm/yarn/pnpm with scoped names and versions', () => {
  const names = (l: string) => installs(l).map((p) => `${p.ecosystem}:${p.name}`);
  assert.deepEqual(names('$ pip install -U requests[security]==2.31 numpy>=1.2 -r requirements.txt'), ['pypi:requests', 'pypi:numpy']);
  assert.deepEqual(names('python -m pip install --upgrade fastcsvx'), ['pypi:fastcsvx']);
  assert.deepEqual(names('npm i -D @types/node typescript@5'), ['npm:@types/node', 'npm:typescript']);
  assert.deepEqual(names('yarn add left-pad && pnpm add is-odd'), ['npm:left-pad', 'npm:is-odd']);
  assert.deepEqual(names('pip install git+https://github.com/a/b.git ./local'), []);
  assert.deepEqual(names('Then run the script.'), []);
});

test('a chat reply: fenced Python and shell blocks, prose install lines, stdlib apart, duplicates once, local modules skipped', () => {
  const reply = [
    'You can use the `numy` library for this:',
    '',
    '```bash',
    'pip install numy',
    '```',
    '',
    '```python',
    'import numy as np',
    'import json, yaml',
    'from utils import helper',
    'from numy.random import randint',
    '```',
    '',
    '```python',
    '# utils.py',
    'def helper(): pass',
    '```',
    'Alternatively run `pip install PyYAML`.',
  ].join('\n');
  const r = replyPackages(reply);
  assert.deepEqual(r.packages.map((p) => [p.ecosystem, p.name, p.source]), [['pypi', 'numy', 'import'], ['pypi', 'PyYAML', 'import']]);
  assert.deepEqual(r.stdlib, ['json']);
  assert.equal(r.hasCode, true);
});

test('a reply without fences: a code problem reads it as its language; a chat reply only by its import lines; prose alone has no code', () => {
  assert.deepEqual(replyPackages('import pandas as pd\n\ndef f(x):\n    return pd.DataFrame(x)\n', 'python').packages.map((p) => p.name), ['pandas']);
  assert.deepEqual(replyPackages("const z = require('zodd');\nmodule.exports = z;", 'javascript').packages.map((p) => p.name), ['zodd']);
  assert.deepEqual(replyPackages('Sure. First:\nimport torchy\nthen call torchy.go().').packages.map((p) => p.name), ['torchy']);
  const prose = replyPackages("I'm not aware of a library called numberpy. Did you mean numpy? Import it and go.");
  assert.deepEqual(prose.packages, []);
  assert.equal(prose.hasCode, false);
});

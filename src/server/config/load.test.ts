import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkConfigText, ConfigError, findConfig, loadConfig } from './load';
import { applyConfig } from './options';

test('a full crucible.yaml validates and keeps every value', () => {
  const { config, problems } = checkConfigText(`
suites: [humaneval, ./my/problems.jsonl]
arms:
  - { model: openai:gpt-4o-mini, id: mini, temperature: 0.2, provider: { baseURL: http://127.0.0.1:8000/v1 } }
  - model: anthropic:claude-3-5-haiku-latest
n: 5
k: [1, 5]
sandbox: docker
thresholds:
  fail-under: { pass@1: 0.6 }
  max-slip-rate: 0.01
  arms: { mini: { fail-under: { pass@5: 0.8 } } }
plugins: [./plugins/provider.js]
strategies:
  - { name: cot, template: "Think step by step.\\n{prompt}" }
`);
  assert.deepEqual(problems, []);
  assert.equal(config!.arms![0].temperature, 0.2);
  assert.deepEqual(config!.strategies, [{ name: 'cot', template: 'Think step by step.\n{prompt}' }]);
});

test('errors name the line and the field: wrong type, unknown key, bad enum, missing model, bad metric, an API key', () => {
  const text = [
    'suites: humaneval',        // 1
    'n: five',                  // 2
    'arms:',                    // 3
    '  - model: openai:gpt-4o', // 4
    '    temprature: 0.2',      // 5
    '  - id: nomodel',          // 6
    'sandbox: vm',              // 7
    'thresholds:',              // 8
    '  fail-under: { passk1: 0.5 }', // 9
    'providers:',               // 10
    '  openai: { apiKey: sk-abc }', // 11
  ].join('\n');
  const { config, problems } = checkConfigText(text);
  assert.equal(config, null);
  const at = (field: string) => problems.find((p) => p.field === field);
  assert.equal(at('n')?.line, 2);
  assert.match(at('n')!.message, /must be integer/);
  assert.equal(at('arms[0].temprature')?.line, 5);
  assert.match(at('arms[0].temprature')!.message, /unknown field \(known: id, model, strategy, temperature/);
  assert.equal(at('arms[1].model')?.line, 6);
  assert.equal(at('sandbox')?.line, 7);
  assert.match(at('sandbox')!.message, /one of docker, bubblewrap, auto, local/);
  assert.equal(at('thresholds.fail-under.passk1')?.line, 9);
  assert.match(at('thresholds.fail-under.passk1')!.message, /pass@<k>/);
  assert.equal(at('providers.openai.apiKey')?.line, 11);
  assert.match(at('providers.openai.apiKey')!.message, /secrets come from the environment/);
  assert.deepEqual(problems.map((p) => p.line), [...problems.map((p) => p.line)].sort((a, b) => a - b));
});

test('YAML syntax errors and duplicate keys name their line', () => {
  const bad = checkConfigText('n: 1\nk: [1, 2\nlimit: 3\n');
  assert.ok(bad.problems.length > 0);
  assert.ok(bad.problems[0].line >= 2, JSON.stringify(bad.problems));
  const dup = checkConfigText('n: 1\nlimit: 2\nn: 3\n');
  assert.equal(dup.problems[0].line, 3);
  assert.match(dup.problems[0].message, /unique/i);
});

test('loadConfig: the error starts with file:line and names the field; paths resolve against the file', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'crucible-config-'));
  const f = path.join(dir, 'crucible.yaml');
  writeFileSync(f, 'suites: humaneval\nlimit: 0\n');
  assert.throws(() => loadConfig(f), (e: unknown) => e instanceof ConfigError && e.message.startsWith(`${f}:2: limit: must be >= 1`));
  writeFileSync(f, 'suites: [humaneval, data/p.jsonl]\nsamples: s.jsonl\nplugins: [./x.js]\noutputs: { html: out/r.html }\n');
  const c = loadConfig(f).config;
  assert.deepEqual(c.suites, ['humaneval', path.join(dir, 'data/p.jsonl')]);
  assert.equal(c.samples, path.join(dir, 's.jsonl'));
  assert.deepEqual(c.plugins, [path.join(dir, 'x.js')]);
  assert.equal(c.outputs!.html, path.join(dir, 'out/r.html'));
  // Found from a sub-folder; not above a repository's root.
  const sub = path.join(dir, 'a', 'b');
  require('node:fs').mkdirSync(sub, { recursive: true });
  assert.equal(findConfig(sub), f);
  require('node:fs').mkdirSync(path.join(sub, '.git'));
  assert.equal(findConfig(sub), null);
});

test('options typed on the command line win over the file; the rest come from it', () => {
  const { values, extras } = applyConfig({ k: '1', db: '.crucible/crucible.db', n: '3' }, new Set(['n']), {
    n: 10, k: [1, 10], limit: 5, suites: 'humaneval', db: '/x/db', 'no-cache': true,
    arms: [{ model: 'openai:a', id: 'a', 'max-tokens': 100, provider: { rpm: 60 } }], providers: { openai: { baseURL: 'http://h' } },
    scorers: ['refusal'],
  });
  assert.equal(values.n, '3');
  assert.equal(values.k, '1,10');
  assert.equal(values.limit, '5');
  assert.deepEqual(values.suite, ['humaneval']);
  assert.equal(values.db, '/x/db');
  assert.equal(values['no-cache'], true);
  assert.deepEqual(extras.arms, [{ model: 'openai:a', id: 'a', params: { maxTokens: 100 } }]);
  assert.deepEqual(extras.providers, { openai: { baseURL: 'http://h', rpm: 60 } });
  assert.deepEqual(extras.scorers, { refusal: {} });
  // --model on the command line replaces the file's arms.
  assert.equal(applyConfig({}, new Set(['model']), { arms: [{ model: 'x' }] }).extras.arms, undefined);
});

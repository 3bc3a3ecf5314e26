import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cleanKey, envVarNameProblem, KEY_PROVIDERS, normaliseNames, secretKey } from './keyNames';

test('provider key names are the ones the engine reads', () => {
  assert.deepEqual(KEY_PROVIDERS.map((p) => p.envVar), ['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'GEMINI_API_KEY']);
  for (const p of KEY_PROVIDERS) assert.equal(envVarNameProblem(p.envVar), null);
  assert.equal(secretKey('OPENAI_API_KEY'), 'crucible.env.OPENAI_API_KEY');
});

test('names that would change how the engine runs are refused', () => {
  for (const n of ['NODE_OPTIONS', 'PATH', 'LD_PRELOAD', 'ld_library_path', 'DYLD_INSERT_LIBRARIES', 'DOCKER_HOST', 'https_proxy',
    'CRUCIBLE_DATA_DIR', 'VSCODE_PID']) {
    assert.match(envVarNameProblem(n) ?? '', /cannot be set/, n);
  }
  for (const n of ['', '1KEY', 'MY-KEY', 'A B', 'KEY=1']) assert.match(envVarNameProblem(n) ?? '', /Letters, digits/, JSON.stringify(n));
  assert.equal(envVarNameProblem('MISTRAL_API_KEY'), null);
  assert.equal(envVarNameProblem('_x1'), null);
});

test('a pasted key is trimmed; empty or multi-part pastes are refused', () => {
  assert.equal(cleanKey('  sk-abc123\n'), 'sk-abc123');
  assert.equal(cleanKey('   '), null);
  assert.equal(cleanKey('sk-abc\nsk-def'), null);
  assert.equal(cleanKey('Bearer sk-abc'), null);
});

test('stored names are cleaned of junk and duplicates', () => {
  assert.deepEqual(normaliseNames(['OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 3, 'NODE_OPTIONS', 'bad name']),
    ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY']);
  assert.deepEqual(normaliseNames(undefined), []);
  assert.deepEqual(normaliseNames({ a: 1 }), []);
});

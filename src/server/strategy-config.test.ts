import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { createBuiltins } from './builtins';
import { registerStrategies, registerStrategiesFile, strategySource } from './strategy-config';

const dir = mkdtempSync(path.join(tmpdir(), 'crucible-strategies-'));
const file = (name: string, text: string) => { const f = path.join(dir, name); writeFileSync(f, text); return f; };

test('a list of plain objects becomes registered strategies with their own parameters', () => {
  const p = createBuiltins();
  const made = registerStrategies(p, [
    { name: 'terse', system: 'Code only.', user: 'Write {{entry_point}}:\n{{prompt}}', params: { temperature: 0.2, maxTokens: 256 } },
    { name: 'shots2', shots: 2, mode: 'body', reasoning: true },
  ], { source: 'test' });
  assert.deepEqual(made.map((s) => s.name), ['terse', 'shots2']);
  assert.deepEqual(p.strategies.get('terse').params, { temperature: 0.2, maxTokens: 256 });
  assert.ok(p.strategies.get('shots2').split, 'reasoning strategies split their replies');
});

test('every mistake is reported at once, with file and line', () => {
  const f = file('bad.yaml', [
    'strategies:',            // 1
    '  - name: ok',           // 2
    '    user: "{{prompt}}"', // 3
    '  - name: two',          // 4
    '    tempature: 0.3',     // 5
    '    user: "{{promt}}"',  // 6
    '    params:',            // 7
    '      temperature: -1',  // 8
    '  - name: ok',           // 9
    '',
  ].join('\n'));
  const p = createBuiltins();
  assert.throws(() => registerStrategiesFile(p, f), (e: Error) => {
    const lines = e.message.split('\n');
    assert.equal(lines.length, 4, e.message);
    assert.equal(lines[0], `${f}:5: strategies[1].tempature: unknown key (known: name, description, kinds, system, user, mode, shots, shotSeed, reasoning, params)`);
    assert.equal(lines[1], `${f}:6: strategies[1].user: unknown variable {{promt}} (known: {{prompt}}, {{language}}, {{entry_point}}, {{examples}})`);
    assert.equal(lines[2], `${f}:8: strategies[1].params.temperature: must be a non-negative number (got -1)`);
    assert.equal(lines[3], `${f}:9: strategies[2].name: "ok" is already defined at strategies[0]`);
    return true;
  });
  assert.ok(!p.strategies.has('ok'), 'all or nothing');
});

test('a top-level list works; a built-in name, a bad YAML file and a wrong shape are errors naming the file', () => {
  const p = createBuiltins();
  registerStrategiesFile(p, file('list.yaml', '- name: mine\n  shots: 1\n'));
  assert.ok(p.strategies.has('mine'));
  assert.throws(() => registerStrategiesFile(p, file('clash.yaml', '- name: few-shot\n')), new RegExp(`clash.yaml:1: \\[0\\].name: a strategy named "few-shot" is already registered`));
  assert.throws(() => registerStrategiesFile(p, file('broken.yaml', 'strategies:\n  - name: a\n    user: "unclosed\n')), /broken.yaml:\d+: not valid YAML/);
  assert.throws(() => registerStrategiesFile(p, file('shape.yaml', 'name: a\n')), /shape.yaml:1: expected a list of strategies/);
  assert.throws(() => registerStrategies(p, [{ name: 'x', kinds: ['chat'], shots: 2 }], { source: 'setting crucible.strategies' }),
    /setting crucible.strategies: \[0\]: shots, reasoning and mode apply to code problems/);
  assert.throws(() => registerStrategiesFile(p, path.join(dir, 'missing.yaml')), /missing.yaml: cannot read \(ENOENT\)/);
});

test("crucible.yaml's strategies: as the engine gets them are reported with the file's lines", () => {
  const f = file('crucible.yaml', 'suite: humaneval\nstrategies:\n  - name: ok\n  - name: bad\n    shots: many\n');
  const p = createBuiltins();
  assert.throws(() => registerStrategies(p, [{ name: 'ok' }, { name: 'bad', shots: 'many' }], strategySource({ strategiesFile: f })),
    (e: Error) => e.message === `${f}:5: strategies[1].shots: must be a whole number from 0 to 20 (got "many")`);
  assert.throws(() => registerStrategies(p, [{ name: 'x', user: '{{nope}}' }], strategySource({})), /^Error: setting crucible.strategies: \[0\].user: unknown variable \{\{nope\}\}/);
});

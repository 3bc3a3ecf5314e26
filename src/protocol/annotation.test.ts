import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFromAnnotateWebview as parse } from './annotation';

test('messages from the annotation page are validated; anything else is dropped', () => {
  assert.deepEqual(parse({ type: 'label', itemId: 'AbC_-123xyz0', labels: ['correct'], note: '' }), { type: 'label', itemId: 'AbC_-123xyz0', labels: ['correct'], note: '' });
  assert.deepEqual(parse({ type: 'verdict', itemId: 'x1', verdict: 'both_bad' }), { type: 'verdict', itemId: 'x1', verdict: 'both_bad' });
  assert.deepEqual(parse({ type: 'move', delta: -1 }), { type: 'move', delta: -1 });
  for (const bad of [
    null, 'label', { type: 'label', itemId: '../etc', labels: ['x'], note: '' }, { type: 'label', itemId: 'a', labels: 'x', note: '' },
    { type: 'label', itemId: 'a', labels: [''], note: '' }, { type: 'label', itemId: 'a', labels: ['x'], note: 3 },
    { type: 'verdict', itemId: 'a', verdict: 'middle' }, { type: 'move', delta: 5 }, { type: 'eval', code: '1' },
  ]) assert.equal(parse(bad), null, JSON.stringify(bad));
});

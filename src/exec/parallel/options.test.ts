import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultStrategy } from './options.js';

test('default strategy: ordered on two threads, Block-STM on more; MULTILANE_STRATEGY overrides; anything else is an error', () => {
  assert.equal(defaultStrategy(1, undefined), 'ordered');
  assert.equal(defaultStrategy(2, undefined), 'ordered');
  assert.equal(defaultStrategy(3, undefined), 'block-stm');
  assert.equal(defaultStrategy(16, ''), 'block-stm');
  assert.equal(defaultStrategy(2, 'block-stm'), 'block-stm');
  assert.equal(defaultStrategy(8, 'ordered'), 'ordered');
  assert.throws(() => defaultStrategy(2, 'fast'), /MULTILANE_STRATEGY must be 'ordered' or 'block-stm', got 'fast'/);
});

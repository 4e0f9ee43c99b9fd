import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContentionMemory } from './contention.js';

const POOL = 0x9001n;
const TOKEN = 0x7070n;

test('contention memory: a target whose worker records go stale is contended; one whose records hold is not', () => {
  const m = new ContentionMemory();
  assert.equal(m.contendedIds().size, 0);
  // Accepted records of a target never rejected are not even counted.
  for (let i = 0; i < 500; i++) m.accepted(TOKEN);
  assert.equal(m.isContended(TOKEN), false);
  m.rejected(POOL);
  assert.equal(m.isContended(POOL), true);
  assert.deepEqual([...m.contendedIds()], [[POOL, 1]]);
  // A token called from both threads all the time: an occasional stale record does not make it contended.
  m.rejected(TOKEN);
  for (let i = 0; i < 100; i++) m.accepted(TOKEN);
  assert.equal(m.isContended(TOKEN), false);
  // The pool's records hold for a while: it stays contended up to ~20 accepted per rejection.
  for (let i = 0; i < 10; i++) m.accepted(POOL);
  assert.equal(m.isContended(POOL), true);
  for (let i = 0; i < 30; i++) m.accepted(POOL);
  assert.equal(m.isContended(POOL), false);
  m.accepted(undefined);
  m.rejected(undefined);
  assert.equal(m.contendedIds().size, 0, 'creations have no target');
});

test('contention memory: old records weigh less, and the memory stays bounded', () => {
  const m = new ContentionMemory();
  for (let i = 0; i < 200; i++) m.rejected(POOL);
  // Counts halve past 256 records of the target: later acceptances catch up.
  for (let i = 0; i < 2000; i++) m.accepted(POOL);
  assert.equal(m.isContended(POOL), false);
  for (let i = 0; i < 5000; i++) m.rejected(BigInt(i + 1));
  assert.ok(m.contendedIds().size <= 4096);
});

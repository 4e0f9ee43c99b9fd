import { test } from 'node:test';
import assert from 'node:assert/strict';
import { corunBound } from './corun.js';

test('co-run bound: the block runs alone and on every thread at once, and the bound is threads x alone / together', async () => {
  const r = await corunBound('raw-transfers', { txs: 60, cache: false }, 2, 3);
  assert.equal(r.threads, 2);
  assert.ok(r.aloneMs > 0 && Number.isFinite(r.aloneMs));
  assert.ok(r.togetherMs > 0 && Number.isFinite(r.togetherMs));
  assert.equal(r.bound, (2 * r.aloneMs) / r.togetherMs);
});

test('co-run bound: a co-runner that cannot build the block fails the measurement instead of hanging', async () => {
  await assert.rejects(corunBound('no-such-workload', {}, 2, 1));
});

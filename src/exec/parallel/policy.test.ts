import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ModePolicy } from './policy.js';

const GAS = 1_000_000n;

test('the policy measures both modes (alternating, then parallel alone; its cold first blocks not counted), then keeps the cheaper', () => {
  const p = new ModePolicy(8);
  const modes: string[] = [];
  let parallelBlocks = 0;
  for (let i = 0; i < 12; i++) {
    const { mode } = p.choose();
    modes.push(mode);
    // Parallel: four cold blocks, then 2 ms; sequential: 3 ms.
    p.record(mode, mode === 'parallel' ? (++parallelBlocks <= 4 ? 50 : 2) : 3, GAS);
  }
  assert.deepEqual(modes.join(' '), 'parallel sequential '.repeat(4) + 'parallel '.repeat(3) + 'parallel');
  assert.deepEqual(p.rates, { parallel: 2, sequential: 3 }); // ns per gas
  const next = p.choose();
  assert.equal(next.mode, 'parallel');
  assert.match(next.reason, /parallel is faster here/);
});

test('a mode\'s cost is the best of its recent blocks; the other mode is probed every probeEvery blocks', () => {
  const p = new ModePolicy(4);
  for (let i = 0; i < 12; i++) {
    const { mode } = p.choose();
    p.record(mode, mode === 'parallel' ? 5 : 3, GAS);
  }
  // A block slowed down by something else on the machine does not flip the choice.
  p.record('sequential', 30, GAS);
  const chosen: string[] = [];
  for (let i = 0; i < 8; i++) chosen.push(p.choose().mode);
  // Probes run two blocks of the other mode.
  assert.deepEqual(chosen, ['sequential', 'sequential', 'sequential', 'parallel', 'parallel', 'sequential', 'sequential', 'sequential']);
});

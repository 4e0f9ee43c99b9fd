/**
 * `chain`: N calls to one Counter (contracts/Counter.sol), each from a
 * distinct sender, each requiring the value the previous call wrote. Every
 * transaction depends on the one before it: the worst case for a parallel
 * executor, which can do no better than sequential here.
 */
import { BlockBuilder, expectLogs, expectValue } from './block.js';
import { encodeCall, SEL, slotOf, TOPIC } from './contracts.js';
import { deriveAddress } from './keys.js';
import type { Workload } from './types.js';

/** Gas limit of one increment (≈45k for the first, ≈28k after). */
const INCREMENT_GAS = 80_000n;

export function buildChain(b: BlockBuilder, n: number): Workload {
  const counter = deriveAddress(b.seed, 'counter', 0);
  const countSlot = slotOf('Counter', 'count');
  b.deploy(counter, 'Counter').storage.set(countSlot, 0n);
  const indices: number[] = [];
  for (let i = 0; i < n; i++) {
    const caller = b.key('chain-caller', i);
    b.fund(caller.address);
    indices.push(b.addTx(caller, counter, 0n, encodeCall(SEL.increment, BigInt(i)), INCREMENT_GAS));
  }
  b.addCheck(async (probe, receipts) => {
    const problems: string[] = [];
    await expectValue(problems, 'counter', probe.storage(counter, countSlot), BigInt(receipts.length));
    expectLogs(problems, receipts, indices, 1, TOPIC.incremented, 'increment');
    return problems;
  });
  return b.finish('chain');
}

/**
 * `contention-K`: N value transfers among K accounts, sender and recipient
 * drawn at random from the K (never the same one): the Block-STM paper's
 * contention sweep. K = 2 makes nearly every transaction depend on the one
 * before it; K = 10,000 makes conflicts rare. Senders send several
 * transactions each, with consecutive nonces.
 */
import { EMPTY_BYTES } from '../../src/primitives/bytes.js';
import { BlockBuilder } from './block.js';
import type { KeyPair } from './keys.js';
import { Prng } from './prng.js';
import { TRANSFER_GAS } from './raw-transfers.js';
import type { Workload } from './types.js';

export const MIN_ACCOUNTS = 2;

export function buildContention(b: BlockBuilder, n: number, k: number): Workload {
  if (!Number.isInteger(k) || k < MIN_ACCOUNTS) {
    throw new Error(`contention-K needs an integer K >= ${MIN_ACCOUNTS}, got ${k}`);
  }
  const rng = new Prng(b.seed, 5);
  const accounts: KeyPair[] = [];
  for (let j = 0; j < k; j++) {
    // Keys under a role naming K: contention-2's accounts are not contention-10's.
    const key = b.key(`contention-${k}`, j);
    b.fund(key.address);
    accounts.push(key);
  }
  for (let i = 0; i < n; i++) {
    const s = rng.int(k);
    let r = rng.int(k - 1);
    if (r >= s) r++;
    // Up to 0.001 ETH, so that even K = 2 over a gigagas block stays funded.
    const value = rng.bigint(1n, 10n ** 15n);
    b.addTx(accounts[s], accounts[r].address, value, EMPTY_BYTES, TRANSFER_GAS);
  }
  b.addCheck(async (_probe, receipts) => {
    const problems: string[] = [];
    for (let i = 0; i < receipts.length && problems.length < 20; i++) {
      if (receipts[i].gasUsed !== TRANSFER_GAS) problems.push(`tx ${i}: gasUsed ${receipts[i].gasUsed}, expected ${TRANSFER_GAS}`);
    }
    return problems;
  });
  return b.finish(`contention-${k}`);
}

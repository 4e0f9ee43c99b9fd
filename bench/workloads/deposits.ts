/**
 * `deposits`: N value transfers, each from a distinct sender, to one of 10
 * recipient EOAs in turn (exchange deposit addresses, a builder's payout
 * address). Sequentially as cheap as raw-transfers; for Block-STM every
 * recipient's balance is a hot location unless transfers to code-less
 * accounts are lazy credits (src/exec/parallel/deltas.ts).
 */
import { EMPTY_BYTES } from '../../src/primitives/bytes.js';
import { BlockBuilder } from './block.js';
import { deriveAddress } from './keys.js';
import { Prng } from './prng.js';
import { TRANSFER_GAS } from './raw-transfers.js';
import type { Workload } from './types.js';

export const DEPOSIT_RECIPIENTS = 10;

export function buildDeposits(b: BlockBuilder, n: number): Workload {
  const rng = new Prng(b.seed, 6);
  const recipients: bigint[] = [];
  for (let j = 0; j < DEPOSIT_RECIPIENTS; j++) {
    const to = deriveAddress(b.seed, 'deposit-recipient', j);
    // Existing accounts with some balance, as deposit addresses are.
    b.account(to).balance = 10n ** 17n * BigInt(j + 1);
    recipients.push(to);
  }
  for (let i = 0; i < n; i++) {
    const sender = b.key('deposit-sender', i);
    b.fund(sender.address);
    b.addTx(sender, recipients[i % DEPOSIT_RECIPIENTS], rng.bigint(1n, 10n ** 18n), EMPTY_BYTES, TRANSFER_GAS);
  }
  b.addCheck(async (_probe, receipts) => {
    const problems: string[] = [];
    for (let i = 0; i < receipts.length && problems.length < 20; i++) {
      if (receipts[i].gasUsed !== TRANSFER_GAS) problems.push(`tx ${i}: gasUsed ${receipts[i].gasUsed}, expected ${TRANSFER_GAS}`);
    }
    return problems;
  });
  return b.finish('deposits');
}

/**
 * `raw-transfers`: N value transfers, each from a distinct sender to a
 * distinct fresh EOA (21,000 gas each). Per-transaction overhead only; the
 * coinbase's tips are the one shared write.
 */
import { EMPTY_BYTES } from '../../src/primitives/bytes.js';
import { BlockBuilder } from './block.js';
import { deriveAddress } from './keys.js';
import { Prng } from './prng.js';
import type { Workload } from './types.js';

/** Intrinsic gas of a plain transfer (yellow paper G_transaction). */
export const TRANSFER_GAS = 21_000n;

/** Adds raw transfers to a block; usable alone or as a share of `mixed`. */
export class RawTransferPart {
  private count = 0;
  private readonly indices: number[] = [];

  constructor(private readonly b: BlockBuilder, private readonly rng: Prng) {
    b.addCheck(async (_probe, receipts) => {
      const problems: string[] = [];
      for (const i of this.indices) {
        if (i < receipts.length && receipts[i].gasUsed !== TRANSFER_GAS && problems.length < 20) {
          problems.push(`tx ${i} (raw transfer): gasUsed ${receipts[i].gasUsed}, expected ${TRANSFER_GAS}`);
        }
      }
      return problems;
    });
  }

  add(): void {
    const k = this.count++;
    const sender = this.b.key('raw-sender', k);
    this.b.fund(sender.address);
    const to = deriveAddress(this.b.seed, 'raw-recipient', k);
    // Up to 1 ETH; distinct fresh recipients, so every transfer creates an account.
    const value = this.rng.bigint(1n, 10n ** 18n);
    this.indices.push(this.b.addTx(sender, to, value, EMPTY_BYTES, TRANSFER_GAS));
  }
}

export function buildRawTransfers(b: BlockBuilder, n: number): Workload {
  const part = new RawTransferPart(b, new Prng(b.seed, 1));
  for (let i = 0; i < n; i++) part.add();
  return b.finish('raw-transfers');
}

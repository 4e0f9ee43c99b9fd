/**
 * `erc20` and `erc20-hot`: one ERC-20 contract (contracts/ERC20.sol), N
 * `transfer` calls, each from a distinct holder; to a distinct fresh address
 * (independent storage slots) or, for `erc20-hot`, all to one recipient (one
 * hot slot that every transaction reads and writes).
 */
import { BlockBuilder, expectLogs, expectValue } from './block.js';
import { encodeCall, mappingSlot, SEL, slotOf, TOPIC } from './contracts.js';
import { deriveAddress } from './keys.js';
import { Prng } from './prng.js';
import type { Workload } from './types.js';
import { addressToHex } from '../../src/primitives/hex.js';

/** Gas limit of a token transfer (≈52k used to a fresh recipient). */
const TRANSFER_CALL_GAS = 100_000n;

/** The storage slot of `holder`'s balance in a contracts/ERC20.sol token. */
export function balanceSlot(holder: bigint): bigint {
  return mappingSlot(holder, slotOf('ERC20', 'balanceOf'));
}

/** The storage slot of allowance[owner][spender]. */
export function allowanceSlot(owner: bigint, spender: bigint): bigint {
  return mappingSlot(spender, mappingSlot(owner, slotOf('ERC20', 'allowance')));
}

/** Credits `amount` tokens to `holder` in the pre-state, keeping totalSupply the sum of balances. */
export function mint(b: BlockBuilder, token: bigint, holder: bigint, amount: bigint): void {
  const storage = b.account(token).storage;
  const slot = balanceSlot(holder);
  storage.set(slot, (storage.get(slot) ?? 0n) + amount);
  const supply = slotOf('ERC20', 'totalSupply');
  storage.set(supply, (storage.get(supply) ?? 0n) + amount);
}

/** Deploys a token with an empty supply at `address`. */
export function deployToken(b: BlockBuilder, address: bigint): void {
  b.deploy(address, 'ERC20').storage.set(slotOf('ERC20', 'totalSupply'), 0n);
}

interface TokenTransfer {
  index: number;
  from: bigint;
  to: bigint;
  amount: bigint;
}

/** Adds token transfers to a block; usable alone or as a share of `mixed`. */
export class Erc20TransferPart {
  readonly token: bigint;
  private count = 0;
  private readonly transfers: TokenTransfer[] = [];

  constructor(private readonly b: BlockBuilder, private readonly rng: Prng, private readonly hotRecipient?: bigint) {
    this.token = deriveAddress(b.seed, 'erc20-token', 0);
    deployToken(b, this.token);
    b.addCheck(async (probe, receipts) => {
      const problems: string[] = [];
      const expected = new Map<bigint, bigint>();
      const storage = b.pre.get(this.token)!.storage;
      const bal = (a: bigint) => expected.get(a) ?? storage.get(balanceSlot(a)) ?? 0n;
      for (const t of this.transfers) {
        if (t.index >= receipts.length) break;
        expected.set(t.from, bal(t.from) - t.amount);
        expected.set(t.to, bal(t.to) + t.amount);
      }
      for (const [holder, value] of expected) {
        const what = `token balance of ${addressToHex(holder)}`;
        await expectValue(problems, what, probe.storage(this.token, balanceSlot(holder)), value);
      }
      const supply = slotOf('ERC20', 'totalSupply');
      await expectValue(problems, 'totalSupply', probe.storage(this.token, supply), storage.get(supply) ?? 0n);
      expectLogs(problems, receipts, this.transfers.map((t) => t.index), 1, TOPIC.transfer, 'token transfer');
      return problems;
    });
  }

  add(): void {
    const k = this.count++;
    const holder = this.b.key('erc20-holder', k);
    this.b.fund(holder.address);
    const balance = this.rng.bigint(10n ** 18n, 10n ** 21n);
    mint(this.b, this.token, holder.address, balance);
    const to = this.hotRecipient ?? deriveAddress(this.b.seed, 'erc20-recipient', k);
    // Part of the balance, so the holder's slot stays non-zero (no refund skews the gas).
    const amount = this.rng.bigint(1n, balance - 1n);
    const index = this.b.addTx(holder, this.token, 0n, encodeCall(SEL.transfer, to, amount), TRANSFER_CALL_GAS);
    this.transfers.push({ index, from: holder.address, to, amount });
  }
}

export function buildErc20(b: BlockBuilder, n: number, hot: boolean): Workload {
  const recipient = hot ? deriveAddress(b.seed, 'erc20-hot-recipient', 0) : undefined;
  const part = new Erc20TransferPart(b, new Prng(b.seed, hot ? 3 : 2), recipient);
  for (let i = 0; i < n; i++) part.add();
  return b.finish(hot ? 'erc20-hot' : 'erc20');
}

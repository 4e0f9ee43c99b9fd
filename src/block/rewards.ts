/**
 * Balance credits that are no transaction: proof-of-work block and ommer
 * rewards (before Paris) and beacon-chain withdrawals (EIP-4895, Shanghai+).
 */
import { Fork } from '../primitives/fork.js';
import { KECCAK_EMPTY } from '../primitives/keccak.js';
import { bytesEqual } from '../primitives/bytes.js';
import type { AccountChange, StateChanges, StateReader } from '../state/types.js';
import type { BlockHeader } from './header.js';
import { GWEI, type Withdrawal } from './withdrawal.js';

const ETHER = 10n ** 18n;

/** The miner's reward per block: 5 ETH, 3 from Byzantium (EIP-649), 2 from Constantinople (EIP-1234), 0 from Paris. */
export function blockReward(fork: Fork): bigint {
  if (fork >= Fork.Paris) return 0n;
  if (fork >= Fork.Constantinople) return 2n * ETHER;
  if (fork >= Fork.Byzantium) return 3n * ETHER;
  return 5n * ETHER;
}

interface Applier extends StateReader {
  apply(changes: StateChanges): void;
}

/** An AccountChange adding `amount` to `address`; with `deleteIfEmpty`, an account left empty is removed (EIP-161). */
function creditChange(state: StateReader, address: bigint, amount: bigint, deleteIfEmpty: boolean): AccountChange | undefined {
  const account = state.getAccount(address);
  if (account === undefined && amount === 0n && deleteIfEmpty) return undefined;
  const balance = (account?.balance ?? 0n) + amount;
  const nonce = account?.nonce ?? 0n;
  const empty = balance === 0n && nonce === 0n && (account === undefined || bytesEqual(account.codeHash, KECCAK_EMPTY));
  const deleted = deleteIfEmpty && empty;
  return { deleted, storageCleared: deleted, nonce, balance, storage: new Map() };
}

function credit(state: Applier, address: bigint, amount: bigint, deleteIfEmpty: boolean): void {
  const change = creditChange(state, address, amount, deleteIfEmpty);
  if (change) state.apply(new Map([[address, change]]));
}

/**
 * EIP-4895: each withdrawal credits amount gwei; an account that stays empty
 * (a zero withdrawal to an empty account) is removed, as execution-specs do.
 */
export function applyWithdrawals(state: Applier, withdrawals: readonly Withdrawal[]): void {
  for (const w of withdrawals) credit(state, w.address, w.amount * GWEI, true);
}

/**
 * Proof-of-work rewards (Yellow Paper 11.3): the block's coinbase gets the
 * block reward plus 1/32 of it per ommer; each ommer's coinbase gets
 * (8 + ommer.number - number) / 8 of it.
 */
export function applyRewards(state: Applier, header: BlockHeader, ommers: readonly BlockHeader[], fork: Fork): void {
  const reward = blockReward(fork);
  if (reward === 0n) return;
  const eip161 = fork >= Fork.SpuriousDragon;
  credit(state, header.coinbase, reward + (reward / 32n) * BigInt(ommers.length), eip161);
  for (const ommer of ommers) {
    credit(state, ommer.coinbase, ((8n + ommer.number - header.number) * reward) / 8n, eip161);
  }
}

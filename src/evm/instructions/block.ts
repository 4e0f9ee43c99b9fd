/**
 * Block information: BLOCKHASH COINBASE TIMESTAMP NUMBER DIFFICULTY/PREVRANDAO
 * (EIP-4399) GASLIMIT CHAINID (EIP-1344) BASEFEE (EIP-3198) BLOBHASH
 * (EIP-4844) BLOBBASEFEE (EIP-7516).
 */
import type { Frame } from '../frame.js';
import { bytesToWord } from '../word.js';

export function blockhash(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const n = s[i];
  const env = f.ctx.env;
  // Only the 256 most recent complete blocks are visible.
  if (n >= env.number || n + 256n < env.number) {
    s[i] = 0n;
    return;
  }
  s[i] = env.blockHash(n) ?? 0n;
}

export function coinbase(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.coinbase;
}

export function timestamp(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.timestamp;
}

export function number(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.number;
}

/** 0x44 before Paris. */
export function difficulty(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.difficulty;
}

/** 0x44 from Paris (EIP-4399). */
export function prevrandao(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.prevRandao;
}

export function gaslimit(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.gasLimit;
}

export function chainid(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.chainId;
}

export function basefee(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.baseFee;
}

export function blobhash(f: Frame): void {
  const s = f.stack;
  const i = f.sp - 1;
  const hashes = f.ctx.blobHashes;
  const index = s[i];
  s[i] = index < BigInt(hashes.length) ? bytesToWord(hashes[Number(index)]) : 0n;
}

export function blobbasefee(f: Frame): void {
  f.stack[f.sp++] = f.ctx.env.blobBaseFee;
}

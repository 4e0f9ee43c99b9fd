/**
 * Sender recovery throughput on one core, and where its time goes.
 * Run: npx tsx bench/recover.ts   (not part of the test suite)
 *
 * Transactions are ERC-20 `transfer` calls of type 2 (and legacy EIP-155),
 * each with another nonce so that no two hashes are alike.
 */
import { nativeSecp256k1, recoverAddress } from '../src/crypto/secp256k1.js';
import { hexToBytes } from '../src/primitives/hex.js';
import { decodeTransaction, encodeTransaction, signingHash } from '../src/tx/codec.js';
import { recoverSender, signTransaction } from '../src/tx/sign.js';
import { sampleTx, TEST_KEY } from '../src/tx/testing.js';
import type { Transaction, TxType } from '../src/tx/types.js';

const N = Number(process.env.N ?? 4000);
const TRANSFER = hexToBytes(
  '0xa9059cbb0000000000000000000000001294120c18b216b08181685094d3d3ab72f9573e00000000000000000000000000000000000000000000006449e84e47a8a80000',
);

function makeTxs(type: TxType): Transaction[] {
  const out: Transaction[] = [];
  for (let i = 0; i < N; i++) {
    out.push(signTransaction(sampleTx(type, { nonce: BigInt(i), data: TRANSFER, accessList: [], gasLimit: 60_000n }), TEST_KEY));
  }
  return out;
}

function measure(label: string, count: number, fn: () => void): void {
  fn(); // warm up
  const start = process.hrtime.bigint();
  fn();
  const ns = Number(process.hrtime.bigint() - start);
  const perOp = ns / count;
  console.log(`${label.padEnd(44)} ${(1e9 / perOp).toFixed(0).padStart(9)} /s  ${(perOp / 1000).toFixed(2).padStart(7)} µs`);
}

console.log(`native libsecp256k1: ${nativeSecp256k1}, ${N} transactions per run`);
for (const type of [2, 0] as TxType[]) {
  const txs = makeTxs(type);
  const raws = txs.map(encodeTransaction);
  const hashes = txs.map(signingHash);
  let sink = 0n;
  measure(`type ${type}: decodeTransaction`, N, () => {
    for (const raw of raws) sink ^= decodeTransaction(raw).nonce;
  });
  measure(`type ${type}: signingHash (RLP + keccak)`, N, () => {
    for (const tx of txs) sink ^= BigInt(signingHash(tx)[0]);
  });
  // The recovery id: the y parity, or for EIP-155 legacy (v - 35) mod 2.
  const recs = txs.map((tx) => Number(type === 0 ? (tx.v - 35n) & 1n : tx.v));
  measure(`type ${type}: ECDSA recovery + address keccak`, N, () => {
    for (let i = 0; i < N; i++) sink ^= recoverAddress(hashes[i], recs[i], txs[i].r, txs[i].s) ?? 0n;
  });
  measure(`type ${type}: recoverSender`, N, () => {
    for (const tx of txs) sink ^= recoverSender(tx);
  });
  measure(`type ${type}: decode + recoverSender`, N, () => {
    for (const raw of raws) sink ^= recoverSender(decodeTransaction(raw));
  });
  if (sink === -1n) console.log('unreachable');
}

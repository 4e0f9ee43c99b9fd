/**
 * What a replayed block can be checked against. The pre-state is partial,
 * so the state root cannot be; the header's gas used, blob gas used, logs
 * bloom and (from Byzantium, EIP-658) receipts root can. Before Byzantium a
 * receipt embeds the state root after its transaction, which needs the full
 * state: those blocks check gas and bloom only, and say so.
 *
 * Sequential and parallel runs must agree exactly: every receipt field and
 * every account write, compared value by value.
 */
import { bloomOr, logsBloom, BLOOM_BYTES } from '../block/bloom.js';
import type { Receipt } from '../block/receipt.js';
import { requestsHash } from '../block/requests.js';
import { receiptsRoot } from '../block/roots.js';
import type { TxReceipt } from '../exec/sequential.js';
import type { Log } from '../exec/types.js';
import { bytesEqual } from '../primitives/bytes.js';
import { Fork } from '../primitives/fork.js';
import { addressToHex, bigIntToHex, bytesToHex } from '../primitives/hex.js';
import type { AccountChange, StateChanges } from '../state/types.js';
import type { ReplayBlock } from './fixture.js';
import type { BlockRun } from './run.js';

/** Why the receipts root is not checked before Byzantium. */
export const PRE_BYZANTIUM_NOTE = 'receipts root not checked: pre-Byzantium receipts embed intermediate state roots, which need the full state';

/** The trie receipts of a run: the block's transaction types with the run's results. */
export function trieReceipts(rb: ReplayBlock, receipts: readonly TxReceipt[]): Receipt[] {
  const txs = rb.block.transactions;
  // The status form (EIP-658): only Byzantium+ roots are computed from these.
  return receipts.map((r, i) => ({ type: txs[i].type, status: r.status, cumulativeGasUsed: r.cumulativeGasUsed, logsBloom: logsBloom(r.logs), logs: r.logs }));
}

/** The header's commitments against a run: a list of what differs (empty: all match). */
export function checkHeader(rb: ReplayBlock, run: BlockRun): string[] {
  const h = rb.block.header;
  const problems: string[] = [];
  if (run.receipts.length !== rb.block.transactions.length) {
    problems.push(`${run.receipts.length} receipts for ${rb.block.transactions.length} transactions`);
  }
  if (run.gasUsed !== h.gasUsed) problems.push(`gas used ${run.gasUsed}, header says ${h.gasUsed}`);
  if (h.blobGasUsed !== undefined && run.blobGasUsed !== h.blobGasUsed) {
    problems.push(`blob gas used ${run.blobGasUsed}, header says ${h.blobGasUsed}`);
  }
  const receipts = trieReceipts(rb, run.receipts);
  // The bloom is the OR of the receipts' blooms: it needs no state root, so every fork checks it.
  const bloom = new Uint8Array(BLOOM_BYTES);
  for (const r of receipts) bloomOr(bloom, r.logsBloom);
  if (!bytesEqual(bloom, h.logsBloom)) problems.push('logs bloom differs from the header');
  if (rb.fork >= Fork.Byzantium) {
    const root = receiptsRoot(receipts);
    if (!bytesEqual(root, h.receiptsRoot)) {
      problems.push(`receipts root ${bytesToHex(root)}, header says ${bytesToHex(h.receiptsRoot)}`);
    }
  }
  if (run.requests && h.requestsHash && !bytesEqual(requestsHash(run.requests), h.requestsHash)) {
    problems.push('requests hash differs from the header');
  }
  return problems;
}

/** The first difference between two runs of one block (undefined when they agree exactly). */
export function compareRuns(want: BlockRun, got: BlockRun): string | undefined {
  if (got.receipts.length !== want.receipts.length) return `${got.receipts.length} receipts, expected ${want.receipts.length}`;
  for (let i = 0; i < want.receipts.length; i++) {
    const d = compareReceipt(want.receipts[i], got.receipts[i]);
    if (d !== undefined) return `transaction ${i}: ${d}`;
  }
  if (got.gasUsed !== want.gasUsed) return `gas used ${got.gasUsed}, expected ${want.gasUsed}`;
  if (got.blobGasUsed !== want.blobGasUsed) return `blob gas used ${got.blobGasUsed}, expected ${want.blobGasUsed}`;
  return compareChanges(want.changes, got.changes);
}

function compareReceipt(a: TxReceipt, b: TxReceipt): string | undefined {
  if (a.status !== b.status) return `status ${b.status}, expected ${a.status}`;
  if (a.gasUsed !== b.gasUsed) return `gas used ${b.gasUsed}, expected ${a.gasUsed}`;
  if (a.cumulativeGasUsed !== b.cumulativeGasUsed) return `cumulative gas ${b.cumulativeGasUsed}, expected ${a.cumulativeGasUsed}`;
  if (a.blobGasUsed !== b.blobGasUsed) return `blob gas ${b.blobGasUsed}, expected ${a.blobGasUsed}`;
  if (a.contractAddress !== b.contractAddress) return `contract address ${hexOpt(b.contractAddress)}, expected ${hexOpt(a.contractAddress)}`;
  if (a.logs.length !== b.logs.length) return `${b.logs.length} logs, expected ${a.logs.length}`;
  for (let j = 0; j < a.logs.length; j++) if (!logEqual(a.logs[j], b.logs[j])) return `log ${j} differs`;
  return undefined;
}

function hexOpt(a: bigint | undefined): string {
  return a === undefined ? 'none' : addressToHex(a);
}

function logEqual(a: Log, b: Log): boolean {
  if (a.address !== b.address || !bytesEqual(a.data, b.data) || a.topics.length !== b.topics.length) return false;
  for (let k = 0; k < a.topics.length; k++) if (!bytesEqual(a.topics[k], b.topics[k])) return false;
  return true;
}

/** Per address, every field of the change: the same accounts written, to the same values. */
export function compareChanges(want: StateChanges, got: StateChanges): string | undefined {
  for (const address of want.keys()) if (!got.has(address)) return `${addressToHex(address)}: written sequentially, not in parallel`;
  for (const [address, g] of got) {
    const w = want.get(address);
    if (w === undefined) return `${addressToHex(address)}: written in parallel, not sequentially`;
    const d = compareChange(w, g);
    if (d !== undefined) return `${addressToHex(address)}: ${d}`;
  }
  return undefined;
}

function describeCode(code: Uint8Array | undefined): string {
  return code === undefined ? 'unchanged' : `${code.length} bytes`;
}

function compareChange(w: AccountChange, g: AccountChange): string | undefined {
  if (w.deleted !== g.deleted) return `deleted ${g.deleted}, expected ${w.deleted}`;
  if (w.storageCleared !== g.storageCleared) return `storage cleared ${g.storageCleared}, expected ${w.storageCleared}`;
  if (w.nonce !== g.nonce) return `nonce ${g.nonce}, expected ${w.nonce}`;
  if (w.balance !== g.balance) return `balance ${g.balance}, expected ${w.balance}`;
  if ((w.code === undefined) !== (g.code === undefined) || (w.code && g.code && !bytesEqual(w.code, g.code))) {
    return `code ${describeCode(g.code)}, expected ${describeCode(w.code)}`;
  }
  if (w.storage.size !== g.storage.size) return `${g.storage.size} slots written, expected ${w.storage.size}`;
  for (const [slot, value] of w.storage) {
    const v = g.storage.get(slot);
    if (v !== value) return `slot ${bigIntToHex(slot)} = ${v === undefined ? 'unwritten' : bigIntToHex(v)}, expected ${bigIntToHex(value)}`;
  }
  return undefined;
}

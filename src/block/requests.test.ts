import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concatBytes } from '../primitives/bytes.js';
import { keccak256 } from '../primitives/keccak.js';
import { bigIntToPaddedHex, hexToBytes } from '../primitives/hex.js';
import { DEPOSIT_EVENT_TOPIC, depositRequestFromEventData } from './requests.js';

const word = (n: number) => hexToBytes(bigIntToPaddedHex(BigInt(n), 32));

/** ABI-encodes five `bytes` values the way the deposit contract's DepositEvent does. */
function depositEvent(fields: Uint8Array[]): Uint8Array {
  const heads: Uint8Array[] = [];
  const tails: Uint8Array[] = [];
  let offset = 32 * fields.length;
  for (const f of fields) {
    heads.push(word(offset));
    const padded = new Uint8Array(Math.ceil(f.length / 32) * 32);
    padded.set(f);
    tails.push(word(f.length), padded);
    offset += 32 + padded.length;
  }
  return concatBytes(...heads, ...tails);
}

const FIELDS = [48, 32, 8, 96, 8].map((size, i) => new Uint8Array(size).fill(i + 1));

test('deposit event topic is keccak of the event signature', () => {
  const sig = new TextEncoder().encode('DepositEvent(bytes,bytes,bytes,bytes,bytes)');
  assert.equal(DEPOSIT_EVENT_TOPIC, BigInt('0x' + Buffer.from(keccak256(sig)).toString('hex')));
});

test('a well-formed DepositEvent yields pubkey||credentials||amount||signature||index', () => {
  const data = depositEvent(FIELDS);
  assert.equal(data.length, 576);
  assert.deepEqual(depositRequestFromEventData(data), concatBytes(...FIELDS));
});

test('any other layout is rejected', () => {
  const data = depositEvent(FIELDS);
  assert.equal(depositRequestFromEventData(data.subarray(0, 575)), null);
  assert.equal(depositRequestFromEventData(concatBytes(data, new Uint8Array(32))), null);
  const badOffset = data.slice();
  badOffset[31] = 161;
  assert.equal(depositRequestFromEventData(badOffset), null);
  const badSize = data.slice();
  badSize[160 + 31] = 47;
  assert.equal(depositRequestFromEventData(badSize), null);
  const hugeOffset = data.slice();
  hugeOffset[0] = 1;
  assert.equal(depositRequestFromEventData(hugeOffset), null);
  // A wrongly sized field (pubkey 47 bytes) re-laid out consistently is still wrong.
  const short = [new Uint8Array(47), ...FIELDS.slice(1)];
  assert.equal(depositRequestFromEventData(depositEvent(short)), null);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { privateKeyToAddress, sign } from '../../crypto/secp256k1.js';
import { bigIntToBytes, concatBytes } from '../../primitives/bytes.js';
import { Fork } from '../../primitives/fork.js';
import { bytesToHex, hexToBytes } from '../../primitives/hex.js';
import { keccak256 } from '../../primitives/keccak.js';
import { getPrecompile, precompileAddresses, type Precompile } from './index.js';

function at(address: number, fork: Fork = Fork.Osaka): Precompile {
  const p = getPrecompile(BigInt(address), fork);
  assert.ok(p, `precompile ${address} in ${Fork[fork]}`);
  return p;
}

const word = (v: bigint): Uint8Array => bigIntToBytes(v, 32);

test('which addresses are precompiles, by fork', () => {
  const count = (fork: Fork) => precompileAddresses(fork).length;
  assert.equal(count(Fork.Frontier), 4);
  assert.equal(count(Fork.SpuriousDragon), 4);
  assert.equal(count(Fork.Byzantium), 8);
  assert.equal(count(Fork.Istanbul), 9);
  assert.equal(count(Fork.Shanghai), 9);
  assert.equal(count(Fork.Cancun), 10);
  assert.equal(count(Fork.Prague), 17);
  assert.equal(count(Fork.Osaka), 18);
  assert.equal(count(Fork.BPO5), 18);
  assert.deepEqual(precompileAddresses(Fork.Osaka).at(-1), 0x100n);
  assert.equal(getPrecompile(5n, Fork.Homestead), undefined);
  assert.equal(getPrecompile(0x0an, Fork.Shanghai), undefined);
  assert.equal(getPrecompile(0x100n, Fork.Prague), undefined);
  assert.equal(getPrecompile(0n, Fork.Osaka), undefined);
  assert.equal(getPrecompile(0x12n, Fork.Osaka), undefined);
  assert.equal(getPrecompile(0x101n, Fork.Osaka), undefined);
  assert.equal(getPrecompile((1n << 160n) - 1n, Fork.Osaka), undefined);
});

test('ECRECOVER recovers the signer, left-padded to 32 bytes', () => {
  const key = new Uint8Array(32).fill(7);
  const hash = keccak256(new Uint8Array([1, 2, 3]));
  const { r, s, recovery } = sign(hash, key);
  const input = concatBytes(hash, word(27n + BigInt(recovery)), word(r), word(s));
  const ecrecover = at(1, Fork.Frontier);
  assert.equal(ecrecover.gas(input, Fork.Frontier), 3000n);
  assert.deepEqual(ecrecover.run(input, Fork.Frontier), word(privateKeyToAddress(key)));
  // Extra input bytes are ignored.
  assert.deepEqual(ecrecover.run(concatBytes(input, new Uint8Array(5)), Fork.Osaka), word(privateKeyToAddress(key)));
});

test('ECRECOVER: a vector from the fixtures (hash 0, v 27), and short input is zero-padded', () => {
  const r = '184870a8e4faa6065ddf65c873935d3e48e3d1c7b7853f25cd79b8247f771910';
  const s = '226140b6b66554c7fcfa38589e433cc148ebe5c8482eb3093ab1d9a932c96f58';
  const full = hexToBytes('0x' + '00'.repeat(32) + '00'.repeat(31) + '1b' + r + s);
  assert.equal(bytesToHex(at(1).run(full, Fork.Osaka)!), '0x' + '00'.repeat(12) + '3f9ecb7b25fa567afb2a4c7b633749bda578b593');
  // stPreCompiledContracts2/ecrecoverShortBuff: 102 bytes leave s = its first 6 bytes, zero-padded.
  assert.equal(
    bytesToHex(at(1).run(full.subarray(0, 102), Fork.Osaka)!),
    '0x' + '00'.repeat(12) + '06642c4fd062a12b980d2bf28334e48ffe609248',
  );
});

test('ECRECOVER returns empty output (a success) for invalid v, r, s or unrecoverable keys', () => {
  const hash = new Uint8Array(32).fill(1);
  const run = (v: bigint, r: bigint, s: bigint) => at(1).run(concatBytes(hash, word(v), word(r), word(s)), Fork.Osaka);
  const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
  assert.deepEqual(run(29n, 1n, 1n), new Uint8Array(0));
  assert.deepEqual(run(27n + (1n << 8n), 5n, 5n), new Uint8Array(0)); // v must be 27 or 28 as a whole word
  assert.deepEqual(run(27n, 0n, 5n), new Uint8Array(0));
  assert.deepEqual(run(27n, 5n, n), new Uint8Array(0));
  assert.deepEqual(at(1).run(new Uint8Array(0), Fork.Osaka), new Uint8Array(0));
});

test('SHA256, RIPEMD160 and IDENTITY: outputs and per-word gas', () => {
  const empty = new Uint8Array(0);
  const abc = new TextEncoder().encode('abc');
  assert.equal(
    bytesToHex(at(2).run(empty, Fork.Frontier)!),
    '0xe3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  );
  assert.equal(
    bytesToHex(at(2).run(abc, Fork.Frontier)!),
    '0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
  );
  assert.equal(
    bytesToHex(at(3).run(empty, Fork.Frontier)!),
    '0x0000000000000000000000009c1185a5c5e9fc54612808977ee8f548b2258d31',
  );
  assert.equal(
    bytesToHex(at(3).run(abc, Fork.Frontier)!),
    '0x0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc',
  );
  const input = new Uint8Array(33).fill(9);
  const out = at(4).run(input, Fork.Frontier)!;
  assert.deepEqual(out, input);
  input[0] = 1;
  assert.equal(out[0], 9, 'identity returns a copy');
  const gas = (address: number, length: number) => at(address).gas(new Uint8Array(length), Fork.Osaka);
  assert.deepEqual([gas(2, 0), gas(2, 1), gas(2, 32), gas(2, 33)], [60n, 72n, 72n, 84n]);
  assert.deepEqual([gas(3, 0), gas(3, 32), gas(3, 64)], [600n, 720n, 840n]);
  assert.deepEqual([gas(4, 0), gas(4, 31), gas(4, 65)], [15n, 18n, 24n]);
});

test('BLAKE2F: gas is the round count; invalid input fails', () => {
  const input = new Uint8Array(213);
  input[3] = 12;
  assert.equal(at(9, Fork.Istanbul).gas(input, Fork.Istanbul), 12n);
  assert.equal(at(9).run(input, Fork.Osaka)!.length, 64);
  input[212] = 2;
  assert.equal(at(9).run(input, Fork.Osaka), null);
  assert.equal(at(9).run(new Uint8Array(212), Fork.Osaka), null);
});

test('point evaluation: the zero polynomial opens to 0; bad hash, length or value fail', () => {
  const infinity = hexToBytes('0xc0' + '00'.repeat(47));
  const versionedHash = hexToBytes('0x010657f37554c781402a22917dee2f75def7ab966d7b770905398eba3c444014');
  const input = concatBytes(versionedHash, word(5n), word(0n), infinity, infinity);
  const pe = at(0x0a, Fork.Cancun);
  assert.equal(pe.gas(input, Fork.Cancun), 50000n);
  assert.equal(
    bytesToHex(pe.run(input, Fork.Cancun)!),
    '0x' +
      '0000000000000000000000000000000000000000000000000000000000001000' +
      '73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001',
  );
  assert.equal(pe.run(input.subarray(0, 191), Fork.Cancun), null);
  assert.equal(pe.run(concatBytes(word(1n), input.subarray(32)), Fork.Cancun), null);
  assert.equal(pe.run(concatBytes(versionedHash, word(5n), word(1n), infinity, infinity), Fork.Cancun), null);
});

test('P256VERIFY: an EIP-7951 fixture vector returns 1; anything invalid returns empty output', () => {
  const valid = hexToBytes(
    '0xb94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9434287fa699ff2be2a4475ccd9c063d1a22a424b6ab357d9bb0b31f7a71307b9be6af716032d408183c53f6f76945363144555fad2a5ff7854159166e52fc1d0da3c553a4215893e6d95d5818df2519e13233a1e0e56e0ea7b4817a92a6973f9d8c8877a49383e20c3fdc21d4e8e280ef1feeb72c333036770369a4387168d33',
  );
  const p = at(0x100);
  assert.equal(p.gas(valid, Fork.Osaka), 6900n);
  assert.deepEqual(p.run(valid, Fork.Osaka), word(1n));
  const tampered = valid.slice();
  tampered[0] ^= 1;
  assert.deepEqual(p.run(tampered, Fork.Osaka), new Uint8Array(0));
  assert.deepEqual(p.run(valid.subarray(0, 159), Fork.Osaka), new Uint8Array(0));
  assert.deepEqual(p.run(concatBytes(valid, new Uint8Array(1)), Fork.Osaka), new Uint8Array(0));
});

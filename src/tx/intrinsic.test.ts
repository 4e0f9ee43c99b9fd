import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../primitives/fork.js';
import { calldataTokens, floorDataGas, floorDataGasNumber, intrinsicGas, intrinsicGasNumber } from './intrinsic.js';
import { sampleTx } from './testing.js';

const EMPTY = new Uint8Array(0);

test('a plain transfer costs 21000 in every fork', () => {
  for (let fork = Fork.Frontier; fork <= Fork.Osaka; fork++) {
    assert.equal(intrinsicGas(sampleTx(0, { data: EMPTY }), fork), 21000n, Fork[fork]);
  }
});

test('calldata: 4 per zero byte, 68 per nonzero byte, 16 from Istanbul (EIP-2028)', () => {
  const tx = sampleTx(0, { data: Uint8Array.of(0, 1, 0xff) });
  assert.equal(intrinsicGas(tx, Fork.Frontier), 21000n + 4n + 2n * 68n);
  assert.equal(intrinsicGas(tx, Fork.Petersburg), 21000n + 4n + 2n * 68n);
  assert.equal(intrinsicGas(tx, Fork.Istanbul), 21000n + 4n + 2n * 16n);
  assert.equal(intrinsicGas(tx, Fork.Osaka), 21000n + 4n + 2n * 16n);
});

test('creation: +32000 from Homestead (EIP-2), +2 per initcode word from Shanghai (EIP-3860)', () => {
  const data = new Uint8Array(33).fill(1);
  const tx = sampleTx(0, { to: undefined, data });
  const dataGas = 33n * 16n;
  assert.equal(intrinsicGas(tx, Fork.Frontier), 21000n + 33n * 68n);
  assert.equal(intrinsicGas(tx, Fork.Homestead), 53000n + 33n * 68n);
  assert.equal(intrinsicGas(tx, Fork.Paris), 53000n + dataGas);
  assert.equal(intrinsicGas(tx, Fork.Shanghai), 53000n + dataGas + 2n * 2n);
  assert.equal(intrinsicGas(sampleTx(0, { to: undefined, data: new Uint8Array(32).fill(1) }), Fork.Shanghai), 53000n + 32n * 16n + 2n);
  assert.equal(intrinsicGas(sampleTx(0, { to: undefined, data: EMPTY }), Fork.Cancun), 53000n);
});

test('access lists: 2400 per address, 1900 per storage key (EIP-2930)', () => {
  const accessList = [
    { address: 1n, storageKeys: [1n, 2n] },
    { address: 2n, storageKeys: [] },
    { address: 1n, storageKeys: [3n] },
  ];
  assert.equal(intrinsicGas(sampleTx(1, { data: EMPTY, accessList }), Fork.Berlin), 21000n + 3n * 2400n + 3n * 1900n);
});

test('authorizations: 25000 each (EIP-7702)', () => {
  const auth = { chainId: 1n, address: 2n, nonce: 0n, yParity: 0n, r: 1n, s: 1n };
  const tx = sampleTx(4, { data: EMPTY, accessList: [], authorizationList: [auth, auth] });
  assert.equal(intrinsicGas(tx, Fork.Prague), 21000n + 50000n);
});

test('EIP-7623 floor: 21000 + 10 per token from Prague, none before', () => {
  const data = Uint8Array.of(0, 0, 7, 0xff, 0);
  assert.equal(calldataTokens(data), 3n + 4n * 2n);
  assert.equal(calldataTokens(EMPTY), 0n);
  assert.equal(floorDataGas(sampleTx(2, { data }), Fork.Cancun), 0n);
  assert.equal(floorDataGas(sampleTx(2, { data }), Fork.Prague), 21000n + 110n);
  // The floor ignores creation and access-list costs.
  assert.equal(floorDataGas(sampleTx(2, { data, to: undefined }), Fork.Osaka), 21000n + 110n);
  assert.equal(floorDataGas(sampleTx(2, { data: EMPTY }), Fork.Prague), 21000n);
});

test('the Number forms agree with the bigint forms', () => {
  const auth = { chainId: 1n, address: 2n, nonce: 0n, yParity: 0n, r: 1n, s: 1n };
  const txs = [
    sampleTx(0, { data: EMPTY }),
    sampleTx(0, { to: undefined, data: new Uint8Array(100).fill(3) }),
    sampleTx(1, { data: Uint8Array.of(0, 1, 0, 2), accessList: [{ address: 1n, storageKeys: [1n, 2n] }] }),
    sampleTx(4, { data: Uint8Array.of(9, 0), accessList: [], authorizationList: [auth] }),
  ];
  for (const tx of txs) {
    for (let fork = Fork.Frontier; fork <= Fork.Osaka; fork++) {
      assert.equal(BigInt(intrinsicGasNumber(tx, fork)), intrinsicGas(tx, fork), Fork[fork]);
      assert.equal(BigInt(floorDataGasNumber(tx, fork)), floorDataGas(tx, fork), Fork[fork]);
    }
  }
});

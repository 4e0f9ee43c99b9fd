import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Fork } from '../primitives/fork.js';
import { KECCAK_EMPTY, keccak256 } from '../primitives/keccak.js';
import { create2Address, createAddress, delegationCode } from './address.js';
import { asm, deployCode } from './asm.js';
import { CONTRACT, INTRINSIC, SENDER, call, stateWith } from './testing.js';

const B = 0xbbbbn;
const NEW = 0x5eedn;

/** CALL-family code: kind(gas, to, [value], inOffset 0, inSize 0, outOffset 0, outSize 32). */
function callCode(kind: 'CALL' | 'CALLCODE' | 'DELEGATECALL' | 'STATICCALL', to: bigint, gas: number, value = 0): (string | number | bigint)[] {
  const valueArg = kind === 'CALL' || kind === 'CALLCODE' ? [value] : [];
  return [32, 0, 0, 0, ...valueArg, to, gas, kind];
}

test('CALL: the callee runs with its own storage, returns data; the caller gets 1', () => {
  const state = stateWith(asm(...callCode('CALL', B, 100_000), 0, 'SSTORE', 0, 'MLOAD', 1, 'SSTORE', 'RETURNDATASIZE', 2, 'SSTORE'));
  state.setAccount(B, { code: asm('CALLER', 0, 'SSTORE', 0x42, 0, 'MSTORE', 32, 0, 'RETURN') });
  assert.equal(call(state).status, 1);
  assert.equal(state.getStorage(CONTRACT, 0n), 1n);
  assert.equal(state.getStorage(CONTRACT, 1n), 0x42n);
  assert.equal(state.getStorage(CONTRACT, 2n), 32n);
  assert.equal(state.getStorage(B, 0n), CONTRACT);
});

test('REVERT in the callee undoes its writes and hands back its data', () => {
  const state = stateWith(asm(...callCode('CALL', B, 100_000), 0, 'SSTORE', 0, 'MLOAD', 1, 'SSTORE'));
  state.setAccount(B, { code: asm(1, 0, 'SSTORE', 0x99, 0, 'MSTORE', 32, 0, 'REVERT') });
  assert.equal(call(state).status, 1);
  assert.equal(state.getStorage(CONTRACT, 0n), 0n);
  assert.equal(state.getStorage(CONTRACT, 1n), 0x99n);
  assert.equal(state.getStorage(B, 0n), 0n);
});

test('an exceptional halt in the callee burns only the gas it was given', () => {
  const state = stateWith(asm(...callCode('CALL', B, 5000), 0, 'SSTORE'));
  state.setAccount(B, { code: asm(1, 0, 'SSTORE', 'INVALID') });
  const r = call(state, { fork: Fork.Cancun });
  assert.equal(r.status, 1);
  // 7 pushes, CALL to a cold B (2600), one word of memory for the output (3), the 5000 burned,
  // PUSH1 0, SSTORE of 0 into slot 0 (cold 2100 + 100).
  assert.equal(r.gasUsed, INTRINSIC + 21n + 2600n + 3n + 5000n + 3n + 2200n);
  assert.equal(state.getStorage(B, 0n), 0n);
});

test('CALL with value to a new account: 9000 + 25000 extra, the account comes to exist', () => {
  const state = stateWith(asm(...callCode('CALL', NEW, 0, 1000), 'POP'));
  state.setAccount(CONTRACT, { code: state.getAccount(CONTRACT)!.code, balance: 5000n });
  const r = call(state);
  assert.equal(r.status, 1);
  // 7 pushes + cold 2600 + 9000 + 25000 + memory 3; the 2300 stipend (part of the 9000) is unused and comes back; POP 2.
  assert.equal(r.gasUsed, INTRINSIC + 21n + 2600n + 9000n + 25000n + 3n - 2300n + 2n);
  assert.equal(state.getAccount(NEW)?.balance, 1000n);
  assert.equal(state.getAccount(CONTRACT)?.balance, 4000n);
});

test('a zero-value CALL to a missing account leaves no account behind (EIP-161), but did before SpuriousDragon', () => {
  const code = asm(...callCode('CALL', NEW, 0), 'POP');
  const after = stateWith(code);
  call(after, { fork: Fork.Byzantium });
  assert.equal(after.getAccount(NEW), undefined);
  const before = stateWith(code);
  call(before, { fork: Fork.Homestead });
  assert.notEqual(before.getAccount(NEW), undefined);
});

test('STATICCALL: a write in the callee fails the call', () => {
  const state = stateWith(asm(...callCode('STATICCALL', B, 50_000), 0, 'SSTORE'));
  state.setAccount(B, { code: asm(1, 0, 'SSTORE') });
  state.setStorage(CONTRACT, 0n, 7n);
  call(state);
  assert.equal(state.getStorage(CONTRACT, 0n), 0n);
  assert.equal(state.getStorage(B, 0n), 0n);
});

test('DELEGATECALL runs the callee code on the caller\'s storage with the original caller', () => {
  const state = stateWith(asm(...callCode('DELEGATECALL', B, 50_000), 'POP'));
  state.setAccount(B, { code: asm('CALLER', 0, 'SSTORE', 'ADDRESS', 1, 'SSTORE') });
  call(state);
  assert.equal(state.getStorage(CONTRACT, 0n), SENDER);
  assert.equal(state.getStorage(CONTRACT, 1n), CONTRACT);
  assert.equal(state.getStorage(B, 0n), 0n);
});

test('CREATE deploys the returned code at keccak(rlp(sender, nonce)), nonce 1 (EIP-161)', () => {
  const runtime = asm(0x77, 0, 'SSTORE');
  const init = deployCode(runtime);
  const state = stateWith();
  const r = call(state, { create: true, data: init });
  assert.equal(r.status, 1);
  const address = createAddress(SENDER, 0n);
  assert.equal(r.contractAddress, address);
  const acct = state.getAccount(address);
  assert.deepEqual(acct?.code, runtime);
  assert.equal(acct?.nonce, 1n);
  assert.deepEqual(acct?.codeHash, keccak256(runtime));
});

test('CREATE and CREATE2 from a contract; a second CREATE2 with the same salt collides and burns its gas', () => {
  const runtime = Uint8Array.of(0x00);
  const init = deployCode(runtime);
  // Store the init code in memory, CREATE2 twice with salt 5, CREATE once.
  const words: (string | number | bigint)[] = [];
  for (let i = 0; i < init.length; i++) words.push(init[i], i, 'MSTORE8');
  const create2 = [5, init.length, 0, 0, 'CREATE2'];
  const create = [init.length, 0, 0, 'CREATE'];
  const state = stateWith(asm(...words, ...create2, 0, 'SSTORE', ...create, 1, 'SSTORE', ...create2, 2, 'SSTORE'));
  assert.equal(call(state).status, 1);
  const expected2 = create2Address(CONTRACT, 5n, keccak256(init));
  assert.equal(state.getStorage(CONTRACT, 0n), expected2);
  assert.equal(state.getStorage(CONTRACT, 1n), createAddress(CONTRACT, 1n));
  assert.equal(state.getStorage(CONTRACT, 2n), 0n);
  // The collision still bumped the nonce.
  assert.equal(state.getAccount(CONTRACT)?.nonce, 3n);
});

test('new code starting with 0xEF is rejected from London (EIP-3541)', () => {
  const init = deployCode(Uint8Array.of(0xef, 0x00));
  const london = call(stateWith(), { create: true, data: init, fork: Fork.London });
  assert.equal(london.status, 0);
  const berlin = call(stateWith(), { create: true, data: init, fork: Fork.Berlin });
  assert.equal(berlin.status, 1);
});

test('SELFDESTRUCT: deletes before Cancun; from Cancun only moves the balance (EIP-6780)', () => {
  const code = asm(B, 'SELFDESTRUCT');
  for (const [fork, survives] of [[Fork.Shanghai, false], [Fork.Cancun, true]] as const) {
    const state = stateWith(code);
    state.setAccount(CONTRACT, { code, balance: 100n });
    assert.equal(call(state, { fork }).status, 1);
    assert.equal(state.getAccount(CONTRACT) !== undefined, survives, Fork[fork]);
    assert.equal(state.getAccount(B)?.balance, 100n);
  }
});

test('SELFDESTRUCT of a contract created in the same transaction deletes it (EIP-6780)', () => {
  const init = asm(B, 'SELFDESTRUCT');
  const state = stateWith();
  const r = call(state, { create: true, data: init, value: 50n });
  assert.equal(r.status, 1);
  assert.equal(state.getAccount(r.contractAddress!), undefined);
  assert.equal(state.getAccount(B)?.balance, 50n);
});

test('EIP-7702: a call to a delegated account runs the delegate\'s code in the account\'s context', () => {
  const eoa = 0xe0an;
  const state = stateWith(asm(...callCode('CALL', eoa, 100_000), 'POP'));
  state.setAccount(eoa, { code: delegationCode(B), nonce: 1n });
  state.setAccount(B, { code: asm('ADDRESS', 0, 'SSTORE', 'CODESIZE', 1, 'SSTORE') });
  assert.equal(call(state, { fork: Fork.Prague }).status, 1);
  assert.equal(state.getStorage(eoa, 0n), eoa);
  assert.equal(state.getStorage(eoa, 1n), 8n); // the delegate's code size
  // EXTCODESIZE / EXTCODEHASH see the 23-byte designator.
  const probe = stateWith(asm(eoa, 'EXTCODESIZE', 0, 'SSTORE', eoa, 'EXTCODEHASH', 1, 'SSTORE'));
  probe.setAccount(eoa, { code: delegationCode(B), nonce: 1n });
  call(probe, { fork: Fork.Prague });
  assert.equal(probe.getStorage(CONTRACT, 0n), 23n);
  assert.notEqual(probe.getStorage(CONTRACT, 1n), 0n);
});

test('EXTCODEHASH: 0 for missing and empty accounts, keccak("") for a funded one', () => {
  const state = stateWith(asm(NEW, 'EXTCODEHASH', 0, 'SSTORE', B, 'EXTCODEHASH', 1, 'SSTORE'));
  state.setAccount(B, { balance: 1n });
  call(state);
  assert.equal(state.getStorage(CONTRACT, 0n), 0n);
  assert.equal(state.getStorage(CONTRACT, 1n), BigInt('0x' + Buffer.from(KECCAK_EMPTY).toString('hex')));
});

test('the refund is capped at gasUsed/5 from London (EIP-3529)', () => {
  // Clearing a slot: 2100 + 2900 + 6 gas, refund 4800, capped at (21000 + 5006) / 5 = 5201.
  const state = stateWith(asm(0, 0, 'SSTORE'), [[0n, 1n]]);
  const r = call(state);
  assert.equal(r.gasUsed, INTRINSIC + 5006n - 4800n);
});

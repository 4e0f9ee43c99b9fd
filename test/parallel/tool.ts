/**
 * The "tool" contract of the property tests: one runtime whose behaviour is
 * picked by calldata word 0, covering what makes parallel execution hard —
 * shared counters, balance moves with reverts, logs, value calls, reads of
 * the coinbase and of other balances, creations (CREATE/CREATE2, with
 * collisions), self-destructs, and calls into other contracts.
 *
 * Calldata: 32-byte words [op, a, b, c, d].
 */
import { Asm } from './asm.js';

export const OP = {
  /** sstore(a, sload(a) + 1) */
  INCR: 1,
  /** move b from balance[caller] to balance[a] (slot = address), revert if short; LOG3 Transfer */
  TRANSFER: 2,
  /** sstore(a, 42), then revert */
  REVERT_AFTER_WRITE: 3,
  /** call a with all of msg.value */
  SEND: 4,
  /** sstore(a, balance(coinbase)) */
  READ_COINBASE: 5,
  /** sstore(b, balance(a)) */
  READ_BALANCE: 6,
  /** create a child (runtime: CALLER SELFDESTRUCT); sstore(a, child) */
  CREATE: 7,
  /** the same with CREATE2 and salt b (same salt twice: a collision, address 0) */
  CREATE2: 8,
  /** selfdestruct(a) */
  SELFDESTRUCT: 9,
  /** create a child and call it at once: it self-destructs in its creation transaction (EIP-6780 deletes it) */
  CREATE_AND_DESTROY: 10,
  /** LOG1(topic a, data b) */
  LOG: 11,
  /** call contract a with calldata [b, c, d] */
  FORWARD: 12,
  /** sstore(a, b) */
  SET: 13,
} as const;

/** Transfer(address,address,uint256) */
export const TRANSFER_TOPIC = 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3efn;

/** The child's init code: slot 0 = 7, runtime CALLER SELFDESTRUCT. 16 bytes. */
const CHILD_INIT = [0x60, 0x07, 0x60, 0x00, 0x55, 0x61, 0x33, 0xff, 0x60, 0x00, 0x52, 0x60, 0x02, 0x60, 0x1e, 0xf3];

/** The child's init code (CREATE2 addresses of the tests' recipients). */
export function childInit(): Uint8Array {
  return Uint8Array.from(CHILD_INIT);
}

function childInitWord(): bigint {
  let v = 0n;
  for (const b of CHILD_INIT) v = (v << 8n) | BigInt(b);
  return v << BigInt(8 * (32 - CHILD_INIT.length));
}

const arg = (a: Asm, i: number) => a.push(32 * i).op('CALLDATALOAD');

export function toolRuntime(): Uint8Array {
  const a = new Asm();
  a.push(0).op('CALLDATALOAD');
  const ops: [number, string][] = [
    [OP.INCR, 'incr'], [OP.TRANSFER, 'transfer'], [OP.REVERT_AFTER_WRITE, 'revertAfterWrite'], [OP.SEND, 'send'],
    [OP.READ_COINBASE, 'readCoinbase'], [OP.READ_BALANCE, 'readBalance'], [OP.CREATE, 'create'], [OP.CREATE2, 'create2'],
    [OP.SELFDESTRUCT, 'selfdestruct'], [OP.CREATE_AND_DESTROY, 'createAndDestroy'], [OP.LOG, 'log'], [OP.FORWARD, 'forward'],
    [OP.SET, 'set'],
  ];
  for (const [code, label] of ops) a.op('DUP1').push(code).op('EQ').pushLabel(label).op('JUMPI');
  a.op('STOP');

  a.label('incr');
  arg(a, 1).op('DUP1', 'SLOAD').push(1).op('ADD', 'SWAP1', 'SSTORE', 'STOP');

  a.label('transfer');
  a.op('CALLER', 'SLOAD'); // bal
  arg(a, 2); // bal amt
  a.op('DUP2', 'DUP2', 'GT').pushLabel('fail').op('JUMPI'); // amt > bal: revert
  a.op('SWAP1', 'SUB', 'CALLER', 'SSTORE'); // balance[caller] = bal - amt
  arg(a, 1).op('DUP1', 'SLOAD');
  arg(a, 2).op('ADD', 'SWAP1', 'SSTORE'); // balance[to] += amt
  arg(a, 2).push(0).op('MSTORE');
  arg(a, 1).op('CALLER').push(TRANSFER_TOPIC).push(32).push(0).op('LOG3', 'STOP');

  a.label('fail');
  a.push(0).push(0).op('REVERT');

  a.label('revertAfterWrite');
  a.push(42);
  arg(a, 1).op('SSTORE').push(0).push(0).op('REVERT');

  a.label('send');
  a.push(0).push(0).push(0).push(0).op('CALLVALUE');
  arg(a, 1).op('GAS', 'CALL', 'POP', 'STOP');

  a.label('readCoinbase');
  a.op('COINBASE', 'BALANCE');
  arg(a, 1).op('SSTORE', 'STOP');

  a.label('readBalance');
  arg(a, 1).op('BALANCE');
  arg(a, 2).op('SSTORE', 'STOP');

  a.label('create');
  a.push(childInitWord()).push(0).op('MSTORE');
  a.push(CHILD_INIT.length).push(0).push(0).op('CREATE');
  arg(a, 1).op('SSTORE', 'STOP');

  a.label('create2');
  a.push(childInitWord()).push(0).op('MSTORE');
  arg(a, 2).push(CHILD_INIT.length).push(0).push(0).op('CREATE2');
  arg(a, 1).op('SSTORE', 'STOP');

  a.label('selfdestruct');
  arg(a, 1).op('SELFDESTRUCT');

  a.label('createAndDestroy');
  a.push(childInitWord()).push(0).op('MSTORE');
  a.push(CHILD_INIT.length).push(0).push(0).op('CREATE'); // child
  a.push(0).push(0).push(0).push(0).push(0).op('DUP6', 'GAS', 'CALL', 'POP', 'STOP');

  a.label('log');
  arg(a, 2).push(0).op('MSTORE');
  arg(a, 1).push(32).push(0).op('LOG1', 'STOP');

  a.label('forward');
  arg(a, 2).push(0).op('MSTORE');
  arg(a, 3).push(32).op('MSTORE');
  arg(a, 4).push(64).op('MSTORE');
  a.push(0).push(0).push(96).push(0).push(0);
  arg(a, 1).op('GAS', 'CALL', 'POP', 'STOP');

  a.label('set');
  arg(a, 2);
  arg(a, 1).op('SSTORE', 'STOP');
  return a.bytes();
}

/** Calldata for an op. */
export function toolCall(op: number, ...args: bigint[]): Uint8Array {
  const words = [BigInt(op), ...args];
  const out = new Uint8Array(32 * words.length);
  words.forEach((w, i) => {
    for (let b = 0; b < 32; b++) out[32 * i + b] = Number((w >> BigInt(8 * (31 - b))) & 0xffn);
  });
  return out;
}

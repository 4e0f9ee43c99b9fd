/** LOG0-LOG4: 375 + 375 per topic (static), 8 per data byte, memory expansion; forbidden in static calls. */
import type { Log } from '../../exec/types.js';
import { Status, type Frame } from '../frame.js';
import { LOG_DATA_GAS } from '../gas.js';
import { wordToBytes } from '../word.js';

export function makeLog(topics: number): (f: Frame) => void {
  return (f: Frame): void => {
    if (f.isStatic) {
      f.status = Status.StaticViolation;
      return;
    }
    const s = f.stack;
    let i = f.sp - 1;
    const offset = s[i--];
    const size = s[i--];
    if (size !== 0n) {
      if (!f.expand(offset, size)) return;
      if (!f.useGas(LOG_DATA_GAS * Number(size))) return;
    }
    const list: Uint8Array[] = [];
    for (let t = 0; t < topics; t++) list.push(wordToBytes(s[i--]));
    f.sp = i + 1;
    const start = Number(offset);
    const entry: Log = {
      address: f.address,
      topics: list,
      data: size === 0n ? new Uint8Array(0) : f.memory.slice(start, start + Number(size)),
    };
    f.ctx.journal.log(entry);
  };
}

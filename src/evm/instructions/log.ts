/** LOG0-LOG4: 375 + 375 per topic (static), 8 per data byte, memory expansion; forbidden in static calls. */
import type { Log } from '../../exec/types.js';
import { Status, type Frame } from '../frame.js';
import { LOG_DATA_GAS } from '../gas.js';
import { writeWordBytes } from '../word.js';

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
    // Topics and data share one buffer, as views: a log outlives its
    // transaction (receipts), and one array per topic retained ~1.2 KB per
    // ERC-20 Transfer log against ~0.7 KB this way (docs/benchmarks.md).
    const n = size === 0n ? 0 : Number(size);
    const dataStart = 32 * topics;
    const buf = new Uint8Array(dataStart + n);
    const list: Uint8Array[] = [];
    for (let t = 0; t < topics; t++) {
      writeWordBytes(buf, 32 * t, s[i--]);
      list.push(buf.subarray(32 * t, 32 * t + 32));
    }
    f.sp = i + 1;
    if (n > 0) {
      const memory = f.memory;
      const start = Number(offset);
      for (let k = 0; k < n; k++) buf[dataStart + k] = memory[start + k];
    }
    const entry: Log = { address: f.address, topics: list, data: buf.subarray(dataStart) };
    f.ctx.journal.log(entry);
  };
}

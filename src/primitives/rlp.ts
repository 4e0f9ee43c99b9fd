/**
 * Recursive Length Prefix encoding (Ethereum Yellow Paper, appendix B).
 * Decoding is strict: non-canonical lengths, single bytes encoded as strings
 * and trailing bytes are errors, since consensus rejects them.
 */
import { RlpError } from '../errors.js';
import { bigIntToMinimalBytes } from './bytes.js';

/** What decode returns: a byte string or a list. */
export type RlpValue = Uint8Array | RlpValue[];
/** What encode takes: bigints and numbers become minimal big-endian integers. */
export type RlpInput = Uint8Array | bigint | number | RlpInput[];

export function rlpEncode(input: RlpInput): Uint8Array {
  const parts: Uint8Array[] = [];
  const len = encodeInto(input, parts);
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

function lengthPrefix(len: number, shortBase: number): Uint8Array {
  if (len < 56) return Uint8Array.of(shortBase + len);
  const lenBytes: number[] = [];
  for (let l = len; l > 0; l = Math.floor(l / 256)) lenBytes.unshift(l & 0xff);
  return Uint8Array.of(shortBase + 55 + lenBytes.length, ...lenBytes);
}

function encodeInto(input: RlpInput, parts: Uint8Array[]): number {
  if (Array.isArray(input)) {
    const inner: Uint8Array[] = [];
    let innerLen = 0;
    for (const item of input) innerLen += encodeInto(item, inner);
    const prefix = lengthPrefix(innerLen, 0xc0);
    parts.push(prefix);
    for (const p of inner) parts.push(p);
    return prefix.length + innerLen;
  }
  let bytes: Uint8Array;
  if (input instanceof Uint8Array) bytes = input;
  else if (typeof input === 'bigint') {
    if (input < 0n) throw new RlpError(`cannot RLP-encode a negative integer (${input})`);
    bytes = bigIntToMinimalBytes(input);
  } else if (typeof input === 'number') {
    if (!Number.isSafeInteger(input) || input < 0) throw new RlpError(`cannot RLP-encode ${input}`);
    bytes = bigIntToMinimalBytes(BigInt(input));
  } else throw new RlpError(`cannot RLP-encode a value of type ${typeof input}`);
  if (bytes.length === 1 && bytes[0] < 0x80) {
    parts.push(bytes);
    return 1;
  }
  const prefix = lengthPrefix(bytes.length, 0x80);
  parts.push(prefix, bytes);
  return prefix.length + bytes.length;
}

/** Decodes exactly one RLP item spanning all of `data`. */
export function rlpDecode(data: Uint8Array): RlpValue {
  const [value, end] = decodeAt(data, 0, data.length);
  if (end !== data.length) throw new RlpError(`RLP: ${data.length - end} trailing byte(s) after the item`);
  return value;
}

/** Decodes the item at `pos`; returns it and the position after it. */
export function rlpDecodeAt(data: Uint8Array, pos: number): [RlpValue, number] {
  return decodeAt(data, pos, data.length);
}

function readLength(data: Uint8Array, pos: number, lenOfLen: number, limit: number): number {
  if (pos + lenOfLen > limit) throw new RlpError(`RLP: length field runs past the end of input at byte ${pos}`);
  if (data[pos] === 0) throw new RlpError(`RLP: length with leading zero at byte ${pos}`);
  let len = 0;
  for (let i = 0; i < lenOfLen; i++) len = len * 256 + data[pos + i];
  if (len < 56) throw new RlpError(`RLP: long form used for a length under 56 at byte ${pos}`);
  return len;
}

function decodeAt(data: Uint8Array, pos: number, limit: number): [RlpValue, number] {
  if (pos >= limit) throw new RlpError(`RLP: unexpected end of input at byte ${pos}`);
  const b = data[pos];
  if (b < 0x80) return [data.subarray(pos, pos + 1), pos + 1];
  if (b <= 0xb7) {
    const len = b - 0x80;
    const start = pos + 1;
    if (start + len > limit) throw new RlpError(`RLP: string of ${len} bytes runs past the end of input at byte ${pos}`);
    if (len === 1 && data[start] < 0x80) throw new RlpError(`RLP: single byte below 0x80 encoded as a string at byte ${pos}`);
    return [data.subarray(start, start + len), start + len];
  }
  if (b <= 0xbf) {
    const lenOfLen = b - 0xb7;
    const len = readLength(data, pos + 1, lenOfLen, limit);
    const start = pos + 1 + lenOfLen;
    if (start + len > limit) throw new RlpError(`RLP: string of ${len} bytes runs past the end of input at byte ${pos}`);
    return [data.subarray(start, start + len), start + len];
  }
  let start: number;
  let len: number;
  if (b <= 0xf7) {
    len = b - 0xc0;
    start = pos + 1;
  } else {
    const lenOfLen = b - 0xf7;
    len = readLength(data, pos + 1, lenOfLen, limit);
    start = pos + 1 + lenOfLen;
  }
  const end = start + len;
  if (end > limit) throw new RlpError(`RLP: list of ${len} bytes runs past the end of input at byte ${pos}`);
  const items: RlpValue[] = [];
  let p = start;
  while (p < end) {
    const [item, next] = decodeAt(data, p, end);
    items.push(item);
    p = next;
  }
  return [items, end];
}

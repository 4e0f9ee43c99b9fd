/** Byte-array helpers and bigint <-> big-endian bytes conversions. */

export const EMPTY_BYTES = new Uint8Array(0);

/** Big-endian bytes (any length) to an unsigned bigint. */
export function bytesToBigInt(bytes: Uint8Array, start = 0, end = bytes.length): bigint {
  let result = 0n;
  let i = start;
  // 8 bytes at a time through a Number keeps the BigInt work low.
  for (; i + 6 <= end; i += 6) {
    const chunk =
      bytes[i] * 0x10000000000 +
      bytes[i + 1] * 0x100000000 +
      ((bytes[i + 2] << 24) >>> 0) +
      (bytes[i + 3] << 16) +
      (bytes[i + 4] << 8) +
      bytes[i + 5];
    result = (result << 48n) | BigInt(chunk);
  }
  for (; i < end; i++) result = (result << 8n) | BigInt(bytes[i]);
  return result;
}

/** An unsigned bigint as exactly `length` big-endian bytes (truncating high bytes). */
export function bigIntToBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  writeBigInt(out, 0, value, length);
  return out;
}

/** Writes an unsigned bigint as `length` big-endian bytes at `offset`. */
export function writeBigInt(out: Uint8Array, offset: number, value: bigint, length: number): void {
  let v = value;
  let i = offset + length - 1;
  while (i >= offset + 5) {
    let chunk = Number(v & 0xffffffffffffn);
    v >>= 48n;
    for (let k = 0; k < 6; k++) {
      out[i--] = chunk & 0xff;
      chunk = Math.floor(chunk / 256);
    }
  }
  while (i >= offset) {
    out[i--] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** Minimal big-endian bytes of an unsigned bigint (zero is empty), as RLP wants. */
export function bigIntToMinimalBytes(value: bigint): Uint8Array {
  if (value === 0n) return EMPTY_BYTES;
  let len = 0;
  for (let v = value; v > 0n; v >>= 8n) len++;
  return bigIntToBytes(value, len);
}

export function concatBytes(...parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.length;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

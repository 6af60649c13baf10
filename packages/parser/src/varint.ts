import { ProtocolError } from './protocol-error.js';

/** The largest value a manifest varint may carry: 2^64 − 1 (a handshake manifest's varints are at most 64-bit). */
export const VARINT_MAX = (1n << 64n) - 1n;
/** A 64-bit varint never takes more than 10 bytes. */
export const VARINT_MAX_BYTES = 10;

/** Unsigned LEB128 (least significant group first), as the handshake manifest uses. */
export function encodeVarint(value: number | bigint): Uint8Array {
  let v = typeof value === 'bigint' ? value : BigInt(value);
  if (typeof value === 'number' && !Number.isSafeInteger(value))
    throw new ProtocolError('BAD_HANDSHAKE', `varint: expected a safe integer, got ${value}`);
  if (v < 0n || v > VARINT_MAX)
    throw new ProtocolError('BAD_HANDSHAKE', `varint: ${v} is outside 0 … 2^64−1`);
  const out: number[] = [];
  do {
    const group = Number(v & 0x7fn);
    v >>= 7n;
    out.push(v === 0n ? group : group | 0x80);
  } while (v !== 0n);
  return Uint8Array.from(out);
}

/** A decoded varint and the offset just after it. */
export interface VarintRead {
  value: bigint;
  next: number;
}

/**
 * Reads one varint from `bytes[offset, end)`. Returns undefined when the bytes end before the
 * varint does (wait for more). Throws ProtocolError BAD_HANDSHAKE for a varint longer than 10
 * bytes or above 2^64 − 1.
 */
export function readVarint(
  bytes: Uint8Array,
  offset = 0,
  end: number = bytes.length,
): VarintRead | undefined {
  let value = 0n;
  let shift = 0n;
  for (let i = 0; i < VARINT_MAX_BYTES; i++) {
    const at = offset + i;
    if (at >= end) return undefined;
    const b = bytes[at];
    value |= BigInt(b & 0x7f) << shift;
    if ((b & 0x80) === 0) {
      if (value > VARINT_MAX)
        throw new ProtocolError('BAD_HANDSHAKE', `varint at offset ${offset} exceeds 2^64−1`);
      return { value, next: at + 1 };
    }
    shift += 7n;
  }
  throw new ProtocolError(
    'BAD_HANDSHAKE',
    `varint at offset ${offset} is longer than ${VARINT_MAX_BYTES} bytes`,
  );
}

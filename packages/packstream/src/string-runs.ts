// Back-to-back strings handled as one run. Decoding (see Decoder#planRun): find where the run of
// string values that starts at `p` ends, then decode it with one TextDecoder call when it is all
// ASCII. Encoding (see Encoder#stringRun): spread the run written by one encodeInto call behind
// the strings' headers.

/**
 * The end of the string values that follow the `len`-byte string at `p` back to back: each
 * tiny, STRING_8 or STRING_16 value, within `maxLen` bytes, ending within `max` bytes of `p`
 * and before `end`. `p + len` when no string follows.
 */
export function runEnd(
  b: Uint8Array,
  p: number,
  len: number,
  end: number,
  max: number,
  maxLen: number,
): number {
  const limit = Math.min(end, p + max);
  let q = p + len;
  if (q > limit) return q;
  while (q < limit) {
    const m = b[q];
    let h: number;
    let n: number;
    if (m >= 0x80 && m <= 0x8f) {
      h = 1;
      n = m & 0x0f;
    } else if (m === 0xd0 && q + 1 < end) {
      h = 2;
      n = b[q + 1];
    } else if (m === 0xd1 && q + 2 < end) {
      h = 3;
      n = (b[q + 1] << 8) | b[q + 2];
    } else {
      break;
    }
    if (n > maxLen || q + h + n > limit) break;
    q += h + n;
  }
  return q;
}

/**
 * The run b[p, q) (its first string's bytes start at `p` and are `len` long; the strings after
 * it come with their headers) as one string: copied into `scratch`, the headers after the first
 * string replaced by spaces, decoded by one strict `decoder` call. Null when it is not all ASCII
 * (as many UTF-16 units as bytes) or not valid UTF-8: its strings are then decoded one by one.
 */
export function asciiRun(
  b: Uint8Array,
  p: number,
  len: number,
  q: number,
  scratch: Uint8Array,
  decoder: TextDecoder,
): string | null {
  const size = q - p;
  scratch.set(b.subarray(p, q));
  for (let i = p + len; i < q; ) {
    const m = b[i];
    const h = m <= 0x8f ? 1 : m === 0xd0 ? 2 : 3;
    const n = m <= 0x8f ? m & 0x0f : m === 0xd0 ? b[i + 1] : (b[i + 1] << 8) | b[i + 2];
    for (let k = i - p, e = k + h; k < e; k++) scratch[k] = 0x20;
    i += h + n;
  }
  let s: string;
  try {
    s = decoder.decode(scratch.subarray(0, size));
  } catch {
    return null;
  }
  return s.length === size ? s : null;
}

/**
 * The ASCII strings v[i..j), written joined at `src` (one byte per unit), moved down to `p`
 * each behind its own header (tiny, STRING_8 or STRING_16). Returns the position after them.
 */
export function spreadRun(
  b: Uint8Array,
  p: number,
  src: number,
  v: readonly unknown[],
  i: number,
  j: number,
): number {
  for (let k = i; k < j; k++) {
    const len = (v[k] as string).length;
    if (len < 16) b[p++] = 0x80 | len;
    else if (len < 256) {
      b[p] = 0xd0;
      b[p + 1] = len;
      p += 2;
    } else {
      b[p] = 0xd1;
      b[p + 1] = len >> 8;
      b[p + 2] = len & 0xff;
      p += 3;
    }
    b.copyWithin(p, src, src + len);
    p += len;
    src += len;
  }
  return p;
}

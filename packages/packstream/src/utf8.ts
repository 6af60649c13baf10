// UTF-8 <-> UTF-16 for the codec: one strict validating decoder loop (utf8ToUnits) whose units
// become a string through one of two sinks (fromCharCode for short strings, a UTF-16LE
// TextDecoder for longer ones, see TextReader), the short-ASCII fast path, and the encoder's loop.

/** The bitwise OR of b[start, end): 4 bytes a step (~1.5x faster than one at a time). Bit 7 set
 *  means the range is not ASCII. */
export function orBytes(b: Uint8Array, start: number, end: number): number {
  let or = 0;
  let i = start;
  for (const end4 = end - 3; i < end4; i += 4) or |= b[i] | b[i + 1] | b[i + 2] | b[i + 3];
  for (; i < end; i++) or |= b[i];
  return or;
}

/**
 * Strict UTF-8 decode of b[start, end) into UTF-16 units (`out` holds at least end - start).
 * Returns the number of units, or -1 on malformed input: overlong forms, surrogates, truncated
 * sequences, code points above U+10FFFF (what a fatal TextDecoder rejects).
 */
export function utf8ToUnits(b: Uint8Array, start: number, end: number, out: Uint16Array): number {
  let j = 0;
  let i = start;
  while (i < end) {
    const c = b[i++];
    if (c < 0x80) {
      out[j++] = c;
    } else if (c >= 0xc2 && c < 0xe0) {
      if (i >= end) return -1;
      const c2 = b[i++];
      if ((c2 & 0xc0) !== 0x80) return -1;
      out[j++] = ((c & 0x1f) << 6) | (c2 & 0x3f);
    } else if (c >= 0xe0 && c < 0xf0) {
      if (i + 1 >= end) return -1;
      const c2 = b[i++];
      const c3 = b[i++];
      if ((c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) return -1;
      const cp = ((c & 0x0f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return -1;
      out[j++] = cp;
    } else if (c >= 0xf0 && c < 0xf5) {
      if (i + 2 >= end) return -1;
      const c2 = b[i++];
      const c3 = b[i++];
      const c4 = b[i++];
      if ((c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80 || (c4 & 0xc0) !== 0x80) return -1;
      const cp = ((c & 0x07) << 18) | ((c2 & 0x3f) << 12) | ((c3 & 0x3f) << 6) | (c4 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return -1;
      const u = cp - 0x10000;
      out[j++] = 0xd800 | (u >> 10);
      out[j++] = 0xdc00 | (u & 0x3ff);
    } else {
      return -1;
    }
  }
  return j;
}

const fcc = String.fromCharCode;

/**
 * ASCII bytes b[p, p+len) as a string: ONE fromCharCode call with explicit arguments up to 40
 * bytes (a flat string, no concatenation; several times faster than a loop or TextDecoder at
 * these lengths). Callers stay within 40; the default branch only keeps longer input correct.
 */
// biome-ignore format: one line per length keeps the unrolled calls readable
export function asciiString(b: Uint8Array, p: number, len: number): string {
  switch (len) {
    case 0: return '';
    case 1: return fcc(b[p]);
    case 2: return fcc(b[p], b[p + 1]);
    case 3: return fcc(b[p], b[p + 1], b[p + 2]);
    case 4: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    case 7: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
    case 8: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    case 9: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7],
      b[p + 8]);
    case 10: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9]);
    case 11: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10]);
    case 12: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11]);
    case 13: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12]);
    case 14: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13]);
    case 15: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14]);
    case 16: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15]);
    case 17: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16]);
    case 18: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17]);
    case 19: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18]);
    case 20: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19]);
    case 21: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20]);
    case 22: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21]);
    case 23: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22]);
    case 24: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23]);
    case 25: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24]);
    case 26: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25]);
    case 27: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26]);
    case 28: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27]);
    case 29: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28]);
    case 30: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29]);
    case 31: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30]);
    case 32: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31]);
    case 33: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32]);
    case 34: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33]);
    case 35: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34]);
    case 36: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34], b[p + 35]);
    case 37: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34], b[p + 35], b[p + 36]);
    case 38: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34], b[p + 35], b[p + 36], b[p + 37]);
    case 39: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34], b[p + 35], b[p + 36], b[p + 37], b[p + 38]);
    case 40: return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6],
      b[p + 7], b[p + 8], b[p + 9], b[p + 10], b[p + 11], b[p + 12], b[p + 13], b[p + 14],
      b[p + 15], b[p + 16], b[p + 17], b[p + 18], b[p + 19], b[p + 20], b[p + 21], b[p + 22],
      b[p + 23], b[p + 24], b[p + 25], b[p + 26], b[p + 27], b[p + 28], b[p + 29], b[p + 30],
      b[p + 31], b[p + 32], b[p + 33], b[p + 34], b[p + 35], b[p + 36], b[p + 37], b[p + 38],
      b[p + 39]);
    default: {
      let s = '';
      let i = p;
      const end = p + len;
      for (; end - i > 40; i += 40) s += asciiString(b, i, 40);
      return s + asciiString(b, i, end - i);
    }
  }
}

/**
 * Write s[from, s.length) as UTF-8 at b[p] (room for 3 bytes per unit is the caller's) and return
 * the position after it. A lone surrogate becomes U+FFFD, as TextEncoder does.
 */
export function utf8Write(s: string, from: number, b: Uint8Array, p: number): number {
  const n = s.length;
  for (let i = from; i < n; i++) {
    let c = s.charCodeAt(i);
    if (c < 0x80) b[p++] = c;
    else if (c < 0x800) {
      b[p++] = 0xc0 | (c >> 6);
      b[p++] = 0x80 | (c & 0x3f);
    } else {
      if (c >= 0xd800 && c <= 0xdfff) {
        const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
        if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
          c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
          i++;
          b[p++] = 0xf0 | (c >> 18);
          b[p++] = 0x80 | ((c >> 12) & 0x3f);
          b[p++] = 0x80 | ((c >> 6) & 0x3f);
          b[p++] = 0x80 | (c & 0x3f);
          continue;
        }
        c = 0xfffd;
      }
      b[p++] = 0xe0 | (c >> 12);
      b[p++] = 0x80 | ((c >> 6) & 0x3f);
      b[p++] = 0x80 | (c & 0x3f);
    }
  }
  return p;
}

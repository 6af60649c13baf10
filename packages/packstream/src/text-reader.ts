import { asciiString, orBytes, utf8ToUnits } from './utf8';

// Strings up to this many bytes are decoded in JS (ASCII: one fromCharCode call, see
// asciiString); longer ones with TextDecoder (its per-call overhead dominates below this).
const SHORT_STRING = 40;
// Multibyte strings up to this many bytes are decoded in JS (faster than TextDecoder there).
const JS_UTF8_MAX = 16384;
// The JS decoder writes UTF-16 units into a reused Uint16Array; up to this many bytes they become
// a string through fromCharCode, beyond it through one UTF-16LE TextDecoder call (faster there).
const UTF16_MIN = 64;

const EMPTY_UNITS = new Uint16Array(0);

// Without `stream: true` a TextDecoder keeps nothing between calls: every reader shares these two
// (each connection of a client or server has three readers; a decoder of its own each cost
// ~1 KB per connection).
/** Strict UTF-8. */
export const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
// only ever given valid UTF-16 (from utf8ToUnits); ignoreBOM keeps a leading U+FEFF
const UTF16 = new TextDecoder('utf-16le', { ignoreBOM: true });
const fcc = String.fromCharCode;

/**
 * Strict UTF-8 bytes to strings for the decoder, each by its fastest path: short ASCII through
 * one fromCharCode call, multibyte text up to 16 KiB through the JS validator (utf8ToUnits) into
 * a reused buffer, everything else through a fatal TextDecoder. Every method returns null on
 * malformed input (the caller knows the offset to report). Reusable; not reentrant.
 */
export class TextReader {
  /** The strict decoder, shared with the string-run path. */
  readonly fatal = STRICT_UTF8;
  // scratch buffer of the JS decoder, grown on need (to 1024 units, then to JS_UTF8_MAX)
  #units = EMPTY_UNITS;

  /** b[p, p+len). */
  read(b: Uint8Array, p: number, len: number): string | null {
    if (len <= SHORT_STRING) return this.short(b, p, len);
    // TextDecoder is fastest for ASCII; for multibyte text a JS loop is faster up to
    // JS_UTF8_MAX. Both are strict; peeking at the first bytes only chooses the faster path.
    if (len <= JS_UTF8_MAX && orBytes(b, p, p + 16) & 0x80) return this.#units16(b, p, p + len);
    try {
      return this.fatal.decode(b.subarray(p, p + len));
    } catch {
      return null;
    }
  }

  /** b[p, p+len), len <= SHORT_STRING. */
  short(b: Uint8Array, p: number, len: number): string | null {
    if (orBytes(b, p, p + len) & 0x80) return this.#units16(b, p, p + len);
    return asciiString(b, p, len);
  }

  /** b[start, end) (at most JS_UTF8_MAX bytes) through utf8ToUnits, then fromCharCode (up to
   *  UTF16_MIN bytes) or one UTF-16LE TextDecoder call. */
  #units16(b: Uint8Array, start: number, end: number): string | null {
    const len = end - start;
    let units = this.#units;
    if (units.length < len) units = this.#units = new Uint16Array(len <= 1024 ? 1024 : JS_UTF8_MAX);
    const n = utf8ToUnits(b, start, end, units);
    if (n < 0) return null;
    const u = units.subarray(0, n);
    return len <= UTF16_MIN ? fcc.apply(null, u as never) : UTF16.decode(u);
  }
}

import type { IntegerMode } from './decoder';
import { TextReader } from './text-reader';
import { orBytes, utf8ToUnits } from './utf8';

/** Options of `ScalarListReader`: the same meaning as the `Decoder` options of that name. */
export interface ScalarListOptions {
  /** Integer representation. Default `'auto'`. */
  integers?: IntegerMode;
  /** Maximum UTF-8 byte length of one string. Default 64 MiB. */
  maxStringBytes?: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const EMPTY_UNITS = new Uint16Array(0);

/**
 * A list of scalars (null, booleans, integers, floats, strings) read in place, one item at a
 * time: `scan()` checks the whole list once, exactly as `Decoder#decode` would check it, and
 * says where its items start; `read()` then builds the value of one item from the same bytes
 * whenever it is asked, as `Decoder#decode` builds it. A reader can so keep the bytes of a row
 * and build its values only when they are read. Lists holding anything else (containers, byte
 * arrays, structures) are not read here: `scan()` answers -1 and the caller decodes them.
 */
export class ScalarListReader {
  readonly integers: IntegerMode;
  readonly maxStringBytes: number;
  /** After `scan()`: the offset of the first item. */
  first = 0;
  /** After `read()`: the offset just past the item read. */
  end = 0;
  readonly #bigints: boolean;
  readonly #text = new TextReader();
  readonly #f64 = new Float64Array(1);
  readonly #f64Bytes = new Uint8Array(this.#f64.buffer);
  #units = EMPTY_UNITS;

  constructor(options: ScalarListOptions = {}) {
    this.integers = options.integers ?? 'auto';
    this.maxStringBytes = options.maxStringBytes ?? 64 * 1024 * 1024;
    this.#bigints = this.integers === 'bigint';
  }

  /**
   * When `bytes[offset, end)` is exactly one list whose items are all scalars that
   * `Decoder#decode` accepts (strings within `maxStringBytes`, valid UTF-8), its item count,
   * with `first` set to the offset of its first item. Otherwise -1, for anything else, well
   * formed or not: decode those bytes instead (which builds them or throws the error).
   */
  scan(bytes: Uint8Array, offset: number, end: number): number {
    if (offset >= end || end > bytes.length) return -1;
    const m = bytes[offset];
    let count: number;
    let p: number;
    if (m >= 0x90 && m <= 0x9f) {
      count = m & 0x0f;
      p = offset + 1;
    } else if (m === 0xd4 && offset + 2 <= end) {
      count = bytes[offset + 1];
      p = offset + 2;
    } else if (m === 0xd5 && offset + 3 <= end) {
      count = (bytes[offset + 1] << 8) | bytes[offset + 2];
      p = offset + 3;
    } else return -1;
    this.first = p;
    for (let i = 0; i < count; i++) {
      p = this.#check(bytes, p, end);
      if (p < 0) return -1;
    }
    return p === end ? count : -1;
  }

  /** The offset past the scalar at `bytes[p]`, checked; -1 if it is not a valid scalar there. */
  #check(b: Uint8Array, p: number, end: number): number {
    if (p >= end) return -1;
    const m = b[p];
    if (m < 0x80 || m >= 0xf0) return p + 1;
    let len: number;
    let at: number;
    if (m < 0x90) {
      len = m & 0x0f;
      at = p + 1;
    } else {
      switch (m) {
        case 0xc0:
        case 0xc2:
        case 0xc3:
          return p + 1;
        case 0xc1:
        case 0xcb:
          return p + 9 <= end ? p + 9 : -1;
        case 0xc8:
          return p + 2 <= end ? p + 2 : -1;
        case 0xc9:
          return p + 3 <= end ? p + 3 : -1;
        case 0xca:
          return p + 5 <= end ? p + 5 : -1;
        case 0xd0:
          if (p + 2 > end) return -1;
          len = b[p + 1];
          at = p + 2;
          break;
        case 0xd1:
          if (p + 3 > end) return -1;
          len = (b[p + 1] << 8) | b[p + 2];
          at = p + 3;
          break;
        default:
          return -1;
      }
    }
    if (len > this.maxStringBytes || at + len > end) return -1;
    if (orBytes(b, at, at + len) & 0x80 && !this.#utf8(b, at, at + len)) return -1;
    return at + len;
  }

  #utf8(b: Uint8Array, start: number, end: number): boolean {
    const len = end - start;
    if (this.#units.length < len) this.#units = new Uint16Array(Math.max(len, 1024));
    return utf8ToUnits(b, start, end, this.#units) >= 0;
  }

  /** The value of the item at `bytes[p]` of a list `scan()` accepted; `end` is then past it. */
  read(b: Uint8Array, p: number): unknown {
    const m = b[p];
    if (m < 0x80) {
      this.end = p + 1;
      return this.#bigints ? BigInt(m) : m;
    }
    if (m >= 0xf0) {
      this.end = p + 1;
      return this.#bigints ? BigInt(m - 256) : m - 256;
    }
    if (m < 0x90) return this.#string(b, p + 1, m & 0x0f);
    switch (m) {
      case 0xc0:
        this.end = p + 1;
        return null;
      case 0xc2:
        this.end = p + 1;
        return false;
      case 0xc3:
        this.end = p + 1;
        return true;
      case 0xc1:
        this.end = p + 9;
        return this.#float64(b, p + 1);
      case 0xc8:
        this.end = p + 2;
        return this.#int((b[p + 1] << 24) >> 24);
      case 0xc9:
        this.end = p + 3;
        return this.#int(((b[p + 1] << 24) >> 16) | b[p + 2]);
      case 0xca:
        this.end = p + 5;
        return this.#int((b[p + 1] << 24) | (b[p + 2] << 16) | (b[p + 3] << 8) | b[p + 4]);
      case 0xcb:
        this.end = p + 9;
        return this.#int64(b, p + 1);
      case 0xd0:
        return this.#string(b, p + 2, b[p + 1]);
      case 0xd1:
        return this.#string(b, p + 3, (b[p + 1] << 8) | b[p + 2]);
    }
    throw new Error(`not a scalar scanned by ScalarListReader: marker ${m} at ${p}`);
  }

  /** The offset past the item at `bytes[p]` of a list `scan()` accepted. */
  skip(b: Uint8Array, p: number): number {
    const m = b[p];
    if (m < 0x80 || m >= 0xf0) return p + 1;
    if (m < 0x90) return p + 1 + (m & 0x0f);
    switch (m) {
      case 0xc1:
      case 0xcb:
        return p + 9;
      case 0xc8:
        return p + 2;
      case 0xc9:
        return p + 3;
      case 0xca:
        return p + 5;
      case 0xd0:
        return p + 2 + b[p + 1];
      case 0xd1:
        return p + 3 + ((b[p + 1] << 8) | b[p + 2]);
    }
    return p + 1; // null, false, true
  }

  #int(v: number): number | bigint {
    return this.#bigints ? BigInt(v) : v;
  }

  // #int64 and #float64 read as the decoder's methods of those names do. One shared function
  // for both was tried: the decoder's float and INT_64 decoding measured 10-25% slower with it.
  #int64(b: Uint8Array, p: number): number | bigint {
    const hi = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    const lo = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    const v = hi * 4294967296 + lo;
    if (!this.#bigints && Number.isSafeInteger(v)) return v;
    return BigInt(hi) * 4294967296n + BigInt(lo);
  }

  #float64(b: Uint8Array, p: number): number {
    const t = this.#f64Bytes;
    if (LITTLE_ENDIAN) {
      t[0] = b[p + 7];
      t[1] = b[p + 6];
      t[2] = b[p + 5];
      t[3] = b[p + 4];
      t[4] = b[p + 3];
      t[5] = b[p + 2];
      t[6] = b[p + 1];
      t[7] = b[p];
    } else {
      for (let i = 0; i < 8; i++) t[i] = b[p + i];
    }
    return this.#f64[0];
  }

  #string(b: Uint8Array, p: number, len: number): string {
    this.end = p + len;
    const s = this.#text.read(b, p, len);
    if (s === null) throw new Error(`invalid UTF-8 at ${p} in a list scanned by ScalarListReader`);
    return s;
  }
}

import { boltStructs, LATEST_BOLT_VERSION } from './bolt-structs';
import { checkDepth } from './max-depth';
import { PackStreamError } from './packstream-error';
import type { ResolvedSpec, StructRegistry } from './struct-registry';
import { Structure } from './structure';
import { Uuid } from './uuid';

/** How decoded integers come back: `auto` = number when safe (±2^53−1), bigint beyond;
 *  `bigint` = always bigint. */
export type IntegerMode = 'auto' | 'bigint';

/** Options of `Decoder`. Every limit fails with LIMIT_EXCEEDED before anything is allocated. */
export interface DecoderOptions {
  /** Integer representation. Default `'auto'`. */
  integers?: IntegerMode;
  /** Struct registry that hydrates Bolt types. Default: `boltStructs(LATEST_BOLT_VERSION)` (6.1). */
  structs?: StructRegistry;
  /** Maximum nesting of lists, maps and structures (1..1000). Default 64. */
  maxDepth?: number;
  /** Maximum UTF-8 byte length of one string. Default 64 MiB. */
  maxStringBytes?: number;
  /** Maximum length of one byte array. Default 64 MiB. */
  maxBytesLength?: number;
  /** Maximum items in one list. Default 16,777,216. */
  maxListLength?: number;
  /** Maximum entries in one map. Default 16,777,216. */
  maxMapEntries?: number;
  /** Maximum size of the input given to one decode call. Default 256 MiB. */
  maxMessageBytes?: number;
  /**
   * Decode back-to-back ASCII strings (a list of strings, a map of string to string; 128 bytes
   * to 16 KiB at a time) with ONE `TextDecoder` call and hand out slices of the result: several
   * times faster. V8 keeps a slice of 13+ characters as a view, so a string you keep can keep up
   * to 16 KiB of decoded neighbouring text alive. `false`: every string is its own copy.
   * Default `true`.
   */
  stringRuns?: boolean;
}

const MiB = 1024 * 1024;
// Strings up to this many bytes are decoded in JS (ASCII: one fromCharCode call, see
// asciiString); longer ones with TextDecoder (its per-call overhead dominates below this).
const SHORT_STRING = 40;
// Multibyte strings up to this many bytes are decoded in JS (faster than TextDecoder there).
const JS_UTF8_MAX = 16384;
// From this many bytes on, the JS decoder writes into a Uint16Array and builds the string with
// one UTF-16LE TextDecoder call (below it, fromCharCode.apply on an array is faster).
const UTF16_MIN = 64;
// Map keys up to this many bytes are interned (records repeat the same keys).
const MAX_KEY = 40;
const KEY_SLOTS = 4096;
// Keys of maps with at most this many entries are interned.
const INTERN_MAX_ENTRIES = 32;
// String runs (consecutive string values, e.g. a list of strings or a map of string to string)
// of RUN_MIN..RUN_MAX bytes are decoded by ONE TextDecoder call when all ASCII, and each string
// is then a slice of that (see #planRun). Measured on the ASCII workload of the codec bench:
// 4 KiB runs 1.32 GB/s, 8 KiB 1.46, 16 KiB 1.55, 64 KiB 1.54; RUN_MIN 64..256: no difference.
const RUN_MIN = 128;
const RUN_MAX = 16384;

/**
 * PackStream v1 decoder: a cursor over one `Uint8Array`. Reusable; not reentrant.
 */
export class Decoder {
  readonly integers: IntegerMode;
  readonly structs: StructRegistry;
  readonly maxDepth: number;
  readonly maxStringBytes: number;
  readonly maxBytesLength: number;
  readonly maxListLength: number;
  readonly maxMapEntries: number;
  readonly maxMessageBytes: number;
  readonly stringRuns: boolean;

  readonly #bigints: boolean;
  readonly #uuid: boolean;
  readonly #byTag: readonly (ResolvedSpec | undefined)[];
  readonly #textDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  // only ever given valid UTF-16 (from utf8ToUnits); ignoreBOM keeps a leading U+FEFF
  readonly #utf16Decoder = new TextDecoder('utf-16le', { ignoreBOM: true });
  // scratch buffers, grown on need (to 1024 items, then to their maximum)
  #units = new Uint16Array(0);
  // interned ASCII map keys, by hash slot
  readonly #keys: (string | undefined)[] = new Array(KEY_SLOTS).fill(undefined);

  #b: Uint8Array = new Uint8Array(0);
  // FLOAT_64 is read by copying its 8 bytes here (no DataView per input)
  readonly #f64 = new Float64Array(1);
  readonly #f64Bytes = new Uint8Array(this.#f64.buffer);
  #pos = 0;
  #end = 0;
  #depth = 0;
  // The current string run: bytes [#runStart, #runEnd) of the input, decoded as #run (ASCII, so
  // a byte offset in the run is a UTF-16 offset in #run), or null when that region is decoded
  // string by string. #runs is false with `stringRuns: false`, and once a run was not ASCII (no
  // more tries in this call).
  #run: string | null = null;
  #runStart = 0;
  #runEnd = -1;
  #runs = true;
  #scratch: Uint8Array = EMPTY;

  constructor(options: DecoderOptions = {}) {
    this.integers = options.integers ?? 'auto';
    this.structs = options.structs ?? boltStructs(LATEST_BOLT_VERSION);
    this.maxDepth = checkDepth(options.maxDepth ?? 64);
    this.maxStringBytes = options.maxStringBytes ?? 64 * MiB;
    this.maxBytesLength = options.maxBytesLength ?? 64 * MiB;
    this.maxListLength = options.maxListLength ?? 16 * MiB;
    this.maxMapEntries = options.maxMapEntries ?? 16 * MiB;
    this.maxMessageBytes = options.maxMessageBytes ?? 256 * MiB;
    this.stringRuns = options.stringRuns ?? true;
    this.#bigints = this.integers === 'bigint';
    this.#uuid = this.structs.uuid;
    this.#byTag = this.structs.byTag;
  }

  /** Decode exactly one value spanning `bytes[offset, end)`. Leftover bytes: TRAILING_BYTES. */
  decode(bytes: Uint8Array, offset = 0, end = bytes.length): unknown {
    this.#setup(bytes, offset, end);
    try {
      const v = this.#value();
      if (this.#pos !== this.#end) this.#trailing();
      return v;
    } finally {
      this.#release();
    }
  }

  /**
   * Decode one top-level structure WITHOUT hydrating it (a Bolt message: its tag is a message
   * signature, not a value type). Its fields are decoded and hydrated as values.
   */
  decodeStruct(bytes: Uint8Array, offset = 0, end = bytes.length): Structure {
    this.#setup(bytes, offset, end);
    try {
      if (this.#pos >= this.#end) this.#truncated(this.#pos, 'a structure marker');
      const m = this.#b[this.#pos];
      if (m < 0xb0 || m > 0xbf) {
        throw new PackStreamError(
          'INVALID_STRUCT',
          `expected a structure marker (B0..BF) at offset ${this.#pos}, got ${hex(m)}`,
          this.#pos,
        );
      }
      const start = this.#pos++;
      this.#need(1, start, 'a structure tag');
      const tag = this.#b[this.#pos++];
      const fields = this.#fields(m & 0x0f, start);
      if (this.#pos !== this.#end) this.#trailing();
      return new Structure(tag, fields);
    } finally {
      this.#release();
    }
  }

  #setup(bytes: Uint8Array, offset: number, end: number): void {
    if (!(bytes instanceof Uint8Array)) throw new TypeError('decode() needs a Uint8Array');
    if (!(offset >= 0 && end <= bytes.length && offset <= end)) {
      throw new RangeError(`invalid range [${offset}, ${end}) for ${bytes.length} bytes`);
    }
    if (end - offset > this.maxMessageBytes) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `input of ${end - offset} bytes exceeds maxMessageBytes ${this.maxMessageBytes}`,
        offset,
      );
    }
    this.#b = bytes;
    this.#pos = offset;
    this.#end = end;
    this.#depth = 0;
    this.#run = null;
    this.#runEnd = -1;
    this.#runs = this.stringRuns;
  }

  #release(): void {
    // Do not pin the caller's buffer (nor the last run).
    this.#b = EMPTY;
    this.#run = null;
  }

  #trailing(): never {
    throw new PackStreamError(
      'TRAILING_BYTES',
      `expected the value to end at offset ${this.#pos}, but ${this.#end - this.#pos} more byte(s) follow`,
      this.#pos,
    );
  }

  #truncated(at: number, what: string): never {
    throw new PackStreamError(
      'TRUNCATED',
      `expected ${what} at offset ${at}, but the input ends at offset ${this.#end}`,
      at,
    );
  }

  /** Require n more bytes after the cursor (for the value whose marker is at `start`). */
  #need(n: number, start: number, what: string): void {
    if (this.#pos + n > this.#end) {
      throw new PackStreamError(
        'TRUNCATED',
        `expected ${what} (${n} byte(s) from offset ${this.#pos}) for the value at offset ${start}, but only ${this.#end - this.#pos} remain`,
        start,
      );
    }
  }

  #value(): unknown {
    const pos = this.#pos;
    if (pos >= this.#end) this.#truncated(pos, 'a marker byte');
    const m = this.#b[pos];
    this.#pos = pos + 1;
    if (m < 0x80) return this.#bigints ? BigInt(m) : m;
    if (m >= 0xf0) return this.#bigints ? BigInt(m - 256) : m - 256;
    switch (m >> 4) {
      case 0x8:
        return this.#string(m & 0x0f, pos);
      case 0x9:
        return this.#list(m & 0x0f, pos);
      case 0xa:
        return this.#map(m & 0x0f, pos);
      case 0xb:
        return this.#struct(m & 0x0f, pos);
    }
    switch (m) {
      case 0xc0:
        return null;
      case 0xc1: {
        this.#need(8, pos, 'the 8 bytes of a FLOAT_64');
        return this.#float64();
      }
      case 0xc2:
        return false;
      case 0xc3:
        return true;
      case 0xc8: {
        this.#need(1, pos, 'the byte of an INT_8');
        const v = (this.#b[this.#pos++] << 24) >> 24;
        return this.#bigints ? BigInt(v) : v;
      }
      case 0xc9: {
        this.#need(2, pos, 'the 2 bytes of an INT_16');
        const b = this.#b;
        const p = this.#pos;
        const v = ((b[p] << 24) >> 16) | b[p + 1];
        this.#pos = p + 2;
        return this.#bigints ? BigInt(v) : v;
      }
      case 0xca: {
        this.#need(4, pos, 'the 4 bytes of an INT_32');
        const b = this.#b;
        const p = this.#pos;
        const v = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
        this.#pos = p + 4;
        return this.#bigints ? BigInt(v) : v;
      }
      case 0xcb:
        return this.#int64(pos);
      case 0xcc:
        return this.#bytes(this.#size(1, pos), pos);
      case 0xcd:
        return this.#bytes(this.#size(2, pos), pos);
      case 0xce:
        return this.#bytes(this.#size(4, pos), pos);
      case 0xd0:
        return this.#string(this.#size(1, pos), pos);
      case 0xd1:
        return this.#string(this.#size(2, pos), pos);
      case 0xd2:
        return this.#string(this.#size(4, pos), pos);
      case 0xd4:
        return this.#list(this.#size(1, pos), pos);
      case 0xd5:
        return this.#list(this.#size(2, pos), pos);
      case 0xd6:
        return this.#list(this.#size(4, pos), pos);
      case 0xd8:
        return this.#map(this.#size(1, pos), pos);
      case 0xd9:
        return this.#map(this.#size(2, pos), pos);
      case 0xda:
        return this.#map(this.#size(4, pos), pos);
      case 0xe0:
        return this.#uuidValue(pos);
      default:
        throw new PackStreamError(
          'RESERVED_MARKER',
          `marker ${hex(m)} at offset ${pos} is reserved in PackStream v1`,
          pos,
        );
    }
  }

  /** Read an unsigned size of 1, 2 or 4 bytes. */
  #size(width: number, start: number): number {
    // the message is built only on failure
    if (this.#pos + width > this.#end) this.#need(width, start, `a ${width}-byte size`);
    const p = this.#pos;
    this.#pos = p + width;
    if (width === 1) return this.#b[p];
    const b = this.#b;
    if (width === 2) return (b[p] << 8) | b[p + 1];
    return ((b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3]) >>> 0;
  }

  #int64(start: number): number | bigint {
    this.#need(8, start, 'the 8 bytes of an INT_64');
    const p = this.#pos;
    this.#pos = p + 8;
    const b = this.#b;
    const hi = (b[p] << 24) | (b[p + 1] << 16) | (b[p + 2] << 8) | b[p + 3];
    const lo = ((b[p + 4] << 24) | (b[p + 5] << 16) | (b[p + 6] << 8) | b[p + 7]) >>> 0;
    const v = hi * 4294967296 + lo;
    if (!this.#bigints && Number.isSafeInteger(v)) return v;
    return BigInt(hi) * 4294967296n + BigInt(lo);
  }

  #float64(): number {
    const b = this.#b;
    const p = this.#pos;
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
    this.#pos = p + 8;
    return this.#f64[0];
  }

  #bytes(len: number, start: number): Uint8Array {
    if (len > this.maxBytesLength) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `byte array of ${len} bytes at offset ${start} exceeds maxBytesLength ${this.maxBytesLength}`,
        start,
      );
    }
    // the message is built only on failure
    if (this.#pos + len > this.#end) this.#need(len, start, `${len} bytes of a BYTES value`);
    const p = this.#pos;
    this.#pos = p + len;
    return this.#b.slice(p, p + len);
  }

  #string(len: number, start: number): string {
    if (len > this.maxStringBytes) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `string of ${len} bytes at offset ${start} exceeds maxStringBytes ${this.maxStringBytes}`,
        start,
      );
    }
    // the message is built only on failure
    if (this.#pos + len > this.#end) this.#need(len, start, `${len} UTF-8 bytes of a string`);
    const p = this.#pos;
    this.#pos = p + len;
    const b = this.#b;
    let run = this.#run;
    if (p >= this.#runEnd) {
      // past the current region: plan a new one only if another string follows this one
      const m = p + len < this.#end ? b[p + len] : 0;
      run =
        this.#runs && ((m & 0xf0) === 0x80 || m === 0xd0 || m === 0xd1)
          ? this.#planRun(p, len)
          : null;
      this.#run = run;
    }
    if (run !== null) {
      const i = p - this.#runStart;
      return run.slice(i, i + len);
    }
    if (len <= SHORT_STRING) {
      const s = shortString(b, p, len);
      if (s !== null) return s;
      return this.#invalidUtf8(start);
    }
    if (len <= JS_UTF8_MAX) {
      // TextDecoder is fastest for ASCII; for multibyte text a JS loop is faster at this size.
      // Both are strict; peeking at the first bytes only chooses the faster path.
      if (orBytes(b, p, p + 16) & 0x80) {
        const s = len <= UTF16_MIN ? utf8Short(b, p, p + len) : this.#utf8Long(p, p + len);
        if (s !== null) return s;
        return this.#invalidUtf8(start);
      }
    }
    try {
      return this.#textDecoder.decode(b.subarray(p, p + len));
    } catch {
      return this.#invalidUtf8(start);
    }
  }

  /**
   * Called for a string whose bytes start at `p`, past the current run region: walk the string
   * values that follow it back to back (up to RUN_MAX bytes, each within maxStringBytes and the
   * input) and make [p, end of the last one) the next region. A region of RUN_MIN bytes or more
   * is copied, its string headers replaced by spaces, and decoded by one strict TextDecoder call;
   * if the result is ASCII (as many UTF-16 units as bytes), every string of the region is a
   * slice of it. Otherwise (invalid or multibyte) its strings are decoded one by one, which
   * reports malformed UTF-8 at the right offset, and no run is tried again in this call.
   */
  #planRun(p: number, len: number): string | null {
    this.#runStart = p;
    const b = this.#b;
    const end = this.#end;
    const limit = Math.min(end, p + RUN_MAX);
    let q = p + len;
    let strings = 1;
    if (q <= limit) {
      const maxLen = this.maxStringBytes;
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
        strings++;
      }
    }
    this.#runEnd = q;
    const size = q - p;
    if (size < RUN_MIN || strings < 2) return null;
    let scratch = this.#scratch;
    if (scratch.length < size) scratch = this.#scratch = new Uint8Array(bufferSize(size, RUN_MAX));
    scratch.set(b.subarray(p, q));
    // blank the headers of the strings after the first
    for (let i = p + len; i < q; ) {
      const m = b[i];
      const h = m <= 0x8f ? 1 : m === 0xd0 ? 2 : 3;
      const n = m <= 0x8f ? m & 0x0f : m === 0xd0 ? b[i + 1] : (b[i + 1] << 8) | b[i + 2];
      for (let k = i - p, e = k + h; k < e; k++) scratch[k] = 0x20;
      i += h + n;
    }
    let s: string;
    try {
      s = this.#textDecoder.decode(scratch.subarray(0, size));
    } catch {
      this.#runs = false;
      return null;
    }
    if (s.length !== size) {
      this.#runs = false;
      return null;
    }
    return s;
  }

  /** Strict UTF-8 decode of a multibyte string of UTF16_MIN..JS_UTF8_MAX bytes: UTF-16 units
   *  into a reused Uint16Array, then one UTF-16LE TextDecoder call. Null if malformed. */
  #utf8Long(start: number, end: number): string | null {
    let units = this.#units;
    const len = end - start;
    if (units.length < len) units = this.#units = new Uint16Array(bufferSize(len, JS_UTF8_MAX));
    const n = utf8ToUnits(this.#b, start, end, units);
    return n < 0 ? null : this.#utf16Decoder.decode(units.subarray(0, n));
  }

  #invalidUtf8(start: number): never {
    throw new PackStreamError(
      'INVALID_UTF8',
      `the string at offset ${start} is not valid UTF-8`,
      start,
    );
  }

  /** A map key: short ones are interned when `intern`; anything not a string is INVALID_MAP_KEY. */
  #key(intern: boolean): string {
    const pos = this.#pos;
    if (pos >= this.#end) this.#truncated(pos, 'a map key');
    const m = this.#b[pos];
    if (m >= 0x80 && m <= 0x8f) {
      const len = m & 0x0f;
      this.#pos = pos + 1;
      if (pos + 1 + len > this.#end) this.#need(len, pos, `${len} UTF-8 bytes of a map key`);
      if (intern) return this.#internedKey(pos + 1, len, pos);
      return this.#string(len, pos);
    }
    if (m === 0xd0 && intern) {
      this.#pos = pos + 1;
      const len = this.#size(1, pos);
      if (len <= MAX_KEY) {
        if (this.#pos + len > this.#end) {
          this.#need(len, pos, `${len} UTF-8 bytes of a map key`);
        }
        return this.#internedKey(this.#pos, len, pos);
      }
      this.#pos = pos;
    }
    if (m === 0xd0 || m === 0xd1 || m === 0xd2) {
      return this.#value() as string;
    }
    throw new PackStreamError(
      'INVALID_MAP_KEY',
      `expected a string map key at offset ${pos}, got marker ${hex(m)}`,
      pos,
    );
  }

  #internedKey(p: number, len: number, start: number): string {
    const b = this.#b;
    this.#pos = p + len;
    if (len === 0) return '';
    let h = len;
    for (let i = 0; i < len; i++) h = Math.imul(h ^ b[p + i], 0x01000193);
    const slot = (h ^ (h >>> 15)) & (KEY_SLOTS - 1);
    const cached = this.#keys[slot];
    if (cached !== undefined && cached.length === len) {
      // cached keys are ASCII, so UTF-16 units equal bytes
      let i = 0;
      while (i < len && cached.charCodeAt(i) === b[p + i]) i++;
      if (i === len) return cached;
    }
    const s = shortString(b, p, len);
    if (s === null) return this.#invalidUtf8(start);
    if (s.length === len) this.#keys[slot] = s; // ASCII only
    return s;
  }

  #enter(start: number): void {
    if (++this.#depth > this.maxDepth) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `value at offset ${start} nests deeper than maxDepth ${this.maxDepth}`,
        start,
      );
    }
  }

  #list(n: number, start: number): unknown[] {
    if (n > this.maxListLength) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `list of ${n} items at offset ${start} exceeds maxListLength ${this.maxListLength}`,
        start,
      );
    }
    // every item takes at least one byte: reject impossible counts before allocating
    if (n > this.#end - this.#pos) this.#need(n, start, `${n} list items`);
    this.#enter(start);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#value();
    this.#depth--;
    return out;
  }

  #map(n: number, start: number): Record<string, unknown> {
    if (n > this.maxMapEntries) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `map of ${n} entries at offset ${start} exceeds maxMapEntries ${this.maxMapEntries}`,
        start,
      );
    }
    if (n * 2 > this.#end - this.#pos) this.#need(n * 2, start, `${n} map entries`);
    this.#enter(start);
    const out: Record<string, unknown> = {};
    // Records repeat the keys of small maps; a big map's keys are mostly unique, so interning
    // them would only cost.
    const intern = n <= INTERN_MAX_ENTRIES;
    for (let i = 0; i < n; i++) {
      const k = this.#key(intern);
      const v = this.#value();
      if (k === '__proto__') {
        Object.defineProperty(out, k, {
          value: v,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      } else {
        out[k] = v;
      }
    }
    this.#depth--;
    return out;
  }

  #fields(n: number, start: number): unknown[] {
    if (n > this.#end - this.#pos) this.#need(n, start, `${n} structure fields`);
    this.#enter(start);
    const fields = new Array(n);
    for (let i = 0; i < n; i++) fields[i] = this.#value();
    this.#depth--;
    return fields;
  }

  #struct(n: number, start: number): unknown {
    this.#need(1, start, 'a structure tag');
    const tag = this.#b[this.#pos++];
    const fields = this.#fields(n, start);
    const spec = this.#byTag[tag];
    if (spec === undefined) return new Structure(tag, fields);
    const counts = spec.counts;
    if (counts.length === 1 ? counts[0] !== n : !counts.includes(n)) {
      throw new PackStreamError(
        'INVALID_STRUCT',
        `structure 0x${tag.toString(16).toUpperCase().padStart(2, '0')} at offset ${start} has ${n} fields, expected ${counts.join(' or ')}`,
        start,
      );
    }
    try {
      return spec.hydrate(fields);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new PackStreamError(
        'INVALID_STRUCT',
        `structure 0x${tag.toString(16).toUpperCase().padStart(2, '0')} at offset ${start}: ${detail}`,
        start,
        { cause: e },
      );
    }
  }

  #uuidValue(start: number): Uuid {
    if (!this.#uuid) {
      throw new PackStreamError(
        'UNSUPPORTED_IN_VERSION',
        `marker E0 (UUID) at offset ${start} needs Bolt 6.1 or later`,
        start,
      );
    }
    this.#need(16, start, 'the 16 bytes of a UUID');
    const p = this.#pos;
    this.#pos = p + 16;
    return new Uuid(this.#b.subarray(p, p + 16));
  }
}

const EMPTY = new Uint8Array(0);
const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** Size of a scratch buffer that must hold `n` items: 1024, or `max` beyond that. */
function bufferSize(n: number, max: number): number {
  return n <= 1024 ? 1024 : max;
}

function hex(m: number): string {
  return m.toString(16).toUpperCase().padStart(2, '0');
}

const fcc = String.fromCharCode;

/**
 * Decode b[p, p+len) (len <= SHORT_STRING): ASCII through ONE fromCharCode call with
 * explicit arguments (a flat string, no concatenation; several times faster than a loop or
 * TextDecoder at these lengths), anything else through the strict UTF-8 loop. Null if malformed.
 */
function shortString(b: Uint8Array, p: number, len: number): string | null {
  if (orBytes(b, p, p + len) & 0x80) return utf8Short(b, p, p + len);
  return asciiString(b, p, len);
}

/** The bitwise OR of b[start, end): 4 bytes a step (~1.5x faster than one at a time). */
function orBytes(b: Uint8Array, start: number, end: number): number {
  let or = 0;
  let i = start;
  for (const end4 = end - 3; i < end4; i += 4) or |= b[i] | b[i + 1] | b[i + 2] | b[i + 3];
  for (; i < end; i++) or |= b[i];
  return or;
}

/** ASCII bytes b[p, p+len) as a string: one fromCharCode call with explicit arguments up to
 *  40 bytes. Callers stay within SHORT_STRING / MAX_KEY (40); the default branch only keeps a
 *  larger limit correct (40 at a time). */
function asciiString(b: Uint8Array, p: number, len: number): string {
  switch (len) {
    case 0:
      return '';
    case 1:
      return fcc(b[p]);
    case 2:
      return fcc(b[p], b[p + 1]);
    case 3:
      return fcc(b[p], b[p + 1], b[p + 2]);
    case 4:
      return fcc(b[p], b[p + 1], b[p + 2], b[p + 3]);
    case 5:
      return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4]);
    case 6:
      return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5]);
    case 7:
      return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6]);
    case 8:
      return fcc(b[p], b[p + 1], b[p + 2], b[p + 3], b[p + 4], b[p + 5], b[p + 6], b[p + 7]);
    case 9:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
      );
    case 10:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
      );
    case 11:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
      );
    case 12:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
      );
    case 13:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
      );
    case 14:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
      );
    case 15:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
      );
    case 16:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
      );
    case 17:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
      );
    case 18:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
      );
    case 19:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
      );
    case 20:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
      );
    case 21:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
      );
    case 22:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
      );
    case 23:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
      );
    case 24:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
      );
    case 25:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
      );
    case 26:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
      );
    case 27:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
      );
    case 28:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
      );
    case 29:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
      );
    case 30:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
      );
    case 31:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
      );
    case 32:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
      );
    case 33:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
      );
    case 34:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
      );
    case 35:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
      );
    case 36:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
        b[p + 35],
      );
    case 37:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
        b[p + 35],
        b[p + 36],
      );
    case 38:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
        b[p + 35],
        b[p + 36],
        b[p + 37],
      );
    case 39:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
        b[p + 35],
        b[p + 36],
        b[p + 37],
        b[p + 38],
      );
    case 40:
      return fcc(
        b[p],
        b[p + 1],
        b[p + 2],
        b[p + 3],
        b[p + 4],
        b[p + 5],
        b[p + 6],
        b[p + 7],
        b[p + 8],
        b[p + 9],
        b[p + 10],
        b[p + 11],
        b[p + 12],
        b[p + 13],
        b[p + 14],
        b[p + 15],
        b[p + 16],
        b[p + 17],
        b[p + 18],
        b[p + 19],
        b[p + 20],
        b[p + 21],
        b[p + 22],
        b[p + 23],
        b[p + 24],
        b[p + 25],
        b[p + 26],
        b[p + 27],
        b[p + 28],
        b[p + 29],
        b[p + 30],
        b[p + 31],
        b[p + 32],
        b[p + 33],
        b[p + 34],
        b[p + 35],
        b[p + 36],
        b[p + 37],
        b[p + 38],
        b[p + 39],
      );
    default: {
      let s = '';
      let i = p;
      const end = p + len;
      while (end - i > 40) {
        s += asciiString(b, i, 40);
        i += 40;
      }
      return s + asciiString(b, i, end - i);
    }
  }
}

/**
 * Strict UTF-8 decode of b[start, end) with a JS loop. Returns null on malformed input
 * (overlong forms, surrogates, truncated sequences, > U+10FFFF).
 */
function utf8Short(b: Uint8Array, start: number, end: number): string | null {
  const units: number[] = [];
  let i = start;
  while (i < end) {
    const c = b[i++];
    if (c < 0x80) {
      units.push(c);
    } else if (c >= 0xc2 && c < 0xe0) {
      if (i >= end) return null;
      const c2 = b[i++];
      if ((c2 & 0xc0) !== 0x80) return null;
      units.push(((c & 0x1f) << 6) | (c2 & 0x3f));
    } else if (c >= 0xe0 && c < 0xf0) {
      if (i + 1 >= end) return null;
      const c2 = b[i++];
      const c3 = b[i++];
      if ((c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80) return null;
      const cp = ((c & 0x0f) << 12) | ((c2 & 0x3f) << 6) | (c3 & 0x3f);
      if (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff)) return null;
      units.push(cp);
    } else if (c >= 0xf0 && c < 0xf5) {
      if (i + 2 >= end) return null;
      const c2 = b[i++];
      const c3 = b[i++];
      const c4 = b[i++];
      if ((c2 & 0xc0) !== 0x80 || (c3 & 0xc0) !== 0x80 || (c4 & 0xc0) !== 0x80) return null;
      const cp = ((c & 0x07) << 18) | ((c2 & 0x3f) << 12) | ((c3 & 0x3f) << 6) | (c4 & 0x3f);
      if (cp < 0x10000 || cp > 0x10ffff) return null;
      const u = cp - 0x10000;
      units.push(0xd800 | (u >> 10), 0xdc00 | (u & 0x3ff));
    } else {
      return null;
    }
  }
  return String.fromCharCode.apply(null, units);
}

/**
 * Strict UTF-8 decode of b[start, end) into UTF-16 units (`out` holds at least end - start).
 * Returns the number of units, or -1 on malformed input (as utf8Short).
 */
function utf8ToUnits(b: Uint8Array, start: number, end: number, out: Uint16Array): number {
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

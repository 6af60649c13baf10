import { boltStructs, LATEST_BOLT_VERSION } from './bolt-structs';
import { Checker } from './checker';
import {
  checkInput,
  fieldCount,
  hex,
  hydrationFailed,
  invalidMapKey,
  invalidUtf8,
  overLimit,
  reserved,
  tooDeep,
  tooFewBytes,
  trailing,
  truncated,
  uuidNotAllowed,
} from './decode-errors';
import { MAX_KEY, SHARED_KEYS } from './key-cache';
import { checkDepth } from './max-depth';
import { PackStreamError } from './packstream-error';
import { asciiRun, runEnd } from './string-runs';
import type { ResolvedSpec, StructRegistry } from './struct-registry';
import { Structure } from './structure';
import { TextReader } from './text-reader';
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
  readonly #text = new TextReader();
  readonly #keys = SHARED_KEYS;
  #checker: Checker | undefined;

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
      const fields = this.#fields(m & 0x0f, start, false);
      if (this.#pos !== this.#end) this.#trailing();
      return new Structure(tag, fields);
    } finally {
      this.#release();
    }
  }

  /**
   * Check one value spanning `bytes[offset, end)` exactly as `decode()` would (markers, sizes,
   * limits, depth, UTF-8, and a registered structure's field count and hydrator: such a
   * structure is decoded and dropped) and throw the same PackStreamError, building nothing
   * else. Returns the PackStream containers it holds (lists, maps, structures, byte arrays,
   * UUIDs): 0 for a scalar, 1 for a list or map of scalars. Checked bytes can be kept and
   * decoded later.
   */
  check(bytes: Uint8Array, offset = 0, end = bytes.length): number {
    this.#checker ??= new Checker(this);
    return this.#checker.check(bytes, offset, end);
  }

  /** The item count of the list whose marker is at `bytes[offset]`, or -1 when the value there
   *  is not a list (or its header is cut short). */
  listLength(bytes: Uint8Array, offset = 0): number {
    const m = bytes[offset];
    if (m >= 0x90 && m <= 0x9f) return m & 0x0f;
    const width = m === 0xd4 ? 1 : m === 0xd5 ? 2 : m === 0xd6 ? 4 : 0;
    if (width === 0 || offset + 1 + width > bytes.length) return -1;
    let n = 0;
    for (let i = 1; i <= width; i++) n = n * 256 + bytes[offset + i];
    return n;
  }

  #setup(bytes: Uint8Array, offset: number, end: number): void {
    checkInput(bytes, offset, end, this.maxMessageBytes);
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
    throw trailing(this.#pos, this.#end - this.#pos);
  }

  #truncated(at: number, what: string): never {
    throw truncated(at, what, this.#end);
  }

  /** Require n more bytes after the cursor (for the value whose marker is at `start`). */
  #need(n: number, start: number, what: string): void {
    const pos = this.#pos;
    if (pos + n > this.#end) throw tooFewBytes(n, pos, start, what, this.#end - pos);
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
        throw reserved(m, pos);
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
    if (len > this.maxBytesLength)
      throw overLimit(`byte array of ${len} bytes`, start, 'maxBytesLength', this.maxBytesLength);
    // the message is built only on failure
    if (this.#pos + len > this.#end) this.#need(len, start, `${len} bytes of a BYTES value`);
    const p = this.#pos;
    this.#pos = p + len;
    return this.#b.slice(p, p + len);
  }

  #string(len: number, start: number): string {
    if (len > this.maxStringBytes)
      throw overLimit(`string of ${len} bytes`, start, 'maxStringBytes', this.maxStringBytes);
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
    const s = this.#text.read(b, p, len);
    if (s === null) return this.#invalidUtf8(start);
    return s;
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
    const q = (this.#runEnd = runEnd(this.#b, p, len, this.#end, RUN_MAX, this.maxStringBytes));
    const size = q - p;
    if (size < RUN_MIN || q === p + len) return null;
    let scratch = this.#scratch;
    if (scratch.length < size) scratch = this.#scratch = new Uint8Array(bufferSize(size, RUN_MAX));
    const s = asciiRun(this.#b, p, len, q, scratch, this.#text.fatal);
    if (s === null) this.#runs = false;
    return s;
  }

  #invalidUtf8(start: number): never {
    throw invalidUtf8(start);
  }

  /** A map key: short ones are interned when `intern`; anything not a string is INVALID_MAP_KEY. */
  #key(intern: boolean): string {
    const pos = this.#pos;
    if (pos >= this.#end) this.#truncated(pos, 'a map key');
    const m = this.#b[pos];
    if (m >= 0x80 && m <= 0x8f) {
      const len = m & 0x0f;
      this.#pos = pos + 1;
      this.#keyBytes(len, pos);
      if (intern) return this.#internedKey(pos + 1, len, pos);
      return this.#string(len, pos);
    }
    if (m === 0xd0 && intern) {
      this.#pos = pos + 1;
      const len = this.#size(1, pos);
      if (len <= MAX_KEY) {
        this.#keyBytes(len, pos);
        return this.#internedKey(this.#pos, len, pos);
      }
      this.#pos = pos;
    }
    if (m === 0xd0 || m === 0xd1 || m === 0xd2) {
      return this.#value() as string;
    }
    throw invalidMapKey(m, pos);
  }

  /** A map key of `len` bytes (marker at `start`): within maxStringBytes, and all there. */
  #keyBytes(len: number, start: number): void {
    if (len > this.maxStringBytes)
      throw overLimit(`string of ${len} bytes`, start, 'maxStringBytes', this.maxStringBytes);
    if (this.#pos + len > this.#end) this.#need(len, start, `${len} UTF-8 bytes of a map key`);
  }

  #internedKey(p: number, len: number, start: number): string {
    this.#pos = p + len;
    if (len === 0) return '';
    const keys = this.#keys;
    const cached = keys.get(this.#b, p, len);
    if (cached !== undefined) return cached;
    const s = this.#text.short(this.#b, p, len);
    if (s === null) return this.#invalidUtf8(start);
    keys.put(this.#b, p, len, s);
    return s;
  }

  #enter(start: number): void {
    if (++this.#depth > this.maxDepth) throw tooDeep(start, this.maxDepth);
  }

  #list(n: number, start: number): unknown[] {
    this.#listHead(n, start);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#value();
    this.#depth--;
    return out;
  }

  /** A list whose short strings are interned (see #fields). */
  #internedList(n: number, start: number): unknown[] {
    this.#listHead(n, start);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = this.#internedItem();
    this.#depth--;
    return out;
  }

  /** A list's count within maxListLength and the input; one level deeper. */
  #listHead(n: number, start: number): void {
    if (n > this.maxListLength)
      throw overLimit(`list of ${n} items`, start, 'maxListLength', this.maxListLength);
    // every item takes at least one byte: reject impossible counts before allocating
    if (n > this.#end - this.#pos) this.#need(n, start, `${n} list items`);
    this.#enter(start);
  }

  #internedItem(): unknown {
    const pos = this.#pos;
    if (pos < this.#end) {
      const m = this.#b[pos];
      if (m > 0x80 && m <= 0x8f) {
        const len = m & 0x0f;
        this.#pos = pos + 1;
        if (len > this.maxStringBytes)
          throw overLimit(`string of ${len} bytes`, pos, 'maxStringBytes', this.maxStringBytes);
        if (this.#pos + len > this.#end) this.#need(len, pos, `${len} UTF-8 bytes of a string`);
        return this.#internedKey(pos + 1, len, pos);
      }
    }
    return this.#value();
  }

  #map(n: number, start: number): Record<string, unknown> {
    if (n > this.maxMapEntries)
      throw overLimit(`map of ${n} entries`, start, 'maxMapEntries', this.maxMapEntries);
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

  /**
   * The fields of a structure. For a registered one (`known`), the short strings of a small
   * list field are interned: a Node's labels repeat from record to record, so its held records
   * share one string per label instead of each holding its own copy.
   */
  #fields(n: number, start: number, known: boolean): unknown[] {
    if (n > this.#end - this.#pos) this.#need(n, start, `${n} structure fields`);
    this.#enter(start);
    const fields = new Array(n);
    const b = this.#b;
    for (let i = 0; i < n; i++) {
      const pos = this.#pos;
      const m = known && pos < this.#end ? b[pos] : 0;
      if (m > 0x90 && m <= 0x9f) {
        this.#pos = pos + 1;
        fields[i] = this.#internedList(m & 0x0f, pos);
      } else fields[i] = this.#value();
    }
    this.#depth--;
    return fields;
  }

  #struct(n: number, start: number): unknown {
    this.#need(1, start, 'a structure tag');
    const tag = this.#b[this.#pos++];
    const spec = this.#byTag[tag];
    const fields = this.#fields(n, start, spec !== undefined);
    if (spec === undefined) return new Structure(tag, fields);
    const counts = spec.counts;
    if (counts.length === 1 ? counts[0] !== n : !counts.includes(n))
      throw fieldCount(tag, start, n, counts);
    try {
      return spec.hydrate(fields);
    } catch (e) {
      throw hydrationFailed(tag, start, e);
    }
  }

  #uuidValue(start: number): Uuid {
    if (!this.#uuid) throw uuidNotAllowed(start);
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

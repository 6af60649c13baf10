import { boltStructs, LATEST_BOLT_VERSION } from './bolt-structs';
import { ByteWriter } from './byte-writer';
import { Float } from './float';
import { checkDepth } from './max-depth';
import { PackStreamError } from './packstream-error';
import { spreadRun } from './string-runs';
import type { StructRegistry } from './struct-registry';
import { Structure } from './structure';
import { utf8Write } from './utf8';
import { Uuid } from './uuid';

/** Options of `Encoder`. */
export interface EncoderOptions {
  /** Struct registry that dehydrates Bolt classes. Default: `boltStructs(LATEST_BOLT_VERSION)` (6.1). */
  structs?: StructRegistry;
  /**
   * Send every JS `number` as FLOAT_64, like the official driver (wrap integers in `bigint`).
   * Default false: a safe-integer number goes as INT, any other number as FLOAT.
   */
  numbersAsFloat?: boolean;
  /** Maximum nesting of lists, maps and structures (1..1000). Deeper (or cyclic) values fail
   *  with LIMIT_EXCEEDED instead of overflowing the stack. Default 64. */
  maxDepth?: number;
}

const TWO_32 = 4294967296;
const INT64_MIN = -9223372036854775808n;
const INT64_MAX = 9223372036854775807n;
// Strings shorter than this many UTF-16 units are encoded with a JS loop; longer ones with
// TextEncoder.encodeInto (faster from about this length on). Must be at least 16 (a longer
// string then never takes the tiny header) and at most 85 (3 bytes per unit fit STRING_8).
const SHORT_STRING = 24;
// Back-to-back strings of a list with this many UTF-16 units together are tried as one run
// (see #stringRun).
const RUN_MIN = 128;
const RUN_MAX = 16384;
// Where an encoder points before its first encode (never written: #begin sets the real sink).
const NO_SINK = new ByteWriter(16);

/**
 * PackStream v1 encoder. One instance can be reused for any number of values; it holds no
 * per-value state between calls.
 */
export class Encoder {
  readonly structs: StructRegistry;
  readonly numbersAsFloat: boolean;
  readonly maxDepth: number;
  readonly #textEncoder = new TextEncoder();
  // encode()'s own output, made on first use (an encoder that only writes into given sinks, as
  // a server's does, never needs it)
  #own: ByteWriter | undefined;
  // the sink being written: its buffer, view and position are mirrored here while encoding
  #out: ByteWriter = NO_SINK;
  #buf: Uint8Array = NO_SINK.buffer;
  #view: DataView = NO_SINK.view;
  #pos = 0;
  #depth = 0;
  // string runs are tried until one is not all ASCII (then not again in this call)
  #runs = true;
  readonly #uuid: boolean;
  readonly #byType: Map<Function, (value: any) => Structure>;

  constructor(options: EncoderOptions = {}) {
    this.structs = options.structs ?? boltStructs(LATEST_BOLT_VERSION);
    this.numbersAsFloat = options.numbersAsFloat ?? false;
    this.maxDepth = checkDepth(options.maxDepth ?? 64);
    this.#uuid = this.structs.uuid;
    this.#byType = this.structs.byType;
  }

  /** Encode one value into fresh bytes. */
  encode(value: unknown): Uint8Array {
    const out = (this.#own ??= new ByteWriter(8192));
    out.reset();
    this.encodeInto(out, value);
    const bytes = out.toBytes();
    if (out.buffer.length > 1 << 20) this.#own = new ByteWriter(8192); // do not pin big buffers
    return bytes;
  }

  /** Append one value to `out`. On error, `out` is left as it was before the call. */
  encodeInto(out: ByteWriter, value: unknown): void {
    const start = out.length;
    this.#begin(out);
    try {
      this.#value(value);
      this.#end();
    } catch (e) {
      out.length = start;
      this.#depth = 0;
      throw e;
    }
  }

  /**
   * Append a structure (struct header, tag, then each field) to `out`. This is how a Bolt message
   * is written: the outer structure is the message, its fields are values.
   */
  encodeStructInto(out: ByteWriter, tag: number, fields: readonly unknown[]): void {
    const start = out.length;
    this.#begin(out);
    try {
      this.#struct(tag, fields);
      this.#end();
    } catch (e) {
      out.length = start;
      this.#depth = 0;
      throw e;
    }
  }

  /**
   * Append each of `items`, one after the other, with no header: the caller has written the
   * header of the list or structure they belong to (a hot path writes a constant header once,
   * e.g. `B1 71 93` before the three values of a RECORD). `depth` is the number of levels those
   * headers open, counted against `maxDepth` as if the whole value were encoded here. On error,
   * `out` is left as it was before the call.
   */
  encodeItemsInto(out: ByteWriter, items: readonly unknown[], depth = 0): void {
    const start = out.length;
    this.#begin(out);
    this.#depth = depth;
    try {
      for (let i = 0; i < items.length; i++) this.#value(items[i]);
      this.#end();
    } catch (e) {
      out.length = start;
      this.#depth = 0;
      throw e;
    }
  }

  #begin(out: ByteWriter): void {
    this.#out = out;
    this.#buf = out.buffer;
    this.#view = out.view;
    this.#pos = out.length;
    this.#depth = 0;
    this.#runs = true;
  }

  #end(): void {
    this.#out.length = this.#pos;
  }

  /** Make room for n more bytes. */
  #need(n: number): void {
    if (this.#pos + n <= this.#buf.length) return;
    const out = this.#out;
    out.length = this.#pos;
    out.ensure(n);
    this.#buf = out.buffer;
    this.#view = out.view;
  }

  #value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        if (!this.numbersAsFloat && Number.isSafeInteger(v) && !Object.is(v, -0)) this.#int(v);
        else this.#float(v);
        return;
      case 'string':
        this.#string(v);
        return;
      case 'boolean':
        this.#need(1);
        this.#buf[this.#pos++] = v ? 0xc3 : 0xc2;
        return;
      case 'bigint':
        this.#bigint(v);
        return;
      case 'undefined':
        this.#need(1);
        this.#buf[this.#pos++] = 0xc0;
        return;
      case 'object':
        if (v === null) {
          this.#need(1);
          this.#buf[this.#pos++] = 0xc0;
        } else {
          this.#object(v);
        }
        return;
      default:
        throw new PackStreamError('UNSUPPORTED_VALUE', `PackStream cannot carry a ${typeof v}`);
    }
  }

  #object(v: object): void {
    if (Array.isArray(v)) {
      this.#list(v);
      return;
    }
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      this.#map(v as Record<string, unknown>);
      return;
    }
    const ctor = proto.constructor;
    if (ctor === Uint8Array) {
      this.#bytes(v as Uint8Array);
      return;
    }
    if (ctor === Float) {
      this.#float((v as Float).value);
      return;
    }
    if (ctor === Structure) {
      this.#struct((v as Structure).tag, (v as Structure).fields);
      return;
    }
    const dehydrate = this.#byType.get(ctor);
    if (dehydrate !== undefined) {
      let s: Structure;
      try {
        s = dehydrate(v);
      } catch (e) {
        if (PackStreamError.isInstance(e)) throw e;
        throw new PackStreamError(
          'UNSUPPORTED_VALUE',
          `cannot encode this ${ctor.name}: ${e instanceof Error ? e.message : String(e)}`,
          -1,
          { cause: e },
        );
      }
      if (!(s instanceof Structure)) {
        throw new PackStreamError(
          'INVALID_STRUCT',
          `the dehydrator of ${ctor.name} did not return a Structure`,
        );
      }
      this.#struct(s.tag, s.fields);
      return;
    }
    if (v instanceof Map) {
      this.#mapFromMap(v);
      return;
    }
    if (v instanceof Uint8Array) {
      this.#bytes(v);
      return;
    }
    if (v instanceof Uuid) {
      this.#uuidValue(v);
      return;
    }
    if (v instanceof Structure) {
      this.#struct(v.tag, v.fields);
      return;
    }
    if (v instanceof Float) {
      this.#float(v.value);
      return;
    }
    throw new PackStreamError(
      'UNSUPPORTED_VALUE',
      `PackStream cannot carry a ${ctor?.name ?? 'object'}${ctor === globalThis.Date ? ' (use DateTime.fromStandardDate)' : ''}; register it in a StructRegistry or pass a plain object`,
    );
  }

  #int(v: number): void {
    this.#need(9);
    const b = this.#buf;
    let p = this.#pos;
    if (v >= -16 && v <= 127) {
      b[p++] = v & 0xff;
    } else if (v >= -128 && v < -16) {
      b[p++] = 0xc8;
      b[p++] = v & 0xff;
    } else if (v >= -32768 && v <= 32767) {
      b[p++] = 0xc9;
      b[p++] = (v >> 8) & 0xff;
      b[p++] = v & 0xff;
    } else if (v >= -2147483648 && v <= 2147483647) {
      b[p++] = 0xca;
      b[p++] = (v >> 24) & 0xff;
      b[p++] = (v >> 16) & 0xff;
      b[p++] = (v >> 8) & 0xff;
      b[p++] = v & 0xff;
    } else {
      b[p] = 0xcb;
      this.#view.setInt32(p + 1, Math.floor(v / TWO_32));
      this.#view.setUint32(p + 5, v >>> 0);
      p += 9;
    }
    this.#pos = p;
  }

  #bigint(v: bigint): void {
    if (v >= -2147483648n && v <= 2147483647n) {
      this.#int(Number(v));
      return;
    }
    if (v < INT64_MIN || v > INT64_MAX) {
      throw new PackStreamError(
        'UNSUPPORTED_VALUE',
        `integer ${v} is outside the signed 64-bit range`,
      );
    }
    this.#need(9);
    this.#buf[this.#pos] = 0xcb;
    this.#view.setBigInt64(this.#pos + 1, v);
    this.#pos += 9;
  }

  #float(v: number): void {
    this.#need(9);
    this.#buf[this.#pos] = 0xc1;
    this.#view.setFloat64(this.#pos + 1, v);
    this.#pos += 9;
  }

  #string(s: string): void {
    const n = s.length;
    if (n < SHORT_STRING) {
      // ASCII fast path: byte length == n, so the header is known up front.
      this.#need(2 + n * 3);
      const b = this.#buf;
      const start = this.#pos;
      let p = n < 16 ? start + 1 : start + 2;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        b[p++] = c;
      }
      if (i === n) {
        if (n < 16) b[start] = 0x80 | n;
        else {
          b[start] = 0xd0;
          b[start + 1] = n;
        }
        this.#pos = p;
        return;
      }
      // Non-ASCII: continue in UTF-8 after the ASCII prefix.
      p = utf8Write(s, i, b, p);
      const headerGuess = n < 16 ? 1 : 2;
      const bodyStart = start + headerGuess;
      const len = p - bodyStart;
      const header = len < 16 ? 1 : 2; // len <= 3*63 < 256
      if (header !== headerGuess) b.copyWithin(start + header, bodyStart, p);
      if (header === 1) b[start] = 0x80 | len;
      else {
        b[start] = 0xd0;
        b[start + 1] = len;
      }
      this.#pos = start + header + len;
      return;
    }
    // Longer string: TextEncoder into the buffer behind a header sized for the UTF-16 length
    // (the UTF-8 length is never smaller), moved right if the real length needs a wider header.
    this.#need(5 + n * 3);
    const b = this.#buf;
    const start = this.#pos;
    const guess = n < 256 ? 2 : n < 65536 ? 3 : 5;
    const len = this.#textEncoder.encodeInto(s, b.subarray(start + guess)).written;
    const header = len < 256 ? 2 : len < 65536 ? 3 : 5;
    if (header !== guess) b.copyWithin(start + header, start + guess, start + guess + len);
    this.#sizeHeader(start, header, len, 0x80, 0xd0);
    this.#pos = start + header + len;
  }

  /** Write a size header of `header` bytes at `at` (tiny form when header is 1). */
  #sizeHeader(at: number, header: number, size: number, tiny: number, base: number): void {
    const b = this.#buf;
    switch (header) {
      case 1:
        b[at] = tiny | size;
        break;
      case 2:
        b[at] = base;
        b[at + 1] = size;
        break;
      case 3:
        b[at] = base + 1;
        b[at + 1] = size >> 8;
        b[at + 2] = size & 0xff;
        break;
      default:
        b[at] = base + 2;
        this.#view.setUint32(at + 1, size);
    }
  }

  /** Write a collection header (tiny when tiny >= 0 and size < 16). */
  #header(size: number, tiny: number, base: number): void {
    this.#need(5);
    const header = size < 16 && tiny >= 0 ? 1 : size < 256 ? 2 : size < 65536 ? 3 : 5;
    this.#sizeHeader(this.#pos, header, size, tiny, base);
    this.#pos += header;
  }

  #bytes(v: Uint8Array): void {
    this.#header(v.length, -1, 0xcc);
    this.#need(v.length);
    this.#buf.set(v, this.#pos);
    this.#pos += v.length;
  }

  #uuidValue(v: Uuid): void {
    if (!this.#uuid) {
      throw new PackStreamError(
        'UNSUPPORTED_IN_VERSION',
        'a UUID (marker E0) needs Bolt 6.1 or later; this registry does not allow it',
      );
    }
    this.#need(17);
    this.#buf[this.#pos] = 0xe0;
    this.#buf.set(v.bytes, this.#pos + 1);
    this.#pos += 17;
  }

  #enter(): void {
    if (++this.#depth > this.maxDepth) {
      throw new PackStreamError(
        'LIMIT_EXCEEDED',
        `value nests deeper than maxDepth ${this.maxDepth} (or is cyclic)`,
      );
    }
  }

  #list(v: unknown[]): void {
    this.#enter();
    const n = v.length;
    this.#header(n, 0x90, 0xd4);
    let i = 0;
    while (i < n) {
      const x = v[i];
      if (typeof x === 'string' && this.#runs && i + 1 < n && typeof v[i + 1] === 'string') {
        i += this.#stringRun(v, i, n);
        continue;
      }
      this.#value(x);
      i++;
    }
    this.#depth--;
  }

  /**
   * Back-to-back strings v[i..] of a list (RUN_MIN..RUN_MAX UTF-16 units together): joined and
   * written by ONE encodeInto call behind room for their headers; if that wrote one byte per
   * unit (all ASCII), each string is moved down behind its own header; if not, they are
   * written one by one and no run is tried again in this call. Strings too short together for a
   * run are written one by one too, so each string of the list is scanned once (a list of many
   * empty strings stays linear). Returns how many strings were written.
   */
  #stringRun(v: unknown[], i: number, n: number): number {
    let j = i;
    let units = 0;
    while (j < n) {
      const s = v[j];
      if (typeof s !== 'string' || units + s.length > RUN_MAX) break;
      units += s.length;
      j++;
    }
    if (j === i) j++; // v[i] alone is longer than a run may be
    const count = j - i;
    if (count < 2 || units < RUN_MIN) {
      for (let k = i; k < j; k++) this.#string(v[k] as string);
      return count;
    }
    let joined = v[i] as string;
    for (let k = i + 1; k < j; k++) joined += v[k] as string;
    // room: headers of up to 3 bytes (each string < 65536 units), then the text, 3 bytes/unit
    this.#need(count * 3 + units * 3);
    const b = this.#buf;
    const src = this.#pos + count * 3;
    if (this.#textEncoder.encodeInto(joined, b.subarray(src)).written !== units) {
      this.#runs = false;
      for (let k = i; k < j; k++) this.#string(v[k] as string);
      return count;
    }
    this.#pos = spreadRun(b, this.#pos, src, v, i, j);
    return count;
  }

  #map(v: Record<string, unknown>): void {
    this.#enter();
    const keys = Object.keys(v);
    const n = keys.length;
    // One pass: reserve the header for all keys, patch it if undefined entries were skipped.
    this.#need(5);
    const start = this.#pos;
    const reserved = n < 16 ? 1 : n < 256 ? 2 : n < 65536 ? 3 : 5;
    this.#pos = start + reserved;
    let count = 0;
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      const x = v[k];
      if (x === undefined) continue;
      count++;
      this.#string(k);
      this.#value(x);
    }
    const header = count < 16 ? 1 : count < 256 ? 2 : count < 65536 ? 3 : 5;
    if (header !== reserved) {
      this.#buf.copyWithin(start + header, start + reserved, this.#pos);
      this.#pos -= reserved - header;
    }
    this.#sizeHeader(start, header, count, 0xa0, 0xd8);
    this.#depth--;
  }

  #mapFromMap(m: Map<unknown, unknown>): void {
    this.#enter();
    let n = 0;
    for (const [k, x] of m) {
      if (typeof k !== 'string') {
        throw new PackStreamError('INVALID_MAP_KEY', `map keys must be strings, got a ${typeof k}`);
      }
      if (x !== undefined) n++;
    }
    this.#header(n, 0xa0, 0xd8);
    for (const [k, x] of m) {
      if (x === undefined) continue;
      this.#string(k as string);
      this.#value(x);
    }
    this.#depth--;
  }

  #struct(tag: number, fields: readonly unknown[]): void {
    if (!Number.isInteger(tag) || tag < 0 || tag > 255) {
      throw new PackStreamError(
        'INVALID_STRUCT',
        `structure tag must be an integer 0..255, got ${tag}`,
      );
    }
    if (!Array.isArray(fields) || fields.length > 15) {
      throw new PackStreamError(
        'INVALID_STRUCT',
        `a structure holds at most 15 fields, got ${Array.isArray(fields) ? fields.length : typeof fields}`,
      );
    }
    this.#enter();
    this.#need(2);
    this.#buf[this.#pos++] = 0xb0 | fields.length;
    this.#buf[this.#pos++] = tag;
    for (let i = 0; i < fields.length; i++) this.#value(fields[i]);
    this.#depth--;
  }
}

import {
  checkInput,
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
import type { Decoder } from './decoder';
import type { ResolvedSpec } from './struct-registry';
import { STRICT_UTF8 } from './text-reader';
import { orBytes, utf8ToUnits } from './utf8';

// Multibyte strings up to this many bytes are validated by the JS decoder into a reused buffer,
// longer ones by a fatal TextDecoder.
const JS_UTF8_MAX = 16384;
const EMPTY = new Uint8Array(0);

/**
 * Walks PackStream values without building them, for `Decoder#check`: every check `decode()`
 * makes, with the same errors. One per Decoder; not reentrant.
 */
export class Checker {
  readonly #decoder: Decoder;
  readonly #byTag: readonly (ResolvedSpec | undefined)[];
  #units = new Uint16Array(0);
  #b: Uint8Array = EMPTY;
  #pos = 0;
  #end = 0;
  #depth = 0;

  constructor(decoder: Decoder) {
    this.#decoder = decoder;
    this.#byTag = decoder.structs.byTag;
  }

  /** Check one value spanning bytes[offset, end); returns the containers it holds. */
  check(bytes: Uint8Array, offset: number, end: number): number {
    checkInput(bytes, offset, end, this.#decoder.maxMessageBytes);
    this.#begin(bytes, offset, end);
    try {
      const containers = this.#skip();
      if (this.#pos !== end) throw trailing(this.#pos, end - this.#pos);
      return containers;
    } finally {
      this.#b = EMPTY;
    }
  }

  #begin(bytes: Uint8Array, offset: number, end: number): void {
    this.#b = bytes;
    this.#pos = offset;
    this.#end = end;
    this.#depth = 0;
  }

  /** Require n more bytes after the cursor (for the value whose marker is at `start`). */
  #need(n: number, start: number, what: string): void {
    const pos = this.#pos;
    if (pos + n > this.#end) throw tooFewBytes(n, pos, start, what, this.#end - pos);
  }

  /** Check one value and move past it; returns the containers it holds. */
  #skip(): number {
    const pos = this.#pos;
    if (pos >= this.#end) throw truncated(pos, 'a marker byte', this.#end);
    const m = this.#b[pos];
    this.#pos = pos + 1;
    if (m < 0x80 || m >= 0xf0) return 0;
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
      case 0xc2:
      case 0xc3:
        return 0;
      case 0xc1:
        return this.#scalar(8, pos, 'the 8 bytes of a FLOAT_64');
      case 0xc8:
        return this.#scalar(1, pos, 'the byte of an INT_8');
      case 0xc9:
        return this.#scalar(2, pos, 'the 2 bytes of an INT_16');
      case 0xca:
        return this.#scalar(4, pos, 'the 4 bytes of an INT_32');
      case 0xcb:
        return this.#scalar(8, pos, 'the 8 bytes of an INT_64');
      case 0xcc:
      case 0xcd:
      case 0xce:
        return this.#bytes(this.#size(1 << (m - 0xcc), pos), pos);
      case 0xd0:
      case 0xd1:
      case 0xd2:
        return this.#string(this.#size(1 << (m - 0xd0), pos), pos);
      case 0xd4:
      case 0xd5:
      case 0xd6:
        return this.#list(this.#size(1 << (m - 0xd4), pos), pos);
      case 0xd8:
      case 0xd9:
      case 0xda:
        return this.#map(this.#size(1 << (m - 0xd8), pos), pos);
      case 0xe0:
        if (!this.#decoder.structs.uuid) throw uuidNotAllowed(pos);
        return this.#scalar(16, pos, 'the 16 bytes of a UUID') + 1;
      default:
        throw reserved(m, pos);
    }
  }

  /** Read an unsigned size of 1, 2 or 4 bytes. */
  #size(width: number, start: number): number {
    this.#need(width, start, `a ${width}-byte size`);
    const b = this.#b;
    let n = 0;
    for (let i = 0; i < width; i++) n = n * 256 + b[this.#pos++];
    return n;
  }

  #scalar(n: number, start: number, what: string): number {
    this.#need(n, start, what);
    this.#pos += n;
    return 0;
  }

  #bytes(len: number, start: number): number {
    const max = this.#decoder.maxBytesLength;
    if (len > max) throw overLimit(`byte array of ${len} bytes`, start, 'maxBytesLength', max);
    this.#need(len, start, `${len} bytes of a BYTES value`);
    this.#pos += len;
    return 1;
  }

  #string(len: number, start: number): number {
    const max = this.#decoder.maxStringBytes;
    if (len > max) throw overLimit(`string of ${len} bytes`, start, 'maxStringBytes', max);
    this.#need(len, start, `${len} UTF-8 bytes of a string`);
    const p = this.#pos;
    this.#pos = p + len;
    if (!this.#validUtf8(p, len)) throw invalidUtf8(start);
    return 0;
  }

  #validUtf8(p: number, len: number): boolean {
    const b = this.#b;
    if (!(orBytes(b, p, p + len) & 0x80)) return true;
    if (len <= JS_UTF8_MAX) {
      if (this.#units.length < len) this.#units = new Uint16Array(len <= 1024 ? 1024 : JS_UTF8_MAX);
      return utf8ToUnits(b, p, p + len, this.#units) >= 0;
    }
    try {
      STRICT_UTF8.decode(b.subarray(p, p + len));
      return true;
    } catch {
      return false;
    }
  }

  #enter(start: number): void {
    const max = this.#decoder.maxDepth;
    if (++this.#depth > max) throw tooDeep(start, max);
  }

  #list(n: number, start: number): number {
    const max = this.#decoder.maxListLength;
    if (n > max) throw overLimit(`list of ${n} items`, start, 'maxListLength', max);
    this.#need(n, start, `${n} list items`);
    return 1 + this.#items(n, start);
  }

  #items(n: number, start: number): number {
    this.#enter(start);
    let containers = 0;
    for (let i = 0; i < n; i++) containers += this.#skip();
    this.#depth--;
    return containers;
  }

  #map(n: number, start: number): number {
    const max = this.#decoder.maxMapEntries;
    if (n > max) throw overLimit(`map of ${n} entries`, start, 'maxMapEntries', max);
    this.#need(n * 2, start, `${n} map entries`);
    this.#enter(start);
    let containers = 1;
    for (let i = 0; i < n; i++) {
      const pos = this.#pos;
      if (pos >= this.#end) throw truncated(pos, 'a map key', this.#end);
      const m = this.#b[pos];
      if ((m & 0xf0) !== 0x80 && m !== 0xd0 && m !== 0xd1 && m !== 0xd2)
        throw invalidMapKey(m, pos);
      this.#skip();
      containers += this.#skip();
    }
    this.#depth--;
    return containers;
  }

  /** A structure: its fields are checked (and counted); a registered tag's structure is then
   *  decoded and dropped, so its field count and hydrator are checked too. */
  #struct(n: number, start: number): number {
    this.#need(1, start, 'a structure tag');
    const tag = this.#b[this.#pos++];
    this.#need(n, start, `${n} structure fields`);
    const containers = 1 + this.#items(n, start);
    if (this.#byTag[tag] !== undefined) this.#decoder.decode(this.#b, start, this.#pos);
    return containers;
  }
}

const HEX = /^[0-9a-fA-F]{32}$/;

/** Bolt 6.1+: a UUID, sent as PackStream marker `E0` + 16 bytes (RFC 9562 byte order). */
export class Uuid {
  readonly bytes: Uint8Array;

  /** @param bytes exactly 16 bytes; copied. */
  constructor(bytes: Uint8Array) {
    if (!(bytes instanceof Uint8Array) || bytes.length !== 16) {
      throw new TypeError('a Uuid needs exactly 16 bytes');
    }
    this.bytes = bytes.slice();
  }

  /** Parse `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` (hyphens optional, any case). */
  static parse(s: string): Uuid {
    const hex = s.replace(/-/g, '');
    if (!HEX.test(hex) || (s.length !== 32 && s.length !== 36)) {
      throw new TypeError(`not a UUID: ${JSON.stringify(s)}`);
    }
    const b = new Uint8Array(16);
    for (let i = 0; i < 16; i++) b[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
    return new Uuid(b);
  }

  /** Lower-case canonical form. */
  toString(): string {
    let h = '';
    for (let i = 0; i < 16; i++) {
      h += this.bytes[i].toString(16).padStart(2, '0');
      if (i === 3 || i === 5 || i === 7 || i === 9) h += '-';
    }
    return h;
  }

  equals(other: Uuid): boolean {
    for (let i = 0; i < 16; i++) if (this.bytes[i] !== other.bytes[i]) return false;
    return true;
  }
}

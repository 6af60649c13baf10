import * as ps from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { toHex } from './vector-value';

const enc = new ps.Encoder();
const hex = (v: unknown, e: ps.Encoder = enc) => toHex(e.encode(v));

function err(fn: () => unknown): ps.PackStreamError {
  try {
    fn();
  } catch (e) {
    if (ps.PackStreamError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a PackStreamError');
}

describe('integer policy', () => {
  it('a safe-integer number goes as INT in its smallest form', () => {
    expect(hex(1)).toBe('01');
    expect(hex(-16)).toBe('F0');
    expect(hex(128)).toBe('C9 00 80');
    expect(hex(2 ** 31)).toBe('CB 00 00 00 00 80 00 00 00');
    expect(hex(Number.MAX_SAFE_INTEGER)).toBe('CB 00 1F FF FF FF FF FF FF');
  });

  it('any other number goes as FLOAT (fractions, unsafe integers, NaN, ±Infinity, -0)', () => {
    expect(hex(1.5)).toBe('C1 3F F8 00 00 00 00 00 00');
    expect(hex(2 ** 53)).toBe('C1 43 40 00 00 00 00 00 00');
    expect(hex(Number.NaN)).toBe('C1 7F F8 00 00 00 00 00 00');
    expect(hex(-Infinity)).toBe('C1 FF F0 00 00 00 00 00 00');
    expect(hex(-0)).toBe('C1 80 00 00 00 00 00 00 00');
  });

  it('float() forces FLOAT for a whole number; bigint is always INT', () => {
    expect(hex(ps.float(1))).toBe('C1 3F F0 00 00 00 00 00 00');
    expect(hex(new ps.Float(0))).toBe('C1 00 00 00 00 00 00 00 00');
    expect(hex(1n)).toBe('01');
    expect(hex(-129n)).toBe('C9 FF 7F');
  });

  it('numbersAsFloat sends every number as FLOAT, like the official driver', () => {
    const compat = new ps.Encoder({ numbersAsFloat: true });
    expect(hex(1, compat)).toBe('C1 3F F0 00 00 00 00 00 00');
    expect(hex(1n, compat)).toBe('01');
    // Bolt types keep their Integer fields as INT
    expect(hex(new ps.Date(2007, 12, 3), compat)).toBe('B1 44 C9 36 1A');
  });

  it('bigint outside int64 is UNSUPPORTED_VALUE', () => {
    expect(err(() => enc.encode(2n ** 63n)).code).toBe('UNSUPPORTED_VALUE');
    expect(err(() => enc.encode(-(2n ** 63n) - 1n)).code).toBe('UNSUPPORTED_VALUE');
  });
});

describe('JS -> wire mapping', () => {
  it('undefined is NULL in lists and skipped in maps', () => {
    expect(hex([undefined])).toBe('91 C0');
    expect(hex({ a: undefined, b: 1 })).toBe('A1 81 62 01');
    expect(hex(undefined)).toBe('C0');
    // 16 keys reserve a MAP_8 header; one undefined entry makes it a TINY_MAP of 15
    const o: Record<string, unknown> = {};
    for (let i = 0; i < 16; i++) o[String.fromCharCode(97 + i)] = i === 3 ? undefined : 1;
    const bytes = enc.encode(o);
    expect(toHex(bytes.subarray(0, 3))).toBe('AF 81 61');
    expect(bytes.length).toBe(1 + 15 * 3);
    const big: Record<string, unknown> = { a: [1, 'x'.repeat(300)] };
    for (let i = 0; i < 300; i++) big[`k${i}`] = i < 290 ? undefined : i;
    expect(new ps.Decoder().decode(enc.encode(big))).toEqual(
      Object.fromEntries(Object.entries(big).filter(([, x]) => x !== undefined)),
    );
  });

  it('Map and null-prototype objects are MAPs; Map keys must be strings', () => {
    expect(hex(new Map([['a', 1]]))).toBe('A1 81 61 01');
    const bare = Object.create(null);
    bare.a = 1;
    expect(hex(bare)).toBe('A1 81 61 01');
    expect(err(() => enc.encode(new Map([[1, 1]]))).code).toBe('INVALID_MAP_KEY');
  });

  it('Uint8Array (and subclasses) are BYTES; other typed arrays are refused', () => {
    expect(hex(Uint8Array.of(1, 2))).toBe('CC 02 01 02');
    expect(hex(new Uint8Array(new ArrayBuffer(8), 2, 1))).toBe('CC 01 00');
    expect(err(() => enc.encode(new Int16Array(2))).code).toBe('UNSUPPORTED_VALUE');
  });

  it('functions, symbols, JS Dates and unregistered classes are UNSUPPORTED_VALUE', () => {
    expect(err(() => enc.encode(() => 1)).code).toBe('UNSUPPORTED_VALUE');
    expect(err(() => enc.encode(Symbol('x'))).code).toBe('UNSUPPORTED_VALUE');
    expect(err(() => enc.encode(new globalThis.Date())).message).toMatch(
      /DateTime\.fromStandardDate/,
    );
    class Thing {}
    expect(err(() => enc.encode([new Thing()])).message).toMatch(/Thing/);
  });

  it('structures: tag 0..255, at most 15 fields', () => {
    expect(hex(new ps.Structure(0x7f, []))).toBe('B0 7F');
    expect(err(() => enc.encode(new ps.Structure(256, []))).code).toBe('INVALID_STRUCT');
    expect(err(() => enc.encode(new ps.Structure(1, new Array(16).fill(0)))).code).toBe(
      'INVALID_STRUCT',
    );
  });

  it('Bolt values with impossible fields are UNSUPPORTED_VALUE, never a silent other date', () => {
    for (const v of [
      new ps.Date(2020, 13, 1),
      new ps.Date(2020, 1, 0),
      new ps.Date(Number.NaN, 1, 1),
      new ps.LocalTime(24, 0, 0, 0),
      new ps.Time(1, 60, 0, 0, 0),
      new ps.Time(1, 0, 0, 0, 1.5),
      new ps.LocalDateTime(2020, 1, 1, 0, 0, 0, 1e9),
      new ps.DateTime(2020, 1, 1, 0, 0, 61, 0, 0),
      new ps.Duration(1.5, 0, 0, 0),
    ]) {
      expect(err(() => enc.encode(v)).code).toBe('UNSUPPORTED_VALUE');
    }
    expect(err(() => enc.encode(new ps.Duration(1.5, 0, 0, 0))).message).toMatch(/Duration/);
  });

  it('a DateTime needs an offset or a zone', () => {
    expect(err(() => enc.encode(new ps.DateTime(2020, 1, 1, 0, 0, 0, 0))).code).toBe(
      'UNSUPPORTED_VALUE',
    );
  });

  it('user types register on an extended registry; shared registries are sealed', () => {
    class Money {
      constructor(
        public cents: bigint,
        public currency: string,
      ) {}
    }
    const shared = ps.boltStructs({ major: 5, minor: 8 });
    expect(() => shared.register({ tag: 0x24, fields: 2, hydrate: () => 0 })).toThrow(TypeError);
    const structs = shared.extend().register<Money>({
      tag: 0x24,
      fields: 2,
      type: Money,
      hydrate: ([c, cur]) => new Money(BigInt(c as number), cur as string),
      dehydrate: (m) => new ps.Structure(0x24, [m.cents, m.currency]),
    });
    const e = new ps.Encoder({ structs });
    const bytes = e.encode(new Money(150n, 'EUR'));
    expect(toHex(bytes)).toBe('B2 24 C9 00 96 83 45 55 52');
    expect(new ps.Decoder({ structs }).decode(bytes)).toEqual(new Money(150n, 'EUR'));
    expect(new ps.Decoder({ structs: shared }).decode(bytes)).toEqual(
      new ps.Structure(0x24, [150, 'EUR']),
    );
  });
});

describe('sinks', () => {
  it('encodeInto appends; on error the output is left as it was', () => {
    const out = new ps.ByteWriter(4);
    enc.encodeInto(out, 'hello world, longer than four bytes');
    const before = out.toBytes();
    expect(() => enc.encodeInto(out, [1, 2, () => 3])).toThrow();
    expect(out.toBytes()).toEqual(before);
    enc.encodeInto(out, 1);
    expect(out.length).toBe(before.length + 1);
  });

  it('encodeStructInto writes a message struct around its fields', () => {
    const out = new ps.ByteWriter();
    enc.encodeStructInto(out, 0x3f, [{ n: -1 }]);
    expect(toHex(out.toBytes())).toBe('B1 3F A1 81 6E FF');
    expect(err(() => enc.encodeStructInto(out, 0x10, new Array(16).fill(null))).code).toBe(
      'INVALID_STRUCT',
    );
    expect(out.length).toBe(6);
  });

  it('encodeItemsInto writes the items alone, counts the depth given, and undoes a failure', () => {
    const out = new ps.ByteWriter(4);
    out.bytes(Uint8Array.of(0xb1, 0x71, 0x93));
    enc.encodeItemsInto(out, [1, 'a', [true]], 2);
    expect(toHex(out.toBytes())).toBe('B1 71 93 01 81 61 91 C3');
    // the same bytes as the whole structure encoded at once
    const whole = new ps.ByteWriter();
    enc.encodeStructInto(whole, 0x71, [[1, 'a', [true]]]);
    expect(out.toBytes()).toEqual(whole.toBytes());
    expect(() => enc.encodeItemsInto(out, [1, () => 2])).toThrow();
    expect(out.length).toBe(8);
    // depth: a list nested 2 deep under 2 given levels reaches 4
    const shallow = new ps.Encoder({ maxDepth: 3 });
    expect(err(() => shallow.encodeItemsInto(out, [[[1]]], 2)).code).toBe('LIMIT_EXCEEDED');
    expect(err(() => shallow.encodeStructInto(out, 0x71, [[[[1]]]])).code).toBe('LIMIT_EXCEEDED');
    shallow.encodeItemsInto(out, [[1]], 2);
    expect(out.length).toBe(10);
  });

  it('ByteWriter grows, resets and copies', () => {
    const w = new ps.ByteWriter(1);
    w.u8(1);
    w.u16(0x0203);
    w.u32(0x04050607);
    w.bytes(Uint8Array.of(8, 9));
    expect(Array.from(w.toBytes())).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const copy = w.toBytes();
    w.reset();
    expect(w.length).toBe(0);
    w.u8(42);
    expect(copy[0]).toBe(1);
  });

  it('strings of every length class get their smallest header, multibyte included', () => {
    for (const [s, head] of [
      ['é'.repeat(7), '8E'], // 14 bytes: tiny
      ['é'.repeat(8), 'D0 10'], // 16 bytes
      ['€'.repeat(5), '8F'], // 15 bytes
      ['x'.repeat(63), 'D0 3F'],
      ['x'.repeat(64), 'D0 40'],
      ['é'.repeat(127), 'D0 FE'],
      ['é'.repeat(128), 'D1 01 00'],
      ['😀'.repeat(20), 'D0 50'], // 80 bytes through the TextEncoder path
    ] as const) {
      expect(hex(s).startsWith(head)).toBe(true);
      expect(new ps.Decoder().decode(enc.encode(s))).toBe(s);
    }
  });

  it('a lone surrogate is sent as U+FFFD (like TextEncoder)', () => {
    expect(hex('\ud800')).toBe('83 EF BF BD');
    expect(hex(`${'a'.repeat(70)}\ud800`).endsWith('EF BF BD')).toBe(true);
  });
});

// the longest run of back-to-back strings the encoder joins (UTF-16 units)
const RUN_MAX_FOR_TEST = 16_384;

describe('lists of strings (back-to-back strings written as one run when all ASCII)', () => {
  // the reference: the list header, then each string encoded on its own (never a run)
  const byOne = (list: unknown[]) => {
    const parts = list.map((x) => enc.encode(x));
    const header = enc.encode(new Array(list.length).fill(null)).subarray(0, -list.length);
    const out = new Uint8Array(header.length + parts.reduce((n, p) => n + p.length, 0));
    out.set(header);
    let at = header.length;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return toHex(out);
  };
  const ascii = (n: number, seed: number) =>
    Array.from({ length: n }, (_, i) => String.fromCharCode(32 + ((i * 7 + seed) % 95))).join('');

  it('every header size, run limits, strings of 0 to 300 units', () => {
    const lengths = [0, 1, 15, 16, 23, 24, 40, 255, 256, 300, 5, 127, 128];
    const list = lengths.flatMap((n, i) => [ascii(n, i), ascii(n + 1, i + 1)]);
    expect(hex(list)).toBe(byOne(list));
    // more than one run (16,384 units each) in one list, and a run cut by other values
    const long = Array.from({ length: 400 }, (_, i) => ascii(40 + (i % 90), i));
    expect(hex(long)).toBe(byOne(long));
    const cut = [...long.slice(0, 50), 1, null, ...long.slice(50, 60), { k: 'v' }, 'x', 'y'];
    expect(hex(cut)).toBe(byOne(cut));
    expect(new ps.Decoder().decode(enc.encode(long))).toEqual(long);
  });

  it('reads each string of a long list of short strings once (no run in them: linear work)', () => {
    // 20,000 empty strings, a number, then 20,000 strings of which 100 hold one character:
    // together never long enough for a run. Counted through a proxy: the reads of the list's
    // items stay a small multiple of its length (they were quadratic: 4 × 10^8 here).
    const items = [
      ...new Array(20_000).fill(''),
      1,
      ...Array.from({ length: 20_000 }, (_, i) => (i % 200 === 0 ? 'x' : '')),
      ascii(RUN_MAX_FOR_TEST + 10, 1), // a string longer than any run, then more short ones
      'a',
      'b',
    ];
    let reads = 0;
    const counted = new Proxy(items, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(hex(counted)).toBe(byOne(items));
    expect(reads).toBeLessThan(items.length * 4);
    expect(new ps.Decoder().decode(enc.encode(items))).toEqual(items);
  });

  it('not all ASCII: the same bytes as string by string (also surrogates that would pair)', () => {
    const multi = Array.from(
      { length: 40 },
      (_, i) => `${ascii(30, i)}${i % 7 === 3 ? 'é✓😀' : ''}`,
    );
    expect(hex(multi)).toBe(byOne(multi));
    // a high surrogate ending one string and a low one starting the next: two lone surrogates
    // (EF BF BD each), never one 4-byte character
    const split = [`${ascii(100, 1)}\ud83d`, `\ude00${ascii(100, 2)}`, ascii(100, 3)];
    expect(hex(split)).toBe(byOne(split));
    expect(hex(split)).toContain('EF BF BD');
    // after a run that was not ASCII, later ASCII runs in the same value are still exact
    const both = [...multi, ...Array.from({ length: 10 }, (_, i) => ascii(50, i))];
    expect(hex(both)).toBe(byOne(both));
  });
});

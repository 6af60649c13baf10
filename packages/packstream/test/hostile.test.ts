// Hostile input: impossible lengths, depth bombs, prototype pollution, bad UTF-8, bad structures.
import * as ps from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { hexToBytes } from './vector-value';

function err(fn: () => unknown): ps.PackStreamError {
  try {
    fn();
  } catch (e) {
    if (ps.PackStreamError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a PackStreamError');
}

const dec = new ps.Decoder();
const unlimited = new ps.Decoder({
  maxStringBytes: Number.POSITIVE_INFINITY,
  maxBytesLength: Number.POSITIVE_INFINITY,
  maxListLength: Number.POSITIVE_INFINITY,
  maxMapEntries: Number.POSITIVE_INFINITY,
});

describe('impossible lengths are rejected before allocating', () => {
  // 10 bytes of input, each claiming 4 GiB (or 4G items)
  const cases: [string, string][] = [
    ['STRING_32', 'D2 FF FF FF FF 41 42 43 44 45'],
    ['BYTES_32', 'CE FF FF FF FF 01 02 03 04 05'],
    ['LIST_32', 'D6 FF FF FF FF 01 02 03 04 05'],
    ['MAP_32', 'DA FF FF FF FF 81 61 01 81 62'],
  ];
  for (const [name, hex] of cases) {
    it(`${name} header claiming 4 GiB on 10 bytes: LIMIT_EXCEEDED with default limits`, () => {
      const e = err(() => dec.decode(hexToBytes(hex)));
      expect(e.code).toBe('LIMIT_EXCEEDED');
      expect(e.offset).toBe(0);
      expect(e.message).toMatch(/4294967295/);
    });
    it(`${name} header claiming 4 GiB on 10 bytes: TRUNCATED even with no limits`, () => {
      const before = process.memoryUsage().arrayBuffers;
      const e = err(() => unlimited.decode(hexToBytes(hex)));
      expect(e.code).toBe('TRUNCATED');
      expect(e.offset).toBe(0);
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1024 * 1024);
    });
  }

  it('a nested header deep inside a value reports its own offset', () => {
    const e = err(() => dec.decode(hexToBytes('92 01 D1 00 10 41')));
    expect(e.code).toBe('TRUNCATED');
    expect(e.offset).toBe(2);
    expect(e.message).toMatch(/offset 2/);
  });

  it('limits are options', () => {
    const small = new ps.Decoder({
      maxStringBytes: 2,
      maxBytesLength: 2,
      maxListLength: 2,
      maxMapEntries: 1,
      maxMessageBytes: 100,
    });
    expect(err(() => small.decode(hexToBytes('83 61 62 63'))).code).toBe('LIMIT_EXCEEDED');
    expect(small.decode(hexToBytes('82 61 62'))).toBe('ab');
    expect(err(() => small.decode(hexToBytes('CC 03 01 02 03'))).code).toBe('LIMIT_EXCEEDED');
    expect(err(() => small.decode(hexToBytes('93 01 02 03'))).code).toBe('LIMIT_EXCEEDED');
    expect(err(() => small.decode(hexToBytes('A2 81 61 01 81 62 02'))).code).toBe('LIMIT_EXCEEDED');
    expect(err(() => small.decode(new Uint8Array(101))).code).toBe('LIMIT_EXCEEDED');
  });

  it('maxStringBytes bounds map keys too, in every key form, before their bytes are needed', () => {
    const small = new ps.Decoder({ maxStringBytes: 2 });
    // tiny and STRING_8 keys of a small map (interned), then of a 40-entry map (not interned);
    // each key claims 3 bytes of which only 1 is there
    const big = Array.from({ length: 40 }, () => '81 61 01').join(' ');
    for (const hex of ['A1 83 61', 'A1 D0 03 61', `D8 29 ${big} 83 61`, `D8 29 ${big} D0 03 61`]) {
      const e = err(() => small.decode(hexToBytes(hex)));
      expect(e.code).toBe('LIMIT_EXCEEDED');
      expect(e.message).toMatch(/string of 3 bytes .* exceeds maxStringBytes 2/);
    }
    expect(small.decode(hexToBytes('A1 82 61 62 01'))).toEqual({ ab: 1 });
  });
});

describe("a structure's list fields (interned short strings) decode and fail as any list", () => {
  // Node (B4 4E): id 1, labels, {} and element id "e"; labels is the list field whose tiny
  // strings come from the key cache
  const node = (labels: string) => hexToBytes(`B4 4E 01 ${labels} A0 81 65`);

  it('labels: ASCII, multibyte, empty and repeated, the same as outside a structure', () => {
    const hex = '94 86 50 65 72 73 6F 6E 82 C3 A9 80 86 50 65 72 73 6F 6E';
    for (let i = 0; i < 2; i++) {
      const n = dec.decode(node(hex)) as ps.Node;
      expect(n.labels).toEqual(['Person', 'é', '', 'Person']);
      expect(n.labels).toEqual(dec.decode(hexToBytes(hex)));
    }
  });

  it('bad UTF-8, truncation and maxStringBytes give the errors of a plain list', () => {
    const small = new ps.Decoder({ maxStringBytes: 2 });
    for (const [d, labels] of [
      [dec, '91 82 C3 28'],
      [dec, '91 83 61'],
      [small, '91 83 61 62 63'],
    ] as const) {
      // the Node's bytes end with the labels (the failure comes before the rest)
      const inNode = err(() => d.decode(hexToBytes(`B4 4E 01 ${labels}`)));
      // the same list decoded on its own fails the same way, 3 bytes earlier
      const alone = err(() => d.decode(hexToBytes(labels)));
      expect(inNode.code).toBe(alone.code);
      expect(inNode.offset).toBe((alone.offset ?? 0) + 3);
    }
  });
});

describe('depth bombs', () => {
  for (const [name, open] of [
    ['lists', 0x91],
    ['maps', -1],
    ['structures', 0xb1],
  ] as const) {
    it(`100,000 nested ${name}: LIMIT_EXCEEDED, no stack overflow`, () => {
      const parts: number[] = [];
      for (let i = 0; i < 100_000; i++) {
        if (open === -1) parts.push(0xa1, 0x81, 0x61);
        else if (open === 0xb1) parts.push(0xb1, 0x01);
        else parts.push(open);
      }
      parts.push(0xc0);
      const e = err(() => dec.decode(Uint8Array.from(parts)));
      expect(e.code).toBe('LIMIT_EXCEEDED');
      expect(e.message).toMatch(/maxDepth 64/);
    });
  }

  it('exactly maxDepth levels decode; one more fails', () => {
    const d = new ps.Decoder({ maxDepth: 3 });
    expect(d.decode(hexToBytes('91 91 91 C0'))).toEqual([[[null]]]);
    expect(err(() => d.decode(hexToBytes('91 91 91 91 C0'))).code).toBe('LIMIT_EXCEEDED');
  });

  it('the encoder refuses cycles and over-deep values with LIMIT_EXCEEDED', () => {
    const a: unknown[] = [];
    a.push(a);
    expect(err(() => new ps.Encoder().encode(a)).code).toBe('LIMIT_EXCEEDED');
    const o: Record<string, unknown> = {};
    o.self = o;
    expect(err(() => new ps.Encoder().encode(o)).code).toBe('LIMIT_EXCEEDED');
    let deep: unknown = 1;
    for (let i = 0; i < 65; i++) deep = [deep];
    expect(err(() => new ps.Encoder().encode(deep)).code).toBe('LIMIT_EXCEEDED');
    expect(() => new ps.Encoder({ maxDepth: 100 }).encode(deep)).not.toThrow();
  });

  it('the highest allowed maxDepth (1000) decodes and encodes without a stack overflow', () => {
    const enc = new ps.Encoder({ maxDepth: ps.MAX_DEPTH_LIMIT });
    const d = new ps.Decoder({ maxDepth: ps.MAX_DEPTH_LIMIT });
    let list: unknown = null;
    let map: unknown = null;
    let struct: unknown = null;
    for (let i = 0; i < ps.MAX_DEPTH_LIMIT; i++) {
      list = [list];
      map = { a: map };
      struct = new ps.Structure(1, [struct]);
    }
    for (const v of [list, map, struct]) expect(d.decode(enc.encode(v))).toEqual(v);
  });

  it('maxDepth above the safe recursion bound is refused at construction', () => {
    expect(() => new ps.Decoder({ maxDepth: 1_000_000 })).toThrow(RangeError);
    expect(() => new ps.Encoder({ maxDepth: 1_000_000 })).toThrow(RangeError);
  });
});

describe('prototype pollution', () => {
  it('a "__proto__" map key becomes an own property; Object.prototype is untouched', () => {
    // {"__proto__": {"polluted": true}}
    const bytes = hexToBytes('A1 89 5F 5F 70 72 6F 74 6F 5F 5F A1 88 70 6F 6C 6C 75 74 65 64 C3');
    const v = dec.decode(bytes) as Record<string, unknown>;
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
    expect(Object.hasOwn(v, '__proto__')).toBe(true);
    expect(v.polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getOwnPropertyDescriptor(v, '__proto__')?.value).toEqual({ polluted: true });
  });

  it('"constructor" and "prototype" keys are plain data', () => {
    const v = dec.decode(
      new ps.Encoder().encode({ constructor: 1, prototype: 2, toString: 3 }),
    ) as Record<string, unknown>;
    expect(v).toEqual({ constructor: 1, prototype: 2, toString: 3 });
    expect(Object.getPrototypeOf(v)).toBe(Object.prototype);
  });
});

describe('malformed input', () => {
  it('every reserved marker is RESERVED_MARKER at its offset', () => {
    const reserved = [0xc4, 0xc5, 0xc6, 0xc7, 0xcf, 0xd3, 0xd7, 0xdb, 0xdc, 0xdd, 0xde, 0xdf];
    for (let m = 0xe1; m <= 0xef; m++) reserved.push(m);
    for (const m of reserved) {
      const e = err(() => dec.decode(Uint8Array.of(0x91, m)));
      expect(e.code).toBe('RESERVED_MARKER');
      expect(e.offset).toBe(1);
    }
  });

  it('invalid UTF-8 is INVALID_UTF8, in short and long strings and in map keys', () => {
    const bad = [
      'C0 80', // overlong NUL
      'E0 80 80', // overlong
      'ED A0 80', // surrogate
      'F4 90 80 80', // > U+10FFFF
      'F5 80 80 80',
      'C3', // truncated sequence
      '80', // lone continuation
      'E2 82', // truncated 3-byte
    ];
    for (const b of bad) {
      const body = hexToBytes(b);
      const short = Uint8Array.of(0x80 | body.length, ...body);
      expect(err(() => dec.decode(short)).code).toBe('INVALID_UTF8');
      const longBody = Uint8Array.of(...new Array(100).fill(0x41), ...body);
      const long = Uint8Array.of(0xd0, longBody.length, ...longBody);
      expect(err(() => dec.decode(long)).code).toBe('INVALID_UTF8');
      // non-ASCII start: the JS decoder (not TextDecoder) handles strings up to 16 KiB
      const multiBody = Uint8Array.of(...new Array(20).fill([0xc3, 0xa9]).flat(), ...body);
      const multi = Uint8Array.of(0xd0, multiBody.length, ...multiBody);
      expect(err(() => dec.decode(multi)).code).toBe('INVALID_UTF8');
      const key = Uint8Array.of(0xa1, 0x80 | body.length, ...body, 0x01);
      expect(err(() => dec.decode(key)).code).toBe('INVALID_UTF8');
    }
  });

  it('keys of big (non-interned) maps are decoded and validated the same way', () => {
    const big: Record<string, number> = {};
    for (let i = 0; i < 40; i++) big[i % 2 ? `k${i}` : `ключ${i}`] = i;
    big['x'.repeat(20)] = 1;
    const enc = new ps.Encoder();
    expect(dec.decode(enc.encode(big))).toEqual(big);
    // 40 entries, the first key has an invalid byte
    const bytes = enc.encode(
      Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`k${String(i).padStart(2, '0')}`, 0]),
      ),
    );
    expect(bytes[0]).toBe(0xd8);
    bytes[3] = 0xff; // "k00" -> "\xff00"
    expect(err(() => dec.decode(bytes)).code).toBe('INVALID_UTF8');
  });

  it('valid 1-4 byte UTF-8 decodes in both string paths', () => {
    const s = 'aé€😀';
    const enc = new ps.Encoder();
    expect(dec.decode(enc.encode(s))).toBe(s);
    expect(dec.decode(enc.encode(s.repeat(40)))).toBe(s.repeat(40));
    expect(dec.decode(enc.encode({ [s]: s }))).toEqual({ [s]: s });
  });

  it('a non-string map key is INVALID_MAP_KEY at the key offset', () => {
    const e = err(() => dec.decode(hexToBytes('A1 01 01')));
    expect(e.code).toBe('INVALID_MAP_KEY');
    expect(e.offset).toBe(1);
    expect(err(() => dec.decode(hexToBytes('A1 C0 01'))).code).toBe('INVALID_MAP_KEY');
    expect(err(() => dec.decode(hexToBytes('A1 90 01'))).code).toBe('INVALID_MAP_KEY');
  });

  it('map keys in STRING_8/16 forms are accepted', () => {
    expect(dec.decode(hexToBytes('A1 D0 01 61 01'))).toEqual({ a: 1 });
    expect(dec.decode(hexToBytes('A1 D1 00 01 61 01'))).toEqual({ a: 1 });
    const longKey = 'k'.repeat(40);
    expect(dec.decode(new ps.Encoder().encode({ [longKey]: 1 }))).toEqual({ [longKey]: 1 });
  });

  it('a known tag with the wrong field count is INVALID_STRUCT', () => {
    const e = err(() => dec.decode(hexToBytes('B2 44 01 02')));
    expect(e.code).toBe('INVALID_STRUCT');
    expect(e.message).toMatch(/0x44.*2 fields, expected 1/);
    // a 5.x Node has 4 fields, a 4.4 Node 3
    expect(err(() => dec.decode(hexToBytes('B3 4E 01 90 A0'))).code).toBe('INVALID_STRUCT');
    const v44 = new ps.Decoder({ structs: ps.boltStructs({ major: 4, minor: 4 }) });
    expect(err(() => v44.decode(hexToBytes('B4 4E 01 90 A0 81 78'))).code).toBe('INVALID_STRUCT');
  });

  it('a known tag with wrong field types is INVALID_STRUCT, with the cause', () => {
    const e = err(() => dec.decode(hexToBytes('B1 44 81 41')));
    expect(e.code).toBe('INVALID_STRUCT');
    expect(e.message).toMatch(/Date\.days must be an Integer/);
    expect(err(() => dec.decode(hexToBytes('B4 4E 01 81 41 A0 81 78'))).message).toMatch(/labels/);
    expect(err(() => dec.decode(hexToBytes('B3 58 01 81 41 02'))).message).toMatch(
      /Point\.x must be a Float/,
    );
    // INT coordinates are tolerated (in auto mode 1 and 1.0 are the same JS number)
    expect(dec.decode(hexToBytes('B3 58 01 01 02'))).toEqual(new ps.Point(1, 1, 2));
  });

  it('a Path with out-of-range indices is INVALID_STRUCT', () => {
    const node = 'B4 4E 01 90 A0 81 61';
    const rel = 'B4 72 0A 81 52 A0 81 72';
    expect(
      err(() => dec.decode(hexToBytes(`B3 50 91 ${node} 91 ${rel} 92 02 00`))).message,
    ).toMatch(/relationship index 2/);
    expect(err(() => dec.decode(hexToBytes(`B3 50 91 ${node} 91 ${rel} 92 00 00`))).code).toBe(
      'INVALID_STRUCT',
    );
    expect(
      err(() => dec.decode(hexToBytes(`B3 50 91 ${node} 91 ${rel} 92 01 05`))).message,
    ).toMatch(/node index 5/);
    expect(err(() => dec.decode(hexToBytes(`B3 50 91 ${node} 91 ${rel} 91 01`))).message).toMatch(
      /even length/,
    );
    expect(err(() => dec.decode(hexToBytes(`B3 50 90 90 90`))).message).toMatch(/non-empty/);
  });

  it('a Vector with a bad marker or a ragged length is INVALID_STRUCT', () => {
    expect(err(() => dec.decode(hexToBytes('B2 56 CC 01 C2 CC 00'))).message).toMatch(
      /type marker/,
    );
    expect(err(() => dec.decode(hexToBytes('B2 56 CC 01 C9 CC 03 00 01 02'))).message).toMatch(
      /multiple of 2/,
    );
    expect(err(() => dec.decode(hexToBytes('B2 56 CC 02 C9 C9 CC 00'))).message).toMatch(/1 byte/);
  });

  it('temporal fields out of range are INVALID_STRUCT', () => {
    expect(err(() => dec.decode(hexToBytes('B1 74 FF'))).code).toBe('INVALID_STRUCT'); // negative nano-of-day
    expect(err(() => dec.decode(hexToBytes('B2 64 00 CA 7F FF FF FF'))).code).toBe(
      'INVALID_STRUCT',
    ); // nanos > 1e9
    expect(err(() => dec.decode(hexToBytes('B1 44 CB 7F FF FF FF FF FF FF FF'))).code).toBe(
      'INVALID_STRUCT',
    );
  });

  it('a zone id Intl does not know keeps the raw structure instead of failing', () => {
    const v = dec.decode(hexToBytes('B3 69 00 00 84 4E 6F 70 65'));
    expect(v).toEqual(new ps.Structure(0x69, [0, 0, 'Nope']));
  });

  it('trailing bytes are TRAILING_BYTES at the first extra byte', () => {
    const e = err(() => dec.decode(hexToBytes('01 02')));
    expect(e.code).toBe('TRAILING_BYTES');
    expect(e.offset).toBe(1);
    expect(err(() => dec.decodeStruct(hexToBytes('B0 01 00'))).code).toBe('TRAILING_BYTES');
  });

  it('decode honours offset and end', () => {
    const bytes = hexToBytes('FF 93 01 02 03 FF');
    expect(dec.decode(bytes, 1, 5)).toEqual([1, 2, 3]);
    expect(err(() => dec.decode(bytes, 1, 4)).code).toBe('TRUNCATED');
    expect(() => dec.decode(bytes, 4, 2)).toThrow(RangeError);
    expect(() => dec.decode(bytes, 0, 99)).toThrow(RangeError);
  });

  it('decodeStruct needs a structure marker', () => {
    const e = err(() => dec.decodeStruct(hexToBytes('91 01')));
    expect(e.code).toBe('INVALID_STRUCT');
    expect(err(() => dec.decodeStruct(new Uint8Array(0))).code).toBe('TRUNCATED');
  });

  it('decodeStruct does not hydrate the outer structure (message tags overlap value tags)', () => {
    // 0x54 is both TELEMETRY and Time: as a message it stays a Structure with raw fields
    const s = dec.decodeStruct(hexToBytes('B1 54 01'));
    expect(s).toEqual(new ps.Structure(0x54, [1]));
    // nested values ARE hydrated
    const r = dec.decodeStruct(hexToBytes('B1 71 91 B1 44 C9 36 1A'));
    expect(r.fields[0]).toEqual([new ps.Date(2007, 12, 3)]);
  });

  it('bytes decode as a copy, never a view into the input', () => {
    const input = hexToBytes('CC 02 01 02');
    const b = dec.decode(input) as Uint8Array;
    input[2] = 9;
    expect(Array.from(b)).toEqual([1, 2]);
    expect(b.buffer).not.toBe(input.buffer);
  });
});

// Strings take one of several decoding paths by length and content (ASCII runs of back-to-back
// strings sliced from one TextDecoder call, JS UTF-8 decoders, TextDecoder); these pin the
// decoded values and the errors of each.
describe('string decoding paths (runs, the JS decoder, TextDecoder)', () => {
  const enc = new ps.Encoder();
  const ascii = (i: number, n: number) =>
    Array.from({ length: n }, (_, k) => String.fromCharCode(32 + ((i * 7 + k) % 95))).join('');

  it('lists and maps of ASCII strings in every size form decode exactly', () => {
    const list = Array.from({ length: 300 }, (_, i) => ascii(i, (i * 13) % 70));
    list.push(ascii(1, 300), ascii(2, 5000), '', 'x', ascii(3, 255), ascii(4, 256));
    list.push(ascii(5, 20_000), ...list.slice(0, 300), ascii(6, 70_000), 'y');
    expect(dec.decode(enc.encode(list))).toEqual(list);
    expect(new ps.Decoder({ stringRuns: false }).decode(enc.encode(list))).toEqual(list);
    const map: Record<string, string> = {};
    for (let i = 0; i < 100; i++) map[ascii(i, 3 + (i % 40))] = ascii(i + 1, (i * 5) % 60);
    expect(dec.decode(enc.encode(map))).toEqual(map);
    const mixed = [...list.slice(0, 50), 1, 2.5, null, ...list.slice(50, 100), [ascii(9, 90)]];
    expect(dec.decode(enc.encode(mixed))).toEqual(mixed);
  });

  it('scratch buffers grow from small to large runs and strings', () => {
    const fresh = new ps.Decoder();
    for (const [count, size] of [
      [10, 20],
      [200, 60],
      [10, 20],
    ]) {
      const list = Array.from({ length: count }, (_, i) => ascii(i, size));
      expect(fresh.decode(enc.encode(list))).toEqual(list);
    }
    for (const n of [10, 1000, 10]) {
      const s = '\u00e9\u65e5'.repeat(n);
      expect(fresh.decode(enc.encode(s))).toBe(s);
    }
  });

  it('a multibyte string inside a run of ASCII strings decodes exactly', () => {
    const list = Array.from({ length: 40 }, (_, i) => ascii(i, 20));
    list[17] = 'h\u00e9llo \u65e5\u672c \u{1f600}';
    expect(dec.decode(enc.encode(list))).toEqual(list);
    // the decoder is reusable: a later all-ASCII run is not affected
    const next = Array.from({ length: 40 }, (_, i) => ascii(i + 3, 20));
    expect(dec.decode(enc.encode(next))).toEqual(next);
  });

  it('multibyte strings of every length class decode exactly and strictly', () => {
    // (the JS decoder's paths: <= 40 bytes, up to 64 bytes, up to 16 KiB; TextDecoder beyond)
    const unit = 'h\u00e9 \u65e5\u{1f600}';
    for (const n of [3, 8, 12, 40, 200, 3000, 5000]) {
      const s = unit.repeat(n);
      expect(dec.decode(enc.encode(s))).toBe(s);
      // a leading BOM is text, never dropped
      expect(dec.decode(enc.encode(`\ufeff${s}`))).toBe(`\ufeff${s}`);
      for (const bad of [
        [0xff],
        [0xc0, 0x80],
        [0xed, 0xa0, 0x80],
        [0xf4, 0x90, 0x80, 0x80],
        [0xe2, 0x82],
      ]) {
        const body = [...enc.encode(s).subarray(3), ...bad];
        const bytes = Uint8Array.of(
          0xd2,
          ...[24, 16, 8, 0].map((k) => (body.length >>> k) & 0xff),
          ...body,
        );
        const e = err(() => dec.decode(bytes));
        expect(e.code).toBe('INVALID_UTF8');
        expect(e.offset).toBe(0);
      }
    }
  });

  it('invalid UTF-8 in any string of a run is INVALID_UTF8 at that string', () => {
    // D4 40, then 64 strings "8A" + 10 bytes: string k starts at offset 2 + 11k
    for (const k of [0, 1, 30, 63]) {
      for (const bad of [0xff, 0x80, 0xc3]) {
        const bytes = enc.encode(Array.from({ length: 64 }, () => 'abcdefghij'));
        expect(bytes[0]).toBe(0xd4);
        bytes[2 + 11 * k + 5] = bad;
        for (const d of [dec, new ps.Decoder({ stringRuns: false })]) {
          const e = err(() => d.decode(bytes));
          expect(e.code).toBe('INVALID_UTF8');
          expect(e.offset).toBe(2 + 11 * k);
        }
      }
    }
    // a sequence split across two strings is invalid in both (each string stands alone)
    const split = enc.encode(Array.from({ length: 30 }, () => 'abcdefghij'));
    split[2 + 11 * 4 + 10] = 0xc3; // last byte of string 4
    split[2 + 11 * 5 + 1] = 0xa9; // first byte of string 5
    expect(err(() => dec.decode(split)).offset).toBe(2 + 11 * 4);
  });

  it('limits and truncation inside a run are reported at the offending string', () => {
    const small = new ps.Decoder({ maxStringBytes: 20 });
    const list = Array.from({ length: 30 }, () => 'abcdefghij');
    list[12] = 'x'.repeat(21);
    const e = err(() => small.decode(enc.encode(list)));
    expect(e.code).toBe('LIMIT_EXCEEDED');
    expect(e.offset).toBe(2 + 11 * 12);
    const bytes = enc.encode(Array.from({ length: 30 }, () => 'abcdefghij'));
    const t = err(() => dec.decode(bytes.subarray(0, bytes.length - 3)));
    expect(t.code).toBe('TRUNCATED');
    expect(t.offset).toBe(2 + 11 * 29);
  });

  it('a run never reads past `end`', () => {
    const parts = Array.from({ length: 20 }, (_, i) => enc.encode(ascii(i, 20)));
    const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    expect(dec.decode(all, 0, parts[0].length)).toBe(ascii(0, 20));
    expect(dec.decode(all, parts[0].length, parts[0].length * 2)).toBe(ascii(1, 20));
  });
});

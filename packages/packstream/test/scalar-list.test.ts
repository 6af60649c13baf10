// ScalarListReader: lists of scalars checked once and read in place, item by item, with the
// values and the acceptance of Decoder#decode.
import * as ps from '@bolt/packstream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileByte, value } from './arbitraries';

const enc = new ps.Encoder();

/** Every item of the list in `bytes`, read one after the other. */
function readAll(reader: ps.ScalarListReader, bytes: Uint8Array): unknown[] {
  const n = reader.scan(bytes, 0, bytes.length);
  if (n < 0) throw new Error('not accepted');
  const out: unknown[] = [];
  let at = reader.first;
  for (let i = 0; i < n; i++) {
    const skipped = reader.skip(bytes, at);
    out.push(reader.read(bytes, at));
    expect(reader.end).toBe(skipped);
    at = reader.end;
  }
  expect(at).toBe(bytes.length);
  return out;
}

/** `decode()`'s outcome: its value, or the code of its PackStreamError. */
function decodeOutcome(dec: ps.Decoder, bytes: Uint8Array): unknown {
  try {
    return { ok: dec.decode(bytes) };
  } catch (e) {
    if (!ps.PackStreamError.isInstance(e)) throw e;
    return { code: e.code };
  }
}

const edgeScalars: unknown[] = [
  null,
  true,
  false,
  0,
  -1,
  -16,
  -17,
  127,
  128,
  -128,
  -129,
  32767,
  32768,
  -32768,
  -32769,
  2147483647,
  2147483648,
  -2147483648,
  -2147483649,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_SAFE_INTEGER,
  2n ** 63n - 1n,
  -(2n ** 63n),
  2n ** 53n,
  new ps.Float(1),
  1.5,
  -0,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  5e-324,
  '',
  'a',
  'x'.repeat(15),
  'x'.repeat(16),
  'x'.repeat(255),
  'x'.repeat(256),
  'x'.repeat(65535),
  'é',
  'naïve café',
  '日本語のテキスト'.repeat(10),
  '😀 emoji',
  '\u0000',
  '\ufeffbom',
];

describe('ScalarListReader', () => {
  it('reads every kind of scalar as decode() builds it, in both integer modes', () => {
    const bytes = enc.encode(edgeScalars);
    for (const integers of ['auto', 'bigint'] as const) {
      const reader = new ps.ScalarListReader({ integers });
      const dec = new ps.Decoder({ integers });
      const expected = dec.decode(bytes) as unknown[];
      const got = readAll(reader, bytes);
      expect(got.length).toBe(expected.length);
      for (let i = 0; i < got.length; i++) expect(Object.is(got[i], expected[i])).toBe(true);
    }
  });

  it('agrees with decode() on generated lists of scalars', () => {
    const scalar = fc.oneof(
      fc.constant(null),
      fc.boolean(),
      fc.integer(),
      fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
      fc.double(),
      fc.string({ unit: 'binary', maxLength: 300 }),
    );
    const reader = new ps.ScalarListReader();
    const dec = new ps.Decoder();
    fc.assert(
      fc.property(fc.array(scalar, { maxLength: 300 }), (list) => {
        const bytes = enc.encode(list);
        expect(readAll(reader, bytes)).toEqual(dec.decode(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('accepts a list only when every item is a scalar, and says where its items start', () => {
    const reader = new ps.ScalarListReader();
    expect(reader.scan(enc.encode([]), 0, 1)).toBe(0);
    const long = enc.encode(Array.from({ length: 300 }, (_, i) => i));
    expect(reader.scan(long, 0, long.length)).toBe(300);
    expect(reader.first).toBe(3); // D5 01 2C
    const mid = enc.encode(Array.from({ length: 20 }, (_, i) => i));
    expect(reader.scan(mid, 0, mid.length)).toBe(20);
    expect(reader.first).toBe(2); // D4 14
    for (const v of [
      [[1]],
      [{ a: 1 }],
      [1, new Uint8Array([1])],
      ['a', new ps.Node(1, [], {}, '1')],
      [new ps.Date(2024, 1, 31)],
      [new ps.Uuid(new Uint8Array(16))],
      1,
      'text',
      { a: 1 },
    ]) {
      const bytes = enc.encode(v);
      expect(reader.scan(bytes, 0, bytes.length)).toBe(-1);
    }
    // within a bigger buffer: [offset, end) exactly
    const inner = enc.encode([1, 'a']);
    const padded = new Uint8Array([0xff, ...inner, 0xff]);
    expect(reader.scan(padded, 1, 1 + inner.length)).toBe(2);
    expect(reader.first).toBe(2);
    expect(reader.scan(padded, 1, padded.length)).toBe(-1); // a trailing byte
  });

  it('rejects what decode() rejects: invalid UTF-8, strings over the limit, cut lists', () => {
    const reader = new ps.ScalarListReader({ maxStringBytes: 4 });
    const dec = new ps.Decoder({ maxStringBytes: 4 });
    const cases = [
      new Uint8Array([0x91, 0x82, 0xc3, 0x28]), // invalid UTF-8
      new Uint8Array([0x91, 0x81, 0xed]), // a lone lead byte
      enc.encode(['abcde']), // over maxStringBytes
      enc.encode(['abc', 1]).subarray(0, 4), // cut in a string
      new Uint8Array([0x92, 0x01]), // one item missing
      new Uint8Array([0x91, 0xc1, 0, 0]), // a cut float
      new Uint8Array([0x91, 0xc4]), // a reserved marker
    ];
    for (const bytes of cases) {
      expect(reader.scan(bytes, 0, bytes.length)).toBe(-1);
      expect(decodeOutcome(dec, bytes)).toHaveProperty('code');
    }
  });

  it('never throws on any bytes, and accepts only what decode() builds as a list of scalars', () => {
    const reader = new ps.ScalarListReader();
    const dec = new ps.Decoder();
    const scalarList = (v: unknown) =>
      Array.isArray(v) &&
      v.every((x) => x === null || ['boolean', 'number', 'bigint', 'string'].includes(typeof x));
    fc.assert(
      fc.property(fc.array(hostileByte, { maxLength: 40 }), (raw) => {
        const bytes = Uint8Array.from([0x93, ...raw]);
        const n = reader.scan(bytes, 0, bytes.length);
        const out = decodeOutcome(dec, bytes) as { ok?: unknown };
        if (n >= 0) {
          expect(scalarList(out.ok)).toBe(true);
          expect(readAll(reader, bytes)).toEqual(out.ok);
        }
      }),
      { numRuns: 3000 },
    );
    fc.assert(
      fc.property(value, (v) => {
        const bytes = enc.encode([v, 'x']);
        const n = reader.scan(bytes, 0, bytes.length);
        const decoded = dec.decode(bytes) as unknown[];
        expect(n >= 0).toBe(scalarList(decoded));
      }),
      { numRuns: 300 },
    );
  });
});

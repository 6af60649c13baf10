// Property tests: round-trip of generated values, truncation of every prefix, and random bytes.
import * as ps from '@bolt/packstream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileByte as byte, int64, value } from './arbitraries';

function expectPackStreamError(fn: () => unknown, code?: string): ps.PackStreamError {
  try {
    fn();
  } catch (e) {
    if (!ps.PackStreamError.isInstance(e)) throw new Error(`expected a PackStreamError, got ${e}`);
    if (code !== undefined) expect(e.code).toBe(code);
    return e;
  }
  throw new Error('expected a PackStreamError, nothing was thrown');
}

describe('properties', () => {
  const enc = new ps.Encoder();
  const dec = new ps.Decoder();

  it('any generated value round-trips (decode(encode(v)) equals v)', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(dec.decode(enc.encode(v))).toEqual(v);
      }),
      { numRuns: 500 },
    );
  });

  it('a __proto__ key round-trips as an own property and pollutes nothing', () => {
    const v = JSON.parse('{"__proto__": {"polluted": 1}, "a": [1]}');
    const back = dec.decode(enc.encode(v)) as Record<string, unknown>;
    expect(Object.keys(back)).toEqual(['__proto__', 'a']);
    expect(Object.getPrototypeOf(back)).toBe(Object.prototype);
    expect((back as { polluted?: number }).polluted).toBeUndefined();
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
  });

  it('bigint mode: every integer comes back as the same bigint', () => {
    const big = new ps.Decoder({ integers: 'bigint' });
    fc.assert(
      fc.property(fc.array(int64), (xs) => {
        expect(big.decode(enc.encode(xs))).toEqual(xs);
      }),
    );
  });

  it('every strict prefix of a valid encoding fails with TRUNCATED and nothing else', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = enc.encode(v);
        for (let k = 0; k < bytes.length; k++) {
          const e = expectPackStreamError(() => dec.decode(bytes.subarray(0, k)), 'TRUNCATED');
          expect(e.offset).toBeGreaterThanOrEqual(0);
          expect(e.offset).toBeLessThanOrEqual(k);
        }
      }),
      { numRuns: 80 },
    );
  });

  it('every strict prefix of a message fails decodeStruct with TRUNCATED', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 255 }),
        fc.array(value, { maxLength: 4 }),
        (tag, fields) => {
          const w = new ps.ByteWriter(16);
          enc.encodeStructInto(w, tag, fields);
          const bytes = w.toBytes();
          expect(dec.decodeStruct(bytes).fields).toEqual(fields);
          for (let k = 0; k < bytes.length; k++) {
            expectPackStreamError(() => dec.decodeStruct(bytes.subarray(0, k)), 'TRUNCATED');
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('random bytes only ever produce a value or a PackStreamError (every version, both integer modes)', () => {
    const decoders = [
      new ps.Decoder(),
      new ps.Decoder({ integers: 'bigint' }),
      ...[
        [1, 0],
        [2, 0],
        [4, 4],
        [5, 0],
        [6, 0],
      ].map(([major, minor]) => new ps.Decoder({ structs: ps.boltStructs({ major, minor }) })),
    ];
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 64 }), (arr) => {
        const bytes = Uint8Array.from(arr);
        for (const d of decoders) {
          for (const run of [() => d.decode(bytes), () => d.decodeStruct(bytes)]) {
            try {
              run();
            } catch (e) {
              if (!ps.PackStreamError.isInstance(e)) throw e;
            }
          }
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('decode(encode(v)) re-encodes to the same bytes (canonical encoding)', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = enc.encode(v);
        expect(enc.encode(dec.decode(bytes))).toEqual(bytes);
      }),
      { numRuns: 300 },
    );
  });
});

// Decoder#check and #listLength: checking bytes without building values (to decode them later).
import * as ps from '@bolt/packstream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostileByte, value } from './arbitraries';
import { hexToBytes } from './vector-value';

const registry = ps.boltStructs(ps.LATEST_BOLT_VERSION);

/** The PackStream containers (lists, maps, structures, byte arrays, UUIDs) `v` is sent as. */
function containers(v: unknown): number {
  if (v === null || typeof v !== 'object' || v instanceof ps.Float) return 0;
  const sum = (xs: unknown[]) => xs.reduce((n: number, x) => n + containers(x), 0);
  if (Array.isArray(v)) return 1 + sum(v);
  if (v instanceof Uint8Array || v instanceof ps.Uuid) return 1;
  if (v instanceof ps.Structure) return 1 + sum(v.fields);
  const dehydrate = registry.byType.get(v.constructor);
  if (dehydrate) return containers(dehydrate(v));
  return 1 + sum(Object.values(v));
}

/** What a call does: its value, or the code and offset of the PackStreamError it throws. */
function outcome(fn: () => unknown): unknown {
  try {
    return { ok: fn() };
  } catch (e) {
    if (!ps.PackStreamError.isInstance(e)) throw e;
    return { code: e.code, offset: e.offset };
  }
}

describe('Decoder#check', () => {
  const enc = new ps.Encoder();
  const dec = new ps.Decoder();

  it('accepts what decode accepts and counts its containers', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(dec.check(enc.encode(v))).toBe(containers(v));
      }),
      { numRuns: 500 },
    );
    expect(dec.check(enc.encode(7))).toBe(0);
    expect(dec.check(enc.encode('x'.repeat(100)))).toBe(0);
    expect(dec.check(enc.encode([1, 'a', 2.5, true, null]))).toBe(1);
    expect(dec.check(enc.encode({ a: [1], b: { c: 2 } }))).toBe(3);
    expect(dec.check(enc.encode([new ps.Node(1, ['A'], { k: 1 }, 'n1')]))).toBe(4);
  });

  it('fails on any input exactly as decode does: same error code, same offset', () => {
    const decoders = [
      new ps.Decoder(),
      new ps.Decoder({ stringRuns: false }),
      new ps.Decoder({ maxStringBytes: 8, maxListLength: 3, maxMapEntries: 2, maxDepth: 3 }),
      ...[
        [1, 0],
        [2, 0],
        [4, 4],
        [5, 0],
        [6, 0],
      ].map(([major, minor]) => new ps.Decoder({ structs: ps.boltStructs({ major, minor }) })),
    ];
    fc.assert(
      fc.property(fc.array(hostileByte, { maxLength: 64 }), (arr) => {
        const bytes = Uint8Array.from(arr);
        for (const d of decoders) {
          const decoded = outcome(() => d.decode(bytes)) as { ok?: unknown };
          const checked = outcome(() => d.check(bytes)) as { ok?: unknown };
          if ('ok' in decoded) expect(checked).toEqual({ ok: containers(decoded.ok) });
          else expect(checked).toEqual(decoded);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('fails on every strict prefix with TRUNCATED, and on malformed strings and keys', () => {
    fc.assert(
      fc.property(value, (v) => {
        const bytes = enc.encode(v);
        for (let k = 0; k < bytes.length; k++) {
          expect(outcome(() => dec.check(bytes.subarray(0, k)))).toEqual(
            outcome(() => dec.decode(bytes.subarray(0, k))),
          );
        }
      }),
      { numRuns: 80 },
    );
    for (const hex of [
      '83 61 FF 62', // invalid UTF-8 in a tiny string
      'D0 30 61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E 6F 70 61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E 6F 70 61 62 63 64 65 66 67 68 69 6A 6B 6C 6D 6E C3 28', // in a long one
      'A1 01 02', // a non-string map key
      'A1 82 C3 28 01', // a malformed map key
      'C7', // a reserved marker
      'B1 44 81 61', // a Date whose field is not an integer (the hydrator's check)
      '01 02', // trailing bytes
    ]) {
      const bytes = hexToBytes(hex);
      const expected = outcome(() => dec.decode(bytes)) as { code?: string };
      expect(expected.code).toBeDefined();
      expect(outcome(() => dec.check(bytes))).toEqual(expected);
    }
  });

  it('honours offset and end, as decode does', () => {
    const bytes = hexToBytes('FF 92 01 02 FF');
    expect(dec.check(bytes, 1, 4)).toBe(1);
    expect(outcome(() => dec.check(bytes, 1, 3))).toEqual({ code: 'TRUNCATED', offset: 1 });
    expect(() => dec.check(bytes, 3, 2)).toThrow(RangeError);
  });
});

describe('Decoder#listLength', () => {
  const enc = new ps.Encoder();
  const dec = new ps.Decoder();

  it('listLength is the item count, in every list size form', () => {
    for (const n of [0, 15, 16, 255, 256, 65535, 65536])
      expect(dec.listLength(enc.encode(new Array(n).fill(1)))).toBe(n);
    const list = enc.encode(['a', 'b']);
    const bytes = new Uint8Array(list.length + 2);
    bytes.set(list, 2);
    expect(dec.listLength(bytes, 2)).toBe(2);
  });

  it('listLength is -1 for anything but a list', () => {
    for (const v of [1, 'abc', { a: 1 }, null, new ps.Structure(1, [])])
      expect(dec.listLength(enc.encode(v))).toBe(-1);
    expect(dec.listLength(hexToBytes('D5 00'))).toBe(-1); // header cut short
  });
});

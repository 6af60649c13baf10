import { boltStructs, Decoder, Encoder, PackStreamError, Path, Structure } from '@bolt/packstream';
import { describe, expect, it } from 'vitest';
import { build, hexToBytes, toHex } from './vector-value';
import vectors from './vectors.json';

describe('PackStream value vectors (PackStream specification)', () => {
  const encoder = new Encoder();
  const decoder = new Decoder();
  for (const v of vectors.values) {
    const bytes = hexToBytes(v.hex, v.tail as [string, number] | undefined);
    it(`encodes ${v.name}`, () => {
      expect(toHex(encoder.encode(build(v.value)))).toBe(toHex(bytes));
    });
    it(`decodes ${v.name}`, () => {
      const expected = build(v.value, true);
      const got = decoder.decode(bytes);
      if (typeof expected === 'number' && Number.isNaN(expected))
        expect(Number.isNaN(got)).toBe(true);
      else if (Object.is(expected, -0)) expect(Object.is(got, -0)).toBe(true);
      else expect(got).toEqual(expected);
    });
  }

  it('decodes 64-bit integers as number when safe and bigint beyond', () => {
    expect(decoder.decode(hexToBytes('CB 00 1F FF FF FF FF FF FF'))).toBe(9007199254740991);
    expect(decoder.decode(hexToBytes('CB 00 20 00 00 00 00 00 00'))).toBe(9007199254740992n);
    expect(decoder.decode(hexToBytes('CB FF E0 00 00 00 00 00 00'))).toBe(-9007199254740992n);
    expect(decoder.decode(hexToBytes('CB FF E0 00 00 00 00 00 01'))).toBe(-9007199254740991);
  });

  it('decodes every integer as bigint in bigint mode', () => {
    const d = new Decoder({ integers: 'bigint' });
    expect(d.decode(hexToBytes('01'))).toBe(1n);
    expect(d.decode(hexToBytes('F0'))).toBe(-16n);
    expect(d.decode(hexToBytes('C8 EF'))).toBe(-17n);
    expect(d.decode(hexToBytes('C9 00 80'))).toBe(128n);
    expect(d.decode(hexToBytes('CA 00 00 80 00'))).toBe(32768n);
    expect(d.decode(hexToBytes('CB 00 00 00 00 80 00 00 00'))).toBe(2147483648n);
  });

  it('accepts non-minimal integer widths: 42 in every form', () => {
    for (const hex of ['2A', 'C8 2A', 'C9 00 2A', 'CA 00 00 00 2A', 'CB 00 00 00 00 00 00 00 2A']) {
      expect(decoder.decode(hexToBytes(hex))).toBe(42);
    }
  });

  it('accepts non-minimal size widths for strings, lists, maps and bytes', () => {
    expect(decoder.decode(hexToBytes('D0 01 41'))).toBe('A');
    expect(decoder.decode(hexToBytes('D1 00 01 41'))).toBe('A');
    expect(decoder.decode(hexToBytes('D2 00 00 00 01 41'))).toBe('A');
    expect(decoder.decode(hexToBytes('D4 01 01'))).toEqual([1]);
    expect(decoder.decode(hexToBytes('D5 00 01 01'))).toEqual([1]);
    expect(decoder.decode(hexToBytes('D6 00 00 00 01 01'))).toEqual([1]);
    expect(decoder.decode(hexToBytes('D8 01 81 61 01'))).toEqual({ a: 1 });
    expect(decoder.decode(hexToBytes('D9 00 01 81 61 01'))).toEqual({ a: 1 });
    expect(decoder.decode(hexToBytes('DA 00 00 00 01 81 61 01'))).toEqual({ a: 1 });
    expect(decoder.decode(hexToBytes('CD 00 01 07'))).toEqual(Uint8Array.of(7));
    expect(decoder.decode(hexToBytes('CE 00 00 00 01 07'))).toEqual(Uint8Array.of(7));
  });

  it('keeps the last value of a duplicate map key', () => {
    expect(decoder.decode(hexToBytes('A2 81 61 01 81 61 02'))).toEqual({ a: 2 });
  });

  it('rejects the UUID marker before Bolt 6.1, both ways', () => {
    const bytes = hexToBytes(vectors.values.find((v) => v.name.startsWith('UUID'))!.hex);
    const structs = boltStructs({ major: 6, minor: 0 });
    const err = catchError(() => new Decoder({ structs }).decode(bytes));
    expect(err.code).toBe('UNSUPPORTED_IN_VERSION');
    expect(err.offset).toBe(0);
    const value = new Decoder().decode(bytes);
    expect(catchError(() => new Encoder({ structs }).encode(value)).code).toBe(
      'UNSUPPORTED_IN_VERSION',
    );
  });
});

describe('Bolt structure vectors (Bolt structure semantics)', () => {
  for (const v of vectors.structs) {
    const version = { major: v.version[0], minor: v.version[1] };
    const structs = boltStructs(version, { utc: (v as { utc?: boolean }).utc });
    const bytes = hexToBytes(v.hex);
    it(`encodes ${v.name} (Bolt ${version.major}.${version.minor})`, () => {
      expect(toHex(new Encoder({ structs }).encode(build(v.value)))).toBe(toHex(bytes));
    });
    it(`decodes ${v.name} (Bolt ${version.major}.${version.minor})`, () => {
      const got = new Decoder({ structs }).decode(bytes);
      const expected = build(v.value, true);
      expect(got).toEqual(expected);
      expect(got?.constructor).toBe((expected as object).constructor);
    });
  }

  it('a zoned DateTime without a known offset gets it from the zone (Intl)', () => {
    const v = vectors.structs.find((s) => s.name.startsWith('DateTimeZoneId UTC'))!;
    const value = build(v.value) as { timeZoneOffsetSeconds?: number };
    value.timeZoneOffsetSeconds = undefined;
    expect(toHex(new Encoder().encode(value))).toBe(toHex(hexToBytes(v.hex)));
  });

  it('Path decodes into segments bound to their end nodes', () => {
    const v = vectors.structs.find((s) => s.name.startsWith('Path'))!;
    const path = new Decoder().decode(hexToBytes(v.hex)) as Path;
    expect(path).toBeInstanceOf(Path);
    expect(path.length).toBe(1);
    expect(path.segments[0].relationship.startNodeElementId).toBe('4:x:1');
    expect(path.segments[0].relationship.endNodeElementId).toBe('4:x:2');
    expect(path.end.elementId).toBe('4:x:2');
  });

  it('unknown tags decode to a generic Structure and re-encode identically', () => {
    const bytes = hexToBytes('B2 7A 01 81 41');
    const s = new Decoder().decode(bytes);
    expect(s).toEqual(new Structure(0x7a, [1, 'A']));
    expect(toHex(new Encoder().encode(s))).toBe(toHex(bytes));
  });

  it('Bolt 1 has graph types only: a Date tag stays a raw Structure', () => {
    const structs = boltStructs({ major: 1, minor: 0 });
    expect(new Decoder({ structs }).decode(hexToBytes('B1 44 C9 36 1A'))).toEqual(
      new Structure(0x44, [13850]),
    );
  });

  it('Vector and UnsupportedType exist only from 6.0', () => {
    const structs = boltStructs({ major: 5, minor: 8 });
    const v = vectors.structs.find((s) => s.name.startsWith('Vector int8'))!;
    expect(new Decoder({ structs }).decode(hexToBytes(v.hex))).toBeInstanceOf(Structure);
  });
});

function catchError(fn: () => unknown): PackStreamError {
  try {
    fn();
  } catch (e) {
    if (PackStreamError.isInstance(e)) return e;
    throw e;
  }
  throw new Error('expected a PackStreamError');
}

import * as ps from '@bolt/packstream';
import { describe, expect, it } from 'vitest';

describe('value classes', () => {
  it('toString renders Cypher / ISO 8601 forms', () => {
    expect(String(new ps.Date(2007, 12, 3))).toBe('2007-12-03');
    expect(String(new ps.Date(-44, 3, 15))).toBe('-000044-03-15');
    expect(String(new ps.Date(12345, 1, 1))).toBe('+012345-01-01');
    expect(String(new ps.Time(12, 34, 56, 789_000_000, 3600))).toBe('12:34:56.789+01:00');
    expect(String(new ps.Time(1, 2, 3, 0, 0))).toBe('01:02:03Z');
    expect(String(new ps.LocalTime(1, 2, 3, 4))).toBe('01:02:03.000000004');
    expect(String(new ps.LocalDateTime(2020, 1, 1, 0, 0, 0, 0))).toBe('2020-01-01T00:00:00');
    expect(String(new ps.DateTime(2020, 1, 1, 0, 0, 0, 0, -19800))).toBe(
      '2020-01-01T00:00:00-05:30',
    );
    expect(String(new ps.DateTime(1970, 1, 1, 2, 15, 0, 42, 3600, 'Europe/Paris'))).toBe(
      '1970-01-01T02:15:00.000000042+01:00[Europe/Paris]',
    );
    expect(String(new ps.Duration(14, 3, 4, 500_000_000))).toBe('P14M3DT4.5S');
    expect(String(new ps.Duration(0, 0, -1, 500_000_000))).toBe('P0M0DT-0.5S');
    expect(String(new ps.Point(7203, 1, 2))).toBe('point({srid: 7203, x: 1.0, y: 2.0})');
    expect(String(new ps.Point(9157, 1, 2.5, 3))).toBe(
      'point({srid: 9157, x: 1.0, y: 2.5, z: 3.0})',
    );
    expect(String(new ps.Node(1, ['Person'], { name: 'Al' }, '4:x:1'))).toBe(
      '(4:x:1:Person {name: "Al"})',
    );
    expect(String(new ps.Uuid(new Uint8Array(16)))).toBe('00000000-0000-0000-0000-000000000000');
    expect(String(ps.Vector.of(Int8Array.of(1, 2)))).toBe('vector([1, 2], 2, INT8)');
    expect(String(ps.float(1))).toBe('1.0');
    expect(String(new ps.Structure(0x44, [1]))).toBe('Structure(0x44, 1 fields)');
  });

  it('Uuid parses and prints canonical text, rejects junk', () => {
    const u = ps.Uuid.parse('550E8400-E29B-41D4-A716-446655440000');
    expect(u.toString()).toBe('550e8400-e29b-41d4-a716-446655440000');
    expect(ps.Uuid.parse('550e8400e29b41d4a716446655440000').equals(u)).toBe(true);
    expect(() => ps.Uuid.parse('550e8400-e29b-41d4-a716-44665544000')).toThrow(TypeError);
    expect(() => new ps.Uuid(new Uint8Array(15))).toThrow(TypeError);
  });

  it('Vector checks its type against the TypedArray', () => {
    expect(() => new ps.Vector('INT8', new Int16Array(1))).toThrow(TypeError);
    expect(ps.Vector.of(new Float32Array(3)).type).toBe('FLOAT32');
  });

  it('error classes are recognised across copies by their marker symbol', () => {
    const e = new ps.PackStreamError('TRUNCATED', 'x', 3);
    expect(ps.PackStreamError.isInstance(e)).toBe(true);
    const foreign = Object.assign(new Error('y'), {
      [Symbol.for('@bolt/packstream/PackStreamError')]: true,
    });
    expect(ps.PackStreamError.isInstance(foreign)).toBe(true);
    expect(ps.PackStreamError.isInstance(new Error('z'))).toBe(false);
    expect(e.name).toBe('PackStreamError');
  });
});

describe('temporal conversions', () => {
  it('Date <-> epoch days across eras', () => {
    for (const [y, m, d] of [
      [1970, 1, 1],
      [1969, 12, 31],
      [2000, 2, 29],
      [1, 1, 1],
      [-1, 12, 31],
      [9999, 12, 31],
      [-999999, 1, 1],
    ]) {
      const date = new ps.Date(y, m, d);
      expect(ps.Date.fromEpochDays(date.toEpochDays())).toEqual(date);
    }
    expect(new ps.Date(2007, 12, 3).toEpochDays()).toBe(13850);
  });

  it('LocalDateTime beyond 2^53 seconds round-trips through bigint', () => {
    const far = new ps.LocalDateTime(999_999_999, 12, 31, 23, 59, 59, 999_999_999);
    const bytes = new ps.Encoder().encode(far);
    expect(new ps.Decoder().decode(bytes)).toEqual(far);
    expect(typeof far.toEpochSeconds()).toBe('bigint');
  });

  it('a zone Intl does not know stays the raw structure in both DateTime encodings', () => {
    for (const [tag, utc] of [
      [0x66, false],
      [0x69, true],
    ] as const) {
      const structs = ps.boltStructs({ major: 4, minor: 4 }, { utc });
      const enc = new ps.Encoder({ structs });
      const bytes = enc.encode(new ps.Structure(tag, [3600, 0, 'Europe/Neo4j']));
      const v = new ps.Decoder({ structs }).decode(bytes);
      expect(v).toBeInstanceOf(ps.Structure);
      expect((v as ps.Structure).fields).toEqual([3600, 0, 'Europe/Neo4j']);
      expect(enc.encode(v)).toEqual(bytes);
      const known = new ps.Decoder({ structs }).decode(
        enc.encode(new ps.Structure(tag, [3600, 0, 'Europe/Paris'])),
      );
      expect(known).toBeInstanceOf(ps.DateTime);
    }
  });

  it('zoned DateTime in a DST overlap re-encodes exactly (the offset is kept)', () => {
    // 2021-10-31 02:30 happens twice in Europe/Paris: at +02:00 (00:30Z) and at +01:00 (01:30Z)
    const enc = new ps.Encoder();
    const dec = new ps.Decoder();
    for (const [utc, offset] of [
      [1635640200, 7200],
      [1635643800, 3600],
    ]) {
      const bytes = enc.encode(new ps.Structure(0x69, [utc, 0, 'Europe/Paris']));
      const dt = dec.decode(bytes) as ps.DateTime;
      expect([dt.hour, dt.minute, dt.timeZoneOffsetSeconds, dt.timeZoneId]).toEqual([
        2,
        30,
        offset,
        'Europe/Paris',
      ]);
      expect(enc.encode(dt)).toEqual(bytes);
      expect(dt.toEpochSeconds()).toBe(utc);
    }
    // without an offset, the ambiguous local time resolves to the earlier instant
    const bare = new ps.DateTime(2021, 10, 31, 2, 30, 0, 0, undefined, 'Europe/Paris');
    expect(bare.toEpochSeconds()).toBe(1635640200);
  });

  it('zoned DateTime in a DST gap uses the offset before the gap', () => {
    // 2021-03-28 02:30 does not exist in Europe/Paris (clocks jump 02:00 -> 03:00)
    const gap = new ps.DateTime(2021, 3, 28, 2, 30, 0, 0, undefined, 'Europe/Paris');
    expect(gap.toEpochSeconds()).toBe(Date.UTC(2021, 2, 28, 1, 30) / 1000);
  });

  it('legacy zoned DateTime (66) keeps local fields and derives the offset', () => {
    const structs = ps.boltStructs({ major: 4, minor: 4 });
    const dec = new ps.Decoder({ structs });
    const dt = dec.decode(
      new ps.Encoder({ structs }).encode(new ps.Structure(0x66, [8100, 42, 'Europe/Paris'])),
    ) as ps.DateTime;
    expect(dt).toEqual(new ps.DateTime(1970, 1, 1, 2, 15, 0, 42, 3600, 'Europe/Paris'));
  });

  it('fromStandardDate captures the instant', () => {
    const js = new globalThis.Date(Date.UTC(2020, 5, 15, 12, 0, 0, 250));
    const dt = ps.DateTime.fromStandardDate(js);
    expect(Number(dt.toEpochSeconds())).toBe(Date.UTC(2020, 5, 15, 12, 0, 0) / 1000);
    expect(dt.nanosecond).toBe(250_000_000);
  });
});

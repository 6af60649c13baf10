// Every Bolt value type reaches the official drivers with identical values, and values the
// drivers send come back unchanged (our decode + encode).

import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoHandler, PASSWORD } from './support/demo-handler.js';
import { startTcpServer, type TcpFixture } from './support/tcp-fixture.js';

type AnyDriverModule = any;

const DRIVERS: [string, AnyDriverModule, string][] = [
  ['neo4j-driver 6.3.0', neo4j6, '6.1'],
  ['neo4j-driver 5.28.3', neo4j5, '5.8'],
  ['neo4j-driver 4.4.11', neo4j4, '4.4'],
];

function n(v: unknown): number {
  if (typeof v === 'bigint') return Number(v);
  if (v !== null && typeof v === 'object' && 'toNumber' in v)
    return (v as { toNumber(): number }).toNumber();
  return v as number;
}

function fields(v: any, names: string[]): Record<string, number | string | undefined> {
  const out: Record<string, number | string | undefined> = {};
  for (const k of names)
    out[k] = typeof v[k] === 'string' ? v[k] : v[k] == null ? undefined : n(v[k]);
  return out;
}

let fx: TcpFixture;
beforeAll(async () => {
  fx = await startTcpServer({ handler: demoHandler() });
});
afterAll(async () => {
  await fx.close();
});

for (const [name, neo4j, version] of DRIVERS) {
  describe(name, () => {
    let driver: any;
    beforeAll(() => {
      driver = neo4j.driver(fx.url(), neo4j.auth.basic('neo4j', PASSWORD), {
        useBigInt: true,
        logging: { level: 'error', logger: () => {} },
      });
    });
    afterAll(async () => {
      await driver.close();
    });

    it(`receives every value type with identical values (Bolt ${version})`, async () => {
      const session = driver.session();
      let r: any;
      try {
        r = (await session.run('VALUES')).records[0];
      } finally {
        await session.close();
      }
      const elementIds = version !== '4.4';
      expect(r.get('nothing')).toBeNull();
      expect(r.get('yes')).toBe(true);
      expect(r.get('no')).toBe(false);
      expect(r.get('maxInt')).toBe(9223372036854775807n);
      expect(r.get('minInt')).toBe(-9223372036854775808n);
      expect(r.get('small')).toBe(42n);
      expect(r.get('float')).toBe(6.02214076e23);
      expect(r.get('text')).toBe('héllo, wörld — 日本語 🎉');
      expect(
        Array.from(
          new Uint8Array(r.get('bytes').buffer, r.get('bytes').byteOffset, r.get('bytes').length),
        ),
      ).toEqual([0, 1, 2, 254, 255]);
      expect(r.get('list')).toEqual([1n, 'two', [3n]]);
      expect(r.get('map')).toEqual({ a: 1n, b: { c: 'd' } });

      const node = r.get('node');
      expect(node).toBeInstanceOf(neo4j.types.Node);
      expect(n(node.identity)).toBe(1);
      expect(node.labels).toEqual(['Person']);
      expect(node.properties).toEqual({ name: 'Alice' });
      if (elementIds) expect(node.elementId).toBe('4:db:1');

      const rel = r.get('relationship');
      expect(rel).toBeInstanceOf(neo4j.types.Relationship);
      expect([n(rel.identity), n(rel.start), n(rel.end), rel.type]).toEqual([10, 1, 2, 'KNOWS']);
      expect(rel.properties).toEqual({ since: 2020n });
      if (elementIds)
        expect([rel.elementId, rel.startNodeElementId, rel.endNodeElementId]).toEqual([
          '5:db:10',
          '4:db:1',
          '4:db:2',
        ]);

      const path = r.get('path');
      expect(path).toBeInstanceOf(neo4j.types.Path);
      expect(path.start.properties.name).toBe('Alice');
      expect(path.end.properties.name).toBe('Bob');
      expect(path.length).toBe(1);
      expect(path.segments[0].relationship.type).toBe('KNOWS');
      expect(n(path.segments[0].relationship.start)).toBe(1);
      expect(n(path.segments[0].relationship.end)).toBe(2);

      expect(r.get('date')).toBeInstanceOf(neo4j.types.Date);
      expect(fields(r.get('date'), ['year', 'month', 'day'])).toEqual({
        year: 2024,
        month: 2,
        day: 29,
      });
      expect(r.get('time')).toBeInstanceOf(neo4j.types.Time);
      expect(
        fields(r.get('time'), ['hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds']),
      ).toEqual({
        hour: 12,
        minute: 34,
        second: 56,
        nanosecond: 789000000,
        timeZoneOffsetSeconds: 3600,
      });
      expect(r.get('localTime')).toBeInstanceOf(neo4j.types.LocalTime);
      expect(fields(r.get('localTime'), ['hour', 'minute', 'second', 'nanosecond'])).toEqual({
        hour: 23,
        minute: 59,
        second: 59,
        nanosecond: 999999999,
      });
      const dt = ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond'];
      expect(r.get('dateTimeOffset')).toBeInstanceOf(neo4j.types.DateTime);
      expect(fields(r.get('dateTimeOffset'), [...dt, 'timeZoneOffsetSeconds'])).toEqual({
        year: 2024,
        month: 3,
        day: 31,
        hour: 2,
        minute: 30,
        second: 0,
        nanosecond: 123,
        timeZoneOffsetSeconds: 7200,
      });
      const zoned = r.get('dateTimeZone');
      expect(zoned).toBeInstanceOf(neo4j.types.DateTime);
      expect(fields(zoned, [...dt, 'timeZoneId'])).toEqual({
        year: 2024,
        month: 7,
        day: 1,
        hour: 12,
        minute: 0,
        second: 0,
        nanosecond: 0,
        timeZoneId: 'Europe/Paris',
      });
      expect(r.get('localDateTime')).toBeInstanceOf(neo4j.types.LocalDateTime);
      expect(fields(r.get('localDateTime'), dt)).toEqual({
        year: 1999,
        month: 12,
        day: 31,
        hour: 23,
        minute: 59,
        second: 59,
        nanosecond: 1,
      });
      expect(r.get('duration')).toBeInstanceOf(neo4j.types.Duration);
      expect(fields(r.get('duration'), ['months', 'days', 'seconds', 'nanoseconds'])).toEqual({
        months: 14,
        days: 3,
        seconds: 4,
        nanoseconds: 500000000,
      });
      expect(r.get('point2d')).toBeInstanceOf(neo4j.types.Point);
      expect(fields(r.get('point2d'), ['srid', 'x', 'y'])).toEqual({
        srid: 7203,
        x: 1.5,
        y: -2.25,
      });
      expect(fields(r.get('point3d'), ['srid', 'x', 'y', 'z'])).toEqual({
        srid: 4979,
        x: 12.5,
        y: 56.25,
        z: 100,
      });
    });

    it('echoes values the driver sends back unchanged', async () => {
      const t = neo4j.types;
      const sent: Record<string, unknown> = {
        big: neo4j.int('-9223372036854775807'),
        float: 0.1,
        text: 'ünïcødé ✓',
        bytes: new Int8Array([1, -1, 127, -128]),
        list: [neo4j.int(1), 'a', [true, null]],
        map: { k: { nested: neo4j.int(7) } },
        date: new t.Date(1, 1, 1),
        time: new t.Time(1, 2, 3, 4, -3600),
        localTime: new t.LocalTime(0, 0, 0, 1),
        localDateTime: new t.LocalDateTime(2038, 1, 19, 3, 14, 8, 0),
        dateTimeOffset: new t.DateTime(2000, 2, 29, 23, 59, 59, 999999999, -28800),
        dateTimeZone: new t.DateTime(2024, 1, 15, 8, 30, 0, 0, undefined, 'America/New_York'),
        duration: new t.Duration(-1, 2, -3, 4),
        point2d: new t.Point(4326, 2.2945, 48.8584),
        point3d: new t.Point(9157, 1, 2, 3),
      };
      const session = driver.session();
      try {
        for (const [key, value] of Object.entries(sent)) {
          const got = (await session.run('RETURN $x AS x', { x: value })).records[0].get('x');
          if (value instanceof Int8Array) expect(Array.from(got), key).toEqual(Array.from(value));
          else if (neo4j.isInt(value)) expect(got, key).toBe(BigInt(String(value)));
          else if (key === 'list') expect(got, key).toEqual([1n, 'a', [true, null]]);
          else if (key === 'map') expect(got, key).toEqual({ k: { nested: 7n } });
          else if (typeof value === 'object') {
            // Same class, same fields (a zoned DateTime also gains its offset on the way back).
            expect(got, key).toBeInstanceOf((value as object).constructor);
            for (const [field, v] of Object.entries(value as object))
              if (v !== null && v !== undefined)
                expect(typeof v === 'string' ? got[field] : n(got[field]), `${key}.${field}`).toBe(
                  typeof v === 'string' ? v : n(v),
                );
          } else expect(got, key).toBe(value);
        }
      } finally {
        await session.close();
      }
    });
  });
}

describe('neo4j-driver 6.3.0 on Bolt 6.1: Vector and UUID', () => {
  it('receives and echoes vectors and UUIDs with identical values', async () => {
    const { Vector, Uuid } = await import('@bolt/packstream');
    const fx6 = await startTcpServer({
      handler: {
        run: (query, parameters) =>
          query === 'NEW'
            ? {
                fields: ['f32', 'i64', 'id'],
                records: [
                  [
                    Vector.of(Float32Array.from([1.5, -2, 0.25])),
                    Vector.of(BigInt64Array.from([1n, -9223372036854775808n])),
                    Uuid.parse('550e8400-e29b-41d4-a716-446655440000'),
                  ],
                ],
              }
            : { fields: ['x'], records: [[parameters.x]] },
      },
    });
    const driver = neo4j6.driver(fx6.url(), neo4j6.auth.basic('neo4j', PASSWORD), {
      logging: { level: 'error', logger: () => {} },
    });
    try {
      const session = driver.session();
      try {
        const r = (await session.run('NEW')).records[0];
        expect(r.get('f32')).toBeInstanceOf(neo4j6.Vector);
        expect(Array.from(r.get('f32').asTypedArray())).toEqual([1.5, -2, 0.25]);
        expect(r.get('f32').asTypedArray()).toBeInstanceOf(Float32Array);
        expect(Array.from(r.get('i64').asTypedArray())).toEqual([1n, -9223372036854775808n]);
        expect(neo4j6.isUUID(r.get('id'))).toBe(true);
        expect(r.get('id').toString()).toBe('550e8400-e29b-41d4-a716-446655440000');

        const v = neo4j6.vector(Float64Array.from([Math.E, -0]));
        const back = (await session.run('RETURN $x AS x', { x: v })).records[0].get('x');
        expect(back.asTypedArray()).toEqual(Float64Array.from([Math.E, -0]));
        const id = neo4j6.uuid('123e4567-e89b-12d3-a456-426614174000');
        const idBack = (await session.run('RETURN $x AS x', { x: id })).records[0].get('x');
        expect(idBack.toString()).toBe('123e4567-e89b-12d3-a456-426614174000');
      } finally {
        await session.close();
      }
    } finally {
      await driver.close();
      await fx6.close();
    }
  });
});

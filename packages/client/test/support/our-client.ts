/** Our client as a driver of the recorded scenarios (`@bolt/test-support`). */
import { tcp } from '@bolt/net-adapters/node';
import type { DriverUnderTest, PlainValue, ScenarioError } from '@bolt/test-support';
import {
  auth,
  Date as BoltDate,
  BoltError,
  DateTime,
  Duration,
  driver,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Time,
} from '../../src/index.js';
import { type DriverLike, driverLike } from './driver-like.js';

export const ourClient: DriverUnderTest = {
  name: '@bolt/client',
  boltVersions: [
    '3.0',
    '4.0',
    '4.1',
    '4.2',
    '4.3',
    '4.4',
    '5.0',
    '5.1',
    '5.2',
    '5.3',
    '5.4',
    '5.5',
    '5.6',
    '5.7',
    '5.8',
  ],
  open(url, config) {
    const d = driver(url, {
      auth:
        config.auth?.scheme === 'bearer'
          ? auth.bearer(config.auth.token)
          : auth.basic(config.auth?.user ?? 'neo4j', config.auth?.password ?? 'pass'),
      netModule: tcp(),
      maxTransactionRetryTimeMs: 3000,
      retry: { initialDelayMs: 50 },
      connectionTimeoutMs: 5000,
      ...(config.protocolVersions && { protocolVersions: config.protocolVersions }),
      ...(config.userAgent && { userAgent: config.userAgent }),
      ...(config.notificationFilter && {
        notificationFilter: config.notificationFilter as never,
      }),
    });
    return driverLike(d as unknown as DriverLike, { toPlain, fromPlain, toError });
  },
};

function toPlain(v: unknown): PlainValue {
  if (typeof v === 'bigint') return Number(v);
  if (v === null || typeof v !== 'object') return v as PlainValue;
  if (Array.isArray(v)) return v.map(toPlain);
  if (v instanceof Node) {
    const { identity, labels, properties, elementId } = v;
    return {
      $type: 'Node',
      identity: Number(identity),
      labels,
      properties: plainMap(properties),
      elementId,
    };
  }
  if (v instanceof Relationship) {
    return {
      $type: 'Relationship',
      identity: Number(v.identity),
      start: Number(v.start),
      end: Number(v.end),
      type: v.type,
      properties: plainMap(v.properties),
      elementId: v.elementId,
      startNodeElementId: v.startNodeElementId,
      endNodeElementId: v.endNodeElementId,
    };
  }
  if (v instanceof Path) {
    return {
      $type: 'Path',
      start: toPlain(v.start),
      end: toPlain(v.end),
      segments: v.segments.map((s) => ({
        start: toPlain(s.start),
        relationship: toPlain(s.relationship),
        end: toPlain(s.end),
      })),
    } as PlainValue;
  }
  for (const [type, cls] of TEMPORAL) {
    if (v instanceof cls)
      return { $type: type, ...plainMap(v as object as Record<string, unknown>) } as PlainValue;
  }
  if (v instanceof Point) return plainPoint(v);
  return plainMap(v as Record<string, unknown>);
}

const TEMPORAL = [
  ['Date', BoltDate],
  ['Time', Time],
  ['LocalTime', LocalTime],
  ['DateTime', DateTime],
  ['LocalDateTime', LocalDateTime],
  ['Duration', Duration],
] as const;

function plainMap(m: Record<string, unknown>): Record<string, PlainValue> {
  const out: Record<string, PlainValue> = {};
  for (const [k, v] of Object.entries(m)) if (v !== undefined) out[k] = toPlain(v);
  return out;
}

function plainPoint(p: { srid: unknown; x: unknown; y: unknown; z?: unknown }): PlainValue {
  const [srid, x, y] = [Number(p.srid), Number(p.x), Number(p.y)];
  return p.z === undefined || p.z === null
    ? { $type: 'Point', srid, x, y }
    : { $type: 'Point', srid, x, y, z: Number(p.z) };
}

function fromPlain(v: PlainValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  const t = v as Record<string, never>;
  switch (v.$type) {
    case 'Date':
      return new BoltDate(t.year, t.month, t.day);
    case 'Time':
      return new Time(t.hour, t.minute, t.second, t.nanosecond, t.timeZoneOffsetSeconds);
    case 'LocalTime':
      return new LocalTime(t.hour, t.minute, t.second, t.nanosecond);
    case 'DateTime':
      return new DateTime(
        t.year,
        t.month,
        t.day,
        t.hour,
        t.minute,
        t.second,
        t.nanosecond,
        t.timeZoneOffsetSeconds,
        t.timeZoneId,
      );
    case 'LocalDateTime':
      return new LocalDateTime(t.year, t.month, t.day, t.hour, t.minute, t.second, t.nanosecond);
    case 'Duration':
      return new Duration(t.months, t.days, t.seconds, t.nanoseconds);
    case 'Point':
      return new Point(t.srid, t.x, t.y, t.z);
    default:
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromPlain(x as PlainValue)]));
  }
}

/** Every failure our client reports is a BoltError (the marker survives duplicate installs). */
function toError(e: unknown): ScenarioError {
  if (!BoltError.isInstance(e)) throw new TypeError(`not a BoltError: ${String(e)}`, { cause: e });
  return {
    code: e.code,
    retryable: e.retryable,
    gqlStatus: e.gqlStatus,
    gqlStatusDescription: e.gqlStatusDescription,
    classification: e.classification,
    cause: BoltError.isInstance(e.cause) ? toError(e.cause) : undefined,
  };
}

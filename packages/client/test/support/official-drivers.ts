/** Each installed major of the official `neo4j-driver` as a driver of the recorded scenarios. */
import type {
  DriverUnderTest,
  PlainValue,
  ScenarioDriverConfig,
  ScenarioError,
} from '@bolt/test-support';
import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { type DriverMapping, driverLike, type SessionLike } from './driver-like.js';

// the three majors share the API used here; 4.4 names two of its parts differently (below)
type Neo4j = typeof neo4j6;

const BOLT_4 = ['4.0', '4.1', '4.2', '4.3', '4.4'];
const BOLT_5 = ['5.0', '5.1', '5.2', '5.3', '5.4', '5.5', '5.6', '5.7', '5.8'];

export const officialDrivers: DriverUnderTest[] = [
  official('neo4j-driver 6', neo4j6, ['4.4', ...BOLT_5]),
  // 5 offers 4.4 down to 4.2 as a range, which a 4.0 or 4.1 server cannot read, then 3.0
  official('neo4j-driver 5', neo4j5 as unknown as Neo4j, ['3.0', '4.2', '4.3', '4.4', ...BOLT_5]),
  official('neo4j-driver 4', neo4j4 as unknown as Neo4j, ['3.0', ...BOLT_4]),
];

function official(
  name: DriverUnderTest['name'],
  neo4j: Neo4j,
  boltVersions: string[],
): DriverUnderTest {
  const values = valueMapping(neo4j);
  return {
    name,
    boltVersions,
    open(url, config) {
      const d = neo4j.driver(url, authToken(neo4j, config), {
        disableLosslessIntegers: true,
        // their retries wait 1 s, then 2 s, ...: time for three attempts
        maxTransactionRetryTime: 10_000,
        connectionTimeout: 5000,
        ...(config.userAgent && { userAgent: config.userAgent }),
        ...(config.notificationFilter && {
          notificationFilter: {
            minimumSeverityLevel: config.notificationFilter.minimumSeverityLevel,
            // 5.x names them categories; 6 takes either
            disabledCategories: config.notificationFilter.disabledClassifications,
          } as never,
        }),
      });
      return driverLike(
        {
          session: (c) => namedAsNow(d.session(c as never)),
          verifyConnectivity: () => d.verifyConnectivity(),
          close: () => d.close(),
        },
        values,
      );
    },
  };
}

function authToken(neo4j: Neo4j, config: ScenarioDriverConfig) {
  const a = config.auth ?? { scheme: 'basic', user: 'neo4j', password: 'pass' };
  return a.scheme === 'bearer' ? neo4j.auth.bearer(a.token) : neo4j.auth.basic(a.user, a.password);
}

/** neo4j-driver 4.4 has `readTransaction`, `writeTransaction` and `lastBookmark()` for what 5
 *  renamed `executeRead`, `executeWrite` and `lastBookmarks()`. */
function namedAsNow(session: object): SessionLike {
  const s = session as SessionLike & {
    readTransaction?: SessionLike['executeRead'];
    writeTransaction?: SessionLike['executeWrite'];
    lastBookmark?: () => string[];
  };
  if (typeof s.executeRead === 'function') return s;
  return Object.assign(s, {
    executeRead: s.readTransaction?.bind(s),
    executeWrite: s.writeTransaction?.bind(s),
    lastBookmarks: () => s.lastBookmark?.() ?? [],
  }) as SessionLike;
}

function valueMapping(neo4j: Neo4j): DriverMapping {
  const { types } = neo4j;
  const temporal = [
    ['Date', neo4j.isDate],
    ['Time', neo4j.isTime],
    ['LocalTime', neo4j.isLocalTime],
    ['DateTime', neo4j.isDateTime],
    ['LocalDateTime', neo4j.isLocalDateTime],
    ['Duration', neo4j.isDuration],
  ] as const;

  const plainMap = (m: object): Record<string, PlainValue> => {
    const out: Record<string, PlainValue> = {};
    for (const [k, v] of Object.entries(m)) if (v !== undefined && v !== null) out[k] = toPlain(v);
    return out;
  };
  const node = (n: any) => ({
    $type: 'Node' as const,
    identity: Number(n.identity),
    labels: n.labels,
    properties: plainMap(n.properties),
    elementId: n.elementId,
  });
  const relationship = (r: any) => ({
    $type: 'Relationship' as const,
    identity: Number(r.identity),
    start: Number(r.start),
    end: Number(r.end),
    type: r.type,
    properties: plainMap(r.properties),
    elementId: r.elementId,
    startNodeElementId: r.startNodeElementId,
    endNodeElementId: r.endNodeElementId,
  });

  function toPlain(v: any): PlainValue {
    if (neo4j.isInt(v)) return v.toNumber();
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(toPlain);
    // 4.4 has no isNode, isRelationship, isPath
    if (v instanceof types.Node) return node(v);
    if (v instanceof types.Relationship) return relationship(v);
    if (v instanceof types.Path) {
      return {
        $type: 'Path',
        start: node(v.start),
        end: node(v.end),
        segments: v.segments.map((s: any) => ({
          start: node(s.start),
          relationship: relationship(s.relationship),
          end: node(s.end),
        })),
      };
    }
    for (const [type, is] of temporal) {
      if (is(v)) return { $type: type, ...plainMap(v) } as PlainValue;
    }
    if (neo4j.isPoint(v)) {
      const [srid, x, y] = [Number(v.srid), v.x, v.y];
      return v.z === undefined || v.z === null
        ? { $type: 'Point', srid, x, y }
        : { $type: 'Point', srid, x, y, z: v.z };
    }
    return plainMap(v);
  }

  function fromPlain(v: PlainValue): unknown {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(fromPlain);
    const t = v as Record<string, any>;
    switch (v.$type) {
      case 'Date':
        return new types.Date(t.year, t.month, t.day);
      case 'Time':
        return new types.Time(t.hour, t.minute, t.second, t.nanosecond, t.timeZoneOffsetSeconds);
      case 'LocalTime':
        return new types.LocalTime(t.hour, t.minute, t.second, t.nanosecond);
      case 'DateTime':
        return new types.DateTime(
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
        return new types.LocalDateTime(
          t.year,
          t.month,
          t.day,
          t.hour,
          t.minute,
          t.second,
          t.nanosecond,
        );
      case 'Duration':
        return new types.Duration(t.months, t.days, t.seconds, t.nanoseconds);
      case 'Point':
        return new types.Point(t.srid, t.x, t.y, t.z);
      default:
        return Object.fromEntries(
          Object.entries(v).map(([k, x]) => [k, fromPlain(x as PlainValue)]),
        );
    }
  }

  function toError(e: any): ScenarioError {
    return {
      code: e?.code,
      // 5 spells it `retriable` (6 has both); 4.4 does not say
      retryable: e?.retryable ?? e?.retriable,
      gqlStatus: e?.gqlStatus,
      gqlStatusDescription: e?.gqlStatusDescription,
      classification: e?.classification,
      cause: e?.cause && typeof e.cause === 'object' ? toError(e.cause) : undefined,
    };
  }

  return { toPlain, fromPlain, toError };
}

import { splitEpochSeconds } from './civil';
// biome-ignore lint/suspicious/noShadowRestrictedNames: the Bolt type keeps its Cypher name; the global is globalThis.Date
import { Date } from './date';
import { DateTime } from './date-time';
import { Duration } from './duration';
import { Float } from './float';
import { LocalDateTime } from './local-date-time';
import { LocalTime } from './local-time';
import { Node } from './node';
import { PackStreamError } from './packstream-error';
import { Path } from './path';
import { PathSegment } from './path-segment';
import { Point } from './point';
import { Relationship } from './relationship';
import { type BoltVersionLike, structFeatures } from './struct-features';
import { StructRegistry } from './struct-registry';
import { Structure } from './structure';
import { Time } from './time';
import { offsetAtInstant, offsetForLocal } from './time-zone';
import { UnboundRelationship } from './unbound-relationship';
import { UnsupportedType } from './unsupported-type';
import { Vector, type VectorType, type VectorValues } from './vector';

export type { BoltVersionLike };

/** The newest Bolt version this codec knows (6.1): the default for Encoder and Decoder. */
export const LATEST_BOLT_VERSION: BoltVersionLike = Object.freeze({ major: 6, minor: 1 });

/** Options of `boltStructs`. */
export interface BoltStructsOptions {
  /**
   * Use the UTC DateTime forms `49`/`69` instead of the legacy `46`/`66`. Default: true for
   * Bolt 5.0+ (where it is always on and this option is ignored), false below. Set it for
   * 4.3/4.4 once the server echoed `patch_bolt: ["utc"]`.
   */
  utc?: boolean;
}

// Sealed registries are immutable, so sharing them per (version, utc) is safe.
const cache = new Map<string, StructRegistry>();

/**
 * The struct registry for a negotiated Bolt version: graph types (with element ids from 5.0),
 * temporal and spatial types (2.0+; DateTime legacy or UTC per `utc`), Vector and
 * UnsupportedType (6.0+), and the UUID marker (6.1+). Sealed and cached; `extend()` it to add
 * your own tags.
 */
export function boltStructs(
  version: BoltVersionLike,
  options: BoltStructsOptions = {},
): StructRegistry {
  const f = structFeatures(version, options);
  const key = `${version.major}.${version.minor}.${f.utcDateTime}`;
  let r = cache.get(key);
  if (r) return r;
  r = StructRegistry.empty({ uuid: f.uuid });
  registerGraph(r, f.elementIds);
  if (f.temporal) {
    registerTemporal(r, f.utcDateTime);
    registerSpatial(r);
  } else refuse(r, [Date, Time, LocalTime, DateTime, LocalDateTime, Duration, Point], version, 2);
  if (f.vector) {
    registerVector(r);
    registerUnsupportedType(r);
  } else refuse(r, [Vector], version, 6);
  r.seal();
  cache.set(key, r);
  return r;
}

/** Encoding a value of these classes fails with UNSUPPORTED_IN_VERSION, naming the version
 *  that would carry it (instead of the generic "register it in a StructRegistry"). Their tags
 *  still decode as generic Structures. */
function refuse(
  r: StructRegistry,
  types: readonly (abstract new (...args: any[]) => unknown)[],
  version: BoltVersionLike,
  since: number,
): void {
  const v = `${version.major}.${version.minor}`;
  for (const type of types) {
    r.byType.set(type, () => {
      throw new PackStreamError(
        'UNSUPPORTED_IN_VERSION',
        `Bolt ${v} cannot carry a ${type.name}: ${since === 2 ? 'temporal and spatial values need' : `${type.name} values need`} Bolt ${since}.0 or later, and this connection speaks ${v}`,
      );
    });
  }
}

// ---------------------------------------------------------------------------------------------
// field checks (throw INVALID_STRUCT; the decoder adds the byte offset)

function bad(what: string): never {
  throw new PackStreamError('INVALID_STRUCT', what);
}

function isInt(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
}

function int(v: unknown, name: string): number | bigint {
  if (!isInt(v)) bad(`${name} must be an Integer, got ${describe(v)}`);
  return v;
}

function idOrNull(v: unknown, name: string): number | bigint | null {
  return v === null ? null : int(v, name);
}

/** An integer field as a JS number (it must be a safe integer). */
function num(v: unknown, name: string): number {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'bigint' && v >= -9007199254740991n && v <= 9007199254740991n) return Number(v);
  return bad(`${name} must be an Integer within ±2^53, got ${describe(v)}`);
}

function str(v: unknown, name: string): string {
  if (typeof v !== 'string') bad(`${name} must be a String, got ${describe(v)}`);
  return v;
}

/** A coordinate: FLOAT on the wire; an INT is tolerated (auto mode cannot tell 1 from 1.0). */
function dbl(v: unknown, name: string): number {
  if (typeof v === 'bigint') return Number(v);
  if (typeof v !== 'number') bad(`${name} must be a Float, got ${describe(v)}`);
  return v;
}

function map(v: unknown, name: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Uint8Array) {
    bad(`${name} must be a Map, got ${describe(v)}`);
  }
  return v as Record<string, unknown>;
}

function strings(v: unknown, name: string): string[] {
  if (!Array.isArray(v)) bad(`${name} must be a List<String>, got ${describe(v)}`);
  for (const s of v) if (typeof s !== 'string') bad(`${name} must be a List<String>`);
  return v as string[];
}

function bytes(v: unknown, name: string): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(`${name} must be Bytes, got ${describe(v)}`);
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a List';
  if (v instanceof Uint8Array) return 'Bytes';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'a Map';
  return typeof v;
}

/** Integer fields are written as bigint so they stay INT even with `numbersAsFloat`. */
function I(v: number | bigint | null): bigint | null {
  return v === null ? null : BigInt(v);
}

// ---------------------------------------------------------------------------------------------
// graph

function registerGraph(r: StructRegistry, elementIds: boolean): void {
  r.register<Node>({
    tag: 0x4e,
    fields: elementIds ? 4 : 3,
    type: Node,
    hydrate: (f) => {
      const id = elementIds ? idOrNull(f[0], 'Node.id') : int(f[0], 'Node.id');
      return new Node(
        id as number | bigint,
        strings(f[1], 'Node.labels'),
        map(f[2], 'Node.properties'),
        elementIds ? str(f[3], 'Node.element_id') : String(id),
      );
    },
    dehydrate: (n) =>
      new Structure(
        0x4e,
        elementIds
          ? [I(n.identity), n.labels, n.properties, n.elementId]
          : [I(n.identity), n.labels, n.properties],
      ),
  });
  r.register<Relationship>({
    tag: 0x52,
    fields: elementIds ? 8 : 5,
    type: Relationship,
    hydrate: (f) => {
      const id = elementIds ? idOrNull(f[0], 'Relationship.id') : int(f[0], 'Relationship.id');
      const start = elementIds
        ? idOrNull(f[1], 'Relationship.start_node_id')
        : int(f[1], 'Relationship.start_node_id');
      const end = elementIds
        ? idOrNull(f[2], 'Relationship.end_node_id')
        : int(f[2], 'Relationship.end_node_id');
      return new Relationship(
        id as number | bigint,
        start as number | bigint,
        end as number | bigint,
        str(f[3], 'Relationship.type'),
        map(f[4], 'Relationship.properties'),
        elementIds ? str(f[5], 'Relationship.element_id') : String(id),
        elementIds ? str(f[6], 'Relationship.start_node_element_id') : String(start),
        elementIds ? str(f[7], 'Relationship.end_node_element_id') : String(end),
      );
    },
    dehydrate: (x) => {
      const base = [I(x.identity), I(x.start), I(x.end), x.type, x.properties];
      return new Structure(
        0x52,
        elementIds ? [...base, x.elementId, x.startNodeElementId, x.endNodeElementId] : base,
      );
    },
  });
  r.register<UnboundRelationship>({
    tag: 0x72,
    fields: elementIds ? 4 : 3,
    type: UnboundRelationship,
    hydrate: (f) => {
      const id = elementIds
        ? idOrNull(f[0], 'UnboundRelationship.id')
        : int(f[0], 'UnboundRelationship.id');
      return new UnboundRelationship(
        id as number | bigint,
        str(f[1], 'UnboundRelationship.type'),
        map(f[2], 'UnboundRelationship.properties'),
        elementIds ? str(f[3], 'UnboundRelationship.element_id') : String(id),
      );
    },
    dehydrate: (x) =>
      new Structure(
        0x72,
        elementIds
          ? [I(x.identity), x.type, x.properties, x.elementId]
          : [I(x.identity), x.type, x.properties],
      ),
  });
  r.register<Path>({
    tag: 0x50,
    fields: 3,
    type: Path,
    hydrate: (f) => hydratePath(f[0], f[1], f[2]),
    dehydrate: dehydratePath,
  });
}

function hydratePath(nodesV: unknown, relsV: unknown, indicesV: unknown): Path {
  if (!Array.isArray(nodesV) || nodesV.length === 0)
    bad('Path.nodes must be a non-empty List<Node>');
  if (!Array.isArray(relsV)) bad('Path.rels must be a List<UnboundRelationship>');
  if (!Array.isArray(indicesV) || indicesV.length % 2 !== 0) {
    bad('Path.indices must be a List<Integer> of even length');
  }
  for (const n of nodesV)
    if (!(n instanceof Node)) bad(`Path.nodes holds ${describe(n)}, not a Node`);
  for (const x of relsV) {
    if (!(x instanceof UnboundRelationship))
      bad(`Path.rels holds ${describe(x)}, not an UnboundRelationship`);
  }
  const nodes = nodesV as Node[];
  const rels = relsV as UnboundRelationship[];
  let prev = nodes[0];
  const segments: PathSegment[] = [];
  for (let i = 0; i < indicesV.length; i += 2) {
    const relIdx = num(indicesV[i], 'Path.indices');
    const nodeIdx = num(indicesV[i + 1], 'Path.indices');
    if (relIdx === 0 || Math.abs(relIdx) > rels.length) {
      bad(`Path relationship index ${relIdx} is outside 1..${rels.length} (or its negative)`);
    }
    if (nodeIdx < 0 || nodeIdx >= nodes.length)
      bad(`Path node index ${nodeIdx} is outside 0..${nodes.length - 1}`);
    const next = nodes[nodeIdx];
    const u = rels[Math.abs(relIdx) - 1];
    const rel =
      relIdx > 0
        ? u.bind(prev.identity, next.identity, prev.elementId, next.elementId)
        : u.bind(next.identity, prev.identity, next.elementId, prev.elementId);
    segments.push(new PathSegment(prev, rel, next));
    prev = next;
  }
  return new Path(nodes[0], prev, segments);
}

function dehydratePath(p: Path): Structure {
  const nodes: Node[] = [p.start];
  const nodeIndex = new Map<string, number>([[p.start.elementId, 0]]);
  const rels: UnboundRelationship[] = [];
  const relIndex = new Map<string, number>();
  const indices: bigint[] = [];
  for (const seg of p.segments) {
    let ni = nodeIndex.get(seg.end.elementId);
    if (ni === undefined) {
      ni = nodes.push(seg.end) - 1;
      nodeIndex.set(seg.end.elementId, ni);
    }
    const r = seg.relationship;
    let ri = relIndex.get(r.elementId);
    if (ri === undefined) {
      ri = rels.push(new UnboundRelationship(r.identity, r.type, r.properties, r.elementId));
      relIndex.set(r.elementId, ri);
    }
    const forward = r.startNodeElementId === seg.start.elementId;
    indices.push(BigInt(forward ? ri : -ri), BigInt(ni));
  }
  return new Structure(0x50, [nodes, rels, indices]);
}

// ---------------------------------------------------------------------------------------------
// temporal

// Encoding checks: a field out of range would silently become another date or time.
function unsupported(what: string): never {
  throw new PackStreamError('UNSUPPORTED_VALUE', what);
}

function checkInt(
  v: unknown,
  name: string,
  min = -Number.MAX_SAFE_INTEGER,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
    unsupported(`${name} must be an integer ${min}..${max}, got ${String(v)}`);
  }
}

function checkDate(d: { year: number; month: number; day: number }, type: string): void {
  checkInt(d.year, `${type}.year`, -999_999_999, 999_999_999);
  checkInt(d.month, `${type}.month`, 1, 12);
  checkInt(d.day, `${type}.day`, 1, 31);
}

function checkTime(
  t: { hour: number; minute: number; second: number; nanosecond: number },
  type: string,
): void {
  checkInt(t.hour, `${type}.hour`, 0, 23);
  checkInt(t.minute, `${type}.minute`, 0, 59);
  checkInt(t.second, `${type}.second`, 0, 59);
  checkInt(t.nanosecond, `${type}.nanosecond`, 0, 999_999_999);
}

const NANOS_PER_DAY = 86_400_000_000_000;

function nanoOfDay(v: unknown, name: string): number {
  const n = num(v, name);
  if (n < 0 || n >= NANOS_PER_DAY)
    bad(`${name} must be within a day (0..86399999999999), got ${n}`);
  return n;
}

function nanoOfSecond(v: unknown, name: string): number {
  const n = num(v, name);
  if (n < 0 || n > 999_999_999) bad(`${name} must be 0..999999999, got ${n}`);
  return n;
}

function epochSeconds(v: unknown, name: string): number | bigint {
  const s = int(v, name);
  // Beyond ±2^63/86400 days the civil date is not representable as a safe number of days.
  const [days] = splitEpochSeconds(s);
  if (!Number.isSafeInteger(days) || Math.abs(days) > 1e12)
    bad(`${name} is out of the supported date range`);
  return s;
}

/** Date, Time, LocalTime, LocalDateTime and Duration, then the DateTimes of the encoding. */
function registerTemporal(r: StructRegistry, utc: boolean): void {
  r.register<Date>({
    tag: 0x44,
    fields: 1,
    type: Date,
    hydrate: (f) => {
      const days = num(f[0], 'Date.days');
      if (Math.abs(days) > 1e12) bad('Date.days is out of the supported range');
      return Date.fromEpochDays(days);
    },
    dehydrate: (d) => {
      checkDate(d, 'Date');
      return new Structure(0x44, [BigInt(d.toEpochDays())]);
    },
  });
  r.register<Time>({
    tag: 0x54,
    fields: 2,
    type: Time,
    hydrate: (f) => {
      const t = LocalTime.fromNanoOfDay(nanoOfDay(f[0], 'Time.nanoseconds'));
      return new Time(
        t.hour,
        t.minute,
        t.second,
        t.nanosecond,
        num(f[1], 'Time.tz_offset_seconds'),
      );
    },
    dehydrate: (t) => {
      checkTime(t, 'Time');
      checkInt(t.timeZoneOffsetSeconds, 'Time.timeZoneOffsetSeconds');
      return new Structure(0x54, [BigInt(t.toNanoOfDay()), BigInt(t.timeZoneOffsetSeconds)]);
    },
  });
  r.register<LocalTime>({
    tag: 0x74,
    fields: 1,
    type: LocalTime,
    hydrate: (f) => LocalTime.fromNanoOfDay(nanoOfDay(f[0], 'LocalTime.nanoseconds')),
    dehydrate: (t) => {
      checkTime(t, 'LocalTime');
      return new Structure(0x74, [BigInt(t.toNanoOfDay())]);
    },
  });
  r.register<LocalDateTime>({
    tag: 0x64,
    fields: 2,
    type: LocalDateTime,
    hydrate: (f) =>
      LocalDateTime.fromEpochSeconds(
        epochSeconds(f[0], 'LocalDateTime.seconds'),
        nanoOfSecond(f[1], 'LocalDateTime.nanoseconds'),
      ),
    dehydrate: (t) => {
      checkDate(t, 'LocalDateTime');
      checkTime(t, 'LocalDateTime');
      return new Structure(0x64, [BigInt(t.toEpochSeconds()), BigInt(t.nanosecond)]);
    },
  });
  r.register<Duration>({
    tag: 0x45,
    fields: 4,
    type: Duration,
    hydrate: (f) =>
      new Duration(
        int(f[0], 'Duration.months'),
        int(f[1], 'Duration.days'),
        int(f[2], 'Duration.seconds'),
        int(f[3], 'Duration.nanoseconds'),
      ),
    dehydrate: (d) => {
      // Normalised like Neo4j stores it: nanoseconds 0..999999999, the carry moved to seconds.
      const total = BigInt(d.seconds) * 1_000_000_000n + BigInt(d.nanoseconds);
      let ns = total % 1_000_000_000n;
      if (ns < 0n) ns += 1_000_000_000n;
      const seconds = (total - ns) / 1_000_000_000n;
      return new Structure(0x45, [BigInt(d.months), BigInt(d.days), seconds, ns]);
    },
  });
  registerDateTime(r, utc);
}

/** DateTime with an offset (`46`, or `49` in the utc encoding) and with a zone id (`66` / `69`). */
function registerDateTime(r: StructRegistry, utc: boolean): void {
  const offsetTag = utc ? 0x49 : 0x46;
  const zoneTag = utc ? 0x69 : 0x66;
  r.register<DateTime>({
    tag: offsetTag,
    fields: 3,
    type: DateTime,
    hydrate: (f) => {
      const seconds = epochSeconds(f[0], 'DateTime.seconds');
      const ns = nanoOfSecond(f[1], 'DateTime.nanoseconds');
      const offset = num(f[2], 'DateTime.tz_offset_seconds');
      const local = utc ? addSeconds(seconds, offset) : seconds;
      return DateTime.fromLocalEpochSeconds(local, ns, offset);
    },
    dehydrate: (d) => dehydrateDateTime(d, utc),
  });
  r.register<DateTime | Structure>({
    tag: zoneTag,
    fields: 3,
    hydrate: (f) => {
      const seconds = epochSeconds(f[0], 'DateTime.seconds');
      const ns = nanoOfSecond(f[1], 'DateTime.nanoseconds');
      const zone = str(f[2], 'DateTime.tz_id');
      if (utc) {
        const offset = offsetAtInstant(zone, Number(seconds));
        // A zone Intl does not know (or an instant outside the JS Date range): keep the raw
        // structure rather than lose or invent data.
        if (offset === undefined) return new Structure(zoneTag, [seconds, ns, zone]);
        return DateTime.fromLocalEpochSeconds(addSeconds(seconds, offset), ns, offset, zone);
      }
      const offset = offsetForLocal(zone, Number(seconds));
      // A zone Intl does not know: the raw structure, as with the utc encoding above.
      if (offset === undefined) return new Structure(zoneTag, [seconds, ns, zone]);
      return DateTime.fromLocalEpochSeconds(seconds, ns, offset, zone);
    },
  });
}

function addSeconds(a: number | bigint, b: number): number | bigint {
  if (typeof a === 'bigint') return a + BigInt(b);
  const s = a + b;
  return Number.isSafeInteger(s) ? s : BigInt(a) + BigInt(b);
}

function dehydrateDateTime(d: DateTime, utc: boolean): Structure {
  checkDate(d, 'DateTime');
  checkTime(d, 'DateTime');
  if (d.timeZoneOffsetSeconds !== undefined)
    checkInt(d.timeZoneOffsetSeconds, 'DateTime.timeZoneOffsetSeconds');
  const ns = BigInt(d.nanosecond);
  if (d.timeZoneId !== undefined) {
    if (!utc) return new Structure(0x66, [BigInt(d.toLocalEpochSeconds()), ns, d.timeZoneId]);
    const seconds = d.toEpochSeconds();
    if (seconds === undefined) {
      throw new PackStreamError(
        'UNSUPPORTED_VALUE',
        `cannot find the offset of time zone ${JSON.stringify(d.timeZoneId)} at ${d}; set timeZoneOffsetSeconds`,
      );
    }
    return new Structure(0x69, [BigInt(seconds), ns, d.timeZoneId]);
  }
  if (d.timeZoneOffsetSeconds === undefined) {
    throw new PackStreamError(
      'UNSUPPORTED_VALUE',
      'a DateTime needs timeZoneOffsetSeconds or timeZoneId (use LocalDateTime for neither)',
    );
  }
  const local = BigInt(d.toLocalEpochSeconds());
  const offset = BigInt(d.timeZoneOffsetSeconds);
  return new Structure(utc ? 0x49 : 0x46, [utc ? local - offset : local, ns, offset]);
}

// ---------------------------------------------------------------------------------------------
// spatial

function registerSpatial(r: StructRegistry): void {
  r.register<Point>({
    tag: 0x58,
    fields: 3,
    type: Point,
    hydrate: (f) => new Point(num(f[0], 'Point.srid'), dbl(f[1], 'Point.x'), dbl(f[2], 'Point.y')),
    dehydrate: (p) =>
      p.z === undefined
        ? new Structure(0x58, [BigInt(p.srid), new Float(p.x), new Float(p.y)])
        : new Structure(0x59, [BigInt(p.srid), new Float(p.x), new Float(p.y), new Float(p.z)]),
  });
  r.register<Point>({
    tag: 0x59,
    fields: 4,
    hydrate: (f) =>
      new Point(
        num(f[0], 'Point.srid'),
        dbl(f[1], 'Point.x'),
        dbl(f[2], 'Point.y'),
        dbl(f[3], 'Point.z'),
      ),
  });
}

// ---------------------------------------------------------------------------------------------
// Bolt 6.0: Vector, UnsupportedType

const VECTOR_MARKERS: Record<VectorType, number> = {
  INT8: 0xc8,
  INT16: 0xc9,
  INT32: 0xca,
  INT64: 0xcb,
  FLOAT32: 0xc6,
  FLOAT64: 0xc1,
};

function registerVector(r: StructRegistry): void {
  r.register<Vector>({
    tag: 0x56,
    fields: 2,
    type: Vector,
    hydrate: (f) => {
      const marker = bytes(f[0], 'Vector.type_marker');
      const data = bytes(f[1], 'Vector.data');
      if (marker.length !== 1) bad(`Vector.type_marker must be 1 byte, got ${marker.length}`);
      const dv = new DataView(data.buffer, data.byteOffset, data.byteLength);
      const check = (size: number) => {
        if (data.length % size !== 0)
          bad(`Vector.data length ${data.length} is not a multiple of ${size}`);
        return data.length / size;
      };
      let values: VectorValues;
      switch (marker[0]) {
        case 0xc8:
          values = new Int8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
          break;
        case 0xc9: {
          const a = new Int16Array(check(2));
          for (let i = 0; i < a.length; i++) a[i] = dv.getInt16(i * 2);
          values = a;
          break;
        }
        case 0xca: {
          const a = new Int32Array(check(4));
          for (let i = 0; i < a.length; i++) a[i] = dv.getInt32(i * 4);
          values = a;
          break;
        }
        case 0xcb: {
          const a = new BigInt64Array(check(8));
          for (let i = 0; i < a.length; i++) a[i] = dv.getBigInt64(i * 8);
          values = a;
          break;
        }
        case 0xc6: {
          const a = new Float32Array(check(4));
          for (let i = 0; i < a.length; i++) a[i] = dv.getFloat32(i * 4);
          values = a;
          break;
        }
        case 0xc1: {
          const a = new Float64Array(check(8));
          for (let i = 0; i < a.length; i++) a[i] = dv.getFloat64(i * 8);
          values = a;
          break;
        }
        default:
          return bad(`unknown Vector type marker 0x${marker[0].toString(16).toUpperCase()}`);
      }
      return Vector.of(values);
    },
    dehydrate: (v) => {
      const src = v.values;
      const size = src.BYTES_PER_ELEMENT;
      const data = new Uint8Array(src.length * size);
      const dv = new DataView(data.buffer);
      for (let i = 0; i < src.length; i++) {
        switch (v.type) {
          case 'INT8':
            dv.setInt8(i, src[i] as number);
            break;
          case 'INT16':
            dv.setInt16(i * 2, src[i] as number);
            break;
          case 'INT32':
            dv.setInt32(i * 4, src[i] as number);
            break;
          case 'INT64':
            dv.setBigInt64(i * 8, src[i] as bigint);
            break;
          case 'FLOAT32':
            dv.setFloat32(i * 4, src[i] as number);
            break;
          case 'FLOAT64':
            dv.setFloat64(i * 8, src[i] as number);
            break;
        }
      }
      return new Structure(0x56, [Uint8Array.of(VECTOR_MARKERS[v.type]), data]);
    },
  });
}

function registerUnsupportedType(r: StructRegistry): void {
  r.register<UnsupportedType>({
    tag: 0x3f,
    fields: 4,
    type: UnsupportedType,
    hydrate: (f) => {
      const extra = map(f[3], 'UnsupportedType.extra');
      const message = typeof extra.message === 'string' ? extra.message : undefined;
      return new UnsupportedType(
        str(f[0], 'UnsupportedType.name'),
        num(f[1], 'UnsupportedType.minimum_protocol_major'),
        num(f[2], 'UnsupportedType.minimum_protocol_minor'),
        message,
      );
    },
    dehydrate: (u) =>
      new Structure(0x3f, [
        u.name,
        BigInt(u.minimumProtocolMajor),
        BigInt(u.minimumProtocolMinor),
        u.message === undefined ? {} : { message: u.message },
      ]),
  });
}

/**
 * Values between testkit's JSON shapes (`{name: "CypherInt", data: {value: 1}}`, ...) and the
 * client's values. The backend runs the client with `integers: 'bigint'`, so an INTEGER from
 * the server is a `bigint` and a FLOAT a `number`: both directions keep the Cypher type exact
 * (CypherInt ↔ bigint, CypherFloat ↔ number sent with `float()`).
 */
import {
  Date as BoltDate,
  DateTime,
  Duration,
  float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Structure,
  Time,
} from '@bolt/client/node';

/** A testkit value: `{ name, data }`. */
export interface CypherValue {
  name: string;
  data: Record<string, any>;
}

/** A value testkit sent that this backend cannot turn into a client value. */
export class CypherConversionError extends Error {
  override readonly name = 'CypherConversionError';
}

const SRID: Record<string, [number, number]> = {
  // system -> [2D srid, 3D srid]
  cartesian: [7203, 9157],
  wgs84: [4326, 4979],
};

// ---- testkit -> client ------------------------------------------------------------------------

/** A testkit value as a client value (a query parameter, tx metadata, ...). */
export function toNative(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v !== 'object' || typeof (v as CypherValue).name !== 'string')
    throw new CypherConversionError(`not a Cypher value: ${JSON.stringify(v)}`);
  const { name, data } = v as CypherValue;
  const d = data ?? {};
  switch (name) {
    case 'CypherNull':
      return null;
    case 'CypherBool':
    case 'CypherString':
      return d.value;
    case 'CypherInt':
      return BigInt(d.value);
    case 'CypherFloat':
      return float(floatValue(d.value));
    case 'CypherBytes':
      return bytesFromHex(String(d.value));
    case 'CypherList':
      return (d.value as unknown[]).map(toNative);
    case 'CypherMap':
      return mapToNative(d.value);
    case 'CypherDate':
      return new BoltDate(num(d.year), num(d.month), num(d.day));
    case 'CypherTime':
      return d.utc_offset_s === null || d.utc_offset_s === undefined
        ? new LocalTime(num(d.hour), num(d.minute), num(d.second), num(d.nanosecond))
        : new Time(
            num(d.hour),
            num(d.minute),
            num(d.second),
            num(d.nanosecond),
            num(d.utc_offset_s),
          );
    case 'CypherDateTime': {
      const fields = [d.year, d.month, d.day, d.hour, d.minute, d.second, d.nanosecond].map(num);
      const [y, mo, day, h, mi, s, ns] = fields;
      const offset =
        d.utc_offset_s === null || d.utc_offset_s === undefined ? undefined : num(d.utc_offset_s);
      const zone = typeof d.timezone_id === 'string' ? d.timezone_id : undefined;
      if (offset === undefined && zone === undefined)
        return new LocalDateTime(y, mo, day, h, mi, s, ns);
      return new DateTime(y, mo, day, h, mi, s, ns, offset, zone);
    }
    case 'CypherDuration':
      return new Duration(int(d.months), int(d.days), int(d.seconds), int(d.nanoseconds));
    case 'CypherPoint': {
      const srids = SRID[d.system];
      if (!srids)
        throw new CypherConversionError(`unknown point system ${JSON.stringify(d.system)}`);
      const hasZ = d.z !== null && d.z !== undefined;
      return new Point(
        srids[hasZ ? 1 : 0],
        Number(d.x),
        Number(d.y),
        hasZ ? Number(d.z) : undefined,
      );
    }
    default:
      throw new CypherConversionError(`the backend cannot send ${name} as a parameter`);
  }
}

/** A testkit map of Cypher values (`params`, `txMeta`) as a plain object; null stays undefined. */
export function mapToNative(m: unknown): Record<string, unknown> | undefined {
  if (m === null || m === undefined) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m as Record<string, unknown>)) setKey(out, k, toNative(v));
  return out;
}

function floatValue(v: unknown): number {
  if (v === 'NaN') return Number.NaN;
  if (v === '+Infinity' || v === 'Infinity') return Number.POSITIVE_INFINITY;
  if (v === '-Infinity') return Number.NEGATIVE_INFINITY;
  return Number(v);
}

function num(v: unknown): number {
  return Number(v);
}

function int(v: unknown): number | bigint {
  return typeof v === 'bigint' ? v : Number(v);
}

function bytesFromHex(hex: string): Uint8Array {
  const parts = hex.trim() === '' ? [] : hex.trim().split(/\s+/);
  const out = new Uint8Array(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const b = Number.parseInt(parts[i], 16);
    if (!(b >= 0 && b <= 255))
      throw new CypherConversionError(`bad byte ${parts[i]} in CypherBytes`);
    out[i] = b;
  }
  return out;
}

function setKey(o: Record<string, unknown>, k: string, v: unknown): void {
  Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
}

// ---- client -> testkit ------------------------------------------------------------------------

function value(name: string, v: unknown): CypherValue {
  return { name, data: { value: v } };
}

/** A client value (a record field, a summary parameter) as a testkit value. */
export function toCypher(x: unknown): CypherValue {
  if (x === null || x === undefined) return value('CypherNull', null);
  switch (typeof x) {
    case 'boolean':
      return value('CypherBool', x);
    case 'string':
      return value('CypherString', x);
    case 'bigint':
      return value('CypherInt', x);
    case 'number':
      // the client runs with integers: 'bigint', so a number is a FLOAT
      return value(
        'CypherFloat',
        Number.isNaN(x) ? 'NaN' : x === Infinity ? '+Infinity' : x === -Infinity ? '-Infinity' : x,
      );
  }
  if (Array.isArray(x)) return value('CypherList', x.map(toCypher));
  if (x instanceof Uint8Array)
    return value('CypherBytes', Array.from(x, (b) => b.toString(16).padStart(2, '0')).join(' '));
  if (x instanceof Node) return node(x);
  if (x instanceof Relationship) return relationship(x);
  if (x instanceof Path) return path(x);
  if (x instanceof Point) {
    const system = x.srid === 4326 || x.srid === 4979 ? 'wgs84' : 'cartesian';
    return { name: 'CypherPoint', data: { system, x: x.x, y: x.y, z: x.z ?? null } };
  }
  if (x instanceof BoltDate)
    return { name: 'CypherDate', data: { year: x.year, month: x.month, day: x.day } };
  if (x instanceof LocalTime || x instanceof Time)
    return {
      name: 'CypherTime',
      data: {
        hour: x.hour,
        minute: x.minute,
        second: x.second,
        nanosecond: x.nanosecond,
        utc_offset_s: x instanceof Time ? x.timeZoneOffsetSeconds : null,
      },
    };
  if (x instanceof LocalDateTime || x instanceof DateTime) {
    const zoned = x instanceof DateTime;
    return {
      name: 'CypherDateTime',
      data: {
        year: x.year,
        month: x.month,
        day: x.day,
        hour: x.hour,
        minute: x.minute,
        second: x.second,
        nanosecond: x.nanosecond,
        utc_offset_s: zoned ? (x.timeZoneOffsetSeconds ?? null) : null,
        timezone_id: zoned ? (x.timeZoneId ?? null) : null,
      },
    };
  }
  if (x instanceof Duration)
    return {
      name: 'CypherDuration',
      data: { months: x.months, days: x.days, seconds: x.seconds, nanoseconds: x.nanoseconds },
    };
  if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
    const m: Record<string, CypherValue> = {};
    for (const [k, v] of Object.entries(x as Record<string, unknown>)) setKey(m, k, toCypher(v));
    return value('CypherMap', m);
  }
  // a structure the client left undecoded (e.g. a DateTime in a zone it does not know): say
  // what it holds, so the error names the zone
  const shown =
    x instanceof Structure
      ? `Structure(0x${x.tag.toString(16)}: ${x.fields.map((f) => (typeof f === 'string' ? JSON.stringify(f) : String(f))).join(', ')})`
      : String(x);
  throw new CypherConversionError(
    `the backend has no testkit shape for ${(x as object).constructor?.name ?? typeof x}: ${shown}`,
  );
}

/** A plain object of client values as a map of testkit values (summary parameters, ...). */
export function mapToCypher(m: Record<string, unknown>): Record<string, CypherValue> {
  const out: Record<string, CypherValue> = {};
  for (const [k, v] of Object.entries(m)) setKey(out, k, toCypher(v));
  return out;
}

function node(n: Node): CypherValue {
  return {
    name: 'Node',
    data: {
      id: toCypher(n.identity),
      labels: toCypher(n.labels),
      props: toCypher(n.properties),
      elementId: toCypher(n.elementId),
    },
  };
}

function relationship(r: Relationship): CypherValue {
  return {
    name: 'Relationship',
    data: {
      id: toCypher(r.identity),
      startNodeId: toCypher(r.start),
      endNodeId: toCypher(r.end),
      type: toCypher(r.type),
      props: toCypher(r.properties),
      elementId: toCypher(r.elementId),
      startNodeElementId: toCypher(r.startNodeElementId),
      endNodeElementId: toCypher(r.endNodeElementId),
    },
  };
}

function path(p: Path): CypherValue {
  const nodes = [node(p.start)];
  const rels: CypherValue[] = [];
  for (const seg of p.segments) {
    nodes.push(node(seg.end));
    rels.push(relationship(seg.relationship));
  }
  return {
    name: 'Path',
    data: { nodes: value('CypherList', nodes), relationships: value('CypherList', rels) },
  };
}

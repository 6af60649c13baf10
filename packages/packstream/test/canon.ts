// A comparable plain form of decoded values, for ours and the official driver's alike
// (Integer/bigint/number -> "n:<decimal>", Int8Array/Uint8Array -> "b:<hex>", classes by name).
import { neo4j } from './official-driver';

const FIELDS: Record<string, string[]> = {
  Node: ['identity', 'labels', 'properties', 'elementId'],
  Relationship: [
    'identity',
    'start',
    'end',
    'type',
    'properties',
    'elementId',
    'startNodeElementId',
    'endNodeElementId',
  ],
  UnboundRelationship: ['identity', 'type', 'properties', 'elementId'],
  Path: ['start', 'end', 'segments'],
  PathSegment: ['start', 'relationship', 'end'],
  Date: ['year', 'month', 'day'],
  Time: ['hour', 'minute', 'second', 'nanosecond', 'timeZoneOffsetSeconds'],
  LocalTime: ['hour', 'minute', 'second', 'nanosecond'],
  LocalDateTime: ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond'],
  DateTime: [
    'year',
    'month',
    'day',
    'hour',
    'minute',
    'second',
    'nanosecond',
    'timeZoneOffsetSeconds',
    'timeZoneId',
  ],
  Duration: ['months', 'days', 'seconds', 'nanoseconds'],
  Point: ['srid', 'x', 'y', 'z'],
};

function hex(b: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += (b[i] & 0xff).toString(16).padStart(2, '0');
  return s;
}

export function canon(v: any): unknown {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
      return v;
    case 'number':
      return `n:${Object.is(v, -0) ? '-0' : String(v)}`;
    case 'bigint':
      return `n:${v}`;
    case 'string':
      return `s:${v}`;
  }
  if (neo4j.isInt(v)) return `n:${v.toString()}`;
  if (v instanceof Uint8Array || v instanceof Int8Array) return `b:${hex(v)}`;
  if (Array.isArray(v)) return v.map(canon);
  if (neo4j.isUUID?.(v) || v.constructor?.name === 'Uuid') return `u:${v.toString()}`;
  if (neo4j.isVector?.(v)) {
    const a = v.asTypedArray();
    return { t: 'Vector', array: a.constructor.name, values: Array.from(a, String) };
  }
  const name = v.constructor?.name;
  if (name === 'Vector')
    return { t: 'Vector', array: v.values.constructor.name, values: Array.from(v.values, String) };
  if (name === 'UnsupportedType') {
    return {
      t: 'UnsupportedType',
      name: v.name,
      version: v.minimumProtocolVersion ?? `${v.minimumProtocolMajor}.${v.minimumProtocolMinor}`,
      message: v.message ?? null,
    };
  }
  if (name === 'Structure')
    return { t: 'Structure', tag: v.tag ?? v.signature, fields: v.fields.map(canon) };
  const fields = FIELDS[name];
  if (fields) {
    const o: Record<string, unknown> = { t: name };
    for (const f of fields) o[f] = canon(v[f]);
    return o;
  }
  const o: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) o[k] = canon(v[k]);
  return o;
}

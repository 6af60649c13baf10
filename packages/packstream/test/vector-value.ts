// Builds JS values from the JSON notation of vectors.json (see its $comment).
import * as ps from '@bolt/packstream';

export function hexToBytes(hex: string, tail?: [string, number]): Uint8Array {
  const clean = hex.replace(/\s+/g, '');
  const head = clean.length / 2;
  const out = new Uint8Array(head + (tail ? tail[1] : 0));
  for (let i = 0; i < head; i++) out[i] = Number.parseInt(clean.slice(i * 2, i * 2 + 2), 16);
  if (tail) out.fill(Number.parseInt(tail[0], 16), head);
  return out;
}

export function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).toUpperCase().padStart(2, '0')).join(' ');
}

const classes: Record<string, new (...args: any[]) => unknown> = {
  Date: ps.Date,
  Time: ps.Time,
  LocalTime: ps.LocalTime,
  LocalDateTime: ps.LocalDateTime,
  DateTime: ps.DateTime,
  Duration: ps.Duration,
  Point: ps.Point,
  Node: ps.Node,
  Relationship: ps.Relationship,
  UnboundRelationship: ps.UnboundRelationship,
  Path: ps.Path,
  PathSegment: ps.PathSegment,
  Vector: ps.Vector,
  UnsupportedType: ps.UnsupportedType,
};

const typed: Record<string, (v: unknown[]) => unknown> = {
  Int8Array: (v) => Int8Array.from(v as number[]),
  Int16Array: (v) => Int16Array.from(v as number[]),
  Int32Array: (v) => Int32Array.from(v as number[]),
  BigInt64Array: (v) => BigInt64Array.from((v as number[]).map(BigInt)),
  Float32Array: (v) => Float32Array.from(v as number[]),
  Float64Array: (v) => Float64Array.from(v as number[]),
};

/** JSON notation -> the value to ENCODE (floats as Float wrappers). */
export function build(j: any, forDecode = false): unknown {
  if (j === null || typeof j === 'boolean' || typeof j === 'string' || typeof j === 'number')
    return j;
  if (Array.isArray(j)) return j.map((x) => build(x, forDecode));
  if ('int' in j) return BigInt(j.int);
  if ('float' in j) {
    const f =
      j.float === 'NaN'
        ? Number.NaN
        : j.float === '-0'
          ? -0
          : j.float === 'Infinity'
            ? Infinity
            : j.float;
    return forDecode ? f : ps.float(f);
  }
  if ('repeat' in j) return String(j.repeat).repeat(j.count);
  if ('list' in j) return new Array(j.list.count).fill(build(j.list.repeat, forDecode));
  if ('map' in j) {
    const o: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(j.map)) o[k] = build(v, forDecode);
    return o;
  }
  if ('bytes' in j) {
    if (typeof j.bytes === 'string') return hexToBytes(j.bytes);
    return hexToBytes('', [j.bytes.repeat, j.bytes.count]);
  }
  if ('uuid' in j) return ps.Uuid.parse(j.uuid);
  if ('typed' in j) return typed[j.typed](j.values);
  if ('new' in j) {
    const C = classes[j.new];
    if (!C) throw new Error(`unknown class ${j.new}`);
    return new C(...j.args.map((a: unknown) => build(a, forDecode)));
  }
  throw new Error(`bad vector notation ${JSON.stringify(j)}`);
}

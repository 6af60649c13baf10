/**
 * Values written back in the script notation, as testkit's stub server logs received
 * messages (its tests read those lines, e.g. `json.loads` of a `BEGIN {"{}": {...}}` line):
 * JSON with Python's `json.dumps` spacing and ASCII escapes; integers bare when they fit 32 bits,
 * else `{"Z": "…"}`; floats `{"R": "…"}` in Python's `repr`; maps `{"{}": {…}}`; bytes
 * `{"#": "…"}`; typed values with their sigils.
 */
import {
  Date as BoltDate,
  DateTime,
  Duration,
  Float,
  hex,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Structure,
  Time,
  UnboundRelationship,
} from '@bolt/packstream';
import type { Jolt } from './value.js';

/** A message line in the script notation: `NAME field field …` (no `C:`/`S:` marker). */
export function formatScriptLine(name: string, fields: readonly unknown[], jolt: Jolt): string {
  return [name, ...fields.map((f) => formatValue(f, jolt))].join(' ');
}

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** One value in the script notation. `jolt` decides the node and relationship arity. */
export function formatValue(v: unknown, jolt: Jolt): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'boolean':
      return String(v);
    case 'bigint':
      return v >= INT32_MIN && v <= INT32_MAX ? String(v) : `{"Z": "${v}"}`;
    case 'number':
      return `{"R": "${pythonFloat(v)}"}`;
    case 'string':
      return pythonString(v);
  }
  if (v instanceof Float) return `{"R": "${pythonFloat(v.value)}"}`;
  if (v instanceof Uint8Array) {
    return `{"#": "${hex(v, { separator: '' })}"}`;
  }
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, jolt)).join(', ')}]`;
  if (
    v instanceof BoltDate ||
    v instanceof Time ||
    v instanceof LocalTime ||
    v instanceof DateTime ||
    v instanceof LocalDateTime ||
    v instanceof Duration
  ) {
    return `{"T": ${pythonString(String(v))}}`;
  }
  if (v instanceof Point) {
    const coords = [v.x, v.y, ...(v.z === undefined ? [] : [v.z])].map(pythonFloat).join(' ');
    return `{"@": "SRID=${v.srid};POINT(${coords})"}`;
  }
  if (v instanceof Node) {
    const fields = [
      formatId(v.identity),
      formatValue(v.labels, jolt),
      formatProps(v.properties, jolt),
    ];
    if (jolt === 2) fields.push(pythonString(v.elementId));
    return `{"()": [${fields.join(', ')}]}`;
  }
  if (v instanceof Relationship) return `{"->": [${relFields(v, jolt).join(', ')}]}`;
  if (v instanceof UnboundRelationship) {
    return `{"->": [${formatId(v.identity)}, null, ${pythonString(v.type)}, null, ${formatProps(v.properties, jolt)}]}`;
  }
  if (v instanceof Path) {
    const items: unknown[] = [v.start];
    for (const s of v.segments) items.push(s.relationship, s.end);
    return `{"..": [${items.map((x) => formatValue(x, jolt)).join(', ')}]}`;
  }
  if (v instanceof Structure) {
    return `Structure(0x${v.tag.toString(16).padStart(2, '0').toUpperCase()}, ${formatValue(v.fields, jolt)})`;
  }
  if (typeof v === 'object') return `{"{}": ${formatProps(v as Record<string, unknown>, jolt)}}`;
  return String(v);
}

function formatId(id: number | bigint | null): string {
  return id === null ? 'null' : String(id);
}

function formatProps(props: Record<string, unknown>, jolt: Jolt): string {
  const entries = Object.keys(props).map(
    (k) => `${pythonString(k)}: ${formatValue(props[k], jolt)}`,
  );
  return `{${entries.join(', ')}}`;
}

function relFields(r: Relationship, jolt: Jolt): string[] {
  const f = [
    formatId(r.identity),
    formatId(r.start),
    pythonString(r.type),
    formatId(r.end),
    formatProps(r.properties, jolt),
  ];
  if (jolt === 2) {
    f.push(
      pythonString(r.elementId),
      pythonString(r.startNodeElementId),
      pythonString(r.endNodeElementId),
    );
  }
  return f;
}

/** A JSON string as Python's `json.dumps` writes it (non-ASCII as `\uXXXX`). */
export function pythonString(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) out += '\\"';
    else if (c === 0x5c) out += '\\\\';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c < 0x20 || c > 0x7e) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += s[i];
  }
  return `${out}"`;
}

/** A float as Python's `repr` writes it: `1.0`, `1e+16`, `1.5e-05`, `inf`→`+Infinity`, `NaN`. */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = x.toExponential().split('e');
  const e = Number(exp);
  if (e < -4 || e >= 16) {
    return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  }
  const s = x.toFixed(Math.max(0, (mantissa.split('.')[1]?.length ?? 0) - e));
  return s.includes('.') ? s : `${s}.0`;
}

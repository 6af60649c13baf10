import { ProtocolError } from './protocol-error.js';

// Field and key checks shared by request encoding and decoding. Each throws ProtocolError
// BAD_FIELD naming the message, the field and what came instead.

/** A short description of a value for error messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Uint8Array) return 'bytes';
  switch (typeof v) {
    case 'string':
      return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
    case 'number':
      return Number.isInteger(v) ? `the integer ${v}` : `the float ${v}`;
    case 'bigint':
      return `the integer ${v}`;
    case 'object': {
      const proto = Object.getPrototypeOf(v);
      return proto === Object.prototype || proto === null
        ? 'a map'
        : `a ${proto?.constructor?.name ?? 'object'}`;
    }
    default:
      return typeof v;
  }
}

export function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isInteger(v: unknown): v is number | bigint {
  return typeof v === 'bigint' || (typeof v === 'number' && Number.isSafeInteger(v));
}

export function badField(where: string, expected: string, got: unknown): ProtocolError {
  return new ProtocolError('BAD_FIELD', `${where}: expected ${expected}, got ${describe(got)}`);
}

export function mapField(where: string, v: unknown): Record<string, unknown> {
  if (!isMap(v)) throw badField(where, 'a map', v);
  return v;
}

export function stringField(where: string, v: unknown): string {
  if (typeof v !== 'string') throw badField(where, 'a string', v);
  return v;
}

export function stringList(where: string, v: unknown): string[] {
  if (!Array.isArray(v)) throw badField(where, 'a list of strings', v);
  for (let i = 0; i < v.length; i++)
    if (typeof v[i] !== 'string') throw badField(`${where}[${i}]`, 'a string', v[i]);
  return v as string[];
}

/** Optional keys: undefined always passes; null passes when `nullable`. */
export function optString(where: string, v: unknown, nullable = true): void {
  if (v === undefined || (nullable && v === null)) return;
  if (typeof v !== 'string') throw badField(where, nullable ? 'a string or null' : 'a string', v);
}

export function optStringList(where: string, v: unknown, nullable = true): void {
  if (v === undefined || (nullable && v === null)) return;
  stringList(where, v);
}

export function optMap(where: string, v: unknown, nullable = false): void {
  if (v === undefined || (nullable && v === null)) return;
  if (!isMap(v)) throw badField(where, nullable ? 'a map or null' : 'a map', v);
}

export function optInteger(where: string, v: unknown): void {
  if (v === undefined) return;
  if (!isInteger(v)) throw badField(where, 'an integer', v);
}

/** An integer field to encode: a safe-integer number or bigint, sent as a PackStream INT. */
export function toWireInteger(where: string, v: unknown): bigint {
  if (!isInteger(v)) throw badField(where, 'an integer', v);
  return BigInt(v);
}

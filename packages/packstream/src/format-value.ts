// Cypher-literal-like rendering used by the value classes' toString(). Internal.
import { hex } from './hex';

export function formatValue(v: unknown, depth = 0): string {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return JSON.stringify(v);
    case 'number':
      return Number.isInteger(v) ? String(v) : String(v);
    case 'bigint':
      return v.toString();
    case 'boolean':
      return String(v);
    case 'object': {
      if (depth > 8) return '…';
      if (Array.isArray(v)) return `[${v.map((x) => formatValue(x, depth + 1)).join(', ')}]`;
      if (v instanceof Uint8Array) {
        const pairs = hex(v.subarray(0, 64), { separator: '', upperCase: false });
        return `bytes(${pairs}${v.length > 64 ? '…' : ''})`;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto === Object.prototype || proto === null)
        return formatMap(v as Record<string, unknown>, depth);
      if (v instanceof Map) return formatMap(Object.fromEntries(v), depth);
      return String(v);
    }
    default:
      return String(v);
  }
}

export function formatMap(m: Record<string, unknown>, depth = 0): string {
  const keys = Object.keys(m);
  if (keys.length === 0) return '{}';
  return `{${keys.map((k) => `${/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? k : `\`${k}\``}: ${formatValue(m[k], depth + 1)}`).join(', ')}}`;
}

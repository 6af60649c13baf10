/**
 * Query results for a terminal: a table, JSON (one object per record, one per line) or CSV, and
 * a summary (rows, timings, counters, notifications).
 */
import type { Record as BoltRecord, ResultSummary } from '@bolt/client/node';
import { Float, hex } from '@bolt/packstream';

export type Format = 'table' | 'json' | 'csv';
export const FORMATS: readonly Format[] = ['table', 'json', 'csv'];

/** One value as text: strings bare at the top level, everything else in a Cypher-like notation. */
export function cell(v: unknown, top = true): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return top ? v : JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  if (v instanceof Uint8Array) return `0x${hex(v, { separator: '', upperCase: false })}`;
  if (Array.isArray(v)) return `[${v.map((x) => cell(x, false)).join(', ')}]`;
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    const entries = Object.entries(v as Record<string, unknown>);
    return `{${entries.map(([k, x]) => `${k}: ${cell(x, false)}`).join(', ')}}`;
  }
  return String(v); // Node, Relationship, Path, temporal and spatial values print themselves
}

/** A JSON-safe copy: bigints as numbers when safe (else strings), typed values as their text. */
function plain(v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return v >= -(2n ** 53n) && v <= 2n ** 53n ? Number(v) : String(v);
  if (typeof v !== 'object') return v;
  if (v instanceof Float) return v.value;
  if (v instanceof Uint8Array) return cell(v);
  if (Array.isArray(v)) return v.map(plain);
  const proto = Object.getPrototypeOf(v);
  if (proto === Object.prototype || proto === null) {
    return Object.fromEntries(
      Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]),
    );
  }
  return String(v);
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The records in `format`, ending with a newline (empty for no columns in table form). */
export function renderRecords(
  keys: readonly string[],
  records: readonly BoltRecord[],
  format: Format,
): string {
  const rows = records.map((r) => keys.map((k) => r.get(k)));
  switch (format) {
    case 'json':
      return rows
        .map(
          (row) =>
            `${JSON.stringify(Object.fromEntries(keys.map((k, i) => [k, plain(row[i])])))}\n`,
        )
        .join('');
    case 'csv':
      return [keys, ...rows.map((row) => row.map((v) => cell(v)))]
        .map((r) => `${r.map(csvField).join(',')}\n`)
        .join('');
    default: {
      if (keys.length === 0) return '';
      const text = rows.map((row) => row.map((v) => cell(v)));
      const widths = keys.map((k, i) => Math.max(k.length, ...text.map((r) => r[i].length)));
      const line = (cells: readonly string[]) =>
        `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |\n`;
      const rule = `+${widths.map((w) => '-'.repeat(w + 2)).join('+')}+\n`;
      return rule + line(keys) + rule + text.map(line).join('') + rule;
    }
  }
}

/** Rows, timings, the counters that moved, and notifications: one line each. */
export function renderSummary(count: number, summary: ResultSummary): string {
  const lines = [
    `${count} row${count === 1 ? '' : 's'}, available after ${summary.resultAvailableAfter} ms, consumed after ${summary.resultConsumedAfter} ms`,
  ];
  const moved = Object.entries(summary.counters.updates()).filter(([, n]) => n > 0);
  if (moved.length > 0) lines.push(moved.map(([name, n]) => `${name}: ${n}`).join(', '));
  for (const n of summary.notifications) {
    const at = n.position ? ` (line ${n.position.line}, column ${n.position.column})` : '';
    lines.push(`${n.severity} ${n.code}: ${n.description}${at}`);
  }
  return `${lines.join('\n')}\n`;
}

import type { ChunkWriter } from '@bolt/chunking';
import type { RequestType } from '@bolt/parser';

/** One SUCCESS already sent: its metadata, flat, and its encoded message body. */
interface Entry {
  keys: string[];
  values: unknown[];
  body: Uint8Array;
}

/**
 * The last SUCCESS sent for each request type, kept encoded. Pipelined queries are answered
 * with the same metadata again and again (`{fields, t_first, db}` for RUN, `{type, t_last, db}`
 * for the PULL that ends a result): an equal one is framed from the kept bytes instead of being
 * encoded again. Only metadata whose values are primitives, or lists of primitives, is kept
 * (values are compared, never object identities that could have changed since).
 */
export class SuccessCache {
  private readonly entries = new Map<RequestType, Entry>();

  /** The body of the SUCCESS sent last for `request`, if its metadata equals `metadata`. */
  match(request: RequestType, metadata: Record<string, unknown>): Uint8Array | undefined {
    const entry = this.entries.get(request);
    if (entry === undefined) return undefined;
    const { keys, values } = entry;
    let i = 0;
    for (const key in metadata) {
      if (i === keys.length || keys[i] !== key || !same(metadata[key], values[i])) return undefined;
      i++;
    }
    return i === keys.length ? entry.body : undefined;
  }

  /** Keep the SUCCESS just framed into `writer` from `start` on, if its metadata is flat. */
  remember(
    request: RequestType,
    metadata: Record<string, unknown>,
    writer: ChunkWriter,
    start: number,
  ): void {
    const keys: string[] = [];
    const values: unknown[] = [];
    for (const key in metadata) {
      const value = metadata[key];
      if (!flat(value)) {
        this.entries.delete(request);
        return;
      }
      keys.push(key);
      values.push(Array.isArray(value) ? value.slice() : value);
    }
    const b = writer.out.buffer;
    const size = (b[start] << 8) | b[start + 1];
    // A body that took more than one chunk is not kept (metadata that large is no constant).
    if (start + 2 + size + 2 !== writer.length) return;
    this.entries.set(request, { keys, values, body: b.slice(start + 2, start + 2 + size) });
  }
}

function primitive(v: unknown): boolean {
  return v === null || (typeof v !== 'object' && typeof v !== 'function');
}

function flat(v: unknown): boolean {
  if (primitive(v)) return true;
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (!primitive(v[i])) return false;
  return true;
}

function same(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

import { usageError } from './bolt-error.js';

/** The shape of a record's entries: column name -> value type. */
export type RecordShape = { [key: string]: unknown };

/**
 * One row of a result. Typed by a generic describing its columns:
 * `session.run<{ n: Node; age: number }>(...)` gives records whose `get('n')` is a `Node`.
 * The column names and their index are shared by every record of a result.
 */
export class Record<T extends RecordShape = RecordShape> {
  /** Column names, in order (shared by all records of the result; do not mutate). */
  readonly keys: readonly (keyof T & string)[];
  /** The values, in column order. */
  readonly fields: unknown[];
  /** @internal column name -> index; undefined for a few columns (searched instead) */
  private readonly _index: Map<string, number> | undefined;

  constructor(keys: readonly string[], fields: unknown[], index?: Map<string, number>) {
    this.keys = keys as (keyof T & string)[];
    this.fields = fields;
    this._index = index ?? indexOf(keys);
  }

  /** The position of column `key` (the last one of a repeated name), or -1. */
  private column(key: string): number {
    const index = this._index;
    if (index === undefined) return (this.keys as readonly string[]).lastIndexOf(key);
    return index.get(key) ?? -1;
  }

  /** Number of columns. */
  get length(): number {
    return this.fields.length;
  }

  /** The value of a column, by name or by position. Throws a usage BoltError for an unknown key. */
  get<K extends keyof T & string>(key: K): T[K];
  get(index: number): unknown;
  get(key: string | number): unknown {
    if (typeof key === 'number') {
      if (key < 0 || key >= this.fields.length || !Number.isInteger(key))
        throw usageError(`record has no column ${key}; it has ${this.fields.length} column(s)`);
      return this.fields[key];
    }
    const i = this.column(key);
    if (i < 0)
      throw usageError(
        `record has no column "${key}"; its columns are ${JSON.stringify(this.keys)}`,
      );
    return this.fields[i];
  }

  /** Whether a column exists. */
  has(key: string | number): boolean {
    return typeof key === 'number' ? key >= 0 && key < this.fields.length : this.column(key) >= 0;
  }

  /** `{ column: value, ... }` */
  toObject(): T {
    const o: any = {};
    const keys = this.keys;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === '__proto__')
        Object.defineProperty(o, k, {
          value: this.fields[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else o[k] = this.fields[i];
    }
    return o as T;
  }

  /** JSON: the same object as `toObject()`. */
  toJSON(): T {
    return this.toObject();
  }

  /** `[key, value]` pairs. */
  *entries(): IterableIterator<[keyof T & string, T[keyof T]]> {
    for (let i = 0; i < this.keys.length; i++) yield [this.keys[i], this.fields[i] as T[keyof T]];
  }

  /** The values, in column order. */
  values(): IterableIterator<unknown> {
    return this.fields[Symbol.iterator]();
  }

  forEach(visitor: (value: unknown, key: keyof T & string, record: this) => void): void {
    for (let i = 0; i < this.keys.length; i++) visitor(this.fields[i], this.keys[i], this);
  }

  [Symbol.iterator](): IterableIterator<unknown> {
    return this.fields[Symbol.iterator]();
  }
}

/** Up to this many columns, a name is found by searching the keys: faster than building a map
 *  for every result of a small query. */
const SEARCHED_COLUMNS = 8;

/** The index the records of a result share: a map from column name to position, or undefined
 *  when there are few columns (records then search their keys). */
export function indexOf(keys: readonly string[]): Map<string, number> | undefined {
  if (keys.length <= SEARCHED_COLUMNS) return undefined;
  const m = new Map<string, number>();
  for (let i = 0; i < keys.length; i++) m.set(keys[i], i);
  return m;
}

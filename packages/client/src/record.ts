import type { ScalarListReader } from '@bolt/packstream';
import { usageError } from './bolt-error.js';

/** The shape of a record's entries: column name -> value type. */
export type RecordShape = { [key: string]: unknown };

/**
 * One row of a result. Typed by a generic describing its columns:
 * `session.run<{ n: Node; age: number }>(...)` gives records whose `get('n')` is a `Node`.
 * The column names and their index are shared by every record of a result.
 *
 * In a result that holds its records (awaited, or read with `records()`; not one read through
 * its iterator), a row of scalars only (null, booleans, numbers, strings) keeps the bytes it
 * arrived in, and builds a value each time it is read (`get`, `toObject`, iteration): holding
 * many such records costs about their wire size, and reading them costs what decoding them
 * would have. Reading `fields` builds them all once and keeps them.
 */
export class Record<T extends RecordShape = RecordShape> {
  // what the records of a result share: the keys and their index, how to read bytes
  readonly #columns: RecordColumns;
  // the values (#first < 0), or the bytes of a record kept as bytes: one scalar per key at
  // #data[#first, ...); its values are built and kept here on a read of `fields`
  #data: unknown[] | Uint8Array;
  #first: number;

  /**
   * A record of `fields`, named by `keys`. `index`: column name -> position, or the columns
   * the records of one result share (`RecordColumns`, internal).
   */
  constructor(
    keys: readonly string[],
    fields: unknown[],
    index?: Map<string, number> | RecordColumns,
  ) {
    this.#columns =
      index instanceof RecordColumns ? index : new RecordColumns(keys, index ?? indexOf(keys));
    this.#data = fields;
    this.#first = -1;
  }

  /**
   * @internal A record whose values (one per key) are the scalars at `bytes[first, ...)`, read
   * with `columns.reader`; the bytes are its own copy, never changed after.
   */
  static packed<T extends RecordShape>(
    columns: RecordColumns,
    bytes: Uint8Array,
    first: number,
  ): Record<T> {
    const r = new Record<T>(columns.keys, NO_VALUES as unknown[], columns);
    r.#data = bytes;
    r.#first = first;
    return r;
  }

  /** Column names, in order (shared by all records of the result; do not mutate). */
  get keys(): readonly (keyof T & string)[] {
    return this.#columns.keys as (keyof T & string)[];
  }

  /** The values, in column order (built and kept on first read for a record kept as bytes). */
  get fields(): unknown[] {
    if (this.#first >= 0) {
      this.#data = this.#build();
      this.#first = -1;
    }
    return this.#data as unknown[];
  }

  /** The position of column `key` (the last one of a repeated name), or -1. */
  private column(key: string): number {
    const columns = this.#columns;
    if (columns.index === undefined) return columns.keys.lastIndexOf(key);
    return columns.index.get(key) ?? -1;
  }

  /** Number of columns. */
  get length(): number {
    return this.#first >= 0 ? this.#columns.keys.length : (this.#data as unknown[]).length;
  }

  /** The value of a column, by name or by position. Throws a usage BoltError for an unknown key. */
  get<K extends keyof T & string>(key: K): T[K];
  get(index: number): unknown;
  get(key: string | number): unknown {
    let i: number;
    if (typeof key === 'number') {
      if (key < 0 || key >= this.length || !Number.isInteger(key))
        throw usageError(`record has no column ${key}; it has ${this.length} column(s)`);
      i = key;
    } else {
      i = this.column(key);
      if (i < 0)
        throw usageError(
          `record has no column "${key}"; its columns are ${JSON.stringify(this.keys)}`,
        );
    }
    return this.#first >= 0 ? this.#value(i) : (this.#data as unknown[])[i];
  }

  /** Value `i` of a record kept as bytes. Values read in order are each found in one step. */
  #value(i: number): unknown {
    const bytes = this.#data as Uint8Array;
    const columns = this.#columns;
    const reader = columns.reader!;
    let at = this.#first;
    let k = 0;
    if (columns.cursor === this && i >= columns.next) {
      at = columns.at;
      k = columns.next;
    }
    for (; k < i; k++) at = reader.skip(bytes, at);
    const v = reader.read(bytes, at);
    columns.cursor = this;
    columns.next = i + 1;
    columns.at = reader.end;
    return v;
  }

  /** Every value of a record kept as bytes, newly built. */
  #build(): unknown[] {
    const bytes = this.#data as Uint8Array;
    const reader = this.#columns.reader!;
    const out = new Array<unknown>(this.#columns.keys.length);
    let at = this.#first;
    for (let i = 0; i < out.length; i++) {
      out[i] = reader.read(bytes, at);
      at = reader.end;
    }
    return out;
  }

  /** The values: the kept ones, or newly built ones for a record kept as bytes. */
  #values(): unknown[] {
    return this.#first >= 0 ? this.#build() : (this.#data as unknown[]);
  }

  /** Whether a column exists. */
  has(key: string | number): boolean {
    return typeof key === 'number' ? key >= 0 && key < this.length : this.column(key) >= 0;
  }

  /** `{ column: value, ... }` */
  toObject(): T {
    const o: any = {};
    const keys = this.keys;
    const values = this.#values();
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k === '__proto__')
        Object.defineProperty(o, k, {
          value: values[i],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else o[k] = values[i];
    }
    return o as T;
  }

  /** JSON: the same object as `toObject()`. */
  toJSON(): T {
    return this.toObject();
  }

  /** `[key, value]` pairs. */
  *entries(): IterableIterator<[keyof T & string, T[keyof T]]> {
    const values = this.#values();
    for (let i = 0; i < this.keys.length; i++) yield [this.keys[i], values[i] as T[keyof T]];
  }

  /** The values, in column order. */
  values(): IterableIterator<unknown> {
    return this.#values()[Symbol.iterator]();
  }

  forEach(visitor: (value: unknown, key: keyof T & string, record: this) => void): void {
    const values = this.#values();
    for (let i = 0; i < this.keys.length; i++) visitor(values[i], this.keys[i], this);
  }

  [Symbol.iterator](): IterableIterator<unknown> {
    return this.#values()[Symbol.iterator]();
  }

  /** Node's console.log / util.inspect: the keys and the values. */
  [Symbol.for('nodejs.util.inspect.custom')](
    _depth: number,
    options: unknown,
    inspect: (value: unknown, options: unknown) => string,
  ): string {
    return `Record ${inspect({ keys: this.keys, fields: this.#values() }, options)}`;
  }
}

const NO_VALUES: readonly unknown[] = Object.freeze([]);

/**
 * @internal What the records of one result share: the keys, their index, and for records kept
 * as bytes the reader of those bytes and where the last value read ended (so the values of a
 * record read in order are each found in one step).
 */
export class RecordColumns {
  /** The record whose value `next` starts at `at`. */
  cursor: Record<any> | undefined = undefined;
  next = 0;
  at = 0;

  constructor(
    readonly keys: readonly string[],
    readonly index: Map<string, number> | undefined,
    public reader: ScalarListReader | undefined = undefined,
  ) {}
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

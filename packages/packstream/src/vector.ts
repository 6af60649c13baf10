/** Element type of a Vector and the TypedArray that holds it. */
export type VectorType = 'INT8' | 'INT16' | 'INT32' | 'INT64' | 'FLOAT32' | 'FLOAT64';
export type VectorValues =
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Float32Array
  | Float64Array;

/** Bolt 6.0+: a dense numeric vector (Cypher `VECTOR`). Values are host-endian TypedArrays. */
export class Vector {
  constructor(
    public type: VectorType,
    public values: VectorValues,
  ) {
    if (vectorTypeOf(values) !== type) {
      throw new TypeError(`Vector type ${type} does not match a ${values.constructor.name}`);
    }
  }

  /** A Vector typed after its TypedArray. */
  static of(values: VectorValues): Vector {
    return new Vector(vectorTypeOf(values), values);
  }

  get length(): number {
    return this.values.length;
  }

  toString(): string {
    return `vector([${Array.from(this.values as ArrayLike<number | bigint>).join(', ')}], ${this.values.length}, ${this.type})`;
  }
}

export function vectorTypeOf(values: VectorValues): VectorType {
  if (values instanceof Int8Array) return 'INT8';
  if (values instanceof Int16Array) return 'INT16';
  if (values instanceof Int32Array) return 'INT32';
  if (values instanceof BigInt64Array) return 'INT64';
  if (values instanceof Float32Array) return 'FLOAT32';
  if (values instanceof Float64Array) return 'FLOAT64';
  throw new TypeError('Vector values must be an Int8/16/32Array, BigInt64Array or Float32/64Array');
}

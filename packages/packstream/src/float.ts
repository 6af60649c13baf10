/**
 * Forces a JS number to travel as FLOAT_64 even when it is a whole number
 * (`float(1)` → `C1 3F F0 …`, while a plain `1` goes as INT `01`).
 */
export class Float {
  constructor(readonly value: number) {}

  toString(): string {
    return Number.isInteger(this.value) ? this.value.toFixed(1) : String(this.value);
  }
}

/** Shorthand for `new Float(value)`. */
export function float(value: number): Float {
  return new Float(value);
}

/** A PackStream structure: a tag byte and its fields. Unknown tags decode to this. */
export class Structure {
  constructor(
    public tag: number,
    public fields: unknown[],
  ) {}

  toString(): string {
    return `Structure(0x${this.tag.toString(16).toUpperCase().padStart(2, '0')}, ${this.fields.length} fields)`;
  }
}

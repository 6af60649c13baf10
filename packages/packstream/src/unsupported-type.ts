/**
 * Bolt 6.0+: the server's placeholder for a value the negotiated version cannot carry
 * (e.g. a UUID on a 6.0 connection). Surface it to the user; a client never sends it.
 */
export class UnsupportedType {
  constructor(
    /** The type's name, e.g. "UUID". */
    public name: string,
    public minimumProtocolMajor: number,
    public minimumProtocolMinor: number,
    /** Optional explanation from the server. */
    public message?: string,
  ) {}

  toString(): string {
    return `UnsupportedType<${this.name}> (requires Bolt ${this.minimumProtocolMajor}.${this.minimumProtocolMinor}${this.message ? `: ${this.message}` : ''})`;
  }
}

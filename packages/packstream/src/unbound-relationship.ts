import { formatMap } from './format-value';
import { Relationship } from './relationship';

/** A relationship without its end nodes; appears only inside a Path on the wire. */
export class UnboundRelationship {
  constructor(
    public identity: number | bigint,
    public type: string,
    public properties: Record<string, unknown>,
    public elementId: string = String(identity),
  ) {}

  /** Bind to its end nodes. */
  bind(
    start: number | bigint,
    end: number | bigint,
    startNodeElementId: string = String(start),
    endNodeElementId: string = String(end),
  ): Relationship {
    return new Relationship(
      this.identity,
      start,
      end,
      this.type,
      this.properties,
      this.elementId,
      startNodeElementId,
      endNodeElementId,
    );
  }

  toString(): string {
    const props = Object.keys(this.properties).length ? ` ${formatMap(this.properties)}` : '';
    return `-[${this.elementId}:${this.type}${props}]-`;
  }
}

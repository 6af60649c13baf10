import { formatMap } from './format-value';

/** A graph relationship with its two end nodes' ids. */
export class Relationship {
  constructor(
    public identity: number | bigint,
    /** Start node's legacy id. */
    public start: number | bigint,
    /** End node's legacy id. */
    public end: number | bigint,
    public type: string,
    public properties: Record<string, unknown>,
    public elementId: string = String(identity),
    public startNodeElementId: string = String(start),
    public endNodeElementId: string = String(end),
  ) {}

  toString(): string {
    const props = Object.keys(this.properties).length ? ` ${formatMap(this.properties)}` : '';
    return `(${this.startNodeElementId})-[${this.elementId}:${this.type}${props}]->(${this.endNodeElementId})`;
  }
}

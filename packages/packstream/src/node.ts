import { formatMap } from './format-value';

/** A graph node. `elementId` is the stable id (Bolt 5+); before 5.0 it is `String(identity)`. */
export class Node {
  constructor(
    /** Legacy integer id (`number`, or `bigint` beyond 2^53 / in bigint mode). */
    public identity: number | bigint,
    public labels: string[],
    public properties: Record<string, unknown>,
    public elementId: string = String(identity),
  ) {}

  toString(): string {
    const labels = this.labels.map((l) => `:${l}`).join('');
    const props = Object.keys(this.properties).length ? ` ${formatMap(this.properties)}` : '';
    return `(${this.elementId}${labels}${props})`;
  }
}

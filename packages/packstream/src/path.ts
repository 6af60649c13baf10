import type { Node } from './node';
import type { PathSegment } from './path-segment';

/** A walk through the graph: a start node and the segments that follow. */
export class Path {
  constructor(
    public start: Node,
    public end: Node,
    public segments: PathSegment[],
  ) {}

  /** Number of relationships. */
  get length(): number {
    return this.segments.length;
  }

  toString(): string {
    let s = `(${this.start.elementId})`;
    for (const seg of this.segments) {
      const r = seg.relationship;
      const forward = r.startNodeElementId === seg.start.elementId;
      s += `${forward ? '-' : '<-'}[${r.elementId}:${r.type}]${forward ? '->' : '-'}(${seg.end.elementId})`;
    }
    return s;
  }
}

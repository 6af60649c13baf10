import type { Node } from './node';
import type { Relationship } from './relationship';

/** One hop of a Path: `start -[relationship]- end` (the relationship may point either way). */
export class PathSegment {
  constructor(
    public start: Node,
    public relationship: Relationship,
    public end: Node,
  ) {}

  toString(): string {
    const r = this.relationship;
    const forward = r.startNodeElementId === this.start.elementId;
    return `(${this.start.elementId})${forward ? '-' : '<-'}[${r.elementId}:${r.type}]${forward ? '->' : '-'}(${this.end.elementId})`;
  }
}

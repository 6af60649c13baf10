/** Upper bound for `maxDepth`: deeper limits could overflow the JS call stack. */
export const MAX_DEPTH_LIMIT = 1000;

/** Validate a `maxDepth` option (an integer 1..MAX_DEPTH_LIMIT). */
export function checkDepth(d: number): number {
  if (!Number.isInteger(d) || d < 1 || d > MAX_DEPTH_LIMIT) {
    throw new RangeError(`maxDepth must be an integer 1..${MAX_DEPTH_LIMIT}, got ${d}`);
  }
  return d;
}

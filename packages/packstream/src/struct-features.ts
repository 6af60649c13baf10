/** A negotiated Bolt version. */
export interface BoltVersionLike {
  major: number;
  minor: number;
}

/**
 * What a Bolt version's values look like on the wire: the rows of `@bolt/parser`'s `features()`
 * that concern structs, kept here because this package builds the registries from them.
 */
export interface StructFeatures {
  /** Temporal and spatial structs (2+). */
  readonly temporal: boolean;
  /** Node/Relationship element ids (5.0+). */
  readonly elementIds: boolean;
  /** DateTime structs `49`/`69` (5.0+, or below when the `utc` option says so, e.g. 4.3/4.4
   *  once `patch_bolt: ["utc"]` is agreed). */
  readonly utcDateTime: boolean;
  /** Vector and UnsupportedType structs (6.0+). */
  readonly vector: boolean;
  /** The UUID marker `E0` (6.1+). */
  readonly uuid: boolean;
}

/** The struct rows of a version; `utc` (default false) asks for UTC DateTime below 5.0. */
export function structFeatures(v: BoltVersionLike, options?: { utc?: boolean }): StructFeatures {
  return {
    temporal: atLeast(v, 2),
    elementIds: atLeast(v, 5),
    utcDateTime: atLeast(v, 5) || options?.utc === true,
    vector: atLeast(v, 6),
    uuid: atLeast(v, 6, 1),
  };
}

function atLeast(v: BoltVersionLike, major: number, minor = 0): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

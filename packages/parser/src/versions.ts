/** A Bolt protocol version. Bolt 1–3 are `{ major: n, minor: 0 }`. */
export interface BoltVersion {
  readonly major: number;
  readonly minor: number;
}

/**
 * Every version this package implements, newest first. Bolt 5.5 is deliberately absent: no
 * server ever negotiates it, and {@link negotiate} never chooses it.
 */
export const SUPPORTED_VERSIONS: readonly BoltVersion[] = Object.freeze(
  (
    [
      [6, 1],
      [6, 0],
      [5, 8],
      [5, 7],
      [5, 6],
      [5, 4],
      [5, 3],
      [5, 2],
      [5, 1],
      [5, 0],
      [4, 4],
      [4, 3],
      [4, 2],
      [4, 1],
      [4, 0],
      [3, 0],
      [2, 0],
      [1, 0],
    ] as const
  ).map(([major, minor]) => Object.freeze({ major, minor })),
);

/** The newest version in {@link SUPPORTED_VERSIONS}. */
export const LATEST_VERSION: BoltVersion = SUPPORTED_VERSIONS[0];

/** `"5.8"`; Bolt 1–3 print as `"3.0"`. */
export function formatVersion(v: BoltVersion): string {
  return `${v.major}.${v.minor}`;
}

/** Parses `"5.8"` (or `"3"`); returns undefined for anything else. */
export function parseVersion(text: string): BoltVersion | undefined {
  const m = /^(\d{1,3})(?:\.(\d{1,3}))?$/.exec(text);
  if (!m) return undefined;
  const major = Number(m[1]);
  const minor = m[2] === undefined ? 0 : Number(m[2]);
  if (major > 255 || minor > 255) return undefined;
  return { major, minor };
}

/** Negative when `a` is older than `b`, 0 when equal, positive when newer. */
export function compareVersions(a: BoltVersion, b: BoltVersion): number {
  return a.major !== b.major ? a.major - b.major : a.minor - b.minor;
}

/** True when `v` is `major.minor` or newer. */
export function atLeast(v: BoltVersion, major: number, minor = 0): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

/** True when both name the same version. */
export function sameVersion(a: BoltVersion, b: BoltVersion): boolean {
  return a.major === b.major && a.minor === b.minor;
}

/** True when `v` is one of `versions`. */
export function isVersionIn(v: BoltVersion, versions: readonly BoltVersion[]): boolean {
  for (const s of versions) if (s.major === v.major && s.minor === v.minor) return true;
  return false;
}

/** True for 5.5, the version no server implements. */
export function isForbiddenVersion(v: BoltVersion): boolean {
  return v.major === 5 && v.minor === 5;
}

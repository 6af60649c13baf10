/**
 * testkit's matching rules: a received message field (decoded without hydration, so typed
 * values are `Structure`s, integers `bigint`, floats `number`) against a client-line
 * {@link Pattern}.
 */
import {
  Date as BoltDate,
  DateTime,
  Duration,
  Float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  Point,
  Relationship,
  Structure,
  Time,
} from '@bolt/packstream';
import {
  ANY,
  AnyOf,
  type Jolt,
  joltStructs,
  MapPattern,
  type Pattern,
  type Sigil,
  wireForm,
} from './value.js';

const isMap = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' &&
  x !== null &&
  (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

/** Does the received value `x` match pattern `p`? `jolt` decides the tags of typed wildcards. */
export function matches(p: Pattern, x: unknown, jolt: Jolt): boolean {
  if (p === ANY) return true;
  if (p instanceof AnyOf) return isOfType(p.sigil, x, jolt);
  if (p instanceof MapPattern) return matchMap(p, x, jolt);
  if (Array.isArray(p)) {
    return (
      Array.isArray(x) && x.length === p.length && p.every((item, i) => matches(item, x[i], jolt))
    );
  }
  return equal(p, x);
}

/** Every listed key matches (optional ones may be absent), and no other key is present. */
function matchMap(p: MapPattern, x: unknown, jolt: Jolt): boolean {
  if (!isMap(x)) return false;
  const listed = new Set<string>();
  for (const e of p.entries) {
    listed.add(e.key);
    if (!Object.hasOwn(x, e.key)) {
      if (e.optional) continue;
      return false;
    }
    const actual = x[e.key];
    const ok =
      e.unordered && Array.isArray(e.value) && Array.isArray(actual)
        ? matchUnordered(e.value, actual, jolt)
        : matches(e.value, actual, jolt);
    if (!ok) return false;
  }
  return Object.keys(x).every((k) => listed.has(k));
}

/** Lists compared as multisets. */
function matchUnordered(patterns: readonly Pattern[], actual: readonly unknown[], jolt: Jolt) {
  if (patterns.length !== actual.length) return false;
  const used = new Array<boolean>(actual.length).fill(false);
  return patterns.every((p) => {
    const i = actual.findIndex((a, k) => !used[k] && matches(p, a, jolt));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

/** Exact equality of a pattern leaf (wire form) and a received value. */
function equal(p: unknown, x: unknown): boolean {
  if (p instanceof Float) p = p.value;
  if (typeof p === 'number') {
    return typeof x === 'number' && (Number.isNaN(p) ? Number.isNaN(x) : p === x);
  }
  if (p === null || typeof p !== 'object') return p === x;
  if (p instanceof Uint8Array) {
    return x instanceof Uint8Array && x.length === p.length && p.every((b, i) => b === x[i]);
  }
  if (Array.isArray(p)) {
    return Array.isArray(x) && x.length === p.length && p.every((v, i) => equal(v, x[i]));
  }
  if (p instanceof Structure) {
    return x instanceof Structure && x.tag === p.tag && equal(p.fields, x.fields);
  }
  if (isMap(p)) {
    if (!isMap(x)) return false;
    const keys = Object.keys(p);
    return (
      keys.length === Object.keys(x).length &&
      keys.every((k) => Object.hasOwn(x, k) && equal(p[k], x[k]))
    );
  }
  return false;
}

function isOfType(sigil: Sigil, x: unknown, jolt: Jolt): boolean {
  switch (sigil) {
    case 'Z':
      return typeof x === 'bigint';
    case 'R':
      return typeof x === 'number';
    case 'U':
      return typeof x === 'string';
    case '?':
      return typeof x === 'boolean';
    case '#':
      return x instanceof Uint8Array;
    case '[]':
      return Array.isArray(x);
    case '{}':
      return isMap(x);
    default:
      return x instanceof Structure && structTags(jolt)[sigil].has(x.tag);
  }
}

type TypedSigil = 'T' | '@' | '()' | '->' | '<-' | '..';

/** Samples of each typed sigil; their wire forms give the tags a flavour uses. */
const SAMPLES: Record<TypedSigil, () => object[]> = {
  T: () => [
    new BoltDate(2000, 1, 1),
    new Time(0, 0, 0, 0, 0),
    new LocalTime(0, 0, 0, 0),
    new DateTime(2000, 1, 1, 0, 0, 0, 0, 0),
    new DateTime(2000, 1, 1, 0, 0, 0, 0, 0, 'UTC'),
    new LocalDateTime(2000, 1, 1, 0, 0, 0, 0),
    new Duration(0, 0, 0, 0),
  ],
  '@': () => [new Point(7203, 0, 0), new Point(9157, 0, 0, 0)],
  '()': () => [new Node(0, [], {})],
  '->': () => [new Relationship(0, 0, 0, 't', {})],
  '<-': () => [new Relationship(0, 0, 0, 't', {})],
  '..': () => {
    const n = new Node(0, [], {});
    return [new Path(n, n, [])];
  },
};

const tagCache = new Map<Jolt, Record<TypedSigil, Set<number>>>();

function structTags(jolt: Jolt): Record<TypedSigil, Set<number>> {
  let tags = tagCache.get(jolt);
  if (!tags) {
    const structs = joltStructs(jolt);
    tags = Object.fromEntries(
      Object.entries(SAMPLES).map(([sigil, samples]) => [
        sigil,
        new Set(samples().map((v) => (wireForm(v, structs) as Structure).tag)),
      ]),
    ) as Record<TypedSigil, Set<number>>;
    tagCache.set(jolt, tags);
  }
  return tags;
}

// fast-check arbitraries shared by the property tests: PackStream values of every kind, and
// hostile bytes.
import * as ps from '@bolt/packstream';
import fc from 'fast-check';

export const int64 = fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n });
const unsafeInt64 = int64.filter((b) => b > 2n ** 53n - 1n || b < -(2n ** 53n - 1n));

const year = fc.integer({ min: -9999, max: 9999 });
const temporal = fc.oneof(
  fc
    .tuple(year, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 28 }))
    .map(([y, m, d]) => new ps.Date(y, m, d)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999_999 }),
      fc.integer({ min: -64800, max: 64800 }),
    )
    .map(([h, m, s, n, o]) => new ps.Time(h, m, s, n, o)),
  fc
    .tuple(
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999_999 }),
    )
    .map(([h, m, s, n]) => new ps.LocalTime(h, m, s, n)),
  fc
    .tuple(
      year,
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999_999 }),
    )
    .map(([y, mo, d, h, m, s, n]) => new ps.LocalDateTime(y, mo, d, h, m, s, n)),
  fc
    .tuple(
      year,
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
      fc.integer({ min: 0, max: 23 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 999_999_999 }),
      fc.integer({ min: -64800, max: 64800 }),
    )
    .map(([y, mo, d, h, m, s, n, o]) => new ps.DateTime(y, mo, d, h, m, s, n, o)),
  fc
    .tuple(
      fc.oneof(fc.integer(), unsafeInt64),
      fc.integer(),
      fc.oneof(fc.integer(), unsafeInt64),
      fc.integer({ min: 0, max: 999_999_999 }),
    )
    .map(([mo, d, s, n]) => new ps.Duration(mo, d, s, n)),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.double(), fc.double())
    .map(([s, x, y]) => new ps.Point(s, x, y)),
  fc
    .tuple(fc.integer({ min: 0, max: 9999 }), fc.double(), fc.double(), fc.double())
    .map(([s, x, y, z]) => new ps.Point(s, x, y, z)),
);
const graph = fc.oneof(
  fc
    .tuple(fc.oneof(fc.nat(), unsafeInt64), fc.array(fc.string(), { maxLength: 3 }), fc.string())
    .map(([id, labels, eid]) => new ps.Node(id, labels, { k: 1 }, eid)),
  fc
    .tuple(fc.nat(), fc.nat(), fc.nat(), fc.string())
    .map(([id, s, e, t]) => new ps.Relationship(id, s, e, t, {}, `r${id}`, `n${s}`, `n${e}`)),
  fc
    .tuple(fc.nat(), fc.string())
    .map(([id, t]) => new ps.UnboundRelationship(id, t, { x: null }, `r${id}`)),
);
const bolt6 = fc.oneof(
  fc.uint8Array({ minLength: 16, maxLength: 16 }).map((b) => new ps.Uuid(b)),
  fc
    .array(fc.integer({ min: -128, max: 127 }), { maxLength: 9 })
    .map((a) => ps.Vector.of(Int8Array.from(a))),
  fc.array(int64, { maxLength: 4 }).map((a) => ps.Vector.of(BigInt64Array.from(a))),
  fc.array(fc.double(), { maxLength: 5 }).map((a) => ps.Vector.of(Float64Array.from(a))),
  fc.array(fc.float(), { maxLength: 5 }).map((a) => ps.Vector.of(Float32Array.from(a))),
  fc
    .tuple(fc.string(), fc.nat(9), fc.nat(9), fc.option(fc.string(), { nil: undefined }))
    .map(([n, a, b, m]) => new ps.UnsupportedType(n, a, b, m)),
);
// tags not registered in the 6.1 registry
const freeTag = fc.integer({ min: 0, max: 0x3e });

const leaf = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.maxSafeInteger(),
  fc.integer({ min: -200, max: 200 }),
  unsafeInt64,
  fc.double(), // safe integers go as INT and come back equal; others as FLOAT
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'binary', minLength: 40, maxLength: 400 }),
  fc.uint8Array({ maxLength: 40 }),
  temporal,
  graph,
  bolt6,
);

export const { value } = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 6 }),
    fc.dictionary(fc.string({ maxLength: 10 }), tie('value'), { maxKeys: 6 }),
    fc
      .tuple(freeTag, fc.array(tie('value'), { maxLength: 15 }))
      .map(([t, f]) => new ps.Structure(t, f)),
  ),
}));

/** A byte biased towards structure markers and known tags, so hydrators see hostile fields. */
export const hostileByte = fc.oneof(
  fc.integer({ min: 0, max: 255 }),
  fc.constantFrom(
    0xb1,
    0xb2,
    0xb3,
    0xb4,
    0xb5,
    0xb8,
    0x44,
    0x45,
    0x46,
    0x49,
    0x4e,
    0x50,
    0x52,
    0x54,
    0x56,
    0x58,
    0x59,
    0x64,
    0x66,
    0x69,
    0x72,
    0x74,
    0x3f,
    0xcc,
    0xcb,
    0xe0,
  ),
);

/**
 * Message fields in the stub-script notation (JSON plus testkit's typed "JOLT" sigils) turned
 * into what the player works with:
 *
 * - in server lines, the PackStream values to send: `bigint` integers, `Float` floats, strings,
 *   bytes, lists, maps, and `@bolt/packstream`'s own classes (`Date`, `DateTime`, `Node`,
 *   `Path`, …), which the connection's encoder writes for the script's Bolt version;
 * - in client lines, a {@link Pattern}: the same values plus wildcards, and maps whose keys may
 *   be optional (`"[k]"`) or compare a list ignoring order (`"k{}"`). Typed values in patterns
 *   are kept in their wire form (a `Structure`), which is how received values are compared.
 *
 * The notation: a bare integer is an Integer when it fits 32 bits (else a Float, as in testkit);
 * `{"Z": "1"}` Integer, `{"R": "1.5"}` Float, `{"U": "s"}` String, `{"?": true}` Boolean,
 * `{"#": "0A FF"}` Bytes, `{"[]": [...]}` List, `{"{}": {...}}` Map,
 * `{"T": "2022-06-07T11:52:05+02:00[Europe/Stockholm]"}` temporal, `{"@": "SRID=4326;POINT(1 2)"}`
 * point, `{"()": [...]}` node, `{"->": [...]}` / `{"<-": [...]}` relationship, `{"..": [...]}`
 * path. JOLT v1 (Bolt < 5) or v2 (5+) follows the script's version; a `v1`/`v2` suffix on a
 * sigil (`{"Tv2": ...}`) writes that one value in the other flavour.
 */
import {
  Date as BoltDate,
  boltStructs,
  DateTime,
  Decoder,
  Duration,
  Encoder,
  Float,
  float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  PathSegment,
  Point,
  Relationship,
  StructRegistry,
  Structure,
  Time,
} from '@bolt/packstream';
import type { Fail } from './errors.js';
import { isFloat, isInt, isObject, type Json, type JsonObject } from './json.js';

/** JOLT flavour: 1 for Bolt < 5 (no element ids, legacy date-times), 2 for Bolt 5+. */
export type Jolt = 1 | 2;

/** The sigils of the typed notation. */
const SIGILS = ['Z', 'R', 'U', '?', '#', '[]', '{}', 'T', '@', '()', '->', '<-', '..'] as const;
export type Sigil = (typeof SIGILS)[number];
const isSigil = (s: string): s is Sigil => (SIGILS as readonly string[]).includes(s);

/** `"*"` in a client line: matches any value. */
export const ANY: unique symbol = Symbol('any value');

/** `{"<sigil>": "*"}` in a client line: any value of that sigil's type. */
export class AnyOf {
  constructor(readonly sigil: Sigil) {}
}

export interface MapPatternEntry {
  readonly key: string;
  readonly value: Pattern;
  /** `"[key]"`: the entry may be absent. */
  readonly optional: boolean;
  /** `"key{}"`: a list value is compared ignoring order. */
  readonly unordered: boolean;
}

/** A map in a client line: exactly these keys (optional ones may be missing), no others. */
export class MapPattern {
  constructor(readonly entries: readonly MapPatternEntry[]) {}
}

/** What a client-line field matches. Leaves are wire-form values (see {@link wireForm}). */
export type Pattern = typeof ANY | AnyOf | MapPattern | Pattern[] | unknown;

/** Role of the line being read: patterns for client lines, values for server lines. */
export type Role = 'client' | 'server';

// ---------------------------------------------------------------------------------------------
// wire form: how a value travels, as the raw structures a client message decodes to

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

/** The struct registry a flavour writes with (Bolt 4.4 legacy forms, or 5.0). */
export function joltStructs(jolt: Jolt): StructRegistry {
  return jolt === 2 ? boltStructs({ major: 5, minor: 0 }) : boltStructs({ major: 4, minor: 4 });
}

const rawDecoder = new Decoder({ integers: 'bigint', structs: StructRegistry.empty() });

/**
 * The value as it travels: encoded with `structs`, decoded back without hydration, so typed
 * values become `Structure`s of tag and fields. Integers come back as `bigint`, floats as
 * `number`; with `keepFloats`, floats are re-wrapped as `Float` so the result can be sent again.
 */
export function wireForm(value: unknown, structs: StructRegistry, keepFloats = false): unknown {
  const raw = rawDecoder.decode(new Encoder({ structs }).encode(value));
  return keepFloats ? wrapFloats(raw) : raw;
}

function wrapFloats(v: unknown): unknown {
  if (typeof v === 'number') return float(v);
  if (Array.isArray(v)) return v.map(wrapFloats);
  if (v instanceof Structure) return new Structure(v.tag, v.fields.map(wrapFloats));
  if (typeof v === 'object' && v !== null && !(v instanceof Uint8Array)) {
    const out: Record<string, unknown> = Object.create(null);
    for (const [k, x] of Object.entries(v)) out[k] = wrapFloats(x);
    return out;
  }
  return v;
}

// ---------------------------------------------------------------------------------------------
// reading fields

/** Context of one line being read. */
export interface ReadContext {
  readonly role: Role;
  /** The script's flavour. */
  readonly jolt: Jolt;
  readonly line: number;
  readonly fail: Fail;
}

/** A field of a client line (role 'client') or a value to send (role 'server'). */
export function fromJson(json: Json, ctx: ReadContext): Pattern {
  return new JoltReader(ctx).read(json, ctx.jolt);
}

class JoltReader {
  constructor(private readonly ctx: ReadContext) {}

  private bad(message: string): never {
    return this.ctx.fail('BAD_VALUE', this.ctx.line, message);
  }

  private get client(): boolean {
    return this.ctx.role === 'client';
  }

  read(j: Json, jolt: Jolt): Pattern {
    if (j === null || typeof j === 'boolean') return j;
    if (typeof j === 'string') {
      if (!this.client) return j;
      return j === '*' ? ANY : unescapeString(j);
    }
    if (isInt(j)) {
      // as in testkit: a bare integer outside 32 bits is read as a float; write {"Z": "..."}
      return j.int < INT32_MIN || j.int > INT32_MAX ? float(Number(j.int)) : j.int;
    }
    if (isFloat(j)) return float(j.float);
    if (Array.isArray(j)) return j.map((x) => this.read(x, jolt));
    const obj = j as JsonObject;
    if (obj.entries.length === 1) {
      const [key, content] = obj.entries[0];
      const m = /^(.+?)(?:v([12]))?$/.exec(key);
      if (m && isSigil(m[1])) {
        const flavour = m[2] === undefined ? jolt : (Number(m[2]) as Jolt);
        const value = this.typed(m[1], content, flavour);
        if (value instanceof AnyOf || flavour === this.ctx.jolt || !isTyped(value)) return value;
        // written in the other flavour: fix its wire form now, whatever the connection uses
        return wireForm(value, joltStructs(flavour), !this.client);
      }
    }
    return this.map(obj, jolt);
  }

  private map(j: JsonObject, jolt: Jolt): Pattern {
    if (!this.client) {
      const out: Record<string, unknown> = Object.create(null);
      for (const [k, v] of j.entries) out[k] = this.read(v, jolt);
      return out;
    }
    return new MapPattern(
      j.entries.map(([raw, v]) => {
        const optional = /^\[.*\]$/.test(raw);
        const unordered = /^(?:\[.*\{\}\]|.*\{\})$/.test(raw);
        let key = raw.replace(/\\([[\]\\{}])/g, '$1');
        if (optional) key = key.slice(1, -1);
        if (unordered) key = key.slice(0, -2);
        return { key, value: this.read(v, jolt), optional, unordered };
      }),
    );
  }

  private typed(sigil: Sigil, content: Json, jolt: Jolt): Pattern {
    if (content === '*') {
      if (!this.client) this.bad(`the wildcard {"${sigil}": "*"} is only allowed in client lines`);
      return new AnyOf(sigil);
    }
    switch (sigil) {
      case 'Z': {
        const s = this.str(sigil, content).replace(/\.\d*$/, '');
        if (!/^\s*[+-]?\d+\s*$/.test(s)) this.bad(`"${s}" is not an integer`);
        return BigInt(s.trim());
      }
      case 'R':
        return float(parseFloatText(this.str(sigil, content), (m) => this.bad(m)));
      case 'U':
        return this.str(sigil, content);
      case '?':
        if (typeof content !== 'boolean') this.bad('expected true or false after sigil "?"');
        return content;
      case '#':
        return this.bytes(content);
      case '[]':
        if (!Array.isArray(content)) this.bad('expected a list after sigil "[]"');
        return content.map((x) => this.read(x, jolt));
      case '{}':
        if (!isObject(content)) this.bad('expected a map after sigil "{}"');
        return this.map(content, jolt);
      case 'T':
        return this.literal(
          parseTemporal(this.str(sigil, content), (m) => this.bad(m)),
          jolt,
        );
      case '@':
        return this.literal(
          parsePoint(this.str(sigil, content), (m) => this.bad(m)),
          jolt,
        );
      case '()':
        return this.literal(this.node(content, jolt), jolt);
      case '->':
      case '<-':
        return this.literal(this.relationship(content, jolt, sigil === '<-'), jolt);
      case '..':
        return this.literal(this.path(content, jolt), jolt);
    }
  }

  /** A typed value: sent as is; in a pattern, compared in its wire form. */
  private literal(value: object, jolt: Jolt): Pattern {
    return this.client ? wireForm(value, joltStructs(jolt)) : value;
  }

  private str(sigil: string, content: Json): string {
    return typeof content === 'string'
      ? content
      : this.bad(`expected a string after sigil "${sigil}"`);
  }

  private bytes(content: Json): Uint8Array {
    if (typeof content === 'string') {
      if (!/^([0-9a-fA-F]{2}\s*)*$/.test(content)) this.bad(`"${content}" is not hex bytes`);
      const hex = content.replace(/\s+/g, '');
      const out = new Uint8Array(hex.length / 2);
      for (let k = 0; k < out.length; k++)
        out[k] = Number.parseInt(hex.slice(2 * k, 2 * k + 2), 16);
      return out;
    }
    if (Array.isArray(content)) {
      return Uint8Array.from(content, (b) => {
        const n = isInt(b) ? b.int : -1n;
        return n >= 0n && n <= 255n ? Number(n) : this.bad('byte values must be integers 0..255');
      });
    }
    return this.bad('expected a hex string or a list of byte values after sigil "#"');
  }

  /** Node and relationship properties: always plain values (no patterns inside). */
  private properties(j: Json, what: string, jolt: Jolt): Record<string, unknown> {
    if (!isObject(j)) this.bad(`${what} properties must be a map`);
    const out: Record<string, unknown> = Object.create(null);
    const server = new JoltReader({ ...this.ctx, role: 'server' });
    for (const [k, v] of (j as JsonObject).entries) out[k] = server.read(v, jolt);
    return out;
  }

  private id(j: Json, what: string, jolt: Jolt): bigint | null {
    if (isInt(j)) return j.int;
    if (j === null && jolt === 2) return null;
    return this.bad(`${what} must be an integer${jolt === 2 ? ' or null' : ''}`);
  }

  private node(content: Json, jolt: Jolt): Node {
    const arity = jolt === 2 ? 4 : 3;
    if (!Array.isArray(content) || content.length !== arity) {
      this.bad(`expected a list of ${arity} after sigil "()" (JOLT v${jolt})`);
    }
    const [id, labels, props, elementId] = content;
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
      this.bad('node labels must be a list of strings');
    }
    if (jolt === 2 && typeof elementId !== 'string') this.bad('node element id must be a string');
    const identity = this.id(id, 'node id', jolt);
    return new Node(
      identity as bigint,
      labels as string[],
      this.properties(props, 'node', jolt),
      jolt === 2 ? (elementId as string) : String(identity),
    );
  }

  private relationship(content: Json, jolt: Jolt, reverse: boolean): Relationship {
    const arity = jolt === 2 ? 8 : 5;
    if (!Array.isArray(content) || content.length !== arity) {
      this.bad(
        `expected a list of ${arity} after sigil "${reverse ? '<-' : '->'}" (JOLT v${jolt})`,
      );
    }
    // "->" lists [id, start, type, end, props, eid, startEid, endEid]; "<-" swaps the two ends
    const [id, a, type, b, props, eid, aEid, bEid] = content;
    if (typeof type !== 'string') this.bad('relationship type must be a string');
    if (jolt === 2 && [eid, aEid, bEid].some((s) => typeof s !== 'string')) {
      this.bad('relationship element ids must be strings');
    }
    const identity = this.id(id, 'relationship id', jolt);
    const start = this.id(reverse ? b : a, 'relationship start id', jolt);
    const end = this.id(reverse ? a : b, 'relationship end id', jolt);
    return new Relationship(
      identity as bigint,
      start as bigint,
      end as bigint,
      type as string,
      this.properties(props, 'relationship', jolt),
      jolt === 2 ? (eid as string) : String(identity),
      jolt === 2 ? ((reverse ? bEid : aEid) as string) : String(start),
      jolt === 2 ? ((reverse ? aEid : bEid) as string) : String(end),
    );
  }

  /** Node, relationship, node, …: each relationship leads from the node before to the next. */
  private path(content: Json, jolt: Jolt): Path {
    if (!Array.isArray(content) || content.length % 2 !== 1) {
      this.bad('a path is a list of node, relationship, node, ... with an odd length');
    }
    const items = (content as Json[]).map((x, k) => {
      const sigil = isObject(x) && x.entries.length === 1 ? x.entries[0][0] : '';
      const want = k % 2 === 0 ? ['()'] : ['->', '<-'];
      if (!want.includes(sigil)) {
        this.bad(`path element ${k} must be a ${k % 2 === 0 ? 'node' : 'relationship'}`);
      }
      const inner = (x as JsonObject).entries[0][1];
      return k % 2 === 0 ? this.node(inner, jolt) : this.relationship(inner, jolt, sigil === '<-');
    });
    const segments: PathSegment[] = [];
    for (let k = 1; k < items.length; k += 2) {
      const [from, rel, to] = [
        items[k - 1] as Node,
        items[k] as Relationship,
        items[k + 1] as Node,
      ];
      const joins =
        jolt === 2
          ? rel.startNodeElementId === from.elementId && rel.endNodeElementId === to.elementId
          : rel.start === from.identity && rel.end === to.identity;
      if (!joins)
        this.bad(`path relationship ${k} does not lead from node ${k - 1} to node ${k + 1}`);
      segments.push(new PathSegment(from, rel, to));
    }
    const first = items[0] as Node;
    return new Path(first, segments.length ? segments[segments.length - 1].end : first, segments);
  }
}

/** A client-line string: `\\` and `\*` stand for `\` and `*`. */
function unescapeString(s: string): string {
  return s.replace(/\\([\\*])/g, '$1');
}

/** Values built from a sigil that the encoder turns into a structure. */
function isTyped(v: unknown): v is object {
  return (
    typeof v === 'object' &&
    v !== null &&
    !(v instanceof Float) &&
    !Array.isArray(v) &&
    !(v instanceof Uint8Array) &&
    Object.getPrototypeOf(v) !== null &&
    Object.getPrototypeOf(v) !== Object.prototype &&
    !(v instanceof MapPattern)
  );
}

const SPECIAL_FLOATS: Record<string, number> = {
  nan: Number.NaN,
  inf: Infinity,
  '+inf': Infinity,
  '-inf': -Infinity,
  infinity: Infinity,
  '+infinity': Infinity,
  '-infinity': -Infinity,
};

/** A float as Python's `float()` reads it (`"1.5"`, `"1e3"`, `"NaN"`, `"-Infinity"`, …). */
function parseFloatText(text: string, bad: (m: string) => never): number {
  const s = text.trim();
  const special = SPECIAL_FLOATS[s.toLowerCase()];
  if (special !== undefined) return special;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return bad(`"${text}" is not a float`);
  return Number(s);
}

// ---------------------------------------------------------------------------------------------
// temporal and spatial text

const DATE = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/;
const TIME =
  /^(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?(?:\[([^\]]+)\])?$/;
const DURATION =
  /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/;

/** ISO-8601 text after sigil "T": a date, time, date-time (local or zoned) or duration. */
export function parseTemporal(s: string, bad: (m: string) => never): object {
  if (s.startsWith('P')) {
    const m = DURATION.exec(s);
    if (!m || s === 'P' || s.endsWith('T')) return bad(`"${s}" is not an ISO-8601 duration`);
    const n = (k: number) => Number(m[k] ?? 0);
    return new Duration(
      n(1) * 12 + n(2),
      n(3),
      n(4) * 3600 + n(5) * 60 + n(6),
      Number((m[7] ?? '').padEnd(9, '0')),
    );
  }
  const date = (text: string) => {
    const d = DATE.exec(text);
    if (!d) return bad(`"${text}" is not a date (YYYY-MM-DD)`);
    const [year, month, day] = [Number(d[1]), Number(d[2] ?? 1), Number(d[3] ?? 1)];
    if (month < 1 || month > 12 || day < 1 || day > 31) bad(`"${text}" is not a valid date`);
    return [year, month, day] as const;
  };
  const time = (text: string) => {
    const t = TIME.exec(text);
    if (!t) return bad(`"${text}" is not a time (hh:mm[:ss[.fffffffff]][offset][[zone]])`);
    const [h, min, sec] = [Number(t[1]), Number(t[2]), Number(t[3] ?? 0)];
    if (h > 23 || min > 59 || sec > 59 || Number(t[8] ?? 0) > 59)
      bad(`"${text}" is not a valid time`);
    let offset: number | undefined;
    if (t[5]) offset = 0;
    else if (t[6])
      offset = (t[6] === '-' ? -1 : 1) * (Number(t[7]) * 3600 + Number(t[8] ?? 0) * 60);
    const clock = [h, min, sec, Number((t[4] ?? '').padEnd(9, '0'))] as const;
    return { clock, offset, zone: t[9] };
  };
  const tIndex = s.indexOf('T');
  if (tIndex >= 0) {
    const d = date(s.slice(0, tIndex));
    const { clock, offset, zone } = time(s.slice(tIndex + 1));
    if (offset === undefined) {
      if (zone !== undefined)
        bad(`"${s}": a zone id needs an offset too, e.g. +02:00[Europe/Stockholm]`);
      return new LocalDateTime(...d, ...clock);
    }
    return new DateTime(...d, ...clock, offset, zone);
  }
  if (s.includes(':')) {
    const { clock, offset, zone } = time(s);
    if (zone !== undefined) bad(`"${s}": a time cannot carry a zone id`);
    return offset === undefined ? new LocalTime(...clock) : new Time(...clock, offset);
  }
  return new BoltDate(...date(s));
}

const POINT =
  /^(?:SRID=(\d+);)?\s*POINT\s*\(\s*([+-]?\d+(?:\.\d+)?(?:\s+[+-]?\d+(?:\.\d+)?){1,2})\s*\)$/;

/** WKT text after sigil "@": `SRID=4326;POINT(1.5 2.5)`, with 2 or 3 coordinates. */
export function parsePoint(s: string, bad: (m: string) => never): Point {
  const m = POINT.exec(s);
  if (!m) return bad(`"${s}" is not a point such as SRID=4326;POINT(1.5 2.5)`);
  const c = m[2].split(/\s+/).map(Number);
  const srid = m[1] !== undefined ? Number(m[1]) : c.length === 3 ? 9157 : 7203;
  return new Point(srid, c[0], c[1], c[2]);
}

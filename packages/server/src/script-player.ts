/**
 * Plays a stub script (see `script-parser.ts`) as the server side of Bolt connections: the
 * handshake for the script's `!: BOLT x.y`, then every client message is matched against the
 * script's `C:`/`A:` lines with testkit's matching rules, and the `S:` lines that follow are
 * sent. A message the script does not allow is a {@link ScriptFailure} naming the expected lines
 * and the received message, and the connection is closed, as testkit's stub server does.
 *
 * Client messages are compared by their raw PackStream fields (decoded with exact integers, so
 * `1` and `1.0` differ), not through `MessageCodec`'s typed request objects: a script states the
 * exact fields a driver sends, including ones a codec would normalise away. For the same reason
 * server lines are encoded field by field. The handshake is the parser's `ServerHandshake`.
 *
 * Differences from testkit's stub server (besides the constructs `parseScript` rejects):
 * - `<EXIT>` ends the connection that reached it; without `!: ALLOW RESTART`/`CONCURRENT` no
 *   further connection is served anyway, which is what testkit's exit amounts to.
 * - In single-run mode a connection arriving after the first is closed at once and recorded
 *   as a `REFUSED` failure (testkit's server would no longer be listening).
 * - A client that stays silent for `idleTimeoutMs` while the script waits for it fails with
 *   `TIMEOUT` (testkit relies on the test harness's own timeout).
 * - Server lines are written without waiting for the transport to drain: scripts are small.
 */
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Listener, ListenerModule, ListenOptions, Transport } from '@bolt/net-adapters';
import {
  Date as BoltDate,
  boltStructs,
  DateTime,
  Decoder,
  Duration,
  Encoder,
  float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  PathSegment,
  Point,
  Relationship,
  type Structure,
  Time,
  UnboundRelationship,
} from '@bolt/packstream';
import {
  hex,
  requestForSignature,
  requestInVersion,
  ServerHandshake,
  SIGNATURE,
} from '@bolt/parser';
import type {
  BoltVersionSpec,
  Script,
  ScriptBlock,
  ScriptMapEntry,
  ScriptMessage,
  ScriptNode,
  ScriptRelationship,
  ScriptValue,
  ServerAction,
} from './script-parser.js';

/** Marker for {@link ScriptFailure.isInstance}. */
const SCRIPT_FAILURE = Symbol.for('@bolt/server/ScriptFailure');

export type ScriptFailureCode =
  | 'MISMATCH' // the client sent a message the script does not allow here
  | 'INCOMPLETE' // the client went away (or the player was finished) before the script's end
  | 'HANDSHAKE' // no common version, or a malformed handshake
  | 'BAD_MESSAGE' // bytes that are not a Bolt message of this version
  | 'TIMEOUT' // the client stayed silent longer than `idleTimeoutMs`
  | 'ORDER' // `<ASSERT ORDER>`: the client sent something while it should have waited
  | 'REFUSED' // a connection the script does not allow (single run, already played)
  | 'NO_CONNECTION'; // finish() without any connection having played the script

/** The script and the client disagreed. */
export class ScriptFailure extends Error {
  readonly code: ScriptFailureCode;
  /** Script lines that would have been accepted (as written), if any. */
  readonly expected: readonly string[];
  /** The message received, in the script's notation, if any. */
  readonly received: string | undefined;
  /** 1-based number of the connection (in accept order) this happened on; 0 for none. */
  readonly connection: number;

  constructor(
    code: ScriptFailureCode,
    message: string,
    details: { expected?: readonly string[]; received?: string; connection?: number } = {},
  ) {
    const expected = details.expected ?? [];
    let text = message;
    if (expected.length > 0) {
      text += `\nexpected${expected.length > 1 ? ' one of' : ''}:\n  ${expected.join('\n  ')}`;
    }
    if (details.received !== undefined) text += `\nreceived:\n  ${details.received}`;
    super(text);
    this.name = 'ScriptFailure';
    this.code = code;
    this.expected = expected;
    this.received = details.received;
    this.connection = details.connection ?? 0;
  }

  get [SCRIPT_FAILURE](): true {
    return true;
  }

  static isInstance(e: unknown): e is ScriptFailure {
    return typeof e === 'object' && e !== null && (e as any)[SCRIPT_FAILURE] === true;
  }
}

export interface ScriptPlayerOptions {
  /** Fail a connection whose client sends nothing for this long while the script waits for
   *  it (ms). Default 10000. */
  idleTimeoutMs?: number;
  /** Largest client message accepted (bytes, dechunked). Default 16 MiB. */
  maxMessageSize?: number;
  /** Receives one line per event: `C:`/`S:` traffic and failures. Default: none. */
  log?: (line: string) => void;
}

export interface FinishOptions {
  /** How long to wait for open connections to end by themselves (ms). Default 5000. */
  timeoutMs?: number;
}

// ---------------------------------------------------------------------------------------------
// message names <-> tags

/** The request with this tag in the script's version, or undefined (unknown, or not in it). */
function requestName(tag: number, v: BoltVersionSpec): string | undefined {
  const name = requestForSignature(tag, v);
  return name && requestInVersion(name, v) ? name : undefined;
}

// ---------------------------------------------------------------------------------------------
// script values -> wire values

function toWire(v: ScriptValue): unknown {
  switch (v.kind) {
    case 'null':
      return null;
    case 'bool':
    case 'string':
    case 'bytes':
      return v.value;
    case 'int':
      return v.value >= BigInt(Number.MIN_SAFE_INTEGER) &&
        v.value <= BigInt(Number.MAX_SAFE_INTEGER)
        ? Number(v.value)
        : v.value;
    case 'float':
      return float(v.value);
    case 'list':
      return v.items.map(toWire);
    case 'map':
      return mapToWire(v.entries);
    case 'date':
      return new BoltDate(v.year, v.month, v.day);
    case 'localTime':
      return new LocalTime(v.hour, v.minute, v.second, v.nanosecond);
    case 'time':
      return new Time(v.hour, v.minute, v.second, v.nanosecond, v.offsetSeconds);
    case 'localDateTime':
      return new LocalDateTime(v.year, v.month, v.day, v.hour, v.minute, v.second, v.nanosecond);
    case 'dateTime':
      return new DateTime(
        v.year,
        v.month,
        v.day,
        v.hour,
        v.minute,
        v.second,
        v.nanosecond,
        v.offsetSeconds,
        v.zoneId,
      );
    case 'duration':
      return new Duration(v.months, v.days, v.seconds, v.nanoseconds);
    case 'point':
      return new Point(v.srid, v.x, v.y, v.z);
    case 'node':
      return nodeToWire(v);
    case 'relationship':
      return relToWire(v);
    case 'path': {
      const nodes = v.nodes.map(nodeToWire);
      const segments = v.relationships.map(
        (r, i) => new PathSegment(nodes[i], relToWire(r), nodes[i + 1]),
      );
      return new Path(nodes[0], nodes[nodes.length - 1], segments);
    }
    case 'any':
    case 'anyOf':
      // the parser rejects wildcards in server lines
      throw new TypeError('a wildcard cannot be sent');
  }
}

function idToWire(id: bigint): number | bigint {
  return id >= BigInt(Number.MIN_SAFE_INTEGER) && id <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(id)
    : id;
}

function mapToWire(entries: readonly ScriptMapEntry[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const e of entries) {
    Object.defineProperty(out, e.key, {
      value: toWire(e.value),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function nodeToWire(n: ScriptNode): Node {
  return new Node(idToWire(n.id), n.labels, mapToWire(n.properties), n.elementId ?? String(n.id));
}

function relToWire(r: ScriptRelationship): Relationship {
  return new Relationship(
    idToWire(r.id),
    idToWire(r.startId),
    idToWire(r.endId),
    r.type,
    mapToWire(r.properties),
    r.elementId ?? String(r.id),
    r.startElementId ?? String(r.startId),
    r.endElementId ?? String(r.endId),
  );
}

// ---------------------------------------------------------------------------------------------
// matching received values (integers decoded as bigint, floats as number)

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' &&
  x !== null &&
  (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null);

const num = (x: unknown): number => (typeof x === 'bigint' ? Number(x) : (x as number));
const big = (x: unknown): bigint | undefined =>
  typeof x === 'bigint' ? x : typeof x === 'number' && Number.isInteger(x) ? BigInt(x) : undefined;

function typeOf(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'boolean') return 'bool';
  if (typeof x === 'bigint') return 'int';
  if (typeof x === 'number') return 'float';
  if (typeof x === 'string') return 'string';
  if (x instanceof Uint8Array) return 'bytes';
  if (Array.isArray(x)) return 'list';
  if (isPlainObject(x)) return 'map';
  if (
    x instanceof BoltDate ||
    x instanceof Time ||
    x instanceof LocalTime ||
    x instanceof DateTime ||
    x instanceof LocalDateTime ||
    x instanceof Duration
  ) {
    return 'temporal';
  }
  if (x instanceof Point) return 'point';
  if (x instanceof Node) return 'node';
  if (x instanceof Relationship || x instanceof UnboundRelationship) return 'relationship';
  if (x instanceof Path) return 'path';
  return 'unknown';
}

/** Every numeric field of the pattern equals the received value's field of the same name. */
const sameFields = (a: Record<string, unknown>, b: object): boolean =>
  Object.entries(b).every(([k, v]) => typeof v !== 'number' || num(a[k]) === v);

function matchValue(p: ScriptValue, x: unknown): boolean {
  switch (p.kind) {
    case 'any':
      return true;
    case 'anyOf':
      return typeOf(x) === p.type;
    case 'null':
      return x === null;
    case 'bool':
    case 'string':
      return x === p.value;
    case 'int':
      return typeof x === 'bigint' && x === p.value;
    case 'float':
      return typeof x === 'number' && (Number.isNaN(p.value) ? Number.isNaN(x) : x === p.value);
    case 'bytes':
      return (
        x instanceof Uint8Array &&
        x.length === p.value.length &&
        x.every((b, i) => b === p.value[i])
      );
    case 'list':
      return (
        Array.isArray(x) &&
        x.length === p.items.length &&
        p.items.every((item, i) => matchValue(item, x[i]))
      );
    case 'map':
      return matchMap(p.entries, x);
    case 'date':
      return x instanceof BoltDate && sameFields(x as any, p);
    case 'localTime':
      return x instanceof LocalTime && sameFields(x as any, p);
    case 'time':
      return (
        x instanceof Time &&
        sameFields(x as any, {
          hour: p.hour,
          minute: p.minute,
          second: p.second,
          nanosecond: p.nanosecond,
        }) &&
        num(x.timeZoneOffsetSeconds) === p.offsetSeconds
      );
    case 'localDateTime':
      return x instanceof LocalDateTime && sameFields(x as any, p);
    case 'dateTime': {
      if (!(x instanceof DateTime)) return false;
      const { kind: _k, offsetSeconds, zoneId, ...clock } = p;
      if (!sameFields(x as any, clock)) return false;
      if (zoneId !== undefined && x.timeZoneId !== zoneId) return false;
      if (zoneId === undefined && x.timeZoneId !== undefined) return false;
      // a zoned value may arrive without its offset (legacy zone-id form): the zone decides
      return (
        x.timeZoneOffsetSeconds === undefined || num(x.timeZoneOffsetSeconds) === offsetSeconds
      );
    }
    case 'duration':
      return (
        x instanceof Duration &&
        big(x.months) === BigInt(p.months) &&
        big(x.days) === BigInt(p.days) &&
        big(x.seconds) === BigInt(p.seconds) &&
        big(x.nanoseconds) === BigInt(p.nanoseconds)
      );
    case 'point':
      return (
        x instanceof Point &&
        num(x.srid) === p.srid &&
        x.x === p.x &&
        x.y === p.y &&
        (x.z ?? undefined) === (p.z ?? undefined)
      );
    case 'node':
      return matchNode(p, x);
    case 'relationship':
      return matchRel(p, x);
    case 'path': {
      if (!(x instanceof Path)) return false;
      if (x.segments.length !== p.relationships.length) return false;
      const nodes = [x.start, ...x.segments.map((s) => s.end)];
      return (
        p.nodes.every((n, i) => matchNode(n, nodes[i])) &&
        p.relationships.every((r, i) => matchRel(r, x.segments[i].relationship))
      );
    }
  }
}

function matchNode(p: ScriptNode, x: unknown): boolean {
  return (
    x instanceof Node &&
    big(x.identity) === p.id &&
    x.labels.length === p.labels.length &&
    p.labels.every((l, i) => x.labels[i] === l) &&
    matchMap(p.properties, x.properties) &&
    (p.elementId === undefined || x.elementId === p.elementId)
  );
}

function matchRel(p: ScriptRelationship, x: unknown): boolean {
  return (
    x instanceof Relationship &&
    big(x.identity) === p.id &&
    big(x.start) === p.startId &&
    big(x.end) === p.endId &&
    x.type === p.type &&
    matchMap(p.properties, x.properties) &&
    (p.elementId === undefined || x.elementId === p.elementId)
  );
}

/** testkit's map rule: every listed key must match (optional ones may be absent), and no key
 *  beyond the listed ones may be present. `unordered` compares list values as multisets. */
function matchMap(entries: readonly ScriptMapEntry[], x: unknown): boolean {
  if (!isPlainObject(x)) return false;
  const listed = new Set<string>();
  for (const e of entries) {
    listed.add(e.key);
    if (!Object.hasOwn(x, e.key)) {
      if (e.optional) continue;
      return false;
    }
    const actual = x[e.key];
    if (e.unordered && e.value.kind === 'list' && Array.isArray(actual)) {
      if (!matchUnordered(e.value.items, actual)) return false;
    } else if (!matchValue(e.value, actual)) {
      return false;
    }
  }
  return Object.keys(x).every((k) => listed.has(k));
}

function matchUnordered(patterns: readonly ScriptValue[], actual: readonly unknown[]): boolean {
  if (patterns.length !== actual.length) return false;
  const used = new Array<boolean>(actual.length).fill(false);
  return patterns.every((p) => {
    const i = actual.findIndex((a, k) => !used[k] && matchValue(p, a));
    if (i < 0) return false;
    used[i] = true;
    return true;
  });
}

/** A received value in the script notation, for failure messages. */
export function formatWireValue(x: unknown): string {
  if (x === null || x === undefined) return 'null';
  if (typeof x === 'bigint') {
    return x >= -(2n ** 31n) && x < 2n ** 31n ? String(x) : `{"Z": "${x}"}`;
  }
  if (typeof x === 'number') {
    return Number.isInteger(x) ? `${x}.0` : Number.isFinite(x) ? String(x) : `{"R": "${x}"}`;
  }
  if (typeof x === 'string' || typeof x === 'boolean') return JSON.stringify(x);
  if (x instanceof Uint8Array) {
    return `{"#": "${[...x].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')}"}`;
  }
  if (Array.isArray(x)) return `[${x.map(formatWireValue).join(', ')}]`;
  if (isPlainObject(x)) {
    return `{${Object.entries(x)
      .map(([k, v]) => `${JSON.stringify(k)}: ${formatWireValue(v)}`)
      .join(', ')}}`;
  }
  const name = (x as object).constructor?.name ?? 'object';
  return `${name}(${String(x)})`;
}

// ---------------------------------------------------------------------------------------------
// walking the script: a continuation is the list of blocks still to play

/** The blocks still to play, as a linked list. `again` marks a repeat block that has been
 *  played once already: from there on it may stop at any pass (`{+ +}` becomes `{* *}`). */
type Cont = { readonly block: ScriptBlock; readonly next: Cont; readonly again?: true } | null;

function prepend(blocks: readonly ScriptBlock[], next: Cont): Cont {
  for (let i = blocks.length - 1; i >= 0; i--) next = { block: blocks[i], next };
  return next;
}

type Repeat = Extract<ScriptBlock, { kind: 'repeat' }>;

/** One more pass of a repeat block: its body, then the block again. */
function pass(b: Repeat, cont: NonNullable<Cont>): Cont {
  return prepend(b.body, { block: b, next: cont.next, again: true });
}

/** Repeat blocks entered since the last consumed message on the path being explored: going
 *  round one of them again without consuming anything would loop forever. */
type Seen = ReadonlySet<ScriptBlock>;
const withBlock = (seen: Seen, b: ScriptBlock): Seen => new Set([...seen, b]);

interface Incoming {
  name: string;
  fields: unknown[];
}

interface Step {
  line: ScriptMessage;
  auto: boolean;
  next: Cont;
}

/** The first way (in script order, as testkit prefers) to accept `msg`, or undefined. */
function consume(cont: Cont, msg: Incoming, seen: Seen = new Set()): Step | undefined {
  if (!cont) return undefined;
  const b = cont.block;
  switch (b.kind) {
    case 'client':
    case 'auto':
      return matchMessage(b.message, msg)
        ? { line: b.message, auto: b.kind === 'auto', next: cont.next }
        : undefined;
    case 'server':
      return undefined;
    case 'optional':
      return consume(prepend(b.body, cont.next), msg, seen) ?? consume(cont.next, msg, seen);
    case 'alternatives':
      for (const branch of b.branches) {
        const r = consume(prepend(branch, cont.next), msg, seen);
        if (r) return r;
      }
      return undefined;
    case 'repeat': {
      if (!seen.has(b)) {
        const r = consume(pass(b, cont), msg, withBlock(seen, b));
        if (r) return r;
      }
      return b.min === 0 || cont.again ? consume(cont.next, msg, seen) : undefined;
    }
  }
}

/** Whether the rest of the script may be left unplayed (everything left is optional). */
function canSkip(cont: Cont, seen: Seen = new Set()): boolean {
  if (!cont) return true;
  const b = cont.block;
  switch (b.kind) {
    case 'client':
    case 'auto':
    case 'server':
      return false;
    case 'optional':
      return canSkip(cont.next, seen);
    case 'alternatives':
      return b.branches.some((branch) => canSkip(prepend(branch, cont.next), seen));
    case 'repeat':
      if (b.min === 0 || cont.again) return canSkip(cont.next, seen);
      return !seen.has(b) && canSkip(pass(b, cont), withBlock(seen, b));
  }
}

/** The client lines that could come next, as written (for failure messages). */
function expectedLines(cont: Cont, out: string[] = [], seen: Seen = new Set()): string[] {
  if (!cont) return out;
  const b = cont.block;
  const add = (m: ScriptMessage, prefix: string) => {
    const s = `(line ${m.line}) ${prefix} ${m.text}`;
    if (!out.includes(s)) out.push(s);
  };
  switch (b.kind) {
    case 'client':
      add(b.message, 'C:');
      break;
    case 'auto':
      add(b.message, 'A:');
      break;
    case 'server':
      break;
    case 'optional':
      expectedLines(prepend(b.body, cont.next), out, seen);
      expectedLines(cont.next, out, seen);
      break;
    case 'alternatives':
      for (const branch of b.branches) expectedLines(prepend(branch, cont.next), out, seen);
      break;
    case 'repeat':
      if (!seen.has(b)) expectedLines(pass(b, cont), out, withBlock(seen, b));
      if (b.min === 0 || cont.again) expectedLines(cont.next, out, seen);
      break;
  }
  return out;
}

function matchMessage(line: ScriptMessage, msg: Incoming): boolean {
  return (
    line.name === msg.name &&
    line.fields.length === msg.fields.length &&
    line.fields.every((f, i) => matchValue(f, msg.fields[i]))
  );
}

function formatIncoming(msg: Incoming): string {
  return [msg.name, ...msg.fields.map(formatWireValue)].join(' ');
}

// ---------------------------------------------------------------------------------------------
// the player

/**
 * Serves a parsed script to the connections it gets (`listen()` or `accept()`), and judges the
 * conversation. Use `finish()` at the end of a test: it waits for the connections to end and
 * throws the first {@link ScriptFailure}.
 */
export class ScriptPlayer {
  readonly script: Script;
  private readonly idleTimeoutMs: number;
  private readonly maxMessageSize: number;
  private readonly log: ((line: string) => void) | undefined;
  private readonly listeners: Listener[] = [];
  private readonly active = new Set<Playback>();
  private readonly waiting: Transport[] = [];
  private readonly lingering = new Set<Transport>();
  private readonly failureList: ScriptFailure[] = [];
  private accepted = 0;
  private played = 0;
  private nextConnectionId = 1;
  private boltIds = 0;
  private idleWaiters: (() => void)[] = [];
  private closed = false;

  constructor(script: Script, options: ScriptPlayerOptions = {}) {
    this.script = script;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 10_000;
    this.maxMessageSize = options.maxMessageSize ?? 16 * 1024 * 1024;
    this.log = options.log;
  }

  /** Failures so far, in the order they happened. */
  get failures(): readonly ScriptFailure[] {
    return this.failureList;
  }

  /** Connections accepted so far. */
  get connections(): number {
    return this.accepted;
  }

  /** Connections that played the script to an acceptable end (or to an `<EXIT>`). */
  get completed(): number {
    return this.played;
  }

  /** Listen through a networking module; every accepted connection is served. */
  async listen(module: ListenerModule, options: ListenOptions = {}): Promise<Listener> {
    const listener = await module.listen(options, (t) => this.accept(t));
    this.listeners.push(listener);
    return listener;
  }

  /** Serve one connected transport. */
  accept(transport: Transport): void {
    const id = this.accepted + 1;
    this.accepted++;
    if (this.closed) {
      transport.destroy();
      return;
    }
    const { allowRestart, allowConcurrent } = this.script;
    if (!allowRestart && !allowConcurrent && id > 1) {
      this.fail(
        new ScriptFailure(
          'REFUSED',
          `connection ${id} refused: the script allows one connection (no "!: ALLOW RESTART")`,
          {
            connection: id,
          },
        ),
      );
      transport.destroy();
      return;
    }
    if (allowRestart && !allowConcurrent && this.active.size > 0) {
      this.waiting.push(transport);
      return;
    }
    this.start(transport);
  }

  private start(transport: Transport): void {
    const playback = new Playback(this, transport, this.nextConnectionId++);
    this.active.add(playback);
    playback.run().finally(() => {
      this.active.delete(playback);
      const next = this.waiting.shift();
      if (next && !this.closed) this.start(next);
      else if (this.active.size === 0) {
        for (const w of this.idleWaiters.splice(0)) w();
      }
    });
  }

  /** @internal */
  fail(failure: ScriptFailure): void {
    this.failureList.push(failure);
    this.log?.(`!! ${failure.message}`);
  }

  /** @internal A transport we ended and that the peer may keep half-open. */
  linger(transport: Transport): void {
    this.lingering.add(transport);
    void transport.closed.then(() => this.lingering.delete(transport));
  }

  /** @internal */
  trace(line: string): void {
    this.log?.(line);
  }

  /** @internal */
  succeeded(): void {
    this.played++;
  }

  /** @internal */
  get settings() {
    return { idleTimeoutMs: this.idleTimeoutMs, maxMessageSize: this.maxMessageSize };
  }

  /** @internal */
  nextBoltId(): string {
    return `bolt-${this.boltIds++}`;
  }

  /**
   * Wait until every connection has ended (at most `timeoutMs`), then stop listening, close
   * what is left, and throw the first failure: a mismatch, a connection left mid-script, or no
   * connection at all.
   */
  async finish(options: FinishOptions = {}): Promise<void> {
    const timeoutMs = options.timeoutMs ?? 5000;
    if (this.active.size > 0 || this.waiting.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        new Promise<void>((resolve) => this.idleWaiters.push(resolve)),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, timeoutMs);
        }),
      ]);
      clearTimeout(timer);
    }
    for (const p of [...this.active]) p.abandon();
    await this.close();
    if (this.failureList.length > 0) throw this.failureList[0];
    if (this.played === 0) {
      throw new ScriptFailure('NO_CONNECTION', 'no connection played the script');
    }
  }

  /** Stop listening and end every connection now, without a verdict. Idempotent. */
  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.waiting.splice(0)) t.destroy();
    for (const p of [...this.active]) p.stop();
    for (const t of this.lingering) t.destroy();
    this.lingering.clear();
    await Promise.all(this.listeners.splice(0).map((l) => l.close()));
    await Promise.all([...this.active].map((p) => p.done));
  }
}

type Phase = 'handshake' | 'messages' | 'over';

/** Client messages decoded ahead of the script before the transport is paused. */
const INBOX_LIMIT = 1024;

/** One connection playing the script. */
class Playback {
  private phase: Phase = 'handshake';
  private cont: Cont;
  private readonly version: BoltVersionSpec;
  private decoder: Decoder;
  private encoder: Encoder;
  private readonly writer = new ChunkWriter();
  private readonly dechunker: Dechunker;
  private readonly handshake: ServerHandshake;
  private customHandshake: Uint8Array | undefined;
  private rawHandshake = new Uint8Array(0);
  private readonly inbox: Incoming[] = [];
  private received = 0;
  private ended = false;
  private wake: (() => void) | undefined;
  private handshakeDone!: () => void;
  private readonly handshakeReady = new Promise<void>((r) => {
    this.handshakeDone = r;
  });
  private settled = false;
  done!: Promise<void>;

  constructor(
    private readonly player: ScriptPlayer,
    private readonly transport: Transport,
    private readonly id: number,
  ) {
    const script = player.script;
    this.version = script.version;
    this.cont = prepend(script.body, null);
    this.decoder = new Decoder({ integers: 'bigint', structs: boltStructs(this.version) });
    this.encoder = new Encoder({ structs: boltStructs(this.version) });
    this.handshake = new ServerHandshake({ supported: [this.version], manifest: script.manifest });
    this.customHandshake = script.handshake;
    this.dechunker = new Dechunker({
      maxMessageSize: player.settings.maxMessageSize,
      onMessage: (body) => this.onMessage(body),
      onNoop: () => {},
    });
  }

  run(): Promise<void> {
    this.done = this.play().catch((e) => {
      this.failWith(
        ScriptFailure.isInstance(e)
          ? e
          : new ScriptFailure('BAD_MESSAGE', String(e?.message ?? e), { connection: this.id }),
      );
    });
    return this.done;
  }

  private trace(line: string): void {
    this.player.trace(`[${this.id}] ${line}`);
  }

  private async play(): Promise<void> {
    this.transport.receive({
      onData: (chunk) => this.onData(chunk),
      onEnd: (error) => {
        this.ended = true;
        if (error) this.trace(`C: <BROKEN> ${error.message}`);
        this.poke();
      },
    });
    await this.waitFor(() => this.phase !== 'handshake', 'the handshake');
    if (this.phase === 'over') return;
    await this.handshakeReady;
    await this.runServerBlocks();
    while (this.phase === 'messages') {
      if (this.cont === null) {
        this.trace('S: <END OF SCRIPT>');
        this.succeed();
        this.player.linger(this.transport);
        this.transport.end();
        return;
      }
      const msg = await this.nextMessage();
      if (this.phase !== 'messages') return;
      if (!msg) {
        if (canSkip(this.cont)) {
          this.trace('C: <HANGUP> (the rest of the script is optional)');
          this.succeed();
        } else {
          this.failWith(
            new ScriptFailure(
              'INCOMPLETE',
              `connection ${this.id}: the client hung up before the end of the script`,
              {
                expected: expectedLines(this.cont),
                connection: this.id,
              },
            ),
          );
        }
        return;
      }
      const step = consume(this.cont, msg);
      if (step) {
        this.trace(`(${step.line.line}) C: ${formatIncoming(msg)}`);
        this.cont = step.next;
        if (step.auto) this.autoRespond(msg);
      } else if (this.player.script.autoMessages.has(msg.name)) {
        this.trace(`(AUTO) C: ${formatIncoming(msg)}`);
        this.autoRespond(msg);
      } else {
        this.failWith(
          new ScriptFailure(
            'MISMATCH',
            `connection ${this.id}: the client sent a message the script does not allow here`,
            {
              expected: expectedLines(this.cont),
              received: formatIncoming(msg),
              connection: this.id,
            },
          ),
        );
        return;
      }
      await this.runServerBlocks();
    }
  }

  // ---- bytes in

  private onData(chunk: Uint8Array): void {
    if (this.phase === 'over') return;
    try {
      if (this.phase === 'handshake') {
        this.onHandshakeBytes(chunk);
      } else {
        this.dechunker.push(chunk);
      }
    } catch (e: any) {
      this.failWith(
        new ScriptFailure(
          this.phase === 'handshake' ? 'HANDSHAKE' : 'BAD_MESSAGE',
          `connection ${this.id}: ${e?.message ?? e}`,
          {
            connection: this.id,
          },
        ),
      );
    }
    this.poke();
  }

  private onHandshakeBytes(chunk: Uint8Array): void {
    if (this.customHandshake) {
      const all = new Uint8Array(this.rawHandshake.length + chunk.length);
      all.set(this.rawHandshake);
      all.set(chunk, this.rawHandshake.length);
      this.rawHandshake = all;
      if (all.length < 20) return;
      const magic = [0x60, 0x60, 0xb0, 0x17];
      if (!magic.every((b, i) => all[i] === b))
        throw new Error('expected the Bolt magic 60 60 B0 17');
      const reply = this.customHandshake;
      this.customHandshake = undefined;
      this.trace(`S: <HANDSHAKE> ${hex(reply)} (scripted)`);
      this.sendHandshake(reply, true);
      this.enterMessages(all.subarray(20));
      return;
    }
    let r = this.handshake.push(chunk);
    while (r && !r.done) {
      this.trace(`S: <HANDSHAKE MANIFEST> ${hex(r.send)}`);
      this.sendHandshake(r.send, false);
      r = r.rest.length > 0 ? this.handshake.push(r.rest) : undefined;
    }
    if (!r) return;
    if (!r.version) {
      this.sendHandshake(r.send, true);
      throw new Error(
        `no common version: the script speaks Bolt ${this.version.major}.${this.version.minor}, the client proposed ${JSON.stringify(r.proposals)}`,
      );
    }
    this.trace(`S: <HANDSHAKE> Bolt ${r.version.major}.${r.version.minor}`);
    this.sendHandshake(r.send, true);
    this.enterMessages(r.rest);
  }

  private sendHandshake(bytes: Uint8Array, last: boolean): void {
    const delay = this.player.script.handshakeDelayMs;
    const write = () => {
      if (bytes.length > 0 && this.phase !== 'over') this.transport.write(bytes);
      if (last) this.handshakeDone();
    };
    if (last && delay > 0) setTimeout(write, delay);
    else write();
  }

  private enterMessages(rest: Uint8Array): void {
    this.phase = 'messages';
    if (rest.length > 0) this.dechunker.push(rest);
  }

  private onMessage(body: Uint8Array): void {
    let struct: Structure;
    try {
      struct = this.decoder.decodeStruct(body);
    } catch (e: any) {
      throw new Error(`undecodable client message: ${e?.message ?? e}`);
    }
    const name = requestName(struct.tag, this.version);
    if (!name) {
      throw new Error(`unknown client message tag 0x${struct.tag.toString(16).padStart(2, '0')}`);
    }
    this.received++;
    this.inbox.push({ name, fields: struct.fields });
    // a client far ahead of the script (e.g. during <SLEEP>) waits instead of filling memory
    if (this.inbox.length === INBOX_LIMIT) this.transport.pause();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  /** Wait until `ready()` holds, the connection ends, or the idle timeout fires. */
  private async waitFor(ready: () => boolean, what: string): Promise<void> {
    const { idleTimeoutMs } = this.player.settings;
    while (!ready() && this.phase !== 'over') {
      if (this.ended) {
        if (this.phase === 'handshake') {
          this.failWith(
            new ScriptFailure(
              'HANDSHAKE',
              `connection ${this.id}: the client hung up during the handshake`,
              {
                connection: this.id,
              },
            ),
          );
        }
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = await new Promise<boolean>((resolve) => {
        this.wake = () => resolve(false);
        timer = setTimeout(() => resolve(true), idleTimeoutMs);
      });
      clearTimeout(timer);
      if (timedOut) {
        this.failWith(
          new ScriptFailure(
            'TIMEOUT',
            `connection ${this.id}: waited ${idleTimeoutMs} ms for ${what}`,
            {
              expected: this.phase === 'messages' ? expectedLines(this.cont) : [],
              connection: this.id,
            },
          ),
        );
        return;
      }
    }
  }

  private async nextMessage(): Promise<Incoming | undefined> {
    await this.waitFor(() => this.inbox.length > 0 || this.ended, 'the next client message');
    const msg = this.inbox.shift();
    if (this.inbox.length === INBOX_LIMIT - 1) this.transport.resume();
    return msg;
  }

  // ---- bytes out

  private async runServerBlocks(): Promise<void> {
    while (this.phase === 'messages' && this.cont && this.cont.block.kind === 'server') {
      const block = this.cont.block;
      this.cont = this.cont.next;
      for (const action of block.actions) {
        await this.act(action);
        if (this.phase !== 'messages') return;
      }
      this.flush();
    }
  }

  private async act(action: ServerAction): Promise<void> {
    switch (action.type) {
      case 'message':
        this.send(
          action.message.name,
          action.message.fields.map(toWire),
          `(${action.message.line}) S: ${action.message.text}`,
        );
        if (action.message.name === 'SUCCESS') this.maybePatchUtc(action.message.fields[0]);
        return;
      case 'noop':
        this.trace(`(${action.line}) S: <NOOP>`);
        this.writer.writeNoop();
        return;
      case 'raw':
        this.flush();
        this.trace(`(${action.line}) S: <RAW> ${hex(action.bytes)}`);
        this.transport.write(action.bytes.slice());
        return;
      case 'sleep':
        this.flush();
        this.trace(`(${action.line}) S: <SLEEP> ${action.ms} ms`);
        await sleep(action.ms);
        return;
      case 'assertOrder': {
        this.flush();
        const before = this.received;
        await sleep(action.ms);
        if (this.received !== before || this.inbox.length > 0) {
          this.failWith(
            new ScriptFailure(
              'ORDER',
              `connection ${this.id}: <ASSERT ORDER> at line ${action.line}: the client sent a message while it should have waited for the server`,
              {
                received: this.inbox[0] ? formatIncoming(this.inbox[0]) : undefined,
                connection: this.id,
              },
            ),
          );
        }
        return;
      }
      case 'exit':
        this.flush();
        this.trace(`(${action.line}) S: <EXIT>`);
        this.succeed();
        this.player.linger(this.transport);
        this.transport.end();
        return;
    }
  }

  private send(name: string, fields: unknown[], text: string): void {
    this.trace(text);
    this.writer.beginMessage();
    this.encoder.encodeStructInto(this.writer.out, SIGNATURE[name as 'SUCCESS'], fields);
    this.writer.endMessage();
  }

  private flush(): void {
    if (this.writer.length === 0 || this.phase === 'over') return;
    this.transport.write(this.writer.flush());
  }

  private autoRespond(msg: Incoming): void {
    let metadata: Record<string, unknown> = {};
    if (msg.name === 'HELLO' || msg.name === 'INIT') {
      const v = this.version;
      metadata = { server: `Neo4j/${v.major}.${v.minor}.0` };
      if (v.major >= 3) metadata.connection_id = this.player.nextBoltId();
    }
    this.send('SUCCESS', [metadata], `S: SUCCESS ${formatWireValue(metadata)} (auto)`);
    this.flush();
  }

  /** Bolt 4.3/4.4: once the script's HELLO SUCCESS echoes patch_bolt ["utc"], DateTime uses
   *  the UTC forms in both directions. */
  private maybePatchUtc(metadata: ScriptValue | undefined): void {
    const v = this.version;
    if (v.major !== 4 || v.minor < 3 || metadata?.kind !== 'map') return;
    const patch = metadata.entries.find((e) => e.key === 'patch_bolt')?.value;
    if (
      patch?.kind === 'list' &&
      patch.items.some((i) => i.kind === 'string' && i.value === 'utc')
    ) {
      const structs = boltStructs(v, { utc: true });
      this.decoder = new Decoder({ integers: 'bigint', structs });
      this.encoder = new Encoder({ structs });
    }
  }

  // ---- endings

  private succeed(): void {
    if (this.settled) return;
    this.settled = true;
    this.phase = 'over';
    this.player.succeeded();
    this.poke();
  }

  private failWith(failure: ScriptFailure): void {
    if (this.settled) return;
    this.settled = true;
    this.phase = 'over';
    this.player.fail(failure);
    // like testkit's stub: what was sent still arrives (e.g. a 00 00 00 00 handshake
    // answer), then the connection ends; the player destroys it at close() if need be
    this.player.linger(this.transport);
    this.transport.end();
    this.poke();
  }

  /** finish(): the connection is still open; judge it as if the client hung up now. */
  abandon(): void {
    if (this.settled) return;
    if (this.phase === 'messages' && canSkip(this.cont) && this.inbox.length === 0) {
      this.succeed();
      this.transport.destroy();
      return;
    }
    this.failWith(
      new ScriptFailure(
        'INCOMPLETE',
        `connection ${this.id} was still open when the player finished`,
        {
          expected: this.phase === 'messages' ? expectedLines(this.cont) : [],
          connection: this.id,
        },
      ),
    );
  }

  /** close(): end the connection without a verdict. */
  stop(): void {
    if (!this.settled) {
      this.settled = true;
      this.phase = 'over';
    }
    this.transport.destroy();
    this.poke();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

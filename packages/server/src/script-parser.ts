/**
 * A parser for stub scripts: the text format in which the Neo4j driver conformance suite
 * (testkit, `tests/stub/**\/scripts/*.script`) writes down a Bolt conversation, so that a stub
 * server can replay the server's side of it and check the client's side line by line.
 *
 * Written from the format's description (testkit `boltstub/README.md` and its grammar), not
 * from its code. A script is a head of `!:` directives and a body of blocks:
 *
 * ```text
 * !: BOLT 4.4
 *
 * A: HELLO {"{}": "*"}
 * *: RESET
 * C: RUN "RETURN 1 AS n" {} {}
 * C: PULL {"n": 1000}
 * S: SUCCESS {"fields": ["n"]}
 *    RECORD [1]
 *    SUCCESS {"type": "r"}
 * ?: GOODBYE
 * ```
 *
 * Supported:
 * - head: `!: BOLT x[.y]`, `!: AUTO <MSG>`, `!: ALLOW RESTART`, `!: ALLOW CONCURRENT`,
 *   `!: HANDSHAKE <hex>`, `!: HANDSHAKE_DELAY <seconds>`, and one extension of ours:
 *   `!: MANIFEST` (answer a manifest-v1 handshake offer with the script's version; testkit's
 *   stub predates manifest negotiation);
 * - body: `C:` client lines and `S:` server lines (continuation lines without a marker belong
 *   to the same block), auto lines `A:` `?:` `*:` `+:`, server commands `<EXIT>`, `<NOOP>`,
 *   `<RAW> hex`, `<SLEEP> s`, `<ASSERT ORDER> [s]`, and the blocks `{{ }}` (group),
 *   `{{ ---- }}` (alternatives), `{? ?}` (optional), `{* *}` (zero or more), `{+ +}` (one or
 *   more); `#` comment lines; `substitutions` replace placeholders such as `#VERSION#` first;
 * - values: JSON with testkit's typed notation (JOLT v1 for Bolt < 5, v2 for 5+; a `v1`/`v2`
 *   suffix on a sigil overrides): `{"Z": "1"}` int, `{"R": "1.5"}` float, `{"U": "s"}` string,
 *   `{"?": true}` bool, `{"#": "0A FF"}` bytes, `{"[]": [..]}` list, `{"{}": {..}}` map,
 *   `{"T": "2022-06-07T11:52:05+02:00[Europe/Stockholm]"}` temporal, `{"@": "SRID=4326;POINT(1 2)"}`
 *   point, `{"()": [..]}` node, `{"->": [..]}` / `{"<-": [..]}` relationship, `{"..": [..]}` path;
 *   in client lines `"*"` matches anything, `{"Z": "*"}` any value of that type, a map key
 *   `"[k]"` is optional and `"k{}"` compares a list value ignoring order.
 *
 * Not supported (rejected with a clear error naming the line): parallel blocks `{{ ++++ }}`,
 * Python lines `PY:` and `!: PY`, conditional blocks `IF:`/`ELIF:`/`ELSE:`.
 */

import { REQUEST_TYPES, type RequestType, requestInVersion } from '@bolt/parser';

/** Marker for {@link ScriptSyntaxError.isInstance}, stable across duplicate installs. */
const SCRIPT_SYNTAX_ERROR = Symbol.for('@bolt/server/ScriptSyntaxError');

export type ScriptSyntaxErrorCode =
  | 'BAD_DIRECTIVE' // a `!:` line that is unknown, repeated or malformed
  | 'MISSING_VERSION' // no `!: BOLT x.y`
  | 'BAD_LINE' // a body line that is not a message, block marker or comment
  | 'BAD_BLOCK' // unbalanced or misplaced block markers
  | 'BAD_VALUE' // message fields that are not valid JSON / typed notation
  | 'UNKNOWN_MESSAGE' // a message name that does not exist in the script's Bolt version
  | 'UNSUPPORTED'; // a testkit construct this player does not implement

/** A script that cannot be parsed. `line` is 1-based (0 when the whole script is at fault). */
export class ScriptSyntaxError extends Error {
  readonly code: ScriptSyntaxErrorCode;
  readonly line: number;
  readonly source: string | undefined;

  constructor(code: ScriptSyntaxErrorCode, line: number, message: string, source?: string) {
    const where = `${source ?? 'script'}${line > 0 ? `:${line}` : ''}`;
    super(`${where}: ${message}`);
    this.name = 'ScriptSyntaxError';
    this.code = code;
    this.line = line;
    this.source = source;
  }

  get [SCRIPT_SYNTAX_ERROR](): true {
    return true;
  }

  static isInstance(e: unknown): e is ScriptSyntaxError {
    return typeof e === 'object' && e !== null && (e as any)[SCRIPT_SYNTAX_ERROR] === true;
  }
}

// ---------------------------------------------------------------------------------------------
// AST

/** The type names a typed wildcard such as `{"Z": "*"}` stands for. */
export type ScriptValueType =
  | 'bool'
  | 'int'
  | 'float'
  | 'string'
  | 'bytes'
  | 'list'
  | 'map'
  | 'temporal'
  | 'point'
  | 'node'
  | 'relationship'
  | 'path';

export interface ScriptMapEntry {
  key: string;
  value: ScriptValue;
  /** `"[key]"` in a client line: the entry may be absent. */
  optional: boolean;
  /** `"key{}"` in a client line: a list value is compared ignoring order. */
  unordered: boolean;
}

export interface ScriptNode {
  kind: 'node';
  id: bigint;
  labels: string[];
  properties: ScriptMapEntry[];
  elementId?: string;
}
export interface ScriptRelationship {
  kind: 'relationship';
  id: bigint;
  startId: bigint;
  type: string;
  endId: bigint;
  properties: ScriptMapEntry[];
  elementId?: string;
  startElementId?: string;
  endElementId?: string;
}

/** One value of a message field, as written in the script. Integers are exact (bigint). */
export type ScriptValue =
  | { kind: 'any' }
  | { kind: 'anyOf'; type: ScriptValueType }
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bytes'; value: Uint8Array }
  | { kind: 'list'; items: ScriptValue[] }
  | { kind: 'map'; entries: ScriptMapEntry[] }
  | { kind: 'date'; year: number; month: number; day: number }
  | { kind: 'localTime'; hour: number; minute: number; second: number; nanosecond: number }
  | {
      kind: 'time';
      hour: number;
      minute: number;
      second: number;
      nanosecond: number;
      offsetSeconds: number;
    }
  | {
      kind: 'localDateTime';
      year: number;
      month: number;
      day: number;
      hour: number;
      minute: number;
      second: number;
      nanosecond: number;
    }
  | {
      kind: 'dateTime';
      year: number;
      month: number;
      day: number;
      hour: number;
      minute: number;
      second: number;
      nanosecond: number;
      offsetSeconds: number;
      zoneId?: string;
    }
  | { kind: 'duration'; months: number; days: number; seconds: number; nanoseconds: number }
  | { kind: 'point'; srid: number; x: number; y: number; z?: number }
  | ScriptNode
  | ScriptRelationship
  | { kind: 'path'; nodes: ScriptNode[]; relationships: ScriptRelationship[] };

/** A Bolt message as written on a `C:`/`A:`/`S:` line. */
export interface ScriptMessage {
  name: string;
  fields: ScriptValue[];
  /** 1-based line number in the script. */
  line: number;
  /** The line as written (trimmed), for error messages. */
  text: string;
}

export type ServerAction =
  | { type: 'message'; message: ScriptMessage }
  | { type: 'exit'; line: number }
  | { type: 'noop'; line: number }
  | { type: 'raw'; bytes: Uint8Array; line: number }
  | { type: 'sleep'; ms: number; line: number }
  | { type: 'assertOrder'; ms: number; line: number };

export type ScriptBlock =
  /** One expected client message. */
  | { kind: 'client'; message: ScriptMessage }
  /** One expected client message answered automatically (SUCCESS; HELLO gets server metadata). */
  | { kind: 'auto'; message: ScriptMessage }
  /** Consecutive server actions, run as soon as the script reaches them. */
  | { kind: 'server'; actions: ServerAction[]; line: number }
  | { kind: 'optional'; body: ScriptBlock[]; line: number }
  | { kind: 'repeat'; min: 0 | 1; body: ScriptBlock[]; line: number }
  | { kind: 'alternatives'; branches: ScriptBlock[][]; line: number };

export interface BoltVersionSpec {
  major: number;
  minor: number;
}

export interface Script {
  /** File name or label, for messages. */
  source: string | undefined;
  version: BoltVersionSpec;
  /** Message names answered automatically wherever they arrive (`!: AUTO RESET`). */
  autoMessages: ReadonlySet<string>;
  /** `!: ALLOW RESTART`: play the script again for each later connection, one at a time. */
  allowRestart: boolean;
  /** `!: ALLOW CONCURRENT`: any number of connections at once, each playing the script. */
  allowConcurrent: boolean;
  /** `!: HANDSHAKE`: the exact bytes sent instead of the negotiated version. */
  handshake: Uint8Array | undefined;
  /** `!: HANDSHAKE_DELAY` in milliseconds (0 when absent). */
  handshakeDelayMs: number;
  /** `!: MANIFEST` (our extension): accept a manifest-v1 offer. */
  manifest: boolean;
  body: ScriptBlock[];
}

export interface ParseScriptOptions {
  /** Shown in error messages (e.g. the file name). Default: undefined ("script"). */
  source?: string;
  /** Text replacements applied before parsing, as testkit does for `#VERSION#`-style
   *  placeholders. Default: none. */
  substitutions?: Readonly<Record<string, string>>;
}

// ---------------------------------------------------------------------------------------------
// message catalogue (names only; the player maps names to tags)

const SERVER_MESSAGES = new Set(['SUCCESS', 'RECORD', 'IGNORED', 'FAILURE']);

/** Whether a client message name exists in a Bolt version (the parser's catalogue). */
function clientMessageExists(name: string, version: BoltVersionSpec): boolean {
  return (
    (REQUEST_TYPES as readonly string[]).includes(name) &&
    requestInVersion(name as RequestType, version)
  );
}

const KNOWN_VERSIONS = new Set([
  '1.0',
  '2.0',
  '3.0',
  '4.0',
  '4.1',
  '4.2',
  '4.3',
  '4.4',
  '5.0',
  '5.1',
  '5.2',
  '5.3',
  '5.4',
  '5.6',
  '5.7',
  '5.8',
  '6.0',
  '6.1',
]);

// ---------------------------------------------------------------------------------------------
// parsing

interface Frame {
  kind: 'root' | 'braces' | 'optional' | 'repeat0' | 'repeat1';
  line: number;
  branches: ScriptBlock[][];
  separator: 'none' | 'alt';
}

const CLOSERS: Record<string, Frame['kind']> = {
  '}}': 'braces',
  '?}': 'optional',
  '*}': 'repeat0',
  '+}': 'repeat1',
};
const OPENERS: Record<string, Frame['kind']> = {
  '{{': 'braces',
  '{?': 'optional',
  '{*': 'repeat0',
  '{+': 'repeat1',
};

/** Parse a script. Throws {@link ScriptSyntaxError} with the offending line. */
export function parseScript(text: string, options: ParseScriptOptions = {}): Script {
  const source = options.source;
  for (const [from, to] of Object.entries(options.substitutions ?? {})) {
    text = text.split(from).join(to);
  }
  const fail = (code: ScriptSyntaxErrorCode, line: number, message: string): never => {
    throw new ScriptSyntaxError(code, line, message, source);
  };

  const lines = text.split(/\r?\n/);
  let version: BoltVersionSpec | undefined;
  let versionLine = 0;
  const autoMessages = new Set<string>();
  let allowRestart = false;
  let allowConcurrent = false;
  let handshake: Uint8Array | undefined;
  let handshakeDelayMs = 0;
  let manifest = false;

  const stack: Frame[] = [{ kind: 'root', line: 0, branches: [[]], separator: 'none' }];
  const current = () =>
    stack[stack.length - 1].branches[stack[stack.length - 1].branches.length - 1];
  // the block that marker-less continuation lines extend, if the previous line allows it
  let open: { kind: 'client' | 'server' } | undefined;
  let inBody = false;
  // client/auto lines are parsed after the head, when the version (JOLT flavour) is known
  const pending: {
    line: number;
    content: string;
    role: 'client' | 'server';
    into: ScriptMessage;
  }[] = [];

  const addMessage = (role: 'client' | 'auto' | 'server', lineNo: number, content: string) => {
    const target = current();
    if (role === 'server') {
      const action = parseServerAction(content, lineNo, pending, fail);
      const last = target[target.length - 1];
      if (open?.kind === 'server' && last?.kind === 'server') last.actions.push(action);
      else target.push({ kind: 'server', actions: [action], line: lineNo });
      open = { kind: 'server' };
      return;
    }
    const message: ScriptMessage = { name: '', fields: [], line: lineNo, text: content };
    pending.push({ line: lineNo, content, role: 'client', into: message });
    target.push({ kind: role, message });
    open = role === 'client' ? { kind: 'client' } : undefined;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i].trim();
    if (line === '' || line.startsWith('#')) continue;

    if (line.startsWith('!:')) {
      if (inBody) fail('BAD_DIRECTIVE', lineNo, `"!:" directives belong in the head: ${line}`);
      const arg = line.slice(2).trim();
      let m: RegExpExecArray | null;
      if ((m = /^BOLT\s+(\d+)(?:\.(\d+))?$/.exec(arg))) {
        if (version)
          fail('BAD_DIRECTIVE', lineNo, `Bolt version given twice (first at line ${versionLine})`);
        version = { major: Number(m[1]), minor: Number(m[2] ?? 0) };
        versionLine = lineNo;
        if (!KNOWN_VERSIONS.has(`${version.major}.${version.minor}`)) {
          fail('BAD_DIRECTIVE', lineNo, `unknown Bolt version ${version.major}.${version.minor}`);
        }
      } else if (/^BOLT\b/.test(arg)) {
        fail('BAD_DIRECTIVE', lineNo, `expected "!: BOLT <major>.<minor>", got "${line}"`);
      } else if ((m = /^AUTO\s+([A-Z_]+)$/.exec(arg))) {
        autoMessages.add(m[1]);
      } else if (/^ALLOW\s+RESTART$/.test(arg)) {
        allowRestart = true;
      } else if (/^ALLOW\s+CONCURRENT$/.test(arg)) {
        allowConcurrent = true;
      } else if ((m = /^HANDSHAKE\s+(.+)$/.exec(arg))) {
        handshake = parseHex(m[1], lineNo, fail);
      } else if ((m = /^HANDSHAKE_DELAY\s+(\S+)$/.exec(arg))) {
        const s = Number(m[1]);
        if (!Number.isFinite(s) || s < 0) {
          fail(
            'BAD_DIRECTIVE',
            lineNo,
            `HANDSHAKE_DELAY needs a non-negative number of seconds, got "${m[1]}"`,
          );
        }
        handshakeDelayMs = Math.round(s * 1000);
      } else if (arg === 'MANIFEST') {
        manifest = true;
      } else if (/^PY\b/.test(arg)) {
        fail('UNSUPPORTED', lineNo, '"!: PY" (Python) directives are not supported by this player');
      } else {
        fail('BAD_DIRECTIVE', lineNo, `unknown directive "${line}"`);
      }
      continue;
    }
    inBody = true;

    const opener = OPENERS[line];
    if (opener) {
      stack.push({ kind: opener, line: lineNo, branches: [[]], separator: 'none' });
      open = undefined;
      continue;
    }
    if (line === '----' || line === '++++') {
      const top = stack[stack.length - 1];
      if (line === '++++') {
        fail(
          'UNSUPPORTED',
          lineNo,
          'parallel blocks ({{ ... ++++ ... }}) are not supported by this player',
        );
      }
      if (top.kind !== 'braces') fail('BAD_BLOCK', lineNo, '"----" outside a "{{ ... }}" block');
      top.separator = 'alt';
      top.branches.push([]);
      open = undefined;
      continue;
    }
    const closer = CLOSERS[line];
    if (closer) {
      const top = stack[stack.length - 1];
      if (top.kind !== closer) {
        fail(
          'BAD_BLOCK',
          lineNo,
          top.kind === 'root'
            ? `"${line}" closes a block that was never opened`
            : `"${line}" does not close the block opened at line ${top.line}`,
        );
      }
      stack.pop();
      const block = closeFrame(top, lineNo, fail);
      const target = current();
      if (Array.isArray(block)) target.push(...block);
      else target.push(block);
      open = undefined;
      continue;
    }

    const marker = /^(C:|S:|A:|\?:|\*:|\+:|PY:|IF:|ELIF:|ELSE:)\s*(.*)$/.exec(line);
    if (marker) {
      const [, tag, content] = marker;
      switch (tag) {
        case 'C:':
          addMessage('client', lineNo, content);
          break;
        case 'S:':
          addMessage('server', lineNo, content);
          break;
        case 'A:':
          addMessage('auto', lineNo, content);
          break;
        case '?:':
        case '*:':
        case '+:': {
          const message: ScriptMessage = { name: '', fields: [], line: lineNo, text: content };
          pending.push({ line: lineNo, content, role: 'client', into: message });
          const auto: ScriptBlock = { kind: 'auto', message };
          current().push(
            tag === '?:'
              ? { kind: 'optional', body: [auto], line: lineNo }
              : { kind: 'repeat', min: tag === '*:' ? 0 : 1, body: [auto], line: lineNo },
          );
          open = undefined;
          break;
        }
        case 'PY:':
          fail('UNSUPPORTED', lineNo, 'Python lines (PY:) are not supported by this player');
          break;
        default:
          fail(
            'UNSUPPORTED',
            lineNo,
            `conditional blocks (${tag}) are not supported by this player`,
          );
      }
      continue;
    }

    // a continuation line of the previous C: or S: block
    if (!open) {
      fail(
        'BAD_LINE',
        lineNo,
        `expected a "C:", "S:" or auto line or a block marker, got "${line}"`,
      );
    }
    addMessage(open!.kind, lineNo, line);
  }

  if (stack.length > 1) {
    const top = stack[stack.length - 1];
    fail('BAD_BLOCK', top.line, `block opened here is never closed`);
  }
  if (!version) return fail('MISSING_VERSION', 0, 'missing "!: BOLT <version>" in the head');

  // parse message fields now that the value notation (JOLT v1/v2) is known
  const jolt = version.major >= 5 ? 2 : 1;
  for (const p of pending) {
    const { name, fields } = parseMessage(p.content, p.line, p.role, jolt, fail);
    if (p.role === 'client' && !clientMessageExists(name, version)) {
      fail(
        'UNKNOWN_MESSAGE',
        p.line,
        `client message ${name} does not exist in Bolt ${version.major}.${version.minor}`,
      );
    }
    if (p.role === 'server' && !SERVER_MESSAGES.has(name)) {
      fail(
        'UNKNOWN_MESSAGE',
        p.line,
        `server message ${name} does not exist (expected SUCCESS, RECORD, IGNORED or FAILURE)`,
      );
    }
    p.into.name = name;
    p.into.fields = fields;
  }

  const body = stack[0].branches[0];
  validateOrder(body, fail);
  return {
    source,
    version,
    autoMessages,
    allowRestart,
    allowConcurrent,
    handshake,
    handshakeDelayMs,
    manifest,
    body,
  };
}

type Fail = (code: ScriptSyntaxErrorCode, line: number, message: string) => never;

function closeFrame(frame: Frame, lineNo: number, fail: Fail): ScriptBlock | ScriptBlock[] {
  for (const branch of frame.branches) {
    if (branch.length === 0)
      fail('BAD_BLOCK', lineNo, `empty branch in the block opened at line ${frame.line}`);
  }
  switch (frame.kind) {
    case 'braces':
      return frame.separator === 'alt'
        ? { kind: 'alternatives', branches: frame.branches, line: frame.line }
        : frame.branches[0];
    case 'optional':
      return { kind: 'optional', body: frame.branches[0], line: frame.line };
    case 'repeat0':
      return { kind: 'repeat', min: 0, body: frame.branches[0], line: frame.line };
    case 'repeat1':
      return { kind: 'repeat', min: 1, body: frame.branches[0], line: frame.line };
    default:
      return fail('BAD_BLOCK', lineNo, 'unexpected block end');
  }
}

/** Whether a block list may be entered by the server without a client message first. */
function startsWithServer(blocks: readonly ScriptBlock[]): boolean {
  const first = blocks[0];
  if (!first) return false;
  if (first.kind === 'server') return true;
  if (first.kind === 'alternatives') return first.branches.some(startsWithServer);
  return false;
}

function lineOf(block: ScriptBlock): number {
  return block.kind === 'client' || block.kind === 'auto' ? block.message.line : block.line;
}

/** testkit's ambiguity rule: a block the player may skip or choose must begin with a client
 *  line, and so must whatever follows a block that may be skipped or repeated. */
function validateOrder(blocks: readonly ScriptBlock[], fail: Fail): void {
  for (let i = 0; i < blocks.length; i++) {
    const b = blocks[i];
    if (b.kind === 'optional' || b.kind === 'repeat') {
      if (startsWithServer(b.body)) {
        fail('BAD_BLOCK', b.line, 'an optional or repeated block must start with a client line');
      }
      const next = blocks.slice(i + 1);
      if (startsWithServer(next)) {
        fail(
          'BAD_BLOCK',
          lineOf(next[0]),
          `a server line cannot follow the optional or repeated block of line ${b.line}`,
        );
      }
      validateOrder(b.body, fail);
    } else if (b.kind === 'alternatives') {
      for (const branch of b.branches) {
        if (startsWithServer(branch)) {
          fail('BAD_BLOCK', lineOf(branch[0]), 'each alternative must start with a client line');
        }
        validateOrder(branch, fail);
      }
    }
  }
}

function parseHex(text: string, lineNo: number, fail: Fail): Uint8Array {
  const out: number[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    if (!/^[0-9a-fA-F]+$/.test(token)) fail('BAD_VALUE', lineNo, `"${token}" is not hexadecimal`);
    if (token.length === 1) {
      out.push(Number.parseInt(token, 16));
      continue;
    }
    if (token.length % 2 !== 0) {
      fail('BAD_VALUE', lineNo, `hex "${token}" has an odd number of digits`);
    }
    for (let j = 0; j < token.length; j += 2) out.push(Number.parseInt(token.slice(j, j + 2), 16));
  }
  return Uint8Array.from(out);
}

function parseServerAction(
  content: string,
  lineNo: number,
  pending: { line: number; content: string; role: 'client' | 'server'; into: ScriptMessage }[],
  fail: Fail,
): ServerAction {
  const cmd = /^<([A-Z ]+)>\s*(.*)$/.exec(content);
  if (!cmd) {
    const message: ScriptMessage = { name: '', fields: [], line: lineNo, text: content };
    pending.push({ line: lineNo, content, role: 'server', into: message });
    return { type: 'message', message };
  }
  const [, tag, args] = cmd;
  const seconds = (fallback?: number): number => {
    if (args === '' && fallback !== undefined) return fallback * 1000;
    const s = Number(args);
    if (args === '' || !Number.isFinite(s) || s < 0) {
      fail('BAD_VALUE', lineNo, `<${tag}> needs a non-negative number of seconds, got "${args}"`);
    }
    return Math.round(s * 1000);
  };
  switch (tag) {
    case 'EXIT':
    case 'NOOP':
      if (args !== '') fail('BAD_VALUE', lineNo, `<${tag}> takes no arguments`);
      return tag === 'EXIT' ? { type: 'exit', line: lineNo } : { type: 'noop', line: lineNo };
    case 'RAW':
      return { type: 'raw', bytes: parseHex(args, lineNo, fail), line: lineNo };
    case 'SLEEP':
      return { type: 'sleep', ms: seconds(), line: lineNo };
    case 'ASSERT ORDER':
      return { type: 'assertOrder', ms: seconds(1), line: lineNo };
    default:
      return fail('BAD_LINE', lineNo, `unknown server command <${tag}>`);
  }
}

function parseMessage(
  content: string,
  lineNo: number,
  role: 'client' | 'server',
  jolt: 1 | 2,
  fail: Fail,
): { name: string; fields: ScriptValue[] } {
  const m = /^([A-Z][A-Z_]*)(?:\s+(.*))?$/.exec(content);
  if (!m)
    fail('BAD_LINE', lineNo, `expected a message name such as RUN or SUCCESS, got "${content}"`);
  const name = m![1];
  const reader = new JsonReader(m![2] ?? '', lineNo, fail);
  const fields: ScriptValue[] = [];
  while (!reader.atEnd()) {
    const json = reader.value();
    fields.push(toScriptValue(json, role, jolt, lineNo, fail));
    reader.separator();
  }
  return { name, fields };
}

// ---------------------------------------------------------------------------------------------
// JSON that keeps integers apart from floats, with line/column errors

type Json =
  | null
  | boolean
  | string
  | { int: bigint }
  | { float: number }
  | Json[]
  | { entries: [string, Json][] };

const isInt = (j: Json): j is { int: bigint } => typeof j === 'object' && j !== null && 'int' in j;
const isFloat = (j: Json): j is { float: number } =>
  typeof j === 'object' && j !== null && 'float' in j;
const isObject = (j: Json): j is { entries: [string, Json][] } =>
  typeof j === 'object' && j !== null && !Array.isArray(j) && 'entries' in j;

const LITERALS: readonly (readonly [string, Json])[] = [
  ['true', true],
  ['false', false],
  ['null', null],
  ['NaN', { float: Number.NaN }],
  ['Infinity', { float: Number.POSITIVE_INFINITY }],
];

class JsonReader {
  private pos = 0;
  private depth = 0;
  constructor(
    private readonly text: string,
    private readonly line: number,
    private readonly fail: Fail,
  ) {}

  private error(message: string): never {
    return this.fail(
      'BAD_VALUE',
      this.line,
      `${message} at column ${this.pos + 1} of the fields: ${this.text}`,
    );
  }
  private ws(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos])) this.pos++;
  }
  atEnd(): boolean {
    this.ws();
    return this.pos >= this.text.length;
  }
  /** Between fields: whitespace is required (testkit splits fields on it). */
  separator(): void {
    if (this.pos < this.text.length && !/\s/.test(this.text[this.pos])) {
      this.error('expected whitespace between fields');
    }
  }

  value(): Json {
    this.ws();
    if (++this.depth > 64) this.error('values nested deeper than 64 levels');
    const c = this.text[this.pos];
    let v: Json;
    if (c === '{') v = this.object();
    else if (c === '[') v = this.array();
    else if (c === '"') v = this.string();
    else if (c === '-' || (c >= '0' && c <= '9')) v = this.number();
    else v = this.literal();
    this.depth--;
    return v!;
  }

  /** true, false, null and the non-JSON NaN/Infinity that Python's json also reads. */
  private literal(): Json {
    for (const [word, value] of LITERALS) {
      if (this.text.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    const c = this.text[this.pos];
    return this.error(c === undefined ? 'expected a value' : `unexpected "${c}"`);
  }

  private number(): Json {
    if (this.text.startsWith('-Infinity', this.pos)) {
      this.pos += 9;
      return { float: -Infinity };
    }
    const m = /^-?(?:0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.pos));
    if (!m) this.error('malformed number');
    this.pos += m![0].length;
    if (m![1] === undefined && m![2] === undefined) return { int: BigInt(m![0]) };
    return { float: Number(m![0]) };
  }

  private string(): string {
    this.pos++; // opening quote
    let out = '';
    for (;;) {
      const c = this.text[this.pos++];
      if (c === undefined) this.error('unterminated string');
      if (c === '"') return out;
      if (c !== '\\') {
        out += c;
        continue;
      }
      const e = this.text[this.pos++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
          out += e;
          break;
        case 'b':
          out += '\b';
          break;
        case 'f':
          out += '\f';
          break;
        case 'n':
          out += '\n';
          break;
        case 'r':
          out += '\r';
          break;
        case 't':
          out += '\t';
          break;
        case 'u': {
          const hex = this.text.slice(this.pos, this.pos + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.error('bad \\u escape');
          out += String.fromCharCode(Number.parseInt(hex, 16));
          this.pos += 4;
          break;
        }
        default:
          this.error(`bad escape "\\${e ?? ''}"`);
      }
    }
  }

  private array(): Json[] {
    this.pos++;
    const out: Json[] = [];
    this.ws();
    if (this.text[this.pos] === ']') {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      const c = this.text[this.pos++];
      if (c === ']') return out;
      if (c !== ',') this.error('expected "," or "]" in a list');
    }
  }

  private object(): Json {
    this.pos++;
    const entries: [string, Json][] = [];
    const seen = new Set<string>();
    this.ws();
    if (this.text[this.pos] === '}') {
      this.pos++;
      return { entries };
    }
    for (;;) {
      this.ws();
      if (this.text[this.pos] !== '"') this.error('expected a string key');
      const key = this.string();
      if (seen.has(key)) this.error(`duplicate key "${key}"`);
      seen.add(key);
      this.ws();
      if (this.text[this.pos++] !== ':') this.error('expected ":" after a key');
      entries.push([key, this.value()]);
      this.ws();
      const c = this.text[this.pos++];
      if (c === '}') return { entries };
      if (c !== ',') this.error('expected "," or "}" in a map');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// typed notation (JOLT) -> ScriptValue

const SIGILS = new Set(['Z', 'R', 'U', '?', '#', '[]', '{}', 'T', '@', '()', '->', '<-', '..']);
const SIGIL_TYPE: Record<string, ScriptValueType> = {
  Z: 'int',
  R: 'float',
  U: 'string',
  '?': 'bool',
  '#': 'bytes',
  '[]': 'list',
  '{}': 'map',
  T: 'temporal',
  '@': 'point',
  '()': 'node',
  '->': 'relationship',
  '<-': 'relationship',
  '..': 'path',
};

const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;

function toScriptValue(
  json: Json,
  role: 'client' | 'server',
  jolt: 1 | 2,
  lineNo: number,
  fail: Fail,
): ScriptValue {
  const bad = (message: string): never => fail('BAD_VALUE', lineNo, message);
  const conv = (j: Json, flavour: 1 | 2): ScriptValue => {
    if (j === null) return { kind: 'null' };
    if (typeof j === 'boolean') return { kind: 'bool', value: j };
    if (typeof j === 'string') {
      if (role === 'client') {
        if (j === '*') return { kind: 'any' };
        return { kind: 'string', value: j.replace(/\\([\\*])/g, '$1') };
      }
      return { kind: 'string', value: j };
    }
    if (isInt(j)) {
      // as in testkit: a bare integer outside 32 bits is read as a float; write {"Z": "..."}
      if (j.int < INT32_MIN || j.int > INT32_MAX) return { kind: 'float', value: Number(j.int) };
      return { kind: 'int', value: j.int };
    }
    if (isFloat(j)) return { kind: 'float', value: j.float };
    if (Array.isArray(j)) return { kind: 'list', items: j.map((x) => conv(x, flavour)) };
    if (j.entries.length === 1) {
      const [rawSigil, content] = j.entries[0];
      const m = /^(.+?)(v[12])?$/.exec(rawSigil);
      if (m && SIGILS.has(m[1])) {
        const f = m[2] ? (Number(m[2].slice(1)) as 1 | 2) : flavour;
        return typed(m[1], content, f);
      }
    }
    return { kind: 'map', entries: mapEntries(j, flavour) };
  };

  const mapEntries = (j: { entries: [string, Json][] }, flavour: 1 | 2): ScriptMapEntry[] =>
    j.entries.map(([rawKey, v]) => {
      if (role !== 'client') {
        return { key: rawKey, value: conv(v, flavour), optional: false, unordered: false };
      }
      const optional = /^\[.*\]$/.test(rawKey);
      const unordered = /^(?:\[.*\{\}\]|.*\{\})$/.test(rawKey);
      let key = rawKey.replace(/\\([[\]\\{}])/g, '$1');
      if (optional) key = key.slice(1, -1);
      if (unordered) key = key.slice(0, -2);
      return { key, value: conv(v, flavour), optional, unordered };
    });

  const str = (sigil: string, content: Json): string =>
    typeof content === 'string' ? content : bad(`expected a string after sigil "${sigil}"`);
  const int = (j: Json, what: string): bigint =>
    isInt(j) ? j.int : bad(`${what} must be an integer`);

  const node = (content: Json, flavour: 1 | 2): ScriptNode => {
    const arity = flavour === 2 ? 4 : 3;
    if (!Array.isArray(content) || content.length !== arity) {
      bad(`expected a list of ${arity} after sigil "()" (Bolt ${flavour === 2 ? '5+' : '< 5'})`);
    }
    const [id, labels, props, elementId] = content as Json[];
    if (!Array.isArray(labels) || !labels.every((l) => typeof l === 'string')) {
      bad('node labels must be a list of strings');
    }
    if (!isObject(props)) bad('node properties must be a map');
    if (flavour === 2 && typeof elementId !== 'string') bad('node element id must be a string');
    return {
      kind: 'node',
      id: int(id, 'node id'),
      labels: labels as string[],
      properties: mapEntries(props as { entries: [string, Json][] }, flavour),
      ...(flavour === 2 ? { elementId: elementId as string } : {}),
    };
  };

  const relationship = (content: Json, flavour: 1 | 2, reverse: boolean): ScriptRelationship => {
    const arity = flavour === 2 ? 8 : 5;
    if (!Array.isArray(content) || content.length !== arity) {
      bad(
        `expected a list of ${arity} after a relationship sigil (Bolt ${flavour === 2 ? '5+' : '< 5'})`,
      );
    }
    const c = content as Json[];
    // "<-" lists [id, end, type, start, props, eid, endEid, startEid]
    const [id, a, type, b, props, eid, aEid, bEid] = c;
    if (typeof type !== 'string') bad('relationship type must be a string');
    if (!isObject(props)) bad('relationship properties must be a map');
    const startId = int(reverse ? b : a, 'relationship start id');
    const endId = int(reverse ? a : b, 'relationship end id');
    const rel: ScriptRelationship = {
      kind: 'relationship',
      id: int(id, 'relationship id'),
      startId,
      type: type as string,
      endId,
      properties: mapEntries(props as { entries: [string, Json][] }, flavour),
    };
    if (flavour === 2) {
      for (const s of [eid, aEid, bEid]) {
        if (typeof s !== 'string') bad('relationship element ids must be strings');
      }
      rel.elementId = eid as string;
      rel.startElementId = (reverse ? bEid : aEid) as string;
      rel.endElementId = (reverse ? aEid : bEid) as string;
    }
    return rel;
  };

  const typed = (sigil: string, content: Json, flavour: 1 | 2): ScriptValue => {
    if (content === '*') {
      if (role !== 'client') bad(`wildcard {"${sigil}": "*"} is only allowed in client lines`);
      return { kind: 'anyOf', type: SIGIL_TYPE[sigil] };
    }
    switch (sigil) {
      case 'Z': {
        const s = str(sigil, content).replace(/\.\d*$/, '');
        if (!/^[+-]?\d+$/.test(s)) bad(`"${s}" is not an integer`);
        return { kind: 'int', value: BigInt(s) };
      }
      case 'R': {
        const s = str(sigil, content).trim();
        const special: Record<string, number> = {
          NaN: Number.NaN,
          nan: Number.NaN,
          Infinity: Infinity,
          '+Infinity': Infinity,
          inf: Infinity,
          '-Infinity': -Infinity,
          '-inf': -Infinity,
        };
        if (s in special) return { kind: 'float', value: special[s] };
        if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) bad(`"${s}" is not a float`);
        return { kind: 'float', value: Number(s) };
      }
      case 'U':
        return { kind: 'string', value: str(sigil, content) };
      case '?':
        if (typeof content !== 'boolean') bad('expected true or false after sigil "?"');
        return { kind: 'bool', value: content as boolean };
      case '#': {
        if (typeof content === 'string') {
          const hex = content.replace(/\s+/g, '');
          if (!/^([0-9a-fA-F]{2})*$/.test(hex)) bad(`"${content}" is not hex encoded bytes`);
          const out = new Uint8Array(hex.length / 2);
          for (let k = 0; k < out.length; k++)
            out[k] = Number.parseInt(hex.slice(2 * k, 2 * k + 2), 16);
          return { kind: 'bytes', value: out };
        }
        if (Array.isArray(content)) {
          return {
            kind: 'bytes',
            value: Uint8Array.from(
              content.map((b) => {
                const n = isInt(b) ? Number(b.int) : -1;
                return n >= 0 && n <= 255 ? n : bad('byte values must be integers 0..255');
              }),
            ),
          };
        }
        return bad('expected a hex string or a list of byte values after sigil "#"');
      }
      case '[]':
        if (!Array.isArray(content)) bad('expected a list after sigil "[]"');
        return { kind: 'list', items: (content as Json[]).map((x) => conv(x, flavour)) };
      case '{}':
        if (!isObject(content)) bad('expected a map after sigil "{}"');
        return {
          kind: 'map',
          entries: mapEntries(content as { entries: [string, Json][] }, flavour),
        };
      case 'T':
        return parseTemporal(str(sigil, content), bad);
      case '@':
        return parsePoint(str(sigil, content), bad);
      case '()':
        return node(content, flavour);
      case '->':
      case '<-':
        return relationship(content, flavour, sigil === '<-');
      case '..': {
        if (!Array.isArray(content) || content.length % 2 !== 1) {
          bad('a path is a list of node, relationship, node, ... with an odd length');
        }
        const items = (content as Json[]).map((x) => conv(x, flavour));
        const nodes: ScriptNode[] = [];
        const relationships: ScriptRelationship[] = [];
        items.forEach((item, k) => {
          if (k % 2 === 0) {
            if (item.kind !== 'node') bad(`path element ${k} must be a node`);
            nodes.push(item as ScriptNode);
          } else {
            if (item.kind !== 'relationship') bad(`path element ${k} must be a relationship`);
            relationships.push(item as ScriptRelationship);
          }
        });
        relationships.forEach((r, k) => {
          const a = nodes[k].id;
          const b = nodes[k + 1].id;
          if (!((r.startId === a && r.endId === b) || (r.startId === b && r.endId === a))) {
            bad(`path relationship ${2 * k + 1} does not connect its neighbouring nodes`);
          }
        });
        return { kind: 'path', nodes, relationships };
      }
      default:
        return bad(`unknown sigil "${sigil}"`);
    }
  };

  return conv(json, jolt);
}

const TIME_RE =
  /^(\d{2}):(\d{2})(?::(\d{2}))?(?:\.(\d{1,9}))?(?:(Z)|([+-])(\d{2})(?::?(\d{2}))?)?(?:\[([^\]]+)\])?$/;

function parseTemporal(s: string, bad: (m: string) => never): ScriptValue {
  let m: RegExpExecArray | null;
  if (s.startsWith('P')) {
    m =
      /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)(?:\.(\d{1,9}))?S)?)?$/.exec(
        s,
      );
    if (!m || s === 'P' || s.endsWith('T')) return bad(`"${s}" is not an ISO-8601 duration`);
    const n = (k: number) => Number(m![k] ?? 0);
    return {
      kind: 'duration',
      months: n(1) * 12 + n(2),
      days: n(3),
      seconds: n(4) * 3600 + n(5) * 60 + n(6),
      nanoseconds: Number((m[7] ?? '').padEnd(9, '0')),
    };
  }
  const date = (text: string) => {
    const d = /^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?$/.exec(text);
    if (!d) return bad(`"${text}" is not a date (YYYY-MM-DD)`);
    const out = { year: Number(d[1]), month: Number(d[2] ?? 1), day: Number(d[3] ?? 1) };
    if (out.month < 1 || out.month > 12 || out.day < 1 || out.day > 31) {
      bad(`"${text}" is not a valid date`);
    }
    return out;
  };
  const time = (text: string) => {
    const t = TIME_RE.exec(text);
    if (!t) return bad(`"${text}" is not a time (hh:mm[:ss[.fffffffff]][offset][[zone]])`);
    if (
      Number(t[1]) > 23 ||
      Number(t[2]) > 59 ||
      Number(t[3] ?? 0) > 59 ||
      Number(t[8] ?? 0) > 59
    ) {
      bad(`"${text}" is not a valid time`);
    }
    let offsetSeconds: number | undefined;
    if (t[5]) offsetSeconds = 0;
    else if (t[6]) {
      offsetSeconds = (t[6] === '-' ? -1 : 1) * (Number(t[7]) * 3600 + Number(t[8] ?? 0) * 60);
    }
    return {
      hour: Number(t[1]),
      minute: Number(t[2]),
      second: Number(t[3] ?? 0),
      nanosecond: Number((t[4] ?? '').padEnd(9, '0')),
      offsetSeconds,
      zoneId: t[9],
    };
  };
  const tIndex = s.indexOf('T');
  if (tIndex >= 0) {
    const d = date(s.slice(0, tIndex));
    const t = time(s.slice(tIndex + 1));
    const { offsetSeconds, zoneId, ...clock } = t;
    if (offsetSeconds === undefined) {
      if (zoneId !== undefined)
        bad(`"${s}": a zone id needs an offset too, e.g. +02:00[Europe/Stockholm]`);
      return { kind: 'localDateTime', ...d, ...clock };
    }
    return { kind: 'dateTime', ...d, ...clock, offsetSeconds, ...(zoneId ? { zoneId } : {}) };
  }
  if (s.includes(':')) {
    const { offsetSeconds, zoneId, ...clock } = time(s);
    if (zoneId !== undefined) bad(`"${s}": a time cannot carry a zone id`);
    if (offsetSeconds === undefined) return { kind: 'localTime', ...clock };
    return { kind: 'time', ...clock, offsetSeconds };
  }
  return { kind: 'date', ...date(s) };
}

function parsePoint(s: string, bad: (m: string) => never): ScriptValue {
  const m =
    /^(?:SRID=(\d+);)?\s*POINT\s*\(\s*([+-]?\d+(?:\.\d+)?(?:\s+[+-]?\d+(?:\.\d+)?){1,2})\s*\)$/.exec(
      s,
    );
  if (!m) return bad(`"${s}" is not a point such as SRID=4326;POINT(1.5 2.5)`);
  const coords = m[2].split(/\s+/).map(Number);
  const srid = m[1] !== undefined ? Number(m[1]) : coords.length === 3 ? 9157 : 7203;
  return coords.length === 3
    ? { kind: 'point', srid, x: coords[0], y: coords[1], z: coords[2] }
    : { kind: 'point', srid, x: coords[0], y: coords[1] };
}

/** Render a parsed value back in the script notation (for error messages). */
export function formatScriptValue(v: ScriptValue): string {
  switch (v.kind) {
    case 'any':
      return '"*"';
    case 'anyOf':
      return `<any ${v.type}>`;
    case 'null':
      return 'null';
    case 'bool':
      return String(v.value);
    case 'int':
      return v.value >= INT32_MIN && v.value <= INT32_MAX ? String(v.value) : `{"Z": "${v.value}"}`;
    case 'float':
      return `{"R": "${v.value}"}`;
    case 'string':
      return JSON.stringify(v.value);
    case 'bytes':
      return `{"#": "${[...v.value].map((b) => b.toString(16).padStart(2, '0').toUpperCase()).join(' ')}"}`;
    case 'list':
      return `[${v.items.map(formatScriptValue).join(', ')}]`;
    case 'map':
      return `{${v.entries
        .map(
          (e) =>
            `${JSON.stringify(`${e.optional ? '[' : ''}${e.key}${e.unordered ? '{}' : ''}${e.optional ? ']' : ''}`)}: ${formatScriptValue(e.value)}`,
        )
        .join(', ')}}`;
    default:
      return `<${v.kind}>`;
  }
}

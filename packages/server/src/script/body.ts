/**
 * The body of a stub script: client, server, auto and Python lines, and the blocks that
 * arrange them.
 *
 * ```text
 * C: RUN "RETURN 1 AS n" {} {}     a message the client must send (marker-less lines that
 *    PULL {"n": 1000}              follow continue the block)
 * S: SUCCESS {"fields": ["n"]}     what the server sends, and commands: <EXIT> <NOOP>
 *    RECORD [1]                    <RAW> hex, <SLEEP> s, <ASSERT ORDER> [s]
 * A: HELLO {"{}": "*"}             a client message answered with SUCCESS automatically;
 * ?: GOODBYE   *: RESET   +: RESET   the same, optional / any number / at least once
 * PY: request += 1                 Python (see python.ts), run when the script reaches it
 * {{ … }}                          a group; with "----" between branches: alternatives;
 *                                  with "++++": parallel branches, interleaved in any order
 * {? … ?}   {* … *}   {+ … +}      optional, repeated 0+ times, repeated 1+ times
 * IF: cond / ELIF: cond / ELSE:    each followed by one block; the first true branch plays
 * # comment
 * ```
 */
import {
  type BoltVersion,
  features,
  REQUEST_TYPES,
  type RequestType,
  requestInVersion,
} from '@bolt/parser/internal';
import type { Fail } from './errors.js';
import { compilePython, parseHex } from './head.js';
import { readJsonValues } from './json.js';
import {
  compileExpression,
  type PyExpression,
  type PyStatements,
  PySyntaxError,
} from './python.js';
import { fromJson, type Jolt, type Pattern } from './value.js';

/** A message on a `C:` or `A:` line. */
export interface ClientLine {
  name: string;
  fields: Pattern[];
  /** 1-based line number in the script. */
  line: number;
  /** The line as written (trimmed), for logs and failures. */
  text: string;
}

export type ServerAction =
  | { type: 'message'; name: string; fields: unknown[]; line: number; text: string }
  | { type: 'exit'; line: number }
  | { type: 'noop'; line: number }
  | { type: 'raw'; bytes: Uint8Array; line: number }
  | { type: 'sleep'; ms: number; line: number }
  | { type: 'assertOrder'; ms: number; line: number };

export interface ConditionalBranch {
  /** Undefined for `ELSE:`. */
  condition: PyExpression | undefined;
  text: string;
  body: ScriptBlock[];
}

export type ScriptBlock =
  /** One expected client message. */
  | { kind: 'client'; message: ClientLine }
  /** One expected client message answered automatically (SUCCESS; HELLO gets server metadata). */
  | { kind: 'auto'; message: ClientLine }
  /** Consecutive server actions, run as soon as the script reaches them. */
  | { kind: 'server'; actions: ServerAction[]; line: number }
  /** A `PY:` line, run as soon as the script reaches it. */
  | { kind: 'python'; run: PyStatements; text: string; line: number }
  | { kind: 'optional'; body: ScriptBlock[]; line: number }
  | { kind: 'repeat'; min: 0 | 1; body: ScriptBlock[]; line: number }
  | { kind: 'alternatives'; branches: ScriptBlock[][]; line: number }
  | { kind: 'parallel'; branches: ScriptBlock[][]; line: number }
  | { kind: 'conditional'; branches: ConditionalBranch[]; line: number };

const SERVER_MESSAGES = new Set(['SUCCESS', 'RECORD', 'IGNORED', 'FAILURE']);

const MARKER = /^(C:|S:|A:|\?:|\*:|\+:|PY:|IF:|ELIF:|ELSE:)\s*(.*)$/;
const OPENERS = new Set(['{{', '{?', '{*', '{+']);
const CLOSERS = new Set(['}}', '?}', '*}', '+}', '----', '++++']);
const CLOSER_OF: Record<string, string> = { '{{': '}}', '{?': '?}', '{*': '*}', '{+': '+}' };

interface Line {
  no: number;
  text: string;
}

/** Parses the body lines (comments and blank lines already removed). */
export function parseBody(lines: readonly Line[], version: BoltVersion, fail: Fail): ScriptBlock[] {
  const body = new BodyParser(lines, version, fail).parse();
  validateOrder(body, fail);
  return body;
}

class BodyParser {
  private pos = 0;
  private readonly jolt: Jolt;

  constructor(
    private readonly lines: readonly Line[],
    private readonly version: BoltVersion,
    private readonly fail: Fail,
  ) {
    this.jolt = features(version).elementIds ? 2 : 1;
  }

  parse(): ScriptBlock[] {
    const blocks = this.blockList();
    const stray = this.lines[this.pos];
    if (stray) {
      this.fail('BAD_BLOCK', stray.no, `"${stray.text}" closes a block that was never opened`);
    }
    return blocks;
  }

  /** Blocks up to a closer or separator (left unread) or the end. */
  private blockList(): ScriptBlock[] {
    const out: ScriptBlock[] = [];
    for (let l = this.lines[this.pos]; l && !CLOSERS.has(l.text); l = this.lines[this.pos]) {
      const blocks = this.block();
      for (const b of blocks) {
        const last = out[out.length - 1];
        // consecutive server lines are one block (sent together)
        if (b.kind === 'server' && last?.kind === 'server') last.actions.push(...b.actions);
        else out.push(b);
      }
    }
    return out;
  }

  /** One block (a plain `{{ }}` group yields its content). */
  private block(): ScriptBlock[] {
    const l = this.lines[this.pos++];
    if (OPENERS.has(l.text)) return this.group(l);
    const m = MARKER.exec(l.text);
    if (!m) {
      return this.fail(
        'BAD_LINE',
        l.no,
        `expected a "C:", "S:", "A:" or "PY:" line or a block, got "${l.text}"`,
      );
    }
    const [, marker, content] = m;
    switch (marker) {
      case 'C:':
        return this.continued(l, content).map((c) => ({
          kind: 'client',
          message: this.clientLine(c),
        }));
      case 'S:':
        return [
          {
            kind: 'server',
            actions: this.continued(l, content).map((c) => this.serverAction(c)),
            line: l.no,
          },
        ];
      case 'A:':
        return [{ kind: 'auto', message: this.clientLine({ no: l.no, text: content }) }];
      case '?:':
      case '*:':
      case '+:': {
        const auto: ScriptBlock = {
          kind: 'auto',
          message: this.clientLine({ no: l.no, text: content }),
        };
        return [
          marker === '?:'
            ? { kind: 'optional', body: [auto], line: l.no }
            : { kind: 'repeat', min: marker === '*:' ? 0 : 1, body: [auto], line: l.no },
        ];
      }
      case 'PY:':
        return [
          {
            kind: 'python',
            run: compilePython(content, l.no, this.fail),
            text: content,
            line: l.no,
          },
        ];
      case 'IF:':
        return [this.conditional(l, content)];
      default:
        return this.fail('BAD_BLOCK', l.no, `"${marker}" without an "IF:" before it`);
    }
  }

  /** A line and the marker-less lines that continue it. */
  private continued(first: Line, content: string): Line[] {
    const out = [{ no: first.no, text: content }];
    for (let l = this.lines[this.pos]; l && isContinuation(l.text); l = this.lines[this.pos]) {
      out.push(l);
      this.pos++;
    }
    return out;
  }

  private group(open: Line): ScriptBlock[] {
    const branches: ScriptBlock[][] = [this.blockList()];
    let separator: string | undefined;
    for (;;) {
      const l = this.lines[this.pos++];
      if (!l)
        return this.fail(
          'BAD_BLOCK',
          open.no,
          `the block opened here ("${open.text}") is never closed`,
        );
      if (l.text === '----' || l.text === '++++') {
        if (open.text !== '{{')
          this.fail('BAD_BLOCK', l.no, `"${l.text}" outside a "{{ ... }}" block`);
        if (separator && separator !== l.text) {
          this.fail('BAD_BLOCK', l.no, `"----" and "++++" mixed in the block of line ${open.no}`);
        }
        separator = l.text;
        branches.push(this.blockList());
        continue;
      }
      if (l.text !== CLOSER_OF[open.text]) {
        this.fail(
          'BAD_BLOCK',
          l.no,
          `"${l.text}" does not close the block opened at line ${open.no}`,
        );
      }
      break;
    }
    for (const b of branches) {
      if (b.length === 0) this.fail('BAD_BLOCK', open.no, 'a block or branch here is empty');
    }
    switch (open.text) {
      case '{?':
        return [{ kind: 'optional', body: branches[0], line: open.no }];
      case '{*':
      case '{+':
        return [
          { kind: 'repeat', min: open.text === '{*' ? 0 : 1, body: branches[0], line: open.no },
        ];
      default:
        if (separator === '----') return [{ kind: 'alternatives', branches, line: open.no }];
        if (separator === '++++') return [{ kind: 'parallel', branches, line: open.no }];
        return branches[0];
    }
  }

  private conditional(first: Line, condition: string): ScriptBlock {
    const branches: ConditionalBranch[] = [];
    let head: Line | undefined = first;
    let text = condition;
    let kind = 'IF:';
    while (head) {
      const expr = kind === 'ELSE:' ? undefined : this.condition(text, head.no);
      if (kind === 'ELSE:' && text !== '')
        this.fail('BAD_LINE', head.no, '"ELSE:" takes no condition');
      if (!this.lines[this.pos] || CLOSERS.has(this.lines[this.pos].text)) {
        this.fail('BAD_BLOCK', head.no, `"${kind}" must be followed by a block`);
      }
      branches.push({ condition: expr, text: `${kind} ${text}`.trim(), body: this.block() });
      if (kind === 'ELSE:') break;
      const next = this.lines[this.pos];
      const m = next && /^(ELIF:|ELSE:)\s*(.*)$/.exec(next.text);
      head = undefined;
      if (m) {
        this.pos++;
        head = next;
        kind = m[1];
        text = m[2];
      }
    }
    return { kind: 'conditional', branches, line: first.no };
  }

  private condition(text: string, line: number): PyExpression {
    try {
      return compileExpression(text);
    } catch (e) {
      if (e instanceof PySyntaxError) {
        this.fail('BAD_PYTHON', line, `unsupported condition "${text}": ${e.message}`);
      }
      throw e;
    }
  }

  private message(l: Line): { name: string; json: ReturnType<typeof readJsonValues> } {
    const m = /^([A-Z][A-Z_]*)(?:\s+(.*))?$/.exec(l.text);
    if (!m)
      this.fail(
        'BAD_LINE',
        l.no,
        `expected a message name such as RUN or SUCCESS, got "${l.text}"`,
      );
    return { name: m![1], json: readJsonValues(m![2] ?? '', l.no, this.fail) };
  }

  private clientLine(l: Line): ClientLine {
    const { name, json } = this.message(l);
    if (
      !(REQUEST_TYPES as readonly string[]).includes(name) ||
      !requestInVersion(name as RequestType, this.version)
    ) {
      this.fail(
        'UNKNOWN_MESSAGE',
        l.no,
        `client message ${name} does not exist in Bolt ${this.version.major}.${this.version.minor}`,
      );
    }
    const ctx = { role: 'client' as const, jolt: this.jolt, line: l.no, fail: this.fail };
    return { name, fields: json.map((j) => fromJson(j, ctx)), line: l.no, text: l.text };
  }

  private serverAction(l: Line): ServerAction {
    const cmd = /^<([A-Z ]+)>\s*(.*)$/.exec(l.text);
    if (!cmd) {
      const { name, json } = this.message(l);
      if (!SERVER_MESSAGES.has(name)) {
        this.fail(
          'UNKNOWN_MESSAGE',
          l.no,
          `server message ${name} does not exist (SUCCESS, RECORD, IGNORED or FAILURE)`,
        );
      }
      const ctx = { role: 'server' as const, jolt: this.jolt, line: l.no, fail: this.fail };
      return {
        type: 'message',
        name,
        fields: json.map((j) => fromJson(j, ctx)),
        line: l.no,
        text: l.text,
      };
    }
    const [, tag, args] = cmd;
    const seconds = (fallback?: number): number => {
      if (args === '' && fallback !== undefined) return fallback * 1000;
      const s = Number(args);
      if (args === '' || !Number.isFinite(s) || s < 0) {
        this.fail(
          'BAD_VALUE',
          l.no,
          `<${tag}> needs a non-negative number of seconds, got "${args}"`,
        );
      }
      return Math.round(s * 1000);
    };
    switch (tag) {
      case 'EXIT':
      case 'NOOP':
        if (args !== '') this.fail('BAD_VALUE', l.no, `<${tag}> takes no arguments`);
        return { type: tag === 'EXIT' ? 'exit' : 'noop', line: l.no };
      case 'RAW':
        return { type: 'raw', bytes: parseHex(args, l.no, this.fail), line: l.no };
      case 'SLEEP':
        return { type: 'sleep', ms: seconds(), line: l.no };
      case 'ASSERT ORDER':
        return { type: 'assertOrder', ms: seconds(1), line: l.no };
      default:
        return this.fail('BAD_LINE', l.no, `unknown server command <${tag}>`);
    }
  }
}

function isContinuation(text: string): boolean {
  return !MARKER.test(text) && !OPENERS.has(text) && !CLOSERS.has(text);
}

// ---------------------------------------------------------------------------------------------
// testkit's ambiguity rules

/** Whether the server may have to act first when entering these blocks. */
export function startsWithServer(blocks: readonly ScriptBlock[]): boolean {
  const first = blocks[0];
  if (!first) return false;
  switch (first.kind) {
    case 'server':
    case 'python':
      return true;
    case 'alternatives':
    case 'parallel':
      return first.branches.some(startsWithServer);
    default:
      return false;
  }
}

/** Whether a block always ends at a known point (not after an optional or repeated part). */
function deterministicEnd(b: ScriptBlock): boolean {
  switch (b.kind) {
    case 'optional':
    case 'repeat':
      return false;
    case 'alternatives':
    case 'parallel':
      return b.branches.every(
        (branch) => branch.length === 0 || deterministicEnd(branch[branch.length - 1]),
      );
    case 'conditional':
      return b.branches.every(
        (br) => br.body.length === 0 || deterministicEnd(br.body[br.body.length - 1]),
      );
    default:
      return true;
  }
}

const lineOf = (b: ScriptBlock): number =>
  b.kind === 'client' || b.kind === 'auto' ? b.message.line : b.line;

/**
 * A block the player may skip or choose must begin with a client line, and so must whatever
 * follows a block that does not end at a known point: otherwise the player could not tell
 * when to act.
 */
function validateOrder(blocks: readonly ScriptBlock[], fail: Fail): void {
  blocks.forEach((b, i) => {
    const next = blocks.slice(i + 1);
    if (!deterministicEnd(b) && startsWithServer(next)) {
      fail(
        'BAD_BLOCK',
        lineOf(next[0]),
        `a server or Python line cannot follow the optional or repeated block of line ${lineOf(b)}`,
      );
    }
    switch (b.kind) {
      case 'optional':
      case 'repeat':
        if (startsWithServer(b.body)) {
          fail('BAD_BLOCK', b.line, 'an optional or repeated block must start with a client line');
        }
        validateOrder(b.body, fail);
        break;
      case 'alternatives':
      case 'parallel':
        for (const branch of b.branches) {
          if (startsWithServer(branch)) {
            fail(
              'BAD_BLOCK',
              lineOf(branch[0]),
              `each ${b.kind === 'parallel' ? 'parallel' : 'alternative'} branch must start with a client line`,
            );
          }
          validateOrder(branch, fail);
        }
        break;
      case 'conditional':
        for (const br of b.branches) validateOrder(br.body, fail);
        break;
    }
  });
}

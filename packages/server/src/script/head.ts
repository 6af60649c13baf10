/**
 * The head of a stub script: its `!:` directives.
 *
 * - `!: BOLT x[.y]` (required): the version the script speaks; `!: BOLT 4` is 4.0.
 * - `!: AUTO <MSG>`: answer `<MSG>` with SUCCESS wherever it arrives.
 * - `!: ALLOW RESTART`: after a connection has played the script, serve the next one (one at a
 *   time). `!: ALLOW CONCURRENT`: serve any number of connections at once, each playing it.
 * - `!: HANDSHAKE <hex>`: send these bytes instead of the negotiated version.
 * - `!: HANDSHAKE_DELAY <seconds>`: wait before answering the handshake.
 * - `!: PY <statements>`: run once when the script is loaded (see `python.ts`).
 * - `!: MANIFEST` (our extension; testkit's stub predates it): answer a manifest-v1 offer.
 */
import { type BoltVersion, isVersionIn, parseVersion, SUPPORTED_VERSIONS } from '@bolt/parser';
import type { Fail } from './errors.js';
import { compileStatements, type PyStatements, PySyntaxError } from './python.js';

export interface ScriptHead {
  version: BoltVersion;
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
  /** `!: PY` lines, run in order when a player starts. */
  setup: readonly PyStatements[];
}

/** Reads one `!:` line into `head`. `arg` is the text after `!:`. */
export function readDirective(
  head: Partial<ScriptHead> & { autoMessages: Set<string>; setup: PyStatements[] },
  arg: string,
  line: number,
  fail: Fail,
): void {
  let m: RegExpExecArray | null;
  if ((m = /^BOLT\s+(\S+)$/.exec(arg))) {
    if (head.version) fail('BAD_DIRECTIVE', line, 'the Bolt version is given twice');
    const version = parseVersion(m[1]);
    if (!version)
      fail('BAD_DIRECTIVE', line, `expected "!: BOLT <major>.<minor>", got "!: ${arg}"`);
    if (!isVersionIn(version as BoltVersion, SUPPORTED_VERSIONS)) {
      fail('BAD_DIRECTIVE', line, `unsupported Bolt version ${m[1]}`);
    }
    head.version = version;
  } else if ((m = /^AUTO\s+([A-Z_]+)$/.exec(arg))) {
    head.autoMessages.add(m[1]);
  } else if (/^ALLOW\s+RESTART$/.test(arg)) {
    head.allowRestart = true;
  } else if (/^ALLOW\s+CONCURRENT$/.test(arg)) {
    head.allowConcurrent = true;
  } else if ((m = /^HANDSHAKE\s+(.+)$/.exec(arg))) {
    head.handshake = parseHex(m[1], line, fail);
  } else if ((m = /^HANDSHAKE_DELAY\s+(\S+)$/.exec(arg))) {
    const s = Number(m[1]);
    if (!Number.isFinite(s) || s < 0) {
      fail(
        'BAD_DIRECTIVE',
        line,
        `HANDSHAKE_DELAY needs a non-negative number of seconds, got "${m[1]}"`,
      );
    }
    head.handshakeDelayMs = Math.round(s * 1000);
  } else if (arg === 'MANIFEST') {
    head.manifest = true;
  } else if ((m = /^PY\s+(.+)$/.exec(arg))) {
    head.setup.push(compilePython(m[1], line, fail));
  } else {
    fail('BAD_DIRECTIVE', line, `unknown directive "!: ${arg}"`);
  }
}

/** `PY` statements, or a BAD_PYTHON error naming the construct. */
export function compilePython(text: string, line: number, fail: Fail): PyStatements {
  try {
    return compileStatements(text);
  } catch (e) {
    if (e instanceof PySyntaxError)
      fail('BAD_PYTHON', line, `unsupported Python "${text}": ${e.message}`);
    throw e;
  }
}

/**
 * Hex bytes as testkit writes them: whitespace between octets is optional, and a lone digit
 * between spaces is one byte (`0 5 12 F` is `00 05 12 0F`).
 */
export function parseHex(text: string, line: number, fail: Fail): Uint8Array {
  const out: number[] = [];
  for (const token of text.trim().split(/\s+/)) {
    if (token === '') continue;
    if (!/^[0-9a-fA-F]+$/.test(token)) fail('BAD_VALUE', line, `"${token}" is not hexadecimal`);
    if (token.length === 1) {
      out.push(Number.parseInt(token, 16));
      continue;
    }
    if (token.length % 2 !== 0)
      fail('BAD_VALUE', line, `hex "${token}" has an odd number of digits`);
    for (let j = 0; j < token.length; j += 2) out.push(Number.parseInt(token.slice(j, j + 2), 16));
  }
  return Uint8Array.from(out);
}

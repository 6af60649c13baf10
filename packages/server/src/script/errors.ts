/** Marker for {@link ScriptSyntaxError.isInstance}, stable across duplicate installs. */
const SCRIPT_SYNTAX_ERROR = Symbol.for('@bolt/server/ScriptSyntaxError');
/** Marker for {@link ScriptFailure.isInstance}. */
const SCRIPT_FAILURE = Symbol.for('@bolt/server/ScriptFailure');

export type ScriptSyntaxErrorCode =
  | 'BAD_DIRECTIVE' // a `!:` line that is unknown, repeated or malformed
  | 'MISSING_VERSION' // no `!: BOLT x.y`
  | 'BAD_LINE' // a body line that is not a message, block marker or comment
  | 'BAD_BLOCK' // unbalanced or misplaced block markers
  | 'BAD_VALUE' // message fields that are not valid JSON / typed notation
  | 'BAD_PYTHON' // a `PY:` line or `IF:` condition outside the supported subset
  | 'UNKNOWN_MESSAGE'; // a message name that does not exist in the script's Bolt version

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

/** Throws a {@link ScriptSyntaxError}; handed down to every part of the script parser. */
export type Fail = (code: ScriptSyntaxErrorCode, line: number, message: string) => never;

export type ScriptFailureCode =
  | 'MISMATCH' // the client sent a message the script does not allow here
  | 'INCOMPLETE' // the client went away (or the player was finished) before the script's end
  | 'HANDSHAKE' // no common version, or a malformed handshake
  | 'BAD_MESSAGE' // bytes that are not a Bolt message of this version
  | 'TIMEOUT' // the client stayed silent longer than `idleTimeoutMs`
  | 'ORDER' // `<ASSERT ORDER>`: the client sent something while it should have waited
  | 'PYTHON' // a `PY:` line or `IF:` condition failed while playing (e.g. an unknown name)
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

/**
 * Parsing a stub script: the text format in which Neo4j's driver conformance suite (testkit,
 * `tests/stub/**\/scripts/*.script`) writes down a Bolt conversation, so that a stub server can
 * play the server's side of it and check the client's side line by line. Written from the
 * format's description (testkit's `boltstub/README.md`), not from its code.
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
 * The head is described in `head.ts`, the body in `body.ts`, field values in `value.ts`, and
 * the Python of `PY:` and `IF:` lines in `python.ts`.
 */
import type { BoltVersion } from '@bolt/parser';
import { parseBody, type ScriptBlock } from './body.js';
import { type Fail, ScriptSyntaxError, type ScriptSyntaxErrorCode } from './errors.js';
import { readDirective, type ScriptHead } from './head.js';
import type { PyStatements } from './python.js';

export interface Script extends ScriptHead {
  /** File name or label, for messages. */
  source: string | undefined;
  body: ScriptBlock[];
}

export interface ParseScriptOptions {
  /** Shown in error messages (e.g. the file name). Default: undefined ("script"). */
  source?: string;
  /** Text replacements applied before parsing, as testkit does for `#VERSION#`-style
   *  placeholders. Default: none. */
  substitutions?: Readonly<Record<string, string>>;
}

/** Parse a script. Throws {@link ScriptSyntaxError} naming the line and the construct. */
export function parseScript(text: string, options: ParseScriptOptions = {}): Script {
  const source = options.source;
  for (const [from, to] of Object.entries(options.substitutions ?? {})) {
    text = text.split(from).join(to);
  }
  const fail: Fail = (code: ScriptSyntaxErrorCode, line: number, message: string) => {
    throw new ScriptSyntaxError(code, line, message, source);
  };

  const head: Partial<ScriptHead> & { autoMessages: Set<string>; setup: PyStatements[] } = {
    autoMessages: new Set(),
    setup: [],
  };
  const body: { no: number; text: string }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('!:')) {
      if (body.length > 0)
        fail('BAD_DIRECTIVE', i + 1, `"!:" directives belong in the head: ${line}`);
      readDirective(head, line.slice(2).trim(), i + 1, fail);
    } else {
      body.push({ no: i + 1, text: line });
    }
  });
  const version: BoltVersion | undefined = head.version;
  if (!version) return fail('MISSING_VERSION', 0, 'missing "!: BOLT <version>" in the head');
  return {
    source,
    version,
    autoMessages: head.autoMessages,
    allowRestart: head.allowRestart ?? false,
    allowConcurrent: head.allowConcurrent ?? false,
    handshake: head.handshake,
    handshakeDelayMs: head.handshakeDelayMs ?? 0,
    manifest: head.manifest ?? false,
    setup: head.setup,
    body: parseBody(body, version, fail),
  };
}

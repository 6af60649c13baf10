/**
 * `bolt shell URI`: an interactive Cypher shell over `@bolt/client`. Statements end with `;`
 * (they may span lines); `:` commands change the session. Lines typed are kept in a history
 * file. Statements can also be piped in.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parseArgs } from 'node:util';
import { defaultOutput, type Output, painter, UsageError } from './output.js';
import {
  CONNECTION_ARGS,
  CONNECTION_OPTIONS,
  type Connection,
  describeError,
  openConnection,
  parseFormat,
  parseParam,
  runStatement,
} from './query.js';

export const SHELL_HELP = `Usage: bolt shell URI [options]

An interactive Cypher shell. End a statement with ";" (it may span lines). Commands:
  :param NAME=VALUE   set a parameter (VALUE is JSON when it parses)    :params   list them
  :use DATABASE       run the next statements in DATABASE
  :format FORMAT      table, json or csv
  :help               this list            :exit (or Ctrl-D)   leave
Statements can be piped in: echo 'RETURN 1 AS n;' | bolt shell bolt://localhost:7687

${CONNECTION_OPTIONS}
      --history FILE       where typed lines are kept (default ~/.bolt_history)
      --no-history         keep no history
  -h, --help               show this help

Exit status: 0 on :exit or end of input (piped: 1 if a statement failed); 1 when the server
cannot be reached; 64 usage mistake.
`;

const HISTORY_SIZE = 1000;

export async function shell(
  argv: string[],
  out: Output = defaultOutput(),
  input: Readable & { isTTY?: boolean } = process.stdin,
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { ...CONNECTION_ARGS, history: { type: 'string' }, 'no-history': { type: 'boolean' } },
  });
  if (values.help) {
    out.stdout.write(SHELL_HELP);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError('expected one URI');
  const c = openConnection(positionals[0], values);
  const paint = painter(out.stdout);
  try {
    const info = await c.driver.getServerInfo();
    out.stdout.write(
      `${paint('dim', `Connected to ${info.agent ?? 'a Bolt server'} at ${info.address} (Bolt ${info.protocolVersion})`)}\n`,
    );
  } catch (e) {
    out.stderr.write(`${painter(out.stderr)('red', describeError(e))}\n`);
    await c.driver.close();
    return 1;
  }
  const historyFile = values['no-history']
    ? undefined
    : (values.history ?? join(homedir(), '.bolt_history'));
  const interactive = input.isTTY === true;
  try {
    const failed = await repl(c, out, input, historyFile, interactive);
    return !interactive && failed ? 1 : 0;
  } finally {
    await c.driver.close();
  }
}

/** Reads statements until `:exit` or the end of input; resolves whether one failed. */
async function repl(
  c: Connection,
  out: Output,
  input: Readable,
  historyFile: string | undefined,
  interactive: boolean,
): Promise<boolean> {
  const rl = createInterface({
    input,
    output: interactive ? out.stdout : undefined,
    terminal: interactive,
    history: interactive ? loadHistory(historyFile) : [],
    historySize: HISTORY_SIZE,
    prompt: 'bolt> ',
  });
  let failed = false;
  let pending = '';
  const prompt = () => {
    if (!interactive) return;
    rl.setPrompt(pending ? '  ...> ' : 'bolt> ');
    rl.prompt();
  };
  prompt();
  for await (const raw of rl) {
    const line = raw.trim();
    if (historyFile && line) saveHistory(historyFile, line);
    if (!pending && line.startsWith(':')) {
      if (line === ':exit' || line === ':quit') break;
      command(c, line, out);
      prompt();
      continue;
    }
    pending = pending ? `${pending}\n${raw}` : raw;
    while (pending.includes(';')) {
      const at = pending.indexOf(';');
      const statement = pending.slice(0, at).trim();
      pending = pending.slice(at + 1).trimStart();
      if (statement && !(await runStatement(c, statement, out))) failed = true;
    }
    prompt();
  }
  rl.close();
  // a last statement without ";" at the end of piped input still runs
  if (pending.trim() && !(await runStatement(c, pending.trim(), out))) failed = true;
  return failed;
}

function command(c: Connection, line: string, out: Output): void {
  const [name, ...rest] = line.split(/\s+/);
  const arg = rest.join(' ');
  try {
    switch (name) {
      case ':help':
        out.stdout.write(`${SHELL_HELP.split('\n').slice(2, 7).join('\n')}\n`);
        return;
      case ':param': {
        const [key, value] = parseParam(arg);
        c.parameters[key] = value;
        return;
      }
      case ':params':
        for (const [k, v] of Object.entries(c.parameters))
          out.stdout.write(`${k}: ${JSON.stringify(v)}\n`);
        return;
      case ':use':
        c.database = arg || undefined;
        return;
      case ':format':
        c.format = parseFormat(arg);
        return;
      default:
        out.stderr.write(`unknown command ${name} (:help lists them)\n`);
    }
  } catch (e) {
    out.stderr.write(`${(e as Error).message}\n`);
  }
}

/** The last lines of the history file, newest first (as readline keeps them). */
function loadHistory(file: string | undefined): string[] {
  if (!file) return [];
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean).slice(-HISTORY_SIZE).reverse();
  } catch {
    return [];
  }
}

function saveHistory(file: string, line: string): void {
  try {
    appendFileSync(file, `${line.replace(/\n/g, ' ')}\n`);
  } catch {
    // a history that cannot be written is not worth failing a session for
  }
}

/**
 * `bolt stub`: serve a testkit stub script, with the command-line contract of testkit's
 * `boltstub` so that testkit can start it in its place (`-l HOST:PORT -v SCRIPT`): "Listening"
 * on stdout once bound, with `-v` one line per event, and at the end the exit status testkit's
 * `StubServer` reads.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { tcp } from '@bolt/net-adapters/node';
import {
  parseScript,
  type Script,
  type ScriptConnection,
  ScriptPlayer,
  ScriptSyntaxError,
} from '@bolt/server/script';
import { clock, defaultOutput, type Output, painter, parseAddress, UsageError } from './output.js';

export const STUB_HELP = `Usage: bolt stub [options] SCRIPT

Serve a Bolt stub script (the .script format of Neo4j's testkit): play the server's side of
the conversation and check the client's side line by line. Without "!: ALLOW RESTART" or
"!: ALLOW CONCURRENT" the script is played once and the command exits when it ends.

Options:
  -l, --listen-addr HOST:PORT  where to listen (default localhost:17687, or $BOLT_LISTEN_ADDR)
  -t, --timeout SECONDS        give up when no client connects this long (default 30)
  -v, --verbose                print every message received and sent
  -h, --help                   show this help

Interrupt (SIGINT) once to finish when what is left of the script is optional, twice to
close every connection, three times to quit at once.

Exit status: 0 played; 1 the client did not follow the script; 2 timed out waiting for a
client; 3 no client ever connected; 4 the script cannot be read; 99 cannot listen; 130 quit.
`;

/** Exit statuses of `bolt stub` (those of testkit's boltstub, plus 4). */
export const STUB_EXIT = {
  ok: 0,
  failed: 1,
  timedOut: 2,
  neverStarted: 3,
  badScript: 4,
  cannotListen: 99,
  interrupted: 130,
} as const;

export async function stub(argv: string[], out: Output = defaultOutput()): Promise<number> {
  const args = stubArgs(argv);
  if (args.help) {
    out.stdout.write(STUB_HELP);
    return STUB_EXIT.ok;
  }
  const { address, file } = args;
  const script = loadScript(file, out);
  if (typeof script === 'number') return script;
  let player: ScriptPlayer;
  try {
    player = new ScriptPlayer(script, {
      idleTimeoutMs: 0,
      log: args.verbose ? verboseLog(out) : undefined,
    });
  } catch (e) {
    out.stderr.write(`Error while starting ${file}:\n${(e as Error).message}\n`);
    return STUB_EXIT.badScript;
  }
  // from here on, an interrupt is ours to handle (before "Listening" is printed: testkit may
  // interrupt as soon as it reads that line)
  const interrupts = { count: 0, handle: (): void => {} };
  const sigint = () => {
    interrupts.count++;
    interrupts.handle();
  };
  process.on('SIGINT', sigint);
  try {
    await player.listen(tcp(), address);
  } catch (e) {
    process.off('SIGINT', sigint);
    out.stderr.write(`cannot listen on ${address.host}:${address.port}: ${(e as Error).message}\n`);
    return STUB_EXIT.cannotListen;
  }
  const single = !script.allowRestart && !script.allowConcurrent;
  const verdict = playVerdict(player, single ? args.timeoutS * 1000 : undefined, interrupts, out);
  out.stdout.write('Listening\n');
  const { forced, timedOut } = await verdict;
  if (forced !== undefined) return forced;
  await player.close();
  return finalReport(player, file, timedOut, out);
}

interface StubArgs {
  help: false;
  verbose: boolean;
  address: { host: string; port: number };
  timeoutS: number;
  file: string;
}

function stubArgs(argv: string[]): StubArgs | { help: true } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'listen-addr': { type: 'string', short: 'l' },
      timeout: { type: 'string', short: 't' },
      verbose: { type: 'boolean', short: 'v' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return { help: true };
  if (positionals.length !== 1) throw new UsageError('expected exactly one SCRIPT');
  const address = parseAddress(
    values['listen-addr'] ?? process.env.BOLT_LISTEN_ADDR ?? ':17687',
    'localhost',
  );
  const timeoutS = values.timeout === undefined ? 30 : Number(values.timeout);
  if (!(timeoutS > 0))
    throw new UsageError(`--timeout needs a positive number of seconds, got "${values.timeout}"`);
  return { help: false, verbose: values.verbose === true, address, timeoutS, file: positionals[0] };
}

/** The parsed script, or the exit code after reporting why it cannot be read. */
function loadScript(file: string, out: Output): Script | number {
  try {
    return parseScript(readFileSync(file, 'utf8'), { source: file });
  } catch (e) {
    const message = ScriptSyntaxError.isInstance(e)
      ? e.message
      : `${file}: ${(e as Error).message}`;
    out.stderr.write(`Error while parsing ${file}:\n${message}\n`);
    return STUB_EXIT.badScript;
  }
}

/** `--verbose`: each line of the conversation, stamped and labelled with both ports. */
function verboseLog(out: Output): (line: string, c: ScriptConnection) => void {
  const paint = painter(out.stdout);
  return (line, c) => {
    if (line.startsWith('!! ')) return; // failures are reported at the end
    out.stdout.write(
      `${paint('dim', clock())}  [#${portHex(c.remoteAddress)}>#${portHex(c.localAddress)}]  ${line}\n`,
    );
  };
}

/**
 * Settles when the run is over: the script ended, nobody connected within `timeoutMs` (single
 * runs only), or SIGINTs (1st: finish the running scripts, 2nd: close all connections, 3rd: exit
 * at once with `forced`).
 */
function playVerdict(
  player: ScriptPlayer,
  timeoutMs: number | undefined,
  interrupts: { count: number; handle: () => void },
  out: Output,
): Promise<{ forced?: number; timedOut: boolean }> {
  return new Promise((resolve) => {
    void player.ended.then(() => resolve({ timedOut: false }));
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            if (player.connections === 0) resolve({ timedOut: true });
          }, timeoutMs);
    void player.ended.then(() => clearTimeout(timer));
    interrupts.handle = () => {
      if (interrupts.count === 1) {
        out.stdout.write('1st SIGINT received. Trying to finish all running scripts.\n');
        void player
          .skipToEnd()
          .then(() => player.idle())
          .then(() => resolve({ timedOut: false }));
      } else if (interrupts.count === 2) {
        out.stdout.write('2nd SIGINT received. Closing all connections.\n');
        void player.close().then(() => resolve({ timedOut: false }));
      } else {
        out.stdout.write('3rd SIGINT received. Hard exit.\n');
        resolve({ forced: STUB_EXIT.interrupted, timedOut: false });
      }
    };
    if (interrupts.count > 0) interrupts.handle(); // one arrived while binding
  });
}

/** Prints the mismatches (or why nothing ran) and picks the exit code. */
function finalReport(player: ScriptPlayer, file: string, timedOut: boolean, out: Output): number {
  for (const failure of player.failures) {
    out.stdout.write(`Script mismatch in '${file}':\n${failure.message}\n\n`);
  }
  if (player.failures.length > 0) return STUB_EXIT.failed;
  if (timedOut) {
    out.stdout.write('Timed out\n');
    return STUB_EXIT.timedOut;
  }
  if (player.connections === 0) {
    out.stdout.write('Script never started\n');
    return STUB_EXIT.neverStarted;
  }
  return STUB_EXIT.ok;
}

/** The port of `host:port` as four hex digits, as testkit's stub labels connections. */
function portHex(address: string): string {
  const port = Number(/:(\d+)$/.exec(address)?.[1] ?? 0);
  return port.toString(16).toUpperCase().padStart(4, '0');
}

#!/usr/bin/env node
/**
 * The `bolt` command. `bolt <command> --help` describes each command.
 */
import { once } from 'node:events';
import { defaultOutput, UsageError } from './output.js';
import { proxy } from './proxy.js';
import { query } from './query.js';
import { shell } from './shell.js';
import { stub } from './stub.js';

const HELP = `Usage: bolt <command> [options]

Commands:
  stub SCRIPT        serve a testkit stub script (a drop-in for testkit's boltstub)
  proxy              relay a driver to a server, printing (and recording) every message
  query URI CYPHER   run one query and print its records and summary
  shell URI          an interactive Cypher shell

Run "bolt <command> --help" for the options of a command.
`;

const COMMANDS: Record<string, (argv: string[]) => Promise<number>> = { stub, proxy, query, shell };

/** Exit status for a usage mistake (sysexits EX_USAGE). */
const USAGE = 64;

async function main(argv: string[]): Promise<number> {
  const out = defaultOutput();
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    out.stdout.write(HELP);
    return name === undefined ? USAGE : 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    out.stderr.write(`bolt: unknown command "${name}"\n\n${HELP}`);
    return USAGE;
  }
  try {
    return await command(rest);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      out.stderr.write(
        `bolt ${name}: ${(e as Error).message}\nRun "bolt ${name} --help" for usage.\n`,
      );
      return USAGE;
    }
    throw e;
  }
}

main(process.argv.slice(2)).then(
  async (code) => {
    // stdout may be a pipe (testkit reads it): let what was written reach it before leaving
    if (process.stdout.writableNeedDrain) await once(process.stdout, 'drain');
    process.exit(code);
  },
  (e: unknown) => {
    process.stderr.write(`bolt: ${(e as Error)?.stack ?? e}\n`);
    process.exit(70);
  },
);

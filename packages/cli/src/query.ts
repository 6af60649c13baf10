/**
 * `bolt query URI "cypher"`: run one query through `@bolt/client` and print its records and
 * summary. The connection options (auth, database, format) are shared with `bolt shell`.
 */
import { parseArgs } from 'node:util';
import { type AuthToken, auth, BoltError, type Driver, driver } from '@bolt/client/node';
import { defaultOutput, type Output, painter, UsageError } from './output.js';
import { FORMATS, type Format, renderRecords, renderSummary } from './render.js';

export const CONNECTION_OPTIONS = `Connection options:
  -u, --user NAME          basic auth user (default $BOLT_USER, then $NEO4J_USERNAME)
  -p, --password TEXT      basic auth password (default $BOLT_PASSWORD, then $NEO4J_PASSWORD)
      --bearer TOKEN       bearer auth instead (default $BOLT_BEARER_TOKEN)
  -d, --database NAME      the database (default: the server's home database)
      --read               run in read mode (routing sends it to a reader)
  -f, --format FORMAT      table (default), json (one object per line) or csv
  -P, --param NAME=VALUE   a query parameter; VALUE is JSON when it parses, else a string
                           (repeatable)
Without a user or token the connection sends no credentials (auth scheme "none").`;

export const QUERY_HELP = `Usage: bolt query URI "CYPHER" [options]

Run one query and print its records (a table, JSON or CSV) and its summary: rows, timings,
the counters that changed, and notifications. URI: bolt://, bolt+s://, bolt+ssc://, neo4j://...

${CONNECTION_OPTIONS}
  -h, --help               show this help

In json and csv formats only the records go to stdout; the summary goes to stderr.
Exit status: 0 done; 1 the query or the connection failed (the error is printed with its
Neo4j code); 64 usage mistake.
`;

/** The options both `bolt query` and `bolt shell` take. */
export const CONNECTION_ARGS = {
  user: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'p' },
  bearer: { type: 'string' },
  database: { type: 'string', short: 'd' },
  read: { type: 'boolean' },
  format: { type: 'string', short: 'f' },
  param: { type: 'string', short: 'P', multiple: true },
  help: { type: 'boolean', short: 'h' },
} as const;

export interface Connection {
  driver: Driver;
  database: string | undefined;
  mode: 'READ' | 'WRITE';
  format: Format;
  parameters: Record<string, unknown>;
}

type ConnectionValues = {
  user?: string;
  password?: string;
  bearer?: string;
  database?: string;
  read?: boolean;
  format?: string;
  param?: string[];
};

/** Reads the connection options; the driver connects lazily. */
export function openConnection(uri: string, values: ConnectionValues): Connection {
  const env = process.env;
  const user = values.user ?? env.BOLT_USER ?? env.NEO4J_USERNAME;
  const password = values.password ?? env.BOLT_PASSWORD ?? env.NEO4J_PASSWORD ?? '';
  const bearer = values.bearer ?? env.BOLT_BEARER_TOKEN;
  const token: AuthToken = bearer
    ? auth.bearer(bearer)
    : user
      ? auth.basic(user, password)
      : auth.none();
  const format = parseFormat(values.format ?? 'table');
  let d: Driver;
  try {
    d = driver(uri, { auth: token, userAgent: 'bolt-cli' });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  return {
    driver: d,
    database: values.database,
    mode: values.read ? 'READ' : 'WRITE',
    format,
    parameters: Object.fromEntries((values.param ?? []).map(parseParam)),
  };
}

export function parseFormat(text: string): Format {
  if (!(FORMATS as readonly string[]).includes(text)) {
    throw new UsageError(`--format is one of ${FORMATS.join(', ')}, got "${text}"`);
  }
  return text as Format;
}

/** `name=value`: the value as JSON when it parses (`1`, `true`, `[1,2]`, `"x"`), else text. */
export function parseParam(text: string): [string, unknown] {
  const at = text.indexOf('=');
  if (at <= 0) throw new UsageError(`a parameter is NAME=VALUE, got "${text}"`);
  const raw = text.slice(at + 1);
  let value: unknown = raw;
  try {
    value = JSON.parse(raw);
  } catch {
    // not JSON: the text itself
  }
  return [text.slice(0, at), value];
}

/** Run one statement and print it; false when it failed (the error is printed). */
export async function runStatement(c: Connection, cypher: string, out: Output): Promise<boolean> {
  const session = c.driver.session({ database: c.database, defaultAccessMode: c.mode });
  try {
    const result = await session.run(cypher, c.parameters);
    out.stdout.write(renderRecords(result.keys, result.records, c.format));
    const summary = renderSummary(result.records.length, result.summary);
    (c.format === 'table' ? out.stdout : out.stderr).write(summary);
    return true;
  } catch (e) {
    out.stderr.write(`${painter(out.stderr)('red', describeError(e))}\n`);
    return false;
  } finally {
    await session.close().catch(() => undefined);
  }
}

export function describeError(e: unknown): string {
  if (BoltError.isInstance(e)) return `${e.code}: ${e.message}`;
  return (e as Error)?.message ?? String(e);
}

export async function query(argv: string[], out: Output = defaultOutput()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: CONNECTION_ARGS,
  });
  if (values.help) {
    out.stdout.write(QUERY_HELP);
    return 0;
  }
  if (positionals.length !== 2) throw new UsageError('expected URI and one CYPHER query');
  const c = openConnection(positionals[0], values);
  try {
    return (await runStatement(c, positionals[1], out)) ? 0 : 1;
  } finally {
    await c.driver.close();
  }
}

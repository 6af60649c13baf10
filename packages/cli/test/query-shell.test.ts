/**
 * `bolt query` and `bolt shell` as processes against `@bolt/server`: records as a table, JSON
 * or CSV, the summary, parameters, auth from flags or the environment, and the shell's history.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tcp } from '@bolt/net-adapters/node';
import { BoltError, type BoltServer, createServer } from '@bolt/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boltBinary, runBolt } from './support.js';

let server: BoltServer;
let uri: string;
const seen: { query: string; parameters: Record<string, unknown>; user: unknown }[] = [];

beforeAll(async () => {
  await boltBinary();
  server = createServer({
    handler: {
      authenticate: (token) => {
        if (token.scheme === 'basic' && token.credentials !== 'pass') {
          throw new BoltError('wrong password', { code: 'Neo.ClientError.Security.Unauthorized' });
        }
        if (token.scheme === 'bearer') return `bearer:${token.credentials}`;
        return token.principal ?? 'anonymous';
      },
      run(query, parameters, context) {
        seen.push({ query, parameters, user: context.user });
        if (query.startsWith('CREATE')) {
          return {
            fields: [],
            records: [],
            summary: { stats: { 'nodes-created': 2, 'properties-set': 3 } },
          };
        }
        if (query === 'MATCH (a), (b) RETURN 1 AS n') {
          return {
            fields: ['n'],
            records: [],
            summary: {
              notifications: [
                {
                  code: 'Neo.ClientNotification.Statement.CartesianProduct',
                  title: 'This query builds a cartesian product',
                  description: 'A cartesian product between disconnected patterns',
                  severity: 'WARNING',
                  category: 'PERFORMANCE',
                  position: { offset: 0, line: 1, column: 1 },
                },
              ],
            },
          };
        }
        if (query === 'BOOM') {
          throw new BoltError('Invalid input "BOOM"', {
            code: 'Neo.ClientError.Statement.SyntaxError',
          });
        }
        return {
          fields: ['n', 'name', 'list'],
          records: [
            [1, 'Ann', [1, 'x']],
            [2, 'Bob, Jr', []],
          ],
        };
      },
    },
  });
  uri = `bolt://127.0.0.1:${(await server.listen(tcp(), { host: '127.0.0.1', port: 0 })).address.port}`;
}, 60_000);

afterAll(() => server.close({ graceMs: 0 }));

describe('bolt query', () => {
  it('prints the records as a table, then the summary', async () => {
    const { code, stdout } = await runBolt([
      'query',
      uri,
      'MATCH (n) RETURN n',
      '-u',
      'neo4j',
      '-p',
      'pass',
    ]);
    expect(code).toBe(0);
    expect(stdout).toContain('| n | name    | list     |');
    expect(stdout).toContain('| 1 | Ann     | [1, "x"] |');
    expect(stdout).toContain('| 2 | Bob, Jr | []       |');
    expect(stdout).toMatch(/^2 rows, available after -?\d+ ms, consumed after -?\d+ ms$/m);
    expect(seen.at(-1)?.user).toBe('neo4j');
  });

  it('prints JSON or CSV records, the summary on stderr', async () => {
    const json = await runBolt([
      'query',
      uri,
      'MATCH (n) RETURN n',
      '-f',
      'json',
      '-u',
      'neo4j',
      '-p',
      'pass',
    ]);
    expect(json.stdout.split('\n')).toEqual([
      '{"n":1,"name":"Ann","list":[1,"x"]}',
      '{"n":2,"name":"Bob, Jr","list":[]}',
    ]);
    expect(json.stderr).toMatch(/^2 rows/);
    const csv = await runBolt([
      'query',
      uri,
      'MATCH (n) RETURN n',
      '--format',
      'csv',
      '-u',
      'neo4j',
      '-p',
      'pass',
    ]);
    expect(csv.stdout.split('\n')).toEqual(['n,name,list', '1,Ann,"[1, ""x""]"', '2,"Bob, Jr",[]']);
  });

  it('sends parameters, JSON when they parse, and takes auth from the environment', async () => {
    const { code } = await runBolt(
      ['query', uri, 'RETURN $a', '-P', 'a=1', '-P', 'b=[true]', '-P', 'c=text'],
      {
        BOLT_USER: 'env-user',
        BOLT_PASSWORD: 'pass',
      },
    );
    expect(code).toBe(0);
    expect(seen.at(-1)).toMatchObject({
      parameters: { a: 1, b: [true], c: 'text' },
      user: 'env-user',
    });
  });

  it('shows the counters that changed', async () => {
    const { stdout } = await runBolt([
      'query',
      uri,
      'CREATE (a), (b)',
      '-u',
      'neo4j',
      '-p',
      'pass',
    ]);
    expect(stdout).toContain('nodesCreated: 2, propertiesSet: 3');
  });

  it('shows the notifications with their position', async () => {
    const { code, stdout } = await runBolt(['query', uri, 'MATCH (a), (b) RETURN 1 AS n'], {
      BOLT_USER: 'neo4j',
      BOLT_PASSWORD: 'pass',
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      'WARNING Neo.ClientNotification.Statement.CartesianProduct: A cartesian product between disconnected patterns (line 1, column 1)',
    );
  });

  it('sends a bearer token from --bearer or the environment', async () => {
    expect((await runBolt(['query', uri, 'RETURN 1', '--bearer', 'tok-1'])).code).toBe(0);
    expect(seen.at(-1)?.user).toBe('bearer:tok-1');
    expect((await runBolt(['query', uri, 'RETURN 1'], { BOLT_BEARER_TOKEN: 'tok-2' })).code).toBe(
      0,
    );
    expect(seen.at(-1)?.user).toBe('bearer:tok-2');
  });

  it('prints a failed query with its Neo4j code and exits 1', async () => {
    const { code, stderr } = await runBolt(['query', uri, 'BOOM', '-u', 'neo4j', '-p', 'pass']);
    expect(code).toBe(1);
    expect(stderr).toContain('Neo.ClientError.Statement.SyntaxError: Invalid input "BOOM"');
    const denied = await runBolt(['query', uri, 'RETURN 1', '-u', 'neo4j', '-p', 'nope']);
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('Neo.ClientError.Security.Unauthorized');
  });
});

describe('bolt shell', () => {
  it('runs piped statements (over several lines), commands, and keeps a history', async () => {
    const history = join(mkdtempSync(join(tmpdir(), 'bolt-shell-')), 'history');
    const input =
      ':param who="Ann"\nMATCH (n)\nRETURN n;\n:format csv\nRETURN 2;\n:exit\nRETURN 3;\n';
    const { code, stdout } = await runBolt(
      ['shell', uri, '-u', 'neo4j', '-p', 'pass', '--history', history],
      {},
      input,
    );
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Connected to BoltServer\/\S+ at 127\.0\.0\.1:\d+ \(Bolt \d\.\d\)$/m);
    expect(stdout).toContain('| 1 | Ann     | [1, "x"] |'); // the table of the first statement
    expect(stdout).toContain('2,"Bob, Jr",[]'); // CSV after :format csv
    const queries = seen.slice(-2).map((s) => [s.query, s.parameters]);
    expect(queries).toEqual([
      ['MATCH (n)\nRETURN n', { who: 'Ann' }],
      ['RETURN 2', { who: 'Ann' }],
    ]);
    expect(readFileSync(history, 'utf8').split('\n').filter(Boolean)).toEqual([
      ':param who="Ann"',
      'MATCH (n)',
      'RETURN n;',
      ':format csv',
      'RETURN 2;',
      ':exit',
    ]);
  });

  it('exits 1 when the server cannot be reached', async () => {
    const { code, stderr } = await runBolt(['shell', 'bolt://127.0.0.1:1', '--no-history'], {}, '');
    expect(code).toBe(1);
    expect(stderr.length).toBeGreaterThan(0);
  });
});

/**
 * Every command line shown in the README runs: each `bolt …` line of a `sh` block is run here,
 * with its port swapped for a free one, against the peer it needs.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tcp } from '@bolt/net-adapters/node';
import { BoltError, type BoltServer, createServer } from '@bolt/server';
import neo4j from 'neo4j-driver';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoltProcess, boltBinary, freePort } from './support.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(`${root}README.md`, 'utf8');
const examples = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1].split('\n'))
  .filter((l) => l.startsWith('bolt ') && l !== 'bolt --help');

let binary: string;
const running: BoltProcess[] = [];
beforeAll(async () => {
  binary = await boltBinary();
}, 60_000);
let servers: BoltServer[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) p.kill();
  await Promise.all(servers.map((s) => s.close({ graceMs: 0 })));
  servers = [];
});

/** The example's arguments: its loopback ports and files replaced by the given ones. */
function argsOf(line: string, replace: Record<string, string>): string[] {
  // words as a shell splits them: "double quotes" keep spaces
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)]
    .map((m) => m[1] ?? m[2])
    .slice(1)
    .map((a) => replace[a] ?? (a.startsWith('examples/') ? `${root}${a}` : a));
}

async function query(uri: string): Promise<number> {
  const driver = neo4j.driver(uri, neo4j.auth.basic('neo4j', 'pass'));
  try {
    const session = driver.session();
    const result = await session.run('RETURN 1 AS n');
    await session.close();
    return result.records[0].get('n').toNumber();
  } finally {
    await driver.close();
  }
}

describe('README examples', () => {
  it('shows one example per command', () => {
    expect(examples.map((l) => l.split(' ')[1])).toEqual(['stub', 'proxy', 'query', 'shell']);
  });

  it('runs the bolt stub example', async () => {
    const line = examples.find((l) => l.startsWith('bolt stub ')) as string;
    const port = await freePort();
    const p = new BoltProcess(binary, argsOf(line, { '127.0.0.1:7687': `127.0.0.1:${port}` }));
    running.push(p);
    await p.line(/^Listening$/);
    expect(await query(`bolt://127.0.0.1:${port}`)).toBe(1);
    expect(await p.exited).toBe(0);
  });

  it('runs the bolt proxy example', async () => {
    const line = examples.find((l) => l.startsWith('bolt proxy ')) as string;
    const server = createServer({ handler: () => [{ n: 1 }] });
    servers.push(server);
    const target = (await server.listen(tcp(), { host: '127.0.0.1', port: 0 })).address.port;
    const port = await freePort();
    const record = join(mkdtempSync(join(tmpdir(), 'bolt-readme-')), 'recorded.script');
    const args = argsOf(line, {
      '127.0.0.1:7687': `127.0.0.1:${target}`,
      '127.0.0.1:7688': `127.0.0.1:${port}`,
      'recorded.script': record,
    });
    const p = new BoltProcess(binary, args);
    running.push(p);
    await p.line(/^Listening on /);
    expect(await query(`bolt://127.0.0.1:${port}`)).toBe(1);
    await p.line(/recorded to /);
    expect(readFileSync(record, 'utf8')).toContain('C: RUN "RETURN 1 AS n"');
  });

  it('runs the bolt query and bolt shell examples', async () => {
    const server = createServer({
      handler: {
        authenticate: (token) => {
          if (token.credentials !== 'pass')
            throw new BoltError('wrong password', {
              code: 'Neo.ClientError.Security.Unauthorized',
            });
          return token.principal;
        },
        run: () => ({ fields: ['n'], records: [[1]] }),
      },
    });
    servers.push(server);
    const port = (await server.listen(tcp(), { host: '127.0.0.1', port: 0 })).address.port;
    const replace = { 'bolt://127.0.0.1:7687': `bolt://127.0.0.1:${port}` };
    const queryLine = examples.find((l) => l.startsWith('bolt query ')) as string;
    const args = argsOf(queryLine, replace);
    const query = new BoltProcess(binary, args);
    running.push(query);
    expect(await query.exited, query.stderr.join('\n')).toBe(0);
    expect(query.stdout.slice(0, 5)).toEqual(['+---+', '| n |', '+---+', '| 1 |', '+---+']);

    const shellLine = examples.find((l) => l.startsWith('bolt shell ')) as string;
    const shell = new BoltProcess(
      binary,
      [...argsOf(shellLine, replace), '--no-history'],
      {},
      'RETURN 1 AS n;\n',
    );
    running.push(shell);
    expect(await shell.exited).toBe(0);
    expect(shell.stdout).toContain('| 1 |');
  });
});

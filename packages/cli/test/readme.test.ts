/**
 * Every command line shown in the README runs: each `bolt …` line of a `sh` block is run here,
 * with its port swapped for a free one, against the peer it needs.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import neo4j from 'neo4j-driver';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BoltProcess, boltBinary } from './support.js';

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
afterEach(() => {
  for (const p of running.splice(0)) p.kill();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

/** The example's arguments, its 127.0.0.1 ports replaced by free ones, paths from the package. */
async function argsOf(line: string): Promise<{ args: string[]; port: number }> {
  const port = await freePort();
  const args = line
    .split(/\s+/)
    .slice(1)
    .map((a) => a.replace(/127\.0\.0\.1:7687/, `127.0.0.1:${port}`))
    .map((a) => (a.startsWith('examples/') ? `${root}${a}` : a));
  return { args, port };
}

describe('README examples', () => {
  it('shows one example per command', () => {
    expect(examples.map((l) => l.split(' ')[1])).toEqual(['stub']);
  });

  it('runs the bolt stub example', async () => {
    const line = examples.find((l) => l.startsWith('bolt stub '));
    const { args, port } = await argsOf(line as string);
    const p = new BoltProcess(binary, args);
    running.push(p);
    await p.line(/^Listening$/);
    const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('neo4j', 'pass'));
    const session = driver.session();
    const result = await session.run('RETURN 1 AS n');
    await session.close();
    await driver.close();
    expect(result.records[0].get('n').toNumber()).toBe(1);
    expect(await p.exited).toBe(0);
  });
});

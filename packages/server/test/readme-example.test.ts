// The README's example is this package's examples/echo-server.ts, verbatim; the official driver
// talks to it here.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import neo4j from 'neo4j-driver';
import { expect, it } from 'vitest';
import { startEchoServer } from '../examples/echo-server.js';

const root = join(__dirname, '..');

it('the README shows examples/echo-server.ts as it is', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const example = readFileSync(join(root, 'examples/echo-server.ts'), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});

it('the echo server answers the official driver with the query and its parameters', async () => {
  const { server, port } = await startEchoServer(0);
  const driver = neo4j.driver(`bolt://127.0.0.1:${port}`, neo4j.auth.basic('any', 'thing'));
  try {
    const { records, keys } = await driver.executeQuery('MATCH (n) RETURN n', { limit: 5 });
    expect(keys).toEqual(['query', 'parameters']);
    expect(records[0].get('query')).toBe('MATCH (n) RETURN n');
    expect(records[0].get('parameters').limit.toNumber()).toBe(5);
  } finally {
    await driver.close();
    await server.close();
  }
});

// The README's routing example is examples/routing.ts, verbatim; it runs here against the
// cluster of @bolt/server's examples/cluster.ts (three members over TCP).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { startPeopleCluster } from '../../server/examples/cluster.js';
import { routingExample } from '../examples/routing.js';

it('the README shows examples/routing.ts as it is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/routing.ts', import.meta.url), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});

it('the routing example writes on the leader and reads from a follower of the example cluster', async () => {
  const cluster = await startPeopleCluster();
  try {
    const [leader, ...followers] = cluster.members.map((m) => m.address);
    const result = await routingExample(cluster.url);
    expect(result.names).toEqual(['Ann']);
    expect(result.writers).toEqual([leader]);
    expect(result.readers).toEqual(followers);
    expect(followers).toContain(result.readFrom);
  } finally {
    await cluster.close();
  }
});

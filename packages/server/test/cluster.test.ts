// createCluster: the official neo4j-driver (6.x, 5.28, 4.4) routes through a cluster of our
// servers, and the README shows examples/cluster.ts as it is.
import { readFileSync } from 'node:fs';
import { memoryNetwork } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterEach, describe, expect, it } from 'vitest';
import { startPeopleCluster } from '../examples/cluster.js';
import { type BoltCluster, createCluster, type Handler } from '../src/index.js';

let cluster: BoltCluster | undefined;
afterEach(async () => {
  await cluster?.close();
  cluster = undefined;
});

it('the README shows examples/cluster.ts as it is', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const example = readFileSync(new URL('../examples/cluster.ts', import.meta.url), 'utf8');
  expect(readme).toContain(`\`\`\`ts\n${example}\`\`\``);
});

describe('createCluster', () => {
  it('answers ROUTE with the running members, the leader writing and the followers reading', async () => {
    cluster = await createCluster({ handler: () => [], listener: memoryNetwork().listener });
    const [a, b, c] = cluster.members.map((m) => m.address);
    const roles = () =>
      Object.fromEntries(cluster!.routingTable().servers.map((s) => [s.role, s.addresses]));
    expect(roles()).toEqual({ ROUTE: [a, b, c], READ: [b, c], WRITE: [a] });
    await cluster.stop(1);
    expect(roles()).toEqual({ ROUTE: [a, c], READ: [c], WRITE: [a] });
    await cluster.stop(0); // the leader: member 2 takes over, and reads on its own
    expect(cluster.leader).toBe(2);
    expect(roles()).toEqual({ ROUTE: [c], READ: [c], WRITE: [c] });
    await cluster.start(1);
    expect(cluster.members[1].address).toBe(b); // same port
    cluster.setLeader(undefined);
    expect(roles()).toEqual({ ROUTE: [b, c], READ: [b, c], WRITE: [] });
    expect(() => cluster!.setLeader(0)).toThrow(/not running/);
  });

  it('rejects bad options', async () => {
    const listener = memoryNetwork().listener;
    await expect(createCluster({ handler: () => [], listener, members: 0 })).rejects.toThrow(
      /members/,
    );
    await expect(createCluster({ handler: () => [], listener, ports: [1] })).rejects.toThrow(
      /ports/,
    );
    await expect(createCluster({ handler: () => [], listener, leader: 5 })).rejects.toThrow(/lead/);
    await expect(createCluster({ handler: () => [], listener, ttl: -1 })).rejects.toThrow(/ttl/);
  });

  for (const [name, neo4j] of [
    ['neo4j-driver 6.x', neo4j6],
    ['neo4j-driver 5.28', neo4j5],
    ['neo4j-driver 4.4', neo4j4],
  ] as [string, any][]) {
    it(`${name} routes writes to the leader and reads to the followers, and follows a leader switch`, async () => {
      const served: { address: string; mode: string }[] = [];
      const handler: Handler = {
        run(_query, _parameters, context) {
          served.push({ address: context.connection.localAddress, mode: context.mode });
          return { fields: ['n'], records: [[1]] };
        },
      };
      cluster = await createCluster({ handler, listener: tcp() });
      const [a, b, c] = cluster.members.map((m) => m.address);
      const driver = neo4j.driver(cluster.url, neo4j.auth.basic('neo4j', 'pw'), {
        maxTransactionRetryTime: 5000,
      });
      try {
        const session = driver.session({ database: 'neo4j' });
        const write = (s: any) =>
          s.executeWrite
            ? s.executeWrite((tx: any) => tx.run('CREATE ()'))
            : s.writeTransaction((tx: any) => tx.run('CREATE ()'));
        const read = (s: any) =>
          s.executeRead
            ? s.executeRead((tx: any) => tx.run('RETURN 1'))
            : s.readTransaction((tx: any) => tx.run('RETURN 1'));
        await write(session);
        await read(session);
        await read(session);
        cluster.setLeader(1);
        await write(session);
        await session.close();
        const writes = served.filter((s) => s.mode === 'w').map((s) => s.address);
        const reads = served.filter((s) => s.mode === 'r').map((s) => s.address);
        expect(writes).toEqual([a, b]);
        expect(reads.every((r) => r === b || r === c)).toBe(true);
        expect(reads).toHaveLength(2);
      } finally {
        // The cluster first: closing the server right after neo4j-driver closes its sockets can
        // leave a server transport that never reports closed (seen with 6.x, about 1 run in 7).
        await cluster.close();
        await driver.close();
      }
    });
  }

  it('the example cluster serves its people', async () => {
    cluster = await startPeopleCluster();
    const driver = neo4j6.driver(cluster.url, neo4j6.auth.basic('neo4j', 'pw'));
    try {
      await driver.executeQuery('CREATE (:Person {name: $name})', { name: 'Bo' });
      const { records } = await driver.executeQuery(
        'MATCH (p) RETURN p.name AS name',
        {},
        {
          routing: neo4j6.routing.READ,
        },
      );
      expect(records.map((r) => r.get('name'))).toEqual(['Bo']);
    } finally {
      await cluster.close();
      await driver.close();
    }
  });
});

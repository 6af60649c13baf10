/**
 * Routing (neo4j://) against recorded conversations: script players stand in for the routers,
 * readers and writers of a cluster (see support/stub-cluster.ts). Each scenario is one the
 * conformance suite's routing tests check; the scripts are our own, in its format. The routing
 * scenarios every driver can play are rows of the scenario table (recorded.test.ts, run against
 * the official drivers too); these look at what only our client shows: its routing table
 * (`routingTable()`, `refreshRoutingTable()`), pool metrics, resolver calls and error messages.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BoltError } from '../src/index.js';
import { HOST, StubCluster } from './support/stub-cluster.js';

let cluster: StubCluster;
afterEach(async () => {
  await cluster?.close();
});

const rejection = (p: PromiseLike<unknown>): Promise<unknown> =>
  Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );

/** A Bolt 4.1 server reads no version ranges (the stub answers as one): offer 4.1 itself. */
const EXACT_4X1 = [
  { major: 4, minor: 4, range: 2 },
  { major: 4, minor: 1 },
];

describe('routing against recorded conversations', () => {
  describe('the routing table on every routing-capable version', () => {
    it('3.0: the cluster procedure, no routing context in HELLO', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-v3.script');
      await cluster.start(9010, 'reader-v3.script');
      const d = cluster.driver();
      const result = await d.session({ defaultAccessMode: 'READ' }).run('RETURN 1 AS n');
      expect(result.records[0].get('n')).toBe(1);
      expect(result.summary.server.address).toBe(`${HOST}:9010`);
      expect(d.routingTable()).toMatchObject({
        database: null,
        ttl: 1000,
        routers: [`${HOST}:9000`],
        readers: [`${HOST}:9010`],
        writers: [`${HOST}:9020`],
      });
      await d.close();
      await cluster.done(9000);
      await cluster.done(9010);
    });

    it('4.4: impersonated routing; the session keeps the home database the table named', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-v4x4-impersonation.script');
      await cluster.start(9020, 'writer-v4x4-impersonation.script');
      const d = cluster.driver();
      const session = d.session({ impersonatedUser: 'alice' });
      for (let i = 0; i < 2; i++) await session.executeWrite((tx) => tx.run('CREATE ()'));
      expect(session.lastBookmarks()).toEqual(['alicedb:2']);
      expect(d.routingTable('alicedb')?.writers).toEqual([`${HOST}:9020`]);
      await session.close();
      await d.close();
      await cluster.done(9000);
      await cluster.done(9020);
    });
  });

  describe('fail-over', () => {
    it('leader switch: NotALeader forgets the writer, the retry finds the new leader', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-leader-switch.script');
      await cluster.start(9020, 'writer-not-a-leader.script');
      await cluster.start(9021, 'writer-tx-v5x0.script');
      const d = cluster.driver();
      const session = d.session({ database: 'adb' });
      const errors: string[] = [];
      const n = await session.executeWrite(async (tx) => {
        try {
          return (await tx.run('CREATE (n) RETURN 1 AS n')).records[0].get('n');
        } catch (e) {
          errors.push((e as BoltError).code);
          throw e;
        }
      });
      expect(n).toBe(1);
      expect(errors).toEqual(['Neo.ClientError.Cluster.NotALeader']);
      expect(d.routingTable('adb')?.writers).toEqual([`${HOST}:9021`]);
      await session.close();
      await d.close();
      await cluster.done(9000);
      await cluster.done(9020);
      await cluster.done(9021);
    });

    it('reader failure: a reader that dies is forgotten and the read retried on the other', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-adb-v5x0.script');
      await cluster.start(9010, 'reader-exit-on-run.script');
      await cluster.start(9011, 'reader-tx-v5x0.script');
      const d = cluster.driver();
      const session = d.session({ database: 'adb' });
      let attempts = 0;
      const records = await session.executeRead(async (tx) => {
        attempts++;
        return (await tx.run('RETURN 1 AS n')).records;
      });
      expect(records.map((r) => r.get('n'))).toEqual([1]);
      expect(attempts).toBe(2);
      const table = d.routingTable('adb');
      expect(table?.readers).toEqual([`${HOST}:9011`]);
      // a dead reader is not a reason to stop writing to the writers
      expect(table?.writers).toEqual([`${HOST}:9020`, `${HOST}:9021`]);
      await session.close();
      await d.close();
      await cluster.done(9000);
      await cluster.done(9010);
      await cluster.done(9011);
    });

    it('an unreachable reader is forgotten and the next one tried, within one run()', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-adb-v5x0.script');
      await cluster.start(9011, 'reader-v5x0.script'); // 9010, first in the table, is down
      const d = cluster.driver();
      const result = await d
        .session({ database: 'adb', defaultAccessMode: 'READ' })
        .run('RETURN 1 AS n');
      expect(result.summary.server.address).toBe(`${HOST}:9011`);
      expect(d.routingTable('adb')?.readers).toEqual([`${HOST}:9011`]);
      await d.close();
      await cluster.done(9000);
      await cluster.done(9011);
    });

    it('DatabaseUnavailable: the member is forgotten for the database and the write retried', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-adb-v5x0.script');
      await cluster.start(9020, 'writer-database-unavailable.script');
      await cluster.start(9021, 'writer-tx-v5x0.script');
      const d = cluster.driver();
      const session = d.session({ database: 'adb' });
      await session.executeWrite((tx) => tx.run('CREATE (n) RETURN 1 AS n'));
      expect(d.routingTable('adb')?.writers).toEqual([`${HOST}:9021`]);
      expect(cluster.count(9000, 'ROUTE')).toBe(1);
      await session.close();
      await d.close();
      await cluster.done(9000);
      await cluster.done(9020);
      await cluster.done(9021);
    });

    it('no writer, no retry: a plain write fails with a retryable SessionExpired', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-no-writer-then-writer.script');
      const d = cluster.driver();
      const error = await rejection(d.session({ database: 'adb' }).run('CREATE ()'));
      expect(BoltError.isInstance(error)).toBe(true);
      expect((error as BoltError).code).toBe('SessionExpired');
      expect((error as BoltError).retryable).toBe(true);
      expect((error as BoltError).message).toMatch(/no writer/);
      await d.close();
      await cluster.stop(9000);
    });

    it('all routers down: the resolver is asked again and its address serves', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-once-then-exit.script');
      await cluster.start(9010, 'reader-tx-v5x0.script');
      await cluster.start(9001, 'router-second.script');
      await cluster.start(9011, 'reader-tx-v5x0.script');
      const asked: string[] = [];
      const d = cluster.driver({
        resolver: (address) => {
          asked.push(address);
          return asked.length === 1 ? [address] : [`${HOST}:9001`];
        },
      });
      const session = d.session({ database: 'adb' });
      await session.executeRead((tx) => tx.run('RETURN 1 AS n'));
      await cluster.done(9010); // the reader is gone now, and so is the router
      await session.executeRead((tx) => tx.run('RETURN 1 AS n'));
      expect(asked).toEqual([`${HOST}:9000`, `${HOST}:9000`]);
      expect(d.routingTable('adb')?.routers).toEqual([`${HOST}:9001`]);
      await session.close();
      await d.close();
      await cluster.done(9000);
      await cluster.done(9001);
      await cluster.done(9011);
    });
  });

  describe('errors that end the search at once', () => {
    it('no routing procedure (a single server): ServiceUnavailable saying so', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-no-procedure-v4x1.script');
      const d = cluster.driver({ protocolVersions: EXACT_4X1 });
      const error = await rejection(d.verifyConnectivity());
      expect((error as BoltError).code).toBe('ServiceUnavailable');
      expect((error as BoltError).message).toMatch(/cannot route/);
      expect(((error as BoltError).cause as BoltError).code).toBe(
        'Neo.ClientError.Procedure.ProcedureNotFound',
      );
      await d.close();
      await cluster.done(9000);
    });

    it('a table without readers is unusable: ServiceUnavailable, no table kept', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-no-readers.script');
      const d = cluster.driver();
      const error = await rejection(d.refreshRoutingTable({ database: 'adb' }));
      expect((error as BoltError).code).toBe('ServiceUnavailable');
      expect((error as BoltError).message).toMatch(/no reader/);
      expect(d.routingTable('adb')).toBeUndefined();
      await d.close();
      await cluster.done(9000);
    });
  });

  describe('driver API through routing', () => {
    it('getServerInfo, supportsMultiDb and pool metrics per server', async () => {
      cluster = new StubCluster();
      await cluster.start(9000, 'router-adb-v5x0.script');
      await cluster.start(9010, 'reader-hello-only-v5x0.script');
      const d = cluster.driver();
      const info = await d.getServerInfo({ database: 'adb' });
      expect(info).toEqual({
        address: `${HOST}:9010`,
        agent: 'Neo4j/5.0.0',
        protocolVersion: '5.0',
      });
      expect(d.serverPoolMetrics(`${HOST}:9010`)).toEqual({ active: 0, idle: 1, size: 1 });
      expect(d.serverPoolMetrics(`${HOST}:9011`)).toEqual({ active: 0, idle: 0, size: 0 });
      // the router's connection and the reader's
      expect(d.poolMetrics).toEqual({ active: 0, idle: 2, size: 2 });
      await d.close();
      await cluster.done(9000);
      await cluster.done(9010);
    });

    it('routingTable() and refreshRoutingTable() on a bolt:// driver are usage errors', async () => {
      cluster = new StubCluster();
      const { driver } = await import('../src/index.js');
      const d = driver('bolt://127.0.0.1:9000', { netModule: cluster.net.module });
      expect(() => d.routingTable()).toThrow(/neo4j:\/\//);
      await expect(d.refreshRoutingTable()).rejects.toThrow(/neo4j:\/\//);
      await d.close();
    });
  });
});

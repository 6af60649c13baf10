/**
 * Routing against a live cluster: three `@bolt/server` members over TCP on 127.0.0.1
 * (`createCluster`), sharing one in-memory store. Members are crashed, restarted and the
 * leadership moved while a loop of managed transactions runs; every write the driver
 * acknowledged must be in the store, and reads must keep succeeding.
 */
import { tcp } from '@bolt/net-adapters/node';
import {
  type BoltCluster,
  createCluster,
  type Handler,
  BoltError as ServerError,
} from '@bolt/server';
import { afterEach, describe, expect, it } from 'vitest';
import { auth, type BoltError, type Driver, driver } from '../src/node.js';

/** A tiny database: `MERGE (:Item {id: $id})` adds an id (buffered until COMMIT inside a
 *  transaction), `MATCH (i:Item) RETURN count(i) AS n` counts them. Records which member served
 *  each query. */
function store() {
  const items = new Set<number>();
  const pending = new Map<string, number[]>();
  const servedBy: string[] = [];
  let commits = 0;
  const handler: Handler = {
    run(query, parameters, context) {
      servedBy.push(context.connection.localAddress);
      if (query.startsWith('MERGE')) {
        const id = parameters.id as number;
        if (context.inTransaction) pending.get(context.connection.id)?.push(id);
        else items.add(id);
        return { fields: [] };
      }
      if (query.startsWith('MATCH')) return { fields: ['n'], records: [[items.size]] };
      throw new ServerError(`unknown query ${query}`, {
        code: 'Neo.ClientError.Statement.SyntaxError',
      });
    },
    begin(context) {
      pending.set(context.connection.id, []);
    },
    commit(context) {
      for (const id of pending.get(context.connection.id) ?? []) items.add(id);
      pending.delete(context.connection.id);
      return `bm:${++commits}`;
    },
    rollback(context) {
      pending.delete(context.connection.id);
    },
  };
  return { items, servedBy, handler };
}

let cluster: BoltCluster | undefined;
let d: Driver | undefined;
afterEach(async () => {
  await d?.close();
  await cluster?.close();
  d = undefined;
  cluster = undefined;
});

function routingDriver(url: string, warnings: string[] = []): Driver {
  return driver(url, {
    auth: auth.basic('neo4j', 'pw'),
    logger: { warn: (m: string) => warnings.push(m) },
    connectionTimeoutMs: 2000,
    retry: { initialDelayMs: 5, multiplier: 1.5, jitter: 0.2 },
    maxTransactionRetryTimeMs: 10_000,
  });
}

describe('routing against a live 3-member cluster over TCP', () => {
  it('writes go to the leader, reads to the followers', async () => {
    const db = store();
    cluster = await createCluster({ handler: db.handler, listener: tcp() });
    d = routingDriver(cluster.url);
    const [leader, f1, f2] = cluster.members.map((m) => m.address);
    const session = d.session();
    for (let id = 0; id < 6; id++) {
      await session.executeWrite((tx) => tx.run('MERGE (:Item {id: $id})', { id }));
      await session.executeRead((tx) => tx.run('MATCH (i:Item) RETURN count(i) AS n'));
    }
    await session.close();
    const writes = db.servedBy.filter((_, i) => i % 2 === 0);
    const reads = db.servedBy.filter((_, i) => i % 2 === 1);
    expect(new Set(writes)).toEqual(new Set([leader]));
    expect(reads.every((a) => a === f1 || a === f2)).toBe(true);
    expect(db.items.size).toBe(6);
    expect(d.routingTable()).toBeUndefined(); // 4.4+: the home table is filed under its name
    const table = d.routingTable('neo4j');
    expect(table?.writers).toEqual([leader]);
    expect(table?.readers).toEqual([f1, f2]);
    expect(table?.routers).toEqual([leader, f1, f2]);
  });

  it('a leader switch on demand: the old leader refuses, the driver finds the new one', async () => {
    const db = store();
    cluster = await createCluster({ handler: db.handler, listener: tcp() });
    d = routingDriver(cluster.url);
    await d.executeQuery('MERGE (:Item {id: $id})', { id: 1 }, { database: 'neo4j' });
    cluster.setLeader(2);
    const refused: string[] = [];
    // (a session without a database would fetch a new table to learn the home database)
    const session = d.session({ database: 'neo4j' });
    await session.executeWrite(async (tx) => {
      try {
        await tx.run('MERGE (:Item {id: $id})', { id: 2 });
      } catch (e) {
        refused.push((e as BoltError).code);
        throw e;
      }
    });
    await session.close();
    // BEGIN went to member 0 and was refused; the retry fetched a table naming member 2
    expect(refused).toEqual(['Neo.ClientError.Cluster.NotALeader']);
    expect(db.items).toEqual(new Set([1, 2]));
    expect(d.routingTable('neo4j')?.writers).toEqual([cluster.members[2].address]);
  });

  it('members crash and come back during a loop of executeWrite/executeRead: no acknowledged write is lost, reads keep flowing', async () => {
    const db = store();
    cluster = await createCluster({ handler: db.handler, listener: tcp(), ttl: 1 });
    const c = cluster;
    const warnings: string[] = [];
    d = routingDriver(c.url, warnings);
    const [m0, m1] = c.members.map((m) => m.address);
    const acknowledged: number[] = [];
    let readErrors = 0;
    let readsWhileFollowerDown = 0;
    let followerDown = false;
    // what happens before iteration i
    const events: Record<number, () => Promise<void>> = {
      20: async () => {
        await c.stop(1); // a follower crashes
        followerDown = true;
      },
      40: async () => {
        await c.start(1);
        followerDown = false;
      },
      60: () => c.stop(0), // the leader crashes; member 1 takes over
      90: () => c.start(0), // the old leader comes back as a follower
      110: async () => c.setLeader(2), // a leadership transfer
      130: () => c.stop(2, { graceMs: 1000 }), // the leader is shut down gracefully
    };
    const writer = d.session();
    const reader = d.session({ defaultAccessMode: 'READ' });
    for (let i = 0; i < 150; i++) {
      await events[i]?.();
      const id = i;
      await writer.executeWrite((tx) => tx.run('MERGE (:Item {id: $id})', { id }));
      acknowledged.push(id);
      try {
        const n = await reader.executeRead(async (tx) => {
          const r = await tx.run('MATCH (i:Item) RETURN count(i) AS n');
          return r.records[0].get('n') as number;
        });
        // a read follows the write it may depend on through the session bookmarks
        expect(n).toBeGreaterThanOrEqual(0);
        if (followerDown) readsWhileFollowerDown++;
      } catch {
        readErrors++;
      }
    }
    await writer.close();
    await reader.close();
    expect(acknowledged).toHaveLength(150);
    for (const id of acknowledged) expect(db.items.has(id)).toBe(true);
    expect(readErrors).toBe(0);
    expect(readsWhileFollowerDown).toBe(20);
    // the crashed leader was forgotten (every write went to it until then)
    expect(warnings.some((w) => w.startsWith(`forgetting ${m0}`))).toBe(true);
    // 1 took over when 0 crashed, 2 was made leader, 0 took over when 2 went down
    expect(c.leader).toBe(0);
    const table = await d.refreshRoutingTable({ database: 'neo4j' });
    expect(table.writers).toEqual([m0]);
    expect(table.readers).toEqual([m1]);
  });
});

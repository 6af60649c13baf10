import { readFileSync } from 'node:fs';
// The official Neo4j JavaScript drivers (6.3, 5.28, 4.4 from npm) talk to our server over TCP
// as if it were Neo4j.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  BEARER,
  type DemoState,
  demoHandler,
  newDemoState,
  PASSWORD,
} from './support/demo-handler.js';
import { startTcpServer, type TcpFixture } from './support/tcp-fixture.js';

/** The default agent carries this package's real version. */
const AGENT = `BoltServer/${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}`;

// The three driver packages differ in API surface; the tests use what each one has.
type AnyDriverModule = any;

interface DriverUnderTest {
  name: string;
  neo4j: AnyDriverModule;
  /** The Bolt version it negotiates with our full version list. */
  expectedVersion: string;
  modern: boolean;
}

const DRIVERS: DriverUnderTest[] = [
  { name: 'neo4j-driver 6.3.0', neo4j: neo4j6, expectedVersion: '6.1', modern: true },
  { name: 'neo4j-driver 5.28.3', neo4j: neo4j5, expectedVersion: '5.8', modern: true },
  { name: 'neo4j-driver 4.4.11', neo4j: neo4j4, expectedVersion: '4.4', modern: false },
];

/** Driver 6 reports a ProtocolVersion object, older ones a number such as 5.8. */
function versionText(v: unknown): string {
  if (typeof v === 'number') return v.toFixed(1);
  const o = v as { major: number; minor: number };
  return `${o.major}.${o.minor}`;
}

/** The hook journal without the authentications of new pooled connections. */
function work(state: DemoState): string[] {
  return state.journal.filter((j) => !j.startsWith('auth:'));
}

/** Collect garbage when the runtime lets us (to measure retained, not transient, heap). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const drivers: { close(): Promise<void> }[] = [];
function open(
  d: DriverUnderTest,
  url: string,
  auth?: unknown,
  config: Record<string, unknown> = {},
) {
  const driver = d.neo4j.driver(url, auth ?? d.neo4j.auth.basic('neo4j', PASSWORD), {
    useBigInt: true,
    connectionTimeout: 5000,
    maxTransactionRetryTime: 2000,
    logging: { level: 'error', logger: () => {} },
    ...config,
  });
  drivers.push(driver);
  return driver;
}

afterEach(async () => {
  await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => undefined)));
});

for (const d of DRIVERS) {
  describe(`${d.name} over TCP`, () => {
    let fx: TcpFixture;
    let state: DemoState;
    const versions: string[] = [];

    beforeAll(async () => {
      state = newDemoState();
      const handler = demoHandler(state);
      fx = await startTcpServer({
        handler: {
          ...handler,
          authenticate(token, connection) {
            versions.push(connection.protocolVersion ?? '?');
            return handler.authenticate!(token, connection);
          },
        },
      });
    });
    afterAll(async () => {
      await fx.close();
    });

    it(`negotiates Bolt ${d.expectedVersion} and runs an auto-commit query`, async () => {
      const driver = open(d, fx.url());
      const session = driver.session();
      try {
        const result = await session.run('RETURN 1 AS n');
        expect(result.records).toHaveLength(1);
        expect(result.records[0].get('n')).toBe(1n);
        expect(result.records[0].keys).toEqual(['n']);
        expect(versionText(result.summary.server.protocolVersion)).toBe(d.expectedVersion);
        expect(result.summary.server.agent).toBe(AGENT);
      } finally {
        await session.close();
      }
      expect(versions.at(-1)).toBe(d.expectedVersion);
    });

    it('passes parameters through and reports a write summary', async () => {
      const driver = open(d, fx.url());
      const session = driver.session();
      try {
        const echoed = await session.run('RETURN $x AS x', { x: { a: [1.5, 'b', null, true] } });
        expect(echoed.records[0].get('x')).toEqual({ a: [1.5, 'b', null, true] });
        const write = await session.run('CREATE (n)');
        expect(write.records).toHaveLength(0);
        expect(write.summary.queryType).toBe('w');
        expect(write.summary.counters.updates().nodesCreated).toBe(1);
      } finally {
        await session.close();
      }
    });

    // Driver 4.4 has no executeQuery (it arrived in driver 5.7), hence skipped there.
    it.runIf(d.modern)(
      `runs executeQuery${d.modern ? '' : ' (skipped: driver 4.4 has no executeQuery)'}`,
      async () => {
        const driver = open(d, fx.url());
        const { records, keys } = await driver.executeQuery('RETURN $x AS x', {
          x: 'via executeQuery',
        });
        expect(keys).toEqual(['x']);
        expect(records[0].get('x')).toBe('via executeQuery');
      },
    );

    it('commits and rolls back explicit transactions', async () => {
      const driver = open(d, fx.url());
      const session = driver.session({ database: 'movies' });
      try {
        state.journal.length = 0;
        const tx = session.beginTransaction({ metadata: { app: 'test' }, timeout: 1234 });
        const a = await tx.run('RETURN $x AS x', { x: 1 });
        const b = await tx.run('RETURN $x AS x', { x: 2 });
        expect(a.records[0].get('x')).toBe(1n);
        expect(b.records[0].get('x')).toBe(2n);
        await tx.commit();
        const context = state.contexts.at(-1)!;
        expect(context.inTransaction).toBe(true);
        expect(context.database).toBe('movies');
        expect(context.txMetadata).toEqual({ app: 'test' });
        expect(context.txTimeout).toBe(1234);
        const bookmarks = d.modern ? session.lastBookmarks() : session.lastBookmark();
        expect(bookmarks).toEqual([`bm:${state.commits}`]);

        const tx2 = session.beginTransaction();
        await tx2.run('RETURN 1 AS n');
        await tx2.rollback();
        expect(work(state)).toEqual([
          'begin:movies:w',
          'run:RETURN $x AS x',
          'run:RETURN $x AS x',
          'commit',
          'begin:movies:w',
          'run:RETURN 1 AS n',
          'rollback',
        ]);
      } finally {
        await session.close();
      }
    });

    it('runs managed read and write transactions', async () => {
      const driver = open(d, fx.url());
      const session = driver.session();
      try {
        state.journal.length = 0;
        const read = d.modern
          ? await session.executeRead((tx: any) => tx.run('RETURN 1 AS n'))
          : await session.readTransaction((tx: any) => tx.run('RETURN 1 AS n'));
        expect(read.records[0].get('n')).toBe(1n);
        const written = d.modern
          ? await session.executeWrite((tx: any) => tx.run('CREATE (n)'))
          : await session.writeTransaction((tx: any) => tx.run('CREATE (n)'));
        expect(written.summary.counters.updates().nodesCreated).toBe(1);
        // 5.8+ drivers cache the home database we report (`db` in BEGIN SUCCESS) and name it later.
        expect(work(state).map((j) => j.replace('begin:neo4j:', 'begin::'))).toEqual([
          'begin::r',
          'run:RETURN 1 AS n',
          'commit',
          'begin::w',
          'run:CREATE (n)',
          'commit',
        ]);
      } finally {
        await session.close();
      }
    });

    it('surfaces a handler error as Neo4jError with our code, then keeps working', async () => {
      const driver = open(d, fx.url());
      const session = driver.session();
      try {
        const error = await session.run('FAIL').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(d.neo4j.Neo4jError);
        expect((error as { code: string }).code).toBe('Neo.ClientError.Statement.SyntaxError');
        expect((error as Error).message).toContain('Invalid input: FAIL');
        if (d.expectedVersion === '6.1' || d.expectedVersion === '5.8')
          expect((error as { gqlStatus: string }).gqlStatus).toBe('42001');
        const late = await session.run('FAIL_LATE').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((late as { code: string }).code).toBe('Neo.ClientError.Statement.ArithmeticError');
        const crash = await session.run('CRASH').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((crash as { code: string }).code).toBe('Neo.DatabaseError.General.UnknownError');
        const after = await session.run('RETURN 1 AS n');
        expect(after.records[0].get('n')).toBe(1n);
      } finally {
        await session.close();
      }
    });

    it('reconnects after the server drops its connections', async () => {
      const driver = open(d, fx.url());
      const session = driver.session();
      try {
        await session.run('RETURN 1 AS n');
      } finally {
        await session.close();
      }
      const before = fx.transports.length;
      for (const t of fx.transports) t.destroy();
      await Promise.all(fx.transports.map((t) => t.closed));
      const again = driver.session();
      try {
        const r = d.modern
          ? await again.executeRead((tx: any) => tx.run('RETURN 1 AS n'))
          : await again.readTransaction((tx: any) => tx.run('RETURN 1 AS n'));
        expect(r.records[0].get('n')).toBe(1n);
      } finally {
        await again.close();
      }
      expect(fx.transports.length).toBeGreaterThan(before);
    });

    it('authenticates with basic and bearer tokens and rejects a wrong password', async () => {
      const basic = open(d, fx.url(), d.neo4j.auth.basic('alice', PASSWORD));
      const s1 = basic.session();
      try {
        expect((await s1.run('WHOAMI')).records[0].get('user')).toBe('alice');
      } finally {
        await s1.close();
      }
      const bearer = open(d, fx.url(), d.neo4j.auth.bearer(BEARER));
      const s2 = bearer.session();
      try {
        expect((await s2.run('WHOAMI')).records[0].get('user')).toBe('bearer');
      } finally {
        await s2.close();
      }
      const wrong = open(d, fx.url(), d.neo4j.auth.basic('neo4j', 'wrong'));
      const s3 = wrong.session();
      try {
        const error = await s3.run('RETURN 1 AS n').then(
          () => undefined,
          (e: unknown) => e,
        );
        expect((error as { code: string }).code).toBe('Neo.ClientError.Security.Unauthorized');
      } finally {
        await s3.close();
      }
    });

    it('uses the routing table of neo4j:// (reads go to the server the table names)', async () => {
      const readerState = newDemoState();
      const reader = await startTcpServer({ handler: demoHandler(readerState) });
      const routes: string[] = [];
      const router = await startTcpServer({
        handler: {
          ...demoHandler(newDemoState()),
          route(context) {
            routes.push(context.database ?? '(home)');
            const self = `127.0.0.1:${router.port}`;
            return {
              ttl: 60,
              servers: [
                { addresses: [self], role: 'ROUTE' },
                { addresses: [`127.0.0.1:${reader.port}`], role: 'READ' },
                { addresses: [self], role: 'WRITE' },
              ],
            };
          },
        },
      });
      try {
        const driver = open(d, router.url('neo4j'));
        const session = driver.session({
          defaultAccessMode: d.neo4j.session.READ,
          database: 'neo4j',
        });
        try {
          const r = d.modern
            ? await session.executeRead((tx: any) => tx.run('RETURN $x AS x', { x: 'routed' }))
            : await session.readTransaction((tx: any) => tx.run('RETURN $x AS x', { x: 'routed' }));
          expect(r.records[0].get('x')).toBe('routed');
        } finally {
          await session.close();
        }
        expect(routes.length).toBeGreaterThan(0);
        expect(readerState.journal).toContain('run:RETURN $x AS x');
      } finally {
        await Promise.all(drivers.splice(0).map((x) => x.close().catch(() => undefined)));
        await router.close();
        await reader.close();
      }
    });
  });
}

describe('neo4j-driver 6.3.0 streams 1,000,000 rows with bounded server buffering', () => {
  let fx: TcpFixture;
  let state: DemoState;
  beforeAll(async () => {
    state = newDemoState();
    fx = await startTcpServer({ handler: demoHandler(state) });
  });
  afterAll(async () => {
    await fx.close();
  });

  it('never runs more than a few fetch batches ahead of the client', async () => {
    const rows = 1_000_000;
    const fetchSize = 1000;
    const driver = open(DRIVERS[0], fx.url(), undefined, { fetchSize });
    const session = driver.session();
    let received = 0;
    let maxLead = 0;
    let sum = 0n;
    collectGarbage();
    const heapBefore = process.memoryUsage().heapUsed;
    let maxHeap = heapBefore;
    try {
      const result = session.run('UNWIND range(1, $n) AS i RETURN i', { n: rows });
      for await (const record of result) {
        received++;
        sum += record.get('i') as bigint;
        const lead = state.produced - received;
        if (lead > maxLead) maxLead = lead;
        if (received % 100_000 === 50_000) {
          collectGarbage();
          maxHeap = Math.max(maxHeap, process.memoryUsage().heapUsed);
        }
      }
    } finally {
      await session.close();
    }
    expect(received).toBe(rows);
    expect(sum).toBe((BigInt(rows) * BigInt(rows + 1)) / 2n);
    // Records produced by the handler but not yet delivered to the application: the driver's
    // own prefetch (a batch or two) plus what is in flight. Buffering the result would make this
    // approach a million.
    expect(maxLead).toBeLessThanOrEqual(4 * fetchSize);
    // Retained heap (after GC) mid-stream: 1M rows held anywhere would cost over 100 MB.
    expect(maxHeap - heapBefore).toBeLessThan(24 * 1024 * 1024);
  }, 120_000);
});

describe('neo4j-driver 6.3.0 and the 5.1+ extras', () => {
  it('re-authenticates per session (LOGOFF/LOGON), impersonates, sends TELEMETRY', async () => {
    const state = newDemoState();
    const telemetry: number[] = [];
    const fx = await startTcpServer({
      telemetry: true,
      handler: { ...demoHandler(state), telemetry: (api) => telemetry.push(api) },
    });
    try {
      const driver = open(DRIVERS[0], fx.url());
      const bob = driver.session({ auth: DRIVERS[0].neo4j.auth.basic('bob', PASSWORD) });
      try {
        expect((await bob.run('WHOAMI')).records[0].get('user')).toBe('bob');
      } finally {
        await bob.close();
      }
      const neo = driver.session();
      try {
        expect((await neo.run('WHOAMI')).records[0].get('user')).toBe('neo4j');
      } finally {
        await neo.close();
      }
      const imp = driver.session({ impersonatedUser: 'carol' });
      try {
        await imp.executeRead((tx: any) => tx.run('RETURN 1 AS n'));
      } finally {
        await imp.close();
      }
      expect(state.contexts.at(-1)!.impersonatedUser).toBe('carol');
      expect(state.journal.filter((j) => j.startsWith('auth:'))).toEqual(
        expect.arrayContaining(['auth:bob', 'auth:neo4j']),
      );
      // session.run is telemetry api 2, executeRead 0 (sent when the hint invites it).
      expect(telemetry).toEqual(expect.arrayContaining([0, 2]));
    } finally {
      await Promise.all(drivers.splice(0).map((x) => x.close().catch(() => undefined)));
      await fx.close();
    }
  });

  it('keeps a slow query alive with NOOPs within the recv_timeout hint', async () => {
    const base = demoHandler();
    const fx = await startTcpServer({
      recvTimeoutSeconds: 1,
      handler: {
        ...base,
        async run(query, parameters, context) {
          if (query === 'SLOW') {
            await new Promise((r) => setTimeout(r, 2500));
            return { fields: ['done'], records: [[true]] };
          }
          return base.run(query, parameters, context);
        },
      },
    });
    try {
      const driver = open(DRIVERS[0], fx.url());
      const session = driver.session();
      try {
        const r = await session.run('SLOW');
        expect(r.records[0].get('done')).toBe(true);
      } finally {
        await session.close();
      }
    } finally {
      await fx.close();
    }
  }, 20_000);
});

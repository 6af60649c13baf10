import { getEventListeners } from 'node:events';
import { Node } from '@bolt/packstream';
import { BoltError as ServerError } from '@bolt/server';
import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { auth, BoltError, bookmarkManager, driver, Record } from '../src/index.js';
import type { Fixture } from './support/bolt-fixture.js';
import { closeAfterTest } from './support/close-after-test.js';
import { memoryDriver } from './support/memory-driver.js';
import { newSeen, type Seen, testHandler } from './support/test-handler.js';

async function setup(
  options: {
    versions?: { major: number; minor: number }[];
    config?: Parameters<typeof driver>[1];
    handler?: (seen: Seen) => any;
    server?: { [key: string]: unknown };
  } = {},
) {
  const seen = newSeen();
  const { fx, d } = await memoryDriver(
    options.handler ? options.handler(seen) : testHandler(seen),
    { versions: options.versions, ...options.server },
    options.config,
  );
  return { seen, d, fx };
}

describe('auto-commit queries', () => {
  it('await result gives records, keys and summary', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    const { records, keys, summary } = await s.run<{ p: { a: number } }>('ECHO', { a: 1 });
    expect(keys).toEqual(['p']);
    expect(records).toHaveLength(1);
    expect(records[0]).toBeInstanceOf(Record);
    expect(records[0].get('p')).toEqual({ a: 1 });
    expect(records[0].toObject()).toEqual({ p: { a: 1 } });
    expect(summary.query).toEqual({ text: 'ECHO', parameters: { a: 1 } });
    expect(summary.server.protocolVersion).toBe('6.1');
    expect(summary.server.address).toBe(`localhost:${fx.port}`);
    expect(summary.bookmark).toMatch(/^bm-/);
    await s.close();
  });

  it('pulls everything in one PULL when awaited (default fetch size), in batches when iterated', async () => {
    const lines: string[] = [];
    const { d } = await setup({ config: { logger: { debug: (m) => lines.push(m) } } });
    const s = d.session();
    const all = await s.run('ROWS', { n: 2500 });
    expect(all.records.map((r) => r.get('i'))).toEqual([...Array(2500).keys()]);
    expect(lines.filter((l) => l.startsWith('C: PULL'))).toEqual(['C: PULL {"n":-1}']);
    lines.length = 0;
    let count = 0;
    for await (const r of s.run<{ i: number }>('ROWS', { n: 2500 }))
      expect(r.get('i')).toBe(count++);
    expect(count).toBe(2500);
    expect(lines.filter((l) => l.startsWith('C: PULL'))).toEqual([
      'C: PULL {"n":1000}',
      'C: PULL {"n":1000}',
      'C: PULL {"n":1000}',
    ]);
    await s.close();
  });

  it('honours an explicit fetch size for awaited results too', async () => {
    const lines: string[] = [];
    const { d } = await setup({ config: { logger: { debug: (m) => lines.push(m) } } });
    const s = d.session({ fetchSize: 10 });
    const all = await s.run('ROWS', { n: 25 });
    expect(all.records.map((r) => r.get('i'))).toEqual([...Array(25).keys()]);
    expect(lines.filter((l) => l.startsWith('C: PULL'))).toEqual([
      'C: PULL {"n":10}',
      'C: PULL {"n":10}',
      'C: PULL {"n":10}',
    ]);
    await s.close();
  });

  it('reuses the connection of a failed query: RESET is pipelined before the next query', async () => {
    const lines: string[] = [];
    const { d, fx } = await setup({ config: { logger: { debug: (m) => lines.push(m) } } });
    const s = d.session();
    lines.length = 0;
    await expect(
      s.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' }),
    ).rejects.toThrow();
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    expect(lines.filter((l) => l.startsWith('C:') && !/^C: (HELLO|LOGON)/.test(l))).toEqual([
      'C: RUN "ERROR" {"code":"Neo.ClientError.Statement.SyntaxError"} {}',
      'C: PULL {"n":-1}',
      'C: RESET',
      'C: RUN "RETURN 1 AS n" {} {}',
      'C: PULL {"n":-1}',
    ]);
    expect(fx.netModule.transports).toHaveLength(1);
    await s.close();
  });

  it('asks for the next batch only when the consumer needs it (back-pressure)', async () => {
    const { d, seen } = await setup({ config: { fetchSize: 100 } });
    const s = d.session();
    const it = s.run('ROWS', { n: 100_000 })[Symbol.asyncIterator]();
    for (let i = 0; i < 10; i++) expect((await it.next()).value.get('i')).toBe(i);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.produced).toBeLessThanOrEqual(200);
    for (let i = 10; i < 450; i++) expect((await it.next()).value.get('i')).toBe(i);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.produced).toBeLessThanOrEqual(650);
    await it.return!();
    await s.close();
  });

  it('Bolt 3 (PULL_ALL cannot be batched): reading pauses while the consumer is behind', async () => {
    const { d, seen } = await setup({
      versions: [{ major: 3, minor: 0 }],
      config: { fetchSize: 100 },
    });
    const s = d.session();
    let n = 0;
    let maxAhead = 0;
    for await (const r of s.run<{ i: number }>('ROWS', { n: 50_000 })) {
      expect(r.get('i')).toBe(n++);
      if (n % 500 === 0) {
        await new Promise((res) => setTimeout(res, 1));
        maxAhead = Math.max(maxAhead, seen.produced - n);
      }
    }
    expect(n).toBe(50_000);
    // without pausing, the server would run through all 50,000 rows while we sleep
    expect(maxAhead).toBeLessThan(20_000);
    await s.close();
  });

  it('break discards the rest on the server, and the session goes on', async () => {
    const lines: string[] = [];
    const { d, seen } = await setup({
      config: { fetchSize: 10, logger: { debug: (m) => lines.push(m) } },
    });
    const s = d.session();
    let n = 0;
    for await (const _ of s.run('FOREVER')) if (++n === 15) break;
    expect(n).toBe(15);
    expect(lines).toContain('C: DISCARD {"n":-1}');
    expect(seen.closedEarly).toBe(1);
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    await s.close();
  });

  it('consume() discards and returns the summary with counters (statuses polyfilled on 5.4)', async () => {
    const { d } = await setup({ versions: [{ major: 5, minor: 4 }] });
    const s = d.session();
    const summary = await s.run('WRITE').consume();
    expect(summary.queryType).toBe('w');
    expect(summary.counters.nodesCreated).toBe(1);
    expect(summary.counters.propertiesSet).toBe(2);
    expect(summary.counters.containsUpdates()).toBe(true);
    expect(summary.gqlStatusObjects[0].gqlStatus).toBe('00001');
    await s.close();
  });

  it('subscribe(): keys, each record, then the summary, or the error', async () => {
    const { d } = await setup({ config: { fetchSize: 10 } });
    const s = d.session();
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      s.run('ROWS', { n: 25 }).subscribe({
        onKeys: (k) => events.push(`keys ${k.join(',')}`),
        onNext: (r) => events.push(`next ${r.get('i')}`),
        onCompleted: (summary) => {
          events.push(`done ${summary.query.text}`);
          resolve();
        },
      });
    });
    expect(events[0]).toBe('keys i,s,f');
    expect(events.slice(1, -1)).toEqual([...Array(25).keys()].map((i) => `next ${i}`));
    expect(events.at(-1)).toBe('done ROWS');
    const err = await new Promise<any>((resolve) =>
      s
        .run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' })
        .subscribe({ onError: resolve }),
    );
    expect(err.code).toBe('Neo.ClientError.Statement.SyntaxError');
    await s.close();
  });

  it('a result awaited twice gives the same records', async () => {
    const { d } = await setup();
    const s = d.session();
    const r = s.run('ROWS', { n: 3 });
    const a = await r;
    const b = await r;
    expect(b.records).toBe(a.records);
    expect(b.records).toHaveLength(3);
    expect(await r.records()).toBe(a.records);
    await s.close();
  });

  it('collect helpers: records(), objects(), column(), single(), keys()', async () => {
    const { d } = await setup();
    const s = d.session();
    expect(await s.run('ROWS', { n: 3 }).column('s')).toEqual(['row-0', 'row-1', 'row-2']);
    expect(await s.run('ROWS', { n: 1 }).objects()).toEqual([{ i: 0, s: 'row-0', f: 0.5 }]);
    expect((await s.run('RETURN 1 AS n').single()).get('n')).toBe(1);
    await expect(s.run('ROWS', { n: 2 }).single()).rejects.toThrow(/exactly one record, got 2/);
    expect(await s.run('ROWS', { n: 0 }).keys()).toEqual(['i', 's', 'f']);
    await s.close();
  });

  it('singleOptional(): the one record, undefined for none, a usage error for several', async () => {
    const { d } = await setup();
    const s = d.session();
    expect((await s.run('ROWS', { n: 1 }).singleOptional())?.get('i')).toBe(0);
    expect(await s.run('ROWS', { n: 0 }).singleOptional()).toBeUndefined();
    const several = s.run('ROWS', { n: 3 });
    await expect(several.singleOptional()).rejects.toThrow(/at most one record, got 3/);
    expect((await several.summary()).counters.containsUpdates()).toBe(false);
    await expect(s.run('FAIL_AFTER', { n: 1 }).singleOptional()).rejects.toBeInstanceOf(BoltError);
    await s.close();
  });

  it('peek(): the next record without taking it, across PULL batches; undefined at the end', async () => {
    const lines: string[] = [];
    const { d } = await setup({
      config: { fetchSize: 2, logger: { debug: (m) => lines.push(m) } },
    });
    const s = d.session();
    const r = s.run('ROWS', { n: 3 });
    const seen: number[] = [];
    for (;;) {
      const p = await r.peek();
      expect(await r.peek()).toBe(p);
      const it = await r.iterate().next();
      if (p === undefined) {
        expect(it.done).toBe(true);
        break;
      }
      expect(it.value).toBe(p);
      seen.push(p.get('i') as number);
    }
    expect(seen).toEqual([0, 1, 2]);
    expect(lines.filter((l) => l.startsWith('C: PULL {"n":2')).length).toBe(2);
    const failing = s.run('FAIL_AFTER', { n: 0 });
    await expect(failing.peek()).rejects.toBeInstanceOf(BoltError);
    await s.close();
  });

  it('a server error mid-stream: the records before it, then the error', async () => {
    const { d } = await setup({ config: { fetchSize: 10 } });
    const s = d.session();
    const got: number[] = [];
    const err = await (async () => {
      for await (const r of s.run('FAIL_AFTER', {
        n: 35,
        code: 'Neo.DatabaseError.General.UnknownError',
      }))
        got.push(r.get('i') as number);
    })().catch((e) => e);
    expect(got).toEqual([...Array(35).keys()]);
    expect(BoltError.isInstance(err)).toBe(true);
    expect(err.code).toBe('Neo.DatabaseError.General.UnknownError');
    expect(err.classification).toBe('DATABASE_ERROR');
    // the session recovers: the connection is reset before reuse
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    await s.close();
  });

  it('a syntax error rejects await result, keys() and summary()', async () => {
    const { d } = await setup();
    const s = d.session();
    const r = s.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' });
    await expect(r).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.SyntaxError',
      retryable: false,
    });
    await expect(r.keys()).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.SyntaxError' });
    await expect(r.summary()).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.SyntaxError',
    });
    await s.close();
  });

  it('a dropped connection mid-stream gives a clear connection-lost error', async () => {
    let fixture: Fixture;
    const { d, fx } = await setup({
      config: { fetchSize: 10 },
      handler: (seen) =>
        testHandler(seen, {
          onRow: (i) => {
            if (i === 25) fixture.serverTransports.at(-1)!.destroy(new Error('server went away'));
          },
        }),
    });
    fixture = fx;
    const s = d.session();
    const got: unknown[] = [];
    const err = await (async () => {
      for await (const r of s.run('ROWS', { n: 1000 })) got.push(r.get('i'));
    })().catch((e) => e);
    expect(got.length).toBeLessThanOrEqual(25);
    expect(err.kind).toBe('connection-lost');
    expect(err.code).toBe('ServiceUnavailable');
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/lost|closed/);
    await s.close();
  });

  it('runs several queries of one session in order, buffering an unread result', async () => {
    const { d } = await setup();
    const s = d.session();
    const a = s.run('ROWS', { n: 5 });
    const b = s.run('RETURN 1 AS n');
    expect((await b).records[0].get('n')).toBe(1);
    expect((await a).records).toHaveLength(5);
    await s.close();
  });

  it('records({ signal }) gives up with a timeout error and the session goes on', async () => {
    const { d } = await setup();
    const s = d.session();
    const err = await s
      .run('SLOW', { ms: 300 })
      .records({ signal: AbortSignal.timeout(50) })
      .catch((e) => e);
    expect(err.kind).toBe('timeout');
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    await s.close();
  });

  it('an abort stops a query the server is still working on (RESET), and the session goes on', async () => {
    const lines: string[] = [];
    const { d, fx } = await setup({ config: { logger: { debug: (m) => lines.push(m) } } });
    const s = d.session();
    const started = Date.now();
    const err = await s
      .run('SLOW', { ms: 20_000 })
      .records({ signal: AbortSignal.timeout(100) })
      .catch((e) => e);
    expect(err.kind).toBe('timeout');
    expect(lines).toContain('C: RESET');
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(fx.netModule.transports).toHaveLength(1);
    await s.close();
  });

  it('iterating with a signal keeps one abort listener, however many batches', async () => {
    const { d } = await setup({ config: { fetchSize: 10 } });
    const s = d.session();
    const ac = new AbortController();
    let max = 0;
    let n = 0;
    for await (const _ of s.run('ROWS', { n: 500 }).iterate({ signal: ac.signal })) {
      n++;
      max = Math.max(max, getEventListeners(ac.signal, 'abort').length);
    }
    expect(n).toBe(500);
    expect(max).toBe(1);
    expect(getEventListeners(ac.signal, 'abort')).toHaveLength(0);
    await s.close();
  });

  it('abort signal on iteration discards and rejects', async () => {
    const { d } = await setup({ config: { fetchSize: 5 } });
    const s = d.session();
    const ac = new AbortController();
    const it = s.run('FOREVER').iterate({ signal: ac.signal });
    await it.next();
    ac.abort();
    await expect(it.next()).rejects.toMatchObject({ kind: 'aborted' });
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    await s.close();
  });
});

describe('values', () => {
  it('integers: number when safe, bigint beyond; always bigint on request', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    const big = 2n ** 60n;
    const r = await s.run('ECHO', { small: 42, big });
    expect(r.records[0].get('p')).toEqual({ small: 42, big });
    await s.close();
    await d.close();
    const bigintDriver = closeAfterTest(
      driver(fx.url, { netModule: fx.netModule, integers: 'bigint' }),
    );
    const s2 = bigintDriver.session();
    expect((await s2.run('ECHO', { small: 42 })).records[0].get('p')).toEqual({ small: 42n });
    await s2.close();
  });

  it('decodes nodes into Node instances with element ids', async () => {
    const { d } = await setup({
      handler: () => ({
        run: () => ({
          fields: ['n'],
          records: [[new Node(7, ['Person'], { name: 'Ann' }, '4:db:7')]],
        }),
      }),
    });
    const s = d.session();
    const n = (await s.run<{ n: Node }>('MATCH (n) RETURN n').single()).get('n');
    expect(n).toBeInstanceOf(Node);
    expect(n.labels).toEqual(['Person']);
    expect(n.properties).toEqual({ name: 'Ann' });
    expect(n.elementId).toBe('4:db:7');
    await s.close();
  });
});

describe('bad input and big values', () => {
  it('a parameter that cannot be encoded is a usage error; nothing is lost', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    const err = await s.run('ECHO', { f: () => 1 } as any).catch((e) => e);
    expect(BoltError.isInstance(err)).toBe(true);
    expect(err.kind).toBe('usage');
    expect(err.message).toMatch(/cannot send RUN/);
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    const tx = await s.beginTransaction();
    const e2 = await tx.run('ECHO', { s: Symbol('x') } as any).catch((e) => e);
    expect(e2.kind).toBe('usage');
    expect((await tx.run('RETURN 1 AS n')).records).toHaveLength(1);
    await tx.commit();
    expect(fx.netModule.transports).toHaveLength(1);
    await s.close();
  });

  it('values larger than one chunk travel both ways', async () => {
    const { d } = await setup();
    const s = d.session();
    const big = 'x'.repeat(200_000);
    const bytes = new Uint8Array(100_000).map((_, i) => i % 251);
    const r = await s.run('ECHO', { big, bytes });
    expect(r.records[0].get('p')).toEqual({ big, bytes });
    await s.close();
  });
});

describe('summaries', () => {
  it('polyfills GQL statuses from notifications before 5.6, and notifications from statuses after', async () => {
    const notification = {
      code: 'Neo.ClientNotification.Statement.CartesianProduct',
      title: 'cartesian',
      description: 'a cartesian product',
      severity: 'WARNING',
      category: 'PERFORMANCE',
      position: { offset: 1, line: 1, column: 2 },
    };
    for (const v of [
      { major: 5, minor: 4 },
      { major: 5, minor: 8 },
    ]) {
      const { d, fx } = await setup({
        versions: [v],
        handler: () => ({
          run: () => ({
            fields: ['x'],
            records: [[1]],
            summary: {
              notifications: [notification],
              plan: { operatorType: 'ProduceResults', identifiers: ['x'], args: {}, children: [] },
            },
          }),
        }),
      });
      const s = d.session();
      const { summary } = await s.run('EXPLAIN RETURN 1');
      expect(summary.notifications).toHaveLength(1);
      expect(summary.notifications[0]).toMatchObject({
        code: notification.code,
        severityLevel: 'WARNING',
        position: { offset: 1, line: 1, column: 2 },
      });
      const statuses = summary.gqlStatusObjects.map((g) => g.gqlStatus);
      // synthesised (5.4): in GQL order, warnings before the success outcome; 5.8: as sent
      if (v.minor < 6) expect(statuses).toEqual(['01N42', '00000']);
      else expect([...statuses].sort()).toEqual(['00000', '01N42']);
      expect(summary.gqlStatusObjects.find((g) => g.isNotification)).toMatchObject({
        severity: 'WARNING',
      });
      expect(summary.hasPlan()).toBe(true);
      expect(summary.plan ? summary.plan.operatorType : undefined).toBe('ProduceResults');
      await s.close();
      await d.close();
      await fx.close();
    }
  });

  it('say where the query ran, for auto-commit queries and transaction results alike', async () => {
    const { d, fx } = await setup({ server: { agent: 'Neo4j/5.26.0' } });
    const s = d.session();
    const where = {
      address: `localhost:${fx.port}`,
      agent: 'Neo4j/5.26.0',
      protocolVersion: '6.1',
    };
    const auto = (await s.run('RETURN 1')).summary;
    const tx = await s.beginTransaction();
    const inTx = await tx.run('RETURN 1').summary();
    await tx.commit();
    expect(auto.server).toEqual(where);
    expect(inTx.server).toEqual(where);
    // one frozen object per connection, not one per summary
    expect(inTx.server).toBe(auto.server);
    expect(Object.isFrozen(auto.server)).toBe(true);
    await s.close();
  });
});

describe('explicit transactions', () => {
  it('begin with timeout and metadata, several results, commit returns a bookmark', async () => {
    const { d, seen } = await setup({
      versions: [{ major: 5, minor: 8 }],
      config: { fetchSize: 2 },
    });
    const s = d.session({ database: 'movies' });
    const tx = await s.beginTransaction({ timeout: 1500, metadata: { app: 'test' } });
    const a = tx.run('ROWS', { n: 5 });
    const b = tx.run('ROWS', { n: 3 });
    const firstOfA = await a[Symbol.asyncIterator]().next();
    expect(firstOfA.value.get('i')).toBe(0);
    expect((await b).records).toHaveLength(3);
    const bookmark = await tx.commit();
    expect(bookmark).toMatch(/^bm-/);
    expect((await a.records()).map((r) => r.get('i'))).toEqual([1, 2, 3, 4]);
    expect(seen.begins[0].txTimeout).toBe(1500);
    expect(seen.begins[0].txMetadata).toEqual({ app: 'test' });
    expect(seen.begins[0].database).toBe('movies');
    expect(seen.commits).toBe(1);
    expect(s.lastBookmarks()).toEqual([bookmark]);
    await expect(tx.commit()).rejects.toThrow(/committed/);
    await s.close();
  });

  it('rollback and close', async () => {
    const { d, seen } = await setup();
    const s = d.session();
    const tx = await s.beginTransaction();
    await tx.run('WRITE');
    await tx.rollback();
    expect(seen.rollbacks).toBe(1);
    expect(tx.isOpen()).toBe(false);
    const tx2 = await s.beginTransaction();
    tx2.run('FOREVER');
    await tx2.close();
    expect(seen.rollbacks).toBe(2);
    expect(() => s.run('RETURN 1 AS n')).not.toThrow();
    await s.close();
  });

  it('a failed query fails the commit, and the session can go on', async () => {
    const { d } = await setup();
    const s = d.session();
    const tx = await s.beginTransaction();
    await expect(
      tx.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' }),
    ).rejects.toThrow(/boom/);
    await expect(tx.run('RETURN 1 AS n')).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.SyntaxError',
    });
    await expect(tx.commit()).rejects.toMatchObject({
      code: 'Neo.ClientError.Statement.SyntaxError',
    });
    expect((await s.run('RETURN 1 AS n')).records).toHaveLength(1);
    await s.close();
  });

  it('a session refuses run() while a transaction is open', async () => {
    const { d } = await setup();
    const s = d.session();
    const tx = await s.beginTransaction();
    expect(() => s.run('RETURN 1 AS n')).toThrow(/transaction is open/);
    await tx.commit();
    await s.close();
  });

  for (const v of [
    { major: 3, minor: 0 },
    { major: 4, minor: 0 },
    { major: 2, minor: 0 },
    { major: 1, minor: 0 },
  ]) {
    it(`works on Bolt ${v.major}.${v.minor}`, async () => {
      const { d, seen } = await setup({ versions: [v], config: { legacyVersions: true } });
      const s = d.session();
      const tx = await s.beginTransaction();
      const r = await tx.run('ROWS', { n: 3 });
      expect(r.records).toHaveLength(3);
      await tx.commit();
      expect(seen.commits).toBe(1);
      expect(seen.begins).toHaveLength(1);
      expect(r.summary.server.protocolVersion).toBe(`${v.major}.${v.minor}`);
      await s.close();
    });
  }
});

describe('managed transactions and retries', () => {
  const fast = {
    maxTransactionRetryTimeMs: 5000,
    retry: { initialDelayMs: 5, multiplier: 2, jitter: 0.2 },
  };

  it('retries transient errors and succeeds', async () => {
    let failures = 2;
    const clock = new ManualClock();
    const { d, seen } = await setup({
      config: { ...fast, clock },
      handler: (seen) => {
        const h = testHandler(seen);
        const run = h.run;
        h.run = (q, p, c) => {
          if (q === 'FLAKY' && failures-- > 0)
            throw new ServerError('deadlock', {
              code: 'Neo.TransientError.Transaction.DeadlockDetected',
            });
          return run.call(h, 'RETURN 1 AS n', p, c);
        };
        return h;
      },
    });
    const s = d.session();
    let attempts = 0;
    const work = s.executeWrite(async (tx) => {
      attempts++;
      return (await tx.run('FLAKY').single()).get('n');
    });
    await clock.runUntil(work, (ms) => ms < 1000); // the back-offs pass on the clock
    const n = await work;
    expect(n).toBe(1);
    expect(attempts).toBe(3);
    expect(seen.commits).toBe(1);
    await s.close();
  });

  it('never retries client errors or errors thrown by the work itself', async () => {
    const { d } = await setup({ config: fast });
    const s = d.session();
    let attempts = 0;
    await expect(
      s.executeRead(async (tx) => {
        attempts++;
        await tx.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' });
      }),
    ).rejects.toMatchObject({ code: 'Neo.ClientError.Statement.SyntaxError' });
    expect(attempts).toBe(1);
    attempts = 0;
    await expect(
      s.executeWrite(async () => {
        attempts++;
        throw new Error('my bug');
      }),
    ).rejects.toThrow('my bug');
    expect(attempts).toBe(1);
    await s.close();
  });

  it('retries a connection dropped mid-stream and succeeds on the next connection', async () => {
    let fixture: Fixture;
    let drops = 1;
    const clock = new ManualClock();
    const { d, seen, fx } = await setup({
      config: { ...fast, fetchSize: 10, clock },
      handler: (seen) =>
        testHandler(seen, {
          onRow: (i) => {
            if (i === 15 && drops-- > 0)
              fixture.serverTransports.at(-1)!.destroy(new Error('server went away'));
          },
        }),
    });
    fixture = fx;
    const s = d.session();
    let attempts = 0;
    const work = s.executeWrite(async (tx) => {
      attempts++;
      let c = 0;
      for await (const _ of tx.run('ROWS', { n: 50 })) c++;
      return c;
    });
    await clock.runUntil(work, (ms) => ms < 1000); // the back-off passes on the clock
    const count = await work;
    expect(count).toBe(50);
    expect(attempts).toBe(2);
    expect(fixture.netModule.transports).toHaveLength(2);
    expect(seen.commits).toBe(1);
    await s.close();
  });

  it('gives up after maxTransactionRetryTimeMs with the last error', async () => {
    const clock = new ManualClock();
    const { d } = await setup({
      config: { maxTransactionRetryTimeMs: 60, retry: { initialDelayMs: 10 }, clock },
    });
    const s = d.session();
    const start = clock.now();
    let attempts = 0;
    const done = s
      .executeWrite(async (tx) => {
        attempts++;
        await tx.run('ERROR', { code: 'Neo.TransientError.General.DatabaseUnavailable' });
      })
      .catch((e) => e);
    // the back-offs (10, 20, 40 ms, ±20 %) pass on the clock; the other timers (RESET's
    // answer, opening) are seconds long and never fall due
    await clock.runUntil(done, (ms) => ms < 1000);
    const err = await done;
    expect(err.code).toBe('Neo.TransientError.General.DatabaseUnavailable');
    expect(err.retryable).toBe(true);
    // attempts at 0, ~10, ~30 (and ~56 at the shortest delays); the next would pass 60 ms
    expect(attempts).toBeGreaterThanOrEqual(3);
    expect(attempts).toBeLessThanOrEqual(4);
    expect(clock.now() - start).toBeLessThanOrEqual(60);
    await s.close();
  });

  it('executeQuery returns records and summary, chaining bookmarks between calls', async () => {
    const { d, seen } = await setup();
    const r1 = await d.executeQuery('WRITE');
    expect(r1.summary.counters.nodesCreated).toBe(1);
    const r2 = await d.executeQuery('ROWS', { n: 2 }, { routing: 'READ', database: 'db1' });
    expect(r2.records.map((r) => r.get('s'))).toEqual(['row-0', 'row-1']);
    expect(seen.begins[1].bookmarks).toEqual([`bm-${seen.bookmarkCounter - 1}`]);
    expect(seen.begins[1].mode).toBe('r');
    expect(seen.begins[1].database).toBe('db1');
  });
});

describe('bookmarks', () => {
  it('chains within a session and is shared between sessions by a bookmark manager', async () => {
    const { d, seen } = await setup();
    const s1 = d.session({ bookmarks: ['start'] });
    await s1.run('WRITE');
    expect(seen.queries[0].context.bookmarks).toEqual(['start']);
    const b1 = s1.lastBookmarks();
    await s1.run('WRITE');
    expect(seen.queries[1].context.bookmarks).toEqual(b1);
    await s1.close();

    const manager = bookmarkManager();
    const a = d.session({ bookmarkManager: manager });
    await a.executeWrite((tx) => tx.run('WRITE'));
    const afterA = a.lastBookmarks();
    const b = d.session({ bookmarkManager: manager });
    await b.run('RETURN 1 AS n');
    expect(seen.queries.at(-1)!.context.bookmarks).toEqual(afterA);
    await a.close();
    await b.close();
  });
});

describe('pool', () => {
  it('fails with pool-exhausted after the acquisition timeout', async () => {
    const clock = new ManualClock();
    const { d } = await setup({
      config: { maxConnectionPoolSize: 1, connectionAcquisitionTimeoutMs: 100, clock },
    });
    const s1 = d.session();
    const tx = await s1.beginTransaction();
    const s2 = d.session();
    let settled = false;
    const waiting = s2
      .run('RETURN 1 AS n')
      .catch((e) => e)
      .finally(() => {
        settled = true;
      });
    expect(await clock.whenTimer()).toBe(100);
    clock.advance(99);
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    clock.advance(1);
    const err = await waiting;
    expect(err.kind).toBe('pool-exhausted');
    expect(err.message).toMatch(/within 100 ms/);
    await tx.commit();
    expect((await s2.run('RETURN 1 AS n')).records).toHaveLength(1);
    await s1.close();
    await s2.close();
  });

  it('serves 20 concurrent sessions from a pool of 5', async () => {
    const { d, fx } = await setup({ config: { maxConnectionPoolSize: 5 } });
    const results = await Promise.all(
      Array.from({ length: 20 }, async (_, i) => {
        const s = d.session();
        try {
          const r = await s.executeRead((tx) => tx.run('ECHO', { i }));
          return (r.records[0].get('p') as { i: number }).i;
        } finally {
          await s.close();
        }
      }),
    );
    expect(results).toEqual([...Array(20).keys()]);
    expect(fx.netModule.transports.length).toBeLessThanOrEqual(5);
    expect(d.poolMetrics.active).toBe(0);
  });

  it('reuses one connection for sequential work', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    for (let i = 0; i < 5; i++) await s.run('RETURN 1 AS n');
    expect(fx.netModule.transports).toHaveLength(1);
    await s.close();
  });

  it('discards broken connections and opens new ones', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    await s.run('RETURN 1 AS n');
    fx.serverTransports[0].destroy(new Error('gone'));
    await new Promise((r) => setTimeout(r, 10));
    expect((await s.run('RETURN 1 AS n')).records).toHaveLength(1);
    expect(fx.netModule.transports).toHaveLength(2);
    await s.close();
  });

  it('checks idle connections with RESET before reuse', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const { d } = await setup({
      config: {
        connectionLivenessCheckTimeoutMs: 20,
        logger: { debug: (m) => lines.push(m) },
        clock,
      },
    });
    const s = d.session();
    await s.run('RETURN 1 AS n');
    clock.advance(20); // idle for 20 ms: not longer than the setting
    lines.length = 0;
    await s.run('RETURN 1 AS n');
    expect(lines[0]).toMatch(/^C: RUN "RETURN 1 AS n"/); // no RESET first
    clock.advance(21);
    lines.length = 0;
    await s.run('RETURN 1 AS n');
    expect(lines[0]).toBe('C: RESET');
    await s.close();
  });

  it('by default checks no idle connection before reuse, as the official drivers', async () => {
    const clock = new ManualClock();
    const lines: string[] = [];
    const { d, fx } = await setup({ config: { logger: { debug: (m) => lines.push(m) }, clock } });
    const s = d.session();
    await s.run('RETURN 1 AS n');
    clock.advance(59 * 60_000); // idle for 59 minutes (within the 1 h lifetime)
    lines.length = 0;
    await s.run('RETURN 1 AS n');
    expect(lines).not.toContain('C: RESET');
    expect(lines[0]).toMatch(/^C: RUN "RETURN 1 AS n"/);
    expect(fx.netModule.transports).toHaveLength(1);
    await s.close();
  });

  it('closes connections past their max lifetime', async () => {
    const clock = new ManualClock();
    const { d, fx } = await setup({ config: { maxConnectionLifetimeMs: 20, clock } });
    const s = d.session();
    await s.run('RETURN 1 AS n');
    clock.advance(20); // as old as the limit: still reused
    await s.run('RETURN 1 AS n');
    expect(fx.netModule.transports).toHaveLength(1);
    clock.advance(1);
    await s.run('RETURN 1 AS n');
    expect(fx.netModule.transports).toHaveLength(2);
    await s.close();
  });

  it('driver.close() ends everything; later use is a usage error', async () => {
    const { d, fx } = await setup();
    const s = d.session();
    await s.run('RETURN 1 AS n');
    await d.close();
    await new Promise((r) => setTimeout(r, 10));
    expect(fx.server.connections).toBe(0);
    expect(() => d.session()).toThrow(/closed/);
  });
});

describe('auth', () => {
  it('sends basic, bearer, kerberos, custom and none tokens', async () => {
    const tokens = [
      auth.basic('u', 'p', 'realm'),
      auth.bearer('jwt'),
      auth.kerberos('dGlja2V0'),
      auth.custom('me', 'secret', 'r', 'magic', { k: 1 }),
      auth.none(),
    ];
    const { seen, d: setupDriver, fx } = await setup();
    await setupDriver.close();
    for (const token of tokens) {
      const d = driver(fx.url, { auth: token, netModule: fx.netModule });
      await d.verifyConnectivity();
      await d.close();
    }
    expect(seen.auths).toEqual(tokens);
  });

  it('a custom token leaves out empty credentials, realm and parameters, never the principal', () => {
    expect(auth.custom('', '', '', 'minimal', {})).toEqual({ scheme: 'minimal', principal: '' });
    expect(auth.custom('me', undefined, undefined, 'magic')).toEqual({
      scheme: 'magic',
      principal: 'me',
    });
  });

  it('wrong credentials are a non-retryable server error', async () => {
    const { d } = await setup({ config: { auth: auth.basic('neo4j', 'wrong') } });
    const err = await d
      .session()
      .run('RETURN 1 AS n')
      .catch((e) => e);
    expect(err.code).toBe('Neo.ClientError.Security.Unauthorized');
    expect(err.retryable).toBe(false);
  });

  it('per-session credentials switch the connection with LOGOFF/LOGON on 5.1+', async () => {
    const { d, seen, fx } = await setup({ versions: [{ major: 5, minor: 8 }] });
    const s1 = d.session();
    await s1.run('RETURN 1 AS n');
    const s2 = d.session({ auth: auth.basic('alice', 'a') });
    await s2.run('RETURN 1 AS n');
    expect(seen.queries[1].context.user).toEqual({ username: 'alice' });
    expect(fx.netModule.transports).toHaveLength(1);
    await s1.close();
    await s2.close();
  });

  it('per-session credentials are a usage error before 5.1', async () => {
    const { d } = await setup({ versions: [{ major: 4, minor: 4 }] });
    const err = await d
      .session({ auth: auth.basic('alice', 'a') })
      .run('RETURN 1 AS n')
      .catch((e) => e);
    expect(err.kind).toBe('usage');
    expect(err.message).toMatch(/5\.1/);
  });

  it('asks the token provider again after TokenExpired, and a managed transaction succeeds', async () => {
    let issued = 0;
    const clock = new ManualClock();
    const { d, seen } = await setup({
      versions: [{ major: 5, minor: 8 }],
      config: {
        auth: auth.provider(() => auth.bearer(`token-${++issued}`)),
        maxTransactionRetryTimeMs: 5000,
        retry: { initialDelayMs: 5 },
        clock,
      },
      handler: (seen) => {
        const h = testHandler(seen);
        const run = h.run;
        h.run = (q, p, c) => {
          if ((c.user as any).username === 'bearer' && seen.auths.at(-1)?.credentials === 'token-1')
            throw new ServerError('expired', { code: 'Neo.ClientError.Security.TokenExpired' });
          return run.call(h, q, p, c);
        };
        return h;
      },
    });
    const s = d.session();
    const work = s.executeRead((tx) => tx.run('RETURN 1 AS n'));
    await clock.runUntil(work, (ms) => ms < 1000); // the back-off passes on the clock
    const r = await work;
    expect(r.records[0].get('n')).toBe(1);
    expect(issued).toBe(2);
    expect(seen.auths.map((a) => a.credentials)).toEqual(['token-1', 'token-2']);
    await s.close();
  });
});

describe('configuration reaching the server', () => {
  it('user agent, database, impersonation, access mode, notification filter, tx config', async () => {
    const { d, seen } = await setup({
      versions: [{ major: 5, minor: 8 }],
      config: {
        userAgent: 'my-app/1.0',
        notificationFilter: { minimumSeverityLevel: 'WARNING', disabledClassifications: ['HINT'] },
      },
    });
    const s = d.session({
      database: 'movies',
      impersonatedUser: 'bob',
      defaultAccessMode: 'READ',
      notificationFilter: { minimumSeverityLevel: 'OFF' },
    });
    await s.run('RETURN 1 AS n', {}, { timeout: 2000, metadata: { a: 1 } });
    const c = seen.queries[0].context;
    expect(c.connection.userAgent).toBe('my-app/1.0');
    expect(c.connection.boltAgent).toMatchObject({
      product: expect.stringMatching(/^bolt-client\//),
    });
    expect(c.database).toBe('movies');
    expect(c.impersonatedUser).toBe('bob');
    expect(c.mode).toBe('r');
    expect(c.txTimeout).toBe(2000);
    expect(c.txMetadata).toEqual({ a: 1 });
    expect(c.notificationsMinimumSeverity).toBe('OFF');
    await s.close();
  });

  it('TELEMETRY before each transaction when the server asks for it (api 0/1/2/3), never when disabled', async () => {
    const apis: number[] = [];
    const { d, fx } = await setup({
      versions: [{ major: 5, minor: 8 }],
      server: { telemetry: true },
      handler: (seen) => ({ ...testHandler(seen), telemetry: (api: number) => apis.push(api) }),
    });
    const s = d.session();
    await s.executeWrite((tx) => tx.run('RETURN 1 AS n'));
    const tx = await s.beginTransaction();
    await tx.commit();
    await s.run('RETURN 1 AS n');
    await d.executeQuery('RETURN 1 AS n');
    expect(apis).toEqual([0, 1, 2, 3]);
    await s.close();
    await d.close();
    const noTelemetry = closeAfterTest(
      driver(fx.url, { netModule: fx.netModule, telemetryDisabled: true }),
    );
    await noTelemetry.executeQuery('RETURN 1 AS n');
    expect(apis).toEqual([0, 1, 2, 3]);
  });

  it('no TELEMETRY without the telemetry.enabled hint', async () => {
    const lines: string[] = [];
    const { d } = await setup({
      versions: [{ major: 5, minor: 8 }],
      config: { logger: { debug: (m) => lines.push(m) } },
    });
    await d.executeQuery('RETURN 1 AS n');
    expect(lines.some((l) => l.startsWith('C: TELEMETRY'))).toBe(false);
  });

  it('options a version cannot carry are usage errors', async () => {
    const { d } = await setup({ versions: [{ major: 4, minor: 3 }] });
    const err = await d
      .session({ impersonatedUser: 'bob' })
      .run('RETURN 1 AS n')
      .catch((e) => e);
    expect(err.kind).toBe('usage');
    expect(err.message).toMatch(/impersonation needs Bolt 4\.4/);
  });

  it('rejects bad pool and fetch settings', () => {
    const netModule = { name: 'x', connect: async () => Promise.reject(new Error('unused')) };
    expect(() => driver('bolt://h', { netModule, maxConnectionPoolSize: 0 })).toThrow(
      /maxConnectionPoolSize/,
    );
    expect(() => driver('bolt://h', { netModule, connectionAcquisitionTimeoutMs: -1 })).toThrow(
      /connectionAcquisitionTimeoutMs/,
    );
    const d = driver('bolt://h', { netModule });
    expect(() => d.session({ fetchSize: 0 })).toThrow(/fetchSize must be a positive integer or -1/);
    expect(() => driver('bolt://h', { netModule, auth: 'secret' as any })).toThrow(/auth must be/);
  });

  it('rejects bad URLs and unknown schemes', () => {
    expect(() => driver('http://localhost:7474')).toThrow(/unsupported URL scheme "http"/);
    expect(() =>
      driver('bolt://localhost:7687?x=1', {
        netModule: {
          name: 'x',
          connect: async () => {
            throw new Error();
          },
        },
      }),
    ).toThrow(/only allowed with neo4j/);
  });

  it('neo4j:// connects directly to the given server', async () => {
    const { seen, d, fx } = await setup();
    await d.close();
    const neo4jDriver = closeAfterTest(
      driver(`neo4j://localhost:${fx.port}?region=eu`, { netModule: fx.netModule }),
    );
    const r = await neo4jDriver.executeQuery('RETURN 1 AS n');
    expect(r.records[0].get('n')).toBe(1);
    // still one direct connection, but HELLO carries the routing context (address + query)
    expect(seen.queries[0].context.connection.routing).toEqual({
      address: `localhost:${fx.port}`,
      region: 'eu',
    });
  });
});

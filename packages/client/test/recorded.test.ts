/**
 * Recorded conversations: each script of `@bolt/test-support` (tools/test-support/recorded/) is a
 * Neo4j exchange written in the conformance suite's stub-script format, modelled on a named
 * testkit script (see the first line of each). The same scripts are replayed to the official
 * `neo4j-driver` in packages/server/test/script/player-drivers.test.ts, which proves they are what
 * real drivers do. Here our client plays the client side over TCP: the player fails on the first
 * message our client sends that the script does not allow, and our client must understand every
 * answer.
 */
import { tcp } from '@bolt/net-adapters/node';
import { parseScript, ScriptFailure, ScriptPlayer } from '@bolt/server/script';
import { recordedScript } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type AuthToken,
  auth,
  Date as BoltDate,
  BoltError,
  DateTime,
  type Driver,
  type DriverConfig,
  Duration,
  driver,
  LocalDateTime,
  LocalTime,
  type Node,
  type Path,
  Point,
  type Relationship,
  Time,
} from '../src/index.js';

let players: ScriptPlayer[] = [];
afterEach(async () => {
  await Promise.all(players.map((p) => p.close()));
  players = [];
});

/** Serve the script on a free port, run `scenario` with our driver, then judge. */
async function play(
  name: string,
  scenario: (d: Driver) => Promise<void>,
  options: { auth?: AuthToken; config?: Partial<DriverConfig> } = {},
): Promise<ScriptPlayer> {
  const lines: string[] = [];
  const script = parseScript(recordedScript(name), { source: name });
  const player = new ScriptPlayer(script, { idleTimeoutMs: 5000, log: (l) => lines.push(l) });
  players.push(player);
  const listener = await player.listen(tcp(), { port: 0 });
  const d = driver(`bolt://127.0.0.1:${listener.address.port}`, {
    auth: options.auth ?? auth.basic('neo4j', 'pass'),
    netModule: tcp(),
    maxTransactionRetryTimeMs: 3000,
    retry: { initialDelayMs: 50 },
    connectionTimeoutMs: 5000,
    ...options.config,
  });
  try {
    try {
      await scenario(d);
    } finally {
      await d.close();
    }
    await player.finish();
  } catch (e) {
    if (e instanceof Error) e.message += `\n--- conversation ---\n${lines.join('\n')}`;
    throw e;
  }
  return player;
}

const rejection = <T>(p: PromiseLike<T>): Promise<unknown> =>
  Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );

/** Read a result through its async iterator: PULL in batches of the fetch size, as the
 *  official driver does for every result (awaiting the result itself sends PULL n=-1). */
async function iterate<R>(result: AsyncIterable<R>): Promise<R[]> {
  const out: R[] = [];
  for await (const r of result) out.push(r);
  return out;
}

const column = (records: { get(k: string): unknown }[], key = 'n') =>
  records.map((r) => r.get(key));

describe('our client against recorded conversations', () => {
  it('basic-query-v3: Bolt 3.0, RUN + PULL_ALL', async () => {
    await play('basic-query-v3.script', async (d) => {
      const session = d.session({ defaultAccessMode: 'READ' });
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(column(result.records)).toEqual([1, 2]);
      expect(result.summary.resultAvailableAfter).toBe(3);
      expect(result.summary.resultConsumedAfter).toBe(4);
      expect(result.summary.server.protocolVersion).toBe('3.0');
    });
  });

  it('basic-query-v4x0: Bolt 4.0', async () => {
    // a 4.0 server reads no version ranges (the player answers as one), so offer 4.0 itself
    const config = { protocolVersions: [{ major: 4, minor: 0 }] };
    await play(
      'basic-query-v4x0.script',
      async (d) => {
        const result = await d.session().run('RETURN 1 AS n');
        expect(column(result.records)).toEqual([1]);
        expect(result.summary.server.protocolVersion).toBe('4.0');
      },
      { config },
    );
  });

  it('basic-query-v4x4: Bolt 4.4 with database and read mode', async () => {
    await play('basic-query-v4x4.script', async (d) => {
      const session = d.session({ database: 'neo4j', defaultAccessMode: 'READ' });
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(column(result.records)).toEqual([1]);
      expect(result.summary.database.name).toBe('neo4j');
      expect(result.summary.queryType).toBe('r');
    });
  });

  it('basic-query-v5x0: Bolt 5.0', async () => {
    await play('basic-query-v5x0.script', async (d) => {
      const result = await d.session().run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe('5.0');
    });
  });

  it('basic-query-v5x4: Bolt 5.4, LOGON', async () => {
    await play('basic-query-v5x4.script', async (d) => {
      const result = await d.session().run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe('5.4');
    });
  });

  it('basic-query-v5x8-manifest: Bolt 5.8 through a manifest handshake', async () => {
    await play('basic-query-v5x8-manifest.script', async (d) => {
      const result = await d.session().run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe('5.8');
    });
  });

  it('tx-commit: explicit transaction, commit returns a bookmark', async () => {
    await play('tx-commit.script', async (d) => {
      const session = d.session();
      const tx = await session.beginTransaction();
      const result = await tx.run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1, 2]);
      await tx.commit();
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx424242']);
      await session.close();
    });
  });

  it('tx-rollback: explicit transaction rolled back', async () => {
    await play('tx-rollback.script', async (d) => {
      const session = d.session();
      const tx = await session.beginTransaction();
      const result = await tx.run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1, 2]);
      await tx.rollback();
      expect(session.lastBookmarks()).toEqual([]);
      await session.close();
    });
  });

  it('retry-transient: executeWrite retries after a transient COMMIT failure', async () => {
    await play('retry-transient.script', async (d) => {
      const session = d.session();
      let attempts = 0;
      const n = await session.executeWrite(async (tx) => {
        attempts++;
        const result = await tx.run('RETURN 1 AS n');
        return result.records[0].get('n');
      });
      await session.close();
      expect(n).toBe(1);
      expect(attempts).toBe(2);
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx7']);
    });
  });

  it('retry-disconnect: executeRead retries on a new connection after a drop', async () => {
    const player = await play('retry-disconnect.script', async (d) => {
      const session = d.session();
      let attempts = 0;
      const n = await session.executeRead(async (tx) => {
        attempts++;
        const result = await tx.run(`RETURN ${attempts} AS n`);
        return result.records[0].get('n');
      });
      await session.close();
      expect(n).toBe(2);
      expect(attempts).toBe(2);
    });
    expect(player.connections).toBe(2);
    expect(player.completed).toBe(2);
  });

  it('tx-begin-failure-exit: a query behind a failed BEGIN reports the BEGIN failure', async () => {
    await play('tx-begin-failure-exit.script', async (d) => {
      const tx = await d.session().beginTransaction();
      const e = (await rejection(tx.run('RETURN 1 AS n'))) as BoltError;
      expect(e.code).toBe('Neo.ClientError.Security.TokenExpired');
    });
  });

  it('tx-begin-failure-exit: once BEGIN is known to have failed, run() throws that failure', async () => {
    await play('tx-begin-failure-exit.script', async (d) => {
      const tx = await d.session().beginTransaction();
      for (let i = 0; i < 200 && tx.isOpen(); i++) await new Promise((r) => setTimeout(r, 10));
      expect(tx.isOpen()).toBe(false);
      let thrown: unknown;
      try {
        tx.run('RETURN 1 AS n');
      } catch (e) {
        thrown = e;
      }
      expect((thrown as BoltError)?.code).toBe('Neo.ClientError.Security.TokenExpired');
    });
  });

  it('tx-begin-failure-exit: a managed transaction is not retried after that failure', async () => {
    await play('tx-begin-failure-exit.script', async (d) => {
      let attempts = 0;
      const e = (await rejection(
        d.session().executeRead(async (tx) => {
          attempts++;
          await tx.run('RETURN 1 AS n');
        }),
      )) as BoltError;
      expect(e.code).toBe('Neo.ClientError.Security.TokenExpired');
      expect(e.retryable).toBe(false);
      expect(attempts).toBe(1);
    });
  });

  it('tx-failure-ends-tx: a failed query ends the transaction and its other results', async () => {
    await play('tx-failure-ends-tx.script', async (d) => {
      const session = d.session({ fetchSize: 2 });
      const tx = await session.beginTransaction();
      const first = tx.run('RETURN 1 AS n')[Symbol.asyncIterator]();
      expect((await first.next()).value?.get('n')).toBe(1);
      const e = (await rejection(tx.run('invalid'))) as BoltError;
      expect(e.code).toBe('Neo.ClientError.Statement.SyntaxError');
      // the record already received stays readable, then the same error, and no PULL is sent
      expect((await first.next()).value?.get('n')).toBe(2);
      expect(((await rejection(first.next())) as BoltError).code).toBe(
        'Neo.ClientError.Statement.SyntaxError',
      );
      expect(tx.isOpen()).toBe(false);
      // further queries get the same failure, and are not sent
      expect(await rejection(tx.run('RETURN 3 AS n'))).toBe(e);
      await tx.rollback(); // nothing to roll back: not an error
      const tx2 = await session.beginTransaction();
      expect(column((await tx2.run('RETURN 2 AS n')).records)).toEqual([2]);
      expect(await tx2.commit()).toBe('bm:2');
      await session.close();
    });
  });

  it('iteration-nested: a nested query in the same transaction while iterating (batches of 1)', async () => {
    await play('iteration-nested.script', async (d) => {
      const session = d.session({ fetchSize: 1 });
      const tx = await session.beginTransaction();
      const outer: unknown[] = [];
      const inner: unknown[][] = [];
      for await (const r of tx.run('OUTER')) {
        outer.push(r.get('x'));
        const rows: unknown[] = [];
        for await (const q of tx.run('INNER')) rows.push(q.get('y'));
        inner.push(rows);
      }
      expect(outer).toEqual(['a', 'b', 'c']);
      expect(inner).toEqual([['a1', 'a2'], ['b1'], ['c1']]);
      expect(await tx.commit()).toBe('bm');
      await session.close();
    });
  });

  it('auth-basic-v4x4: basic auth in HELLO', async () => {
    await play('auth-basic-v4x4.script', async (d) => {
      const result = await d.session().run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1]);
    });
  });

  it('auth-bearer-v4x4: bearer token in HELLO', async () => {
    await play(
      'auth-bearer-v4x4.script',
      async (d) => {
        const result = await d.session().run('RETURN 1 AS n');
        expect(column(result.records)).toEqual([1]);
      },
      { auth: auth.bearer('QmFuYW5hIQ==') },
    );
  });

  it('auth-basic-v5x1: basic auth in LOGON', async () => {
    await play('auth-basic-v5x1.script', async (d) => {
      const result = await d.session().run('RETURN 1 AS n');
      expect(column(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe('5.1');
    });
  });

  it('auth-failure: a rejected HELLO surfaces as Unauthorized', async () => {
    await play('auth-failure.script', async (d) => {
      const error = await rejection(d.session().run('RETURN 1 AS n'));
      expect(BoltError.isInstance(error)).toBe(true);
      expect((error as BoltError).code).toBe('Neo.ClientError.Security.Unauthorized');
      expect((error as BoltError).retryable).toBe(false);
    });
  });

  it('bookmarks-chained: the first commit bookmark goes with the second BEGIN', async () => {
    await play('bookmarks-chained.script', async (d) => {
      const session = d.session({ bookmarks: ['neo4j:bookmark:v1:tx42'] });
      for (let i = 0; i < 2; i++) {
        await session.executeWrite((tx) => iterate(tx.run('MATCH (n) RETURN n.name AS name')));
      }
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx424242']);
      await session.close();
    });
  });

  it('bookmarks-multiple: several bookmarks in RUN, in any order', async () => {
    await play('bookmarks-multiple.script', async (d) => {
      const session = d.session({
        bookmarks: ['neo4j:bookmark:v1:tx94', 'neo4j:bookmark:v1:tx5', 'neo4j:bookmark:v1:tx29'],
      });
      const records = await iterate(session.run('RETURN 1 AS n'));
      expect(column(records)).toEqual([1]);
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx95']);
      await session.close();
    });
  });

  it('notifications-v4x4: notifications in the summary', async () => {
    await play('notifications-v4x4.script', async (d) => {
      const result = await d.session().run('MATCH (n:A) RETURN n');
      const [notification] = result.summary.notifications;
      expect(notification.code).toBe('Neo.ClientNotification.Statement.UnknownLabelWarning');
      expect(notification.severityLevel).toBe('WARNING');
      expect(notification.category).toBe('UNRECOGNIZED');
      expect(notification.position).toEqual({ offset: 9, line: 1, column: 10 });
      expect(result.summary.database.name).toBe('apple');
      expect(result.summary.resultAvailableAfter).toBe(2001);
      expect(result.summary.resultConsumedAfter).toBe(2002);
    });
  });

  it('statuses-v5x6: GQL status objects in the summary', async () => {
    await play('statuses-v5x6.script', async (d) => {
      const result = await d.session().run('MATCH (n:A) RETURN n');
      const statuses = result.summary.gqlStatusObjects;
      expect(statuses.map((s) => s.gqlStatus)).toEqual(['01N50', '00000']);
      expect(result.summary.notifications.map((n) => n.code)).toEqual([
        'Neo.ClientNotification.Statement.UnknownLabelWarning',
      ]);
    });
  });

  for (const [name, v5] of [
    ['types-graph-v4x4.script', false],
    ['types-graph-v5x0.script', true],
  ] as const) {
    it(`${name.replace('.script', '')}: node, relationship and path`, async () => {
      await play(name, async (d) => {
        const result = await d.session().run('MATCH p = (n)-[r]->() RETURN n, r, p');
        const record = result.records[0];
        const n = record.get('n') as Node;
        expect(n.identity).toBe(123);
        expect(n.labels).toEqual(['l1', 'l2']);
        expect(n.properties).toEqual({ a: 42 });
        const r = record.get('r') as Relationship;
        expect([r.identity, r.start, r.end, r.type]).toEqual([124, 1, 2, 'f']);
        const p = record.get('p') as Path;
        expect(
          p.segments.map((s) => [s.start.identity, s.relationship.identity, s.end.identity]),
        ).toEqual([
          [1, 2, 3],
          [3, 4, 1],
        ]);
        if (v5) {
          expect(n.elementId).toBe('n1-123');
          expect([r.elementId, r.startNodeElementId, r.endNodeElementId]).toEqual([
            'r1-124',
            'n1-1',
            'n1-2',
          ]);
          const back = p.segments[1].relationship;
          expect([back.start, back.end, back.startNodeElementId]).toEqual([3, 1, 'n1-3']);
        }
      });
    });
  }

  it('notifications-filter-v5x2: a driver-wide notification filter in HELLO', async () => {
    await play(
      'notifications-filter-v5x2.script',
      async (d) => {
        const result = await d.session().run('CREATE (t) RETURN 1 AS t');
        expect(column(result.records, 't')).toEqual([1]);
      },
      {
        config: {
          notificationFilter: {
            minimumSeverityLevel: 'WARNING',
            disabledClassifications: ['HINT', 'DEPRECATION'],
          },
        },
      },
    );
  });

  it('types-temporal-v5x0: every temporal type, both ways', async () => {
    await play('types-temporal-v5x0.script', async (d) => {
      const params = {
        d: new BoltDate(2022, 6, 7),
        t: new Time(11, 52, 5, 123, 7200),
        lt: new LocalTime(11, 52, 5, 0),
        dt: new DateTime(2022, 6, 7, 11, 52, 5, 0, 7200),
        zdt: new DateTime(2022, 6, 7, 11, 52, 5, 0, 7200, 'Europe/Stockholm'),
        ldt: new LocalDateTime(2022, 6, 7, 11, 52, 5, 500_000_000),
        dur: new Duration(14, 3, 4 * 3600 + 5 * 60 + 6, 7),
      };
      const result = await d.session().run('RETURN $d, $t, $lt, $dt, $zdt, $ldt, $dur', params);
      const r = result.records[0];
      expect(r.get('d')).toEqual(params.d);
      expect(r.get('t')).toEqual(params.t);
      expect(r.get('lt')).toEqual(params.lt);
      expect(r.get('dt')).toMatchObject({ year: 2022, hour: 11, timeZoneOffsetSeconds: 7200 });
      expect(r.get('zdt')).toMatchObject({
        year: 2022,
        month: 6,
        day: 7,
        hour: 11,
        minute: 52,
        timeZoneId: 'Europe/Stockholm',
      });
      expect(r.get('ldt')).toEqual(params.ldt);
      expect(r.get('dur')).toEqual(params.dur);
    });
  });

  it('types-temporal-v4x4-utc: the utc patch on Bolt 4.4', async () => {
    await play('types-temporal-v4x4-utc.script', async (d) => {
      const dt = new DateTime(2022, 6, 7, 11, 52, 5, 0, 7200, 'Europe/Stockholm');
      const result = await d.session().run('RETURN $dt AS dt', { dt });
      expect(result.records[0].get('dt')).toMatchObject({
        year: 2022,
        month: 6,
        day: 7,
        hour: 11,
        minute: 52,
        second: 5,
        timeZoneId: 'Europe/Stockholm',
      });
    });
  });

  it('types-spatial: points in 2D and 3D', async () => {
    await play('types-spatial.script', async (d) => {
      const result = await d.session().run('RETURN $p AS p', { p: new Point(4326, 12.5, 56.25) });
      const r = result.records[0];
      expect(r.get('a')).toEqual(new Point(4326, 12.5, 56.25));
      expect(r.get('b')).toEqual(new Point(7203, 1, 2));
      expect(r.get('c')).toEqual(new Point(9157, 1, 2, 3.5));
    });
  });

  // As the official driver does (testkit's errors/scripts/error.script): the failed connection
  // is reset and reused; this single-connection script refuses a second connection.
  it('error-reset: a failed query, RESET, then the same connection is reused', async () => {
    await play('error-reset.script', async (d) => {
      const session = d.session();
      const error = await rejection(session.run('RETRUN 1'));
      expect((error as BoltError).code).toBe('Neo.ClientError.Statement.SyntaxError');
      const { records } = await session.run('RETURN 1 AS n');
      expect(records.map((r) => r.get('n'))).toEqual([1]);
      await session.close();
    });
  });

  it('error-gql-v5x7: a GQL error with a cause', async () => {
    await play('error-gql-v5x7.script', async (d) => {
      const session = d.session();
      const error = await rejection(session.run('MATCH ()-[r]->() RETURN labels(r)'));
      await session.close();
      expect(BoltError.isInstance(error)).toBe(true);
      const e = error as BoltError;
      expect(e.code).toBe('Neo.ClientError.Statement.TypeError');
      expect(e.gqlStatus).toBe('22N27');
      expect(e.gqlStatusDescription).toBe('error: data exception - invalid entity type');
      expect(e.classification).toBe('CLIENT_ERROR');
      expect(e.retryable).toBe(false);
      expect((e.cause as BoltError | undefined)?.gqlStatus).toBe('22G03');
    });
  });

  it('disconnect-mid-stream: the connection drops after one record', async () => {
    await play('disconnect-mid-stream.script', async (d) => {
      const seen: unknown[] = [];
      const error = await rejection(
        (async () => {
          for await (const record of d.session().run('UNWIND [1, 2] AS n RETURN n')) {
            seen.push(record.get('n'));
          }
        })(),
      );
      expect(seen).toEqual([1]);
      expect(BoltError.isInstance(error)).toBe(true);
      expect((error as BoltError).code).toBe('ServiceUnavailable');
    });
  });

  it('fetch-size: batches of 2 pulled while has_more', async () => {
    await play('fetch-size.script', async (d) => {
      const session = d.session({ fetchSize: 2 });
      const records = await iterate(session.run('RETURN 1 AS n'));
      expect(column(records, 'n.name')).toEqual(['1', '2', '3', '4', '5', '6']);
      await session.close();
    });
  });

  // Awaiting the whole result with an explicit fetch size pulls batches of that size, as the
  // official driver does (testkit's iteration/scripts/v4x4/pull_2_end_full_batch.script).
  it('fetch-size: awaiting the whole result also pulls batches of 2 while has_more', async () => {
    await play('fetch-size.script', async (d) => {
      const session = d.session({ fetchSize: 2 });
      const { records } = await session.run('RETURN 1 AS n');
      expect(column(records, 'n.name')).toEqual(['1', '2', '3', '4', '5', '6']);
      await session.close();
    });
  });

  it('early-break-discard: leaving the iteration discards the rest', async () => {
    await play('early-break-discard.script', async (d) => {
      const session = d.session({ fetchSize: 2 });
      const seen: unknown[] = [];
      for await (const record of session.run('UNWIND range(1, 10) AS n RETURN n')) {
        seen.push(record.get('n.name'));
        break;
      }
      expect(seen).toEqual(['1']);
      await session.close();
    });
  });

  it('a script deviation is reported, not hidden', async () => {
    // the script wants "RETURN 1 AS n": asking something else must fail the conversation
    const failure = await rejection(
      play('auth-basic-v4x4.script', async (d) => {
        await rejection(d.session().run('RETURN 2 AS n'));
      }),
    );
    expect(ScriptFailure.isInstance(failure)).toBe(true);
    expect((failure as ScriptFailure).code).toBe('MISMATCH');
    expect((failure as ScriptFailure).received).toContain('RETURN 2 AS n');
  });
});

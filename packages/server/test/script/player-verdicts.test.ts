/**
 * The script player driven by the official Neo4j drivers over TCP. Each recorded script (in
 * `@bolt/test-support`; the client's tests replay the same conversations through our client) is
 * served by the player, and a real `neo4j-driver` runs the scenario the script records. The
 * player fails on any message the script does not allow, so a pass proves the scripts are
 * faithful to what real drivers send, and the driver's assertions prove the player sends what
 * Neo4j would.
 */
import { tcp } from '@bolt/net-adapters/node';
import { parseScript, type Script, ScriptFailure, ScriptPlayer } from '@bolt/server/script';
import { recordedScript } from '@bolt/test-support';
import neo4j6 from 'neo4j-driver';
import neo4j4 from 'neo4j-driver-4';
import neo4j5 from 'neo4j-driver-5';
import { afterEach, describe, expect, it } from 'vitest';

const load = (name: string) => parseScript(recordedScript(name), { source: name });

// the three majors are API-compatible for everything used here
type Neo4j = typeof neo4j6;
const drivers: Record<4 | 5 | 6, Neo4j> = {
  4: neo4j4 as unknown as Neo4j,
  5: neo4j5 as unknown as Neo4j,
  6: neo4j6,
};

let players: ScriptPlayer[] = [];
afterEach(async () => {
  await Promise.all(players.map((p) => p.close()));
  players = [];
});

/** Serve a script on a free port, run `scenario` with driver major `major`, then judge. */
async function play(
  name: string | Script,
  major: 4 | 5 | 6,
  scenario: (driver: ReturnType<Neo4j['driver']>, neo4j: Neo4j) => Promise<void>,
  options: {
    auth?: (neo4j: Neo4j) => unknown;
    config?: Record<string, unknown>;
    log?: boolean;
  } = {},
): Promise<ScriptPlayer> {
  const lines: string[] = [];
  const script = typeof name === 'string' ? load(name) : name;
  const player = new ScriptPlayer(script, { idleTimeoutMs: 5000, log: (l) => lines.push(l) });
  players.push(player);
  const listener = await player.listen(tcp(), { port: 0 });
  const neo4j = drivers[major];
  const driver = neo4j.driver(
    `bolt://127.0.0.1:${listener.address.port}`,
    (options.auth?.(neo4j) ?? neo4j.auth.basic('neo4j', 'pass')) as any,
    {
      disableLosslessIntegers: true,
      maxTransactionRetryTime: 3000,
      connectionTimeout: 5000,
      ...options.config,
    },
  );
  try {
    try {
      await scenario(driver, neo4j);
    } finally {
      await driver.close();
    }
    await player.finish();
  } catch (e: any) {
    // show what the player saw: the script lines matched and sent, and any failure
    if (e instanceof Error) e.message += `\n--- conversation ---\n${lines.join('\n')}`;
    throw e;
  }
  if (options.log) console.log(lines.join('\n'));
  return player;
}

const values = (records: { get(k: string): unknown }[], key = 'n') =>
  records.map((r) => r.get(key));

describe('script player with the official drivers', () => {
  it('basic-query-v3: Bolt 3.0, RUN + PULL_ALL (neo4j-driver 4.4)', async () => {
    await play('basic-query-v3.script', 4, async (driver, neo4j) => {
      const session = driver.session({ defaultAccessMode: neo4j.session.READ });
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(values(result.records)).toEqual([1, 2]);
      expect(result.summary.resultAvailableAfter).toBe(3);
      expect(result.summary.resultConsumedAfter).toBe(4);
      expect(result.summary.server.protocolVersion).toBe(3);
    });
  });

  it('basic-query-v4x0: Bolt 4.0 (neo4j-driver 4.4)', async () => {
    await play('basic-query-v4x0.script', 4, async (driver) => {
      const session = driver.session();
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(values(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe(4);
    });
  });

  it('basic-query-v4x4: Bolt 4.4 with database and read mode (neo4j-driver 6)', async () => {
    await play('basic-query-v4x4.script', 6, async (driver, neo4j) => {
      const session = driver.session({ database: 'neo4j', defaultAccessMode: neo4j.session.READ });
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(values(result.records)).toEqual([1]);
      expect(result.summary.database.name).toBe('neo4j');
      expect(result.summary.queryType).toBe('r');
    });
  });

  it('basic-query-v5x0: Bolt 5.0 (neo4j-driver 5)', async () => {
    await play('basic-query-v5x0.script', 5, async (driver) => {
      const session = driver.session();
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(values(result.records)).toEqual([1]);
      expect(result.summary.server.protocolVersion).toBe(5);
    });
  });

  it('basic-query-v5x4: Bolt 5.4, LOGON (neo4j-driver 6)', async () => {
    await play('basic-query-v5x4.script', 6, async (driver) => {
      const session = driver.session();
      const result = await session.run('RETURN 1 AS n');
      await session.close();
      expect(values(result.records)).toEqual([1]);
      expect(String(result.summary.server.protocolVersion)).toBe('5.4');
    });
  });

  it('basic-query-v5x8-manifest: Bolt 5.8 through a manifest handshake (neo4j-driver 6)', async () => {
    await play('basic-query-v5x8-manifest.script', 6, async (driver) => {
      const result = await driver.session().run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1]);
      expect(String(result.summary.server.protocolVersion)).toBe('5.8');
    });
  });

  it('tx-commit: explicit transaction, commit returns a bookmark (neo4j-driver 6)', async () => {
    await play('tx-commit.script', 6, async (driver) => {
      const session = driver.session();
      const tx = await session.beginTransaction();
      const result = await tx.run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1, 2]);
      await tx.commit();
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx424242']);
      await session.close();
    });
  });

  it('tx-rollback: explicit transaction rolled back (neo4j-driver 6)', async () => {
    await play('tx-rollback.script', 6, async (driver) => {
      const session = driver.session();
      const tx = await session.beginTransaction();
      const result = await tx.run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1, 2]);
      await tx.rollback();
      expect(session.lastBookmarks()).toEqual([]);
      await session.close();
    });
  });

  it('retry-transient: executeWrite retries after a transient COMMIT failure (neo4j-driver 6)', async () => {
    await play('retry-transient.script', 6, async (driver) => {
      const session = driver.session();
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

  it('retry-disconnect: executeRead retries on a new connection after a drop (neo4j-driver 6)', async () => {
    const player = await play('retry-disconnect.script', 6, async (driver) => {
      const session = driver.session();
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

  it('auth-basic-v4x4: basic auth in HELLO (neo4j-driver 6)', async () => {
    await play('auth-basic-v4x4.script', 6, async (driver) => {
      const result = await driver.session().run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1]);
    });
  });

  it('auth-bearer-v4x4: bearer token in HELLO (neo4j-driver 6)', async () => {
    await play(
      'auth-bearer-v4x4.script',
      6,
      async (driver) => {
        const result = await driver.session().run('RETURN 1 AS n');
        expect(values(result.records)).toEqual([1]);
      },
      { auth: (neo4j) => neo4j.auth.bearer('QmFuYW5hIQ==') },
    );
  });

  it('auth-basic-v5x1: basic auth in LOGON (neo4j-driver 6)', async () => {
    await play('auth-basic-v5x1.script', 6, async (driver) => {
      const result = await driver.session().run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1]);
      expect(String(result.summary.server.protocolVersion)).toBe('5.1');
    });
  });

  it('auth-failure: a rejected HELLO surfaces as Unauthorized (neo4j-driver 6)', async () => {
    await play('auth-failure.script', 6, async (driver) => {
      const error = await driver
        .session()
        .run('RETURN 1 AS n')
        .then(
          () => undefined,
          (e: any) => e,
        );
      expect(error?.code).toBe('Neo.ClientError.Security.Unauthorized');
    });
  });

  it('bookmarks-chained: the first commit bookmark goes with the second BEGIN (neo4j-driver 6)', async () => {
    await play('bookmarks-chained.script', 6, async (driver) => {
      const session = driver.session({ bookmarks: ['neo4j:bookmark:v1:tx42'] });
      for (let i = 0; i < 2; i++) {
        await session.executeWrite((tx) => tx.run('MATCH (n) RETURN n.name AS name'));
      }
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx424242']);
      await session.close();
    });
  });

  it('bookmarks-multiple: several bookmarks in RUN, in any order (neo4j-driver 6)', async () => {
    await play('bookmarks-multiple.script', 6, async (driver) => {
      const session = driver.session({
        bookmarks: ['neo4j:bookmark:v1:tx94', 'neo4j:bookmark:v1:tx5', 'neo4j:bookmark:v1:tx29'],
      });
      const result = await session.run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1]);
      expect(session.lastBookmarks()).toEqual(['neo4j:bookmark:v1:tx95']);
      await session.close();
    });
  });

  it('notifications-v4x4: notifications in the summary (neo4j-driver 6)', async () => {
    await play('notifications-v4x4.script', 6, async (driver) => {
      const result = await driver.session().run('MATCH (n:A) RETURN n');
      const [notification] = result.summary.notifications;
      expect(notification.code).toBe('Neo.ClientNotification.Statement.UnknownLabelWarning');
      expect(notification.severityLevel).toBe('WARNING');
      expect(notification.category).toBe('UNRECOGNIZED');
      expect(notification.position).toEqual({ offset: 9, line: 1, column: 10 });
      expect(result.summary.database.name).toBe('apple');
      expect(result.summary.resultAvailableAfter).toBe(2001);
    });
  });

  it('statuses-v5x6: GQL status objects in the summary (neo4j-driver 6)', async () => {
    await play('statuses-v5x6.script', 6, async (driver) => {
      const result = await driver.session().run('MATCH (n:A) RETURN n');
      const statuses = result.summary.gqlStatusObjects;
      expect(statuses.map((s) => s.gqlStatus)).toEqual(['01N50', '00000']);
      expect(statuses[0].severity).toBe('WARNING');
      expect(result.summary.notifications[0].code).toBe(
        'Neo.ClientNotification.Statement.UnknownLabelWarning',
      );
    });
  });

  for (const [name, v5] of [
    ['types-graph-v4x4.script', false],
    ['types-graph-v5x0.script', true],
  ] as const) {
    it(`${name.replace('.script', '')}: node, relationship and path (neo4j-driver 6)`, async () => {
      await play(name, 6, async (driver) => {
        const result = await driver.session().run('MATCH p = (n)-[r]->() RETURN n, r, p');
        const record = result.records[0];
        const n = record.get('n');
        expect(n.identity).toBe(123);
        expect(n.labels).toEqual(['l1', 'l2']);
        expect(n.properties).toEqual({ a: 42 });
        const r = record.get('r');
        expect([r.identity, r.start, r.end, r.type]).toEqual([124, 1, 2, 'f']);
        const p = record.get('p');
        expect(
          p.segments.map((s: any) => [s.start.identity, s.relationship.identity, s.end.identity]),
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
          // "<-" in the script lists [id, end, type, start, ...]: relationship 4 runs 3 -> 1
          const back = p.segments[1].relationship;
          expect([back.start, back.end, back.startNodeElementId]).toEqual([3, 1, 'n1-3']);
        }
      });
    });
  }

  it('notifications-filter-v5x2: a driver-wide notification filter in HELLO (neo4j-driver 6)', async () => {
    await play(
      'notifications-filter-v5x2.script',
      6,
      async (driver) => {
        const result = await driver.session().run('CREATE (t) RETURN 1 AS t');
        expect(values(result.records, 't')).toEqual([1]);
      },
      {
        config: {
          notificationFilter: {
            minimumSeverityLevel: 'WARNING',
            disabledCategories: ['HINT', 'DEPRECATION'],
          },
        },
      },
    );
  });

  it('types-temporal-v5x0: every temporal type, both ways (neo4j-driver 6)', async () => {
    await play('types-temporal-v5x0.script', 6, async (driver, neo4j) => {
      const params = {
        d: new neo4j.types.Date(2022, 6, 7),
        t: new neo4j.types.Time(11, 52, 5, 123, 7200),
        lt: new neo4j.types.LocalTime(11, 52, 5, 0),
        dt: new neo4j.types.DateTime(2022, 6, 7, 11, 52, 5, 0, 7200),
        zdt: new neo4j.types.DateTime(2022, 6, 7, 11, 52, 5, 0, 7200, 'Europe/Stockholm'),
        ldt: new neo4j.types.LocalDateTime(2022, 6, 7, 11, 52, 5, 500_000_000),
        dur: new neo4j.types.Duration(14, 3, 4 * 3600 + 5 * 60 + 6, 7),
      };
      const result = await driver
        .session()
        .run('RETURN $d, $t, $lt, $dt, $zdt, $ldt, $dur', params);
      const r = result.records[0];
      expect(r.get('d').toString()).toBe('2022-06-07');
      expect(r.get('t').toString()).toBe('11:52:05.000000123+02:00');
      expect(r.get('lt').toString()).toBe('11:52:05');
      expect(r.get('dt').toString()).toBe('2022-06-07T11:52:05+02:00');
      expect(r.get('zdt').timeZoneId).toBe('Europe/Stockholm');
      expect(r.get('zdt').timeZoneOffsetSeconds).toBe(7200);
      expect(r.get('zdt').hour).toBe(11);
      expect(r.get('ldt').toString()).toBe('2022-06-07T11:52:05.500000000');
      expect(r.get('dur').toString()).toBe('P1Y2M3DT4H5M6.000000007S');
    });
  });

  it('types-temporal-v4x4-utc: the utc patch on Bolt 4.4 (neo4j-driver 6)', async () => {
    await play('types-temporal-v4x4-utc.script', 6, async (driver, neo4j) => {
      const dt = new neo4j.types.DateTime(2022, 6, 7, 11, 52, 5, 0, 7200, 'Europe/Stockholm');
      const result = await driver.session().run('RETURN $dt AS dt', { dt });
      const back = result.records[0].get('dt');
      expect([back.year, back.month, back.day, back.hour, back.minute, back.second]).toEqual([
        2022, 6, 7, 11, 52, 5,
      ]);
      expect(back.timeZoneId).toBe('Europe/Stockholm');
    });
  });

  it('types-spatial: points in 2D and 3D (neo4j-driver 6)', async () => {
    await play('types-spatial.script', 6, async (driver, neo4j) => {
      const result = await driver
        .session()
        .run('RETURN $p AS p', { p: new neo4j.types.Point(4326, 12.5, 56.25) });
      const r = result.records[0];
      expect([r.get('a').srid, r.get('a').x, r.get('a').y]).toEqual([4326, 12.5, 56.25]);
      expect([r.get('b').srid, r.get('b').x, r.get('b').y]).toEqual([7203, 1, 2]);
      expect([r.get('c').srid, r.get('c').z]).toEqual([9157, 3.5]);
    });
  });

  it('error-reset: a failed query, RESET, then the connection is reused (neo4j-driver 6)', async () => {
    const player = await play('error-reset.script', 6, async (driver) => {
      const session = driver.session();
      const error = await session.run('RETRUN 1').then(
        () => undefined,
        (e: any) => e,
      );
      expect(error?.code).toBe('Neo.ClientError.Statement.SyntaxError');
      const result = await session.run('RETURN 1 AS n');
      expect(values(result.records)).toEqual([1]);
      await session.close();
    });
    expect(player.connections).toBe(1);
  });

  it('error-gql-v5x7: a GQL error with a cause (neo4j-driver 6)', async () => {
    await play('error-gql-v5x7.script', 6, async (driver) => {
      const session = driver.session();
      const error: any = await session.run('MATCH ()-[r]->() RETURN labels(r)').then(
        () => undefined,
        (e: any) => e,
      );
      await session.close();
      expect(error?.code).toBe('Neo.ClientError.Statement.TypeError');
      expect(error.gqlStatus).toBe('22N27');
      expect(error.gqlStatusDescription).toBe('error: data exception - invalid entity type');
      expect(error.classification).toBe('CLIENT_ERROR');
      expect(error.cause?.gqlStatus).toBe('22G03');
      expect(error.retryable).toBe(false);
    });
  });

  it('disconnect-mid-stream: the connection drops after one record (neo4j-driver 6)', async () => {
    await play('disconnect-mid-stream.script', 6, async (driver) => {
      const seen: unknown[] = [];
      const error = await new Promise<any>((resolve) => {
        driver
          .session()
          .run('UNWIND [1, 2] AS n RETURN n')
          .subscribe({
            onNext: (r) => seen.push(r.get('n')),
            onCompleted: () => resolve(undefined),
            onError: resolve,
          });
      });
      expect(seen).toEqual([1]);
      expect(error?.code).toBe('ServiceUnavailable');
    });
  });

  it('fetch-size: batches of 2 pulled while has_more (neo4j-driver 6)', async () => {
    await play('fetch-size.script', 6, async (driver) => {
      const session = driver.session({ fetchSize: 2 });
      const result = await session.run('RETURN 1 AS n');
      expect(values(result.records, 'n.name')).toEqual(['1', '2', '3', '4', '5', '6']);
      await session.close();
    });
  });

  it('early-break-discard: leaving the iteration discards the rest (neo4j-driver 6)', async () => {
    await play('early-break-discard.script', 6, async (driver) => {
      const session = driver.session({ fetchSize: 2 });
      const seen: unknown[] = [];
      for await (const record of session.run('UNWIND range(1, 10) AS n RETURN n')) {
        seen.push(record.get('n.name'));
        break;
      }
      expect(seen).toEqual(['1']);
      await session.close();
    });
  });
});

describe('script player verdicts with the official driver', () => {
  const returnTwo = `
!: BOLT 4.4
A: HELLO {"{}": "*"}
*: RESET
C: RUN "RETURN 2 AS n" {} {}
S: SUCCESS {"fields": ["n"]}
C: PULL {"n": 1000}
S: RECORD [2]
   SUCCESS {}
*: RESET
?: GOODBYE
`;

  it('a message the script does not allow fails with the expected and received lines', async () => {
    const failure = await play(
      parseScript(returnTwo, { source: 'return-two' }),
      6,
      async (driver) => {
        const error = await driver
          .session()
          .run('RETURN 1 AS n')
          .then(
            () => undefined,
            (e: any) => e,
          );
        // the player closes the connection: the driver sees it go away
        expect(error?.code).toBe('ServiceUnavailable');
      },
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ScriptFailure.isInstance(failure)).toBe(true);
    const f = failure as ScriptFailure;
    expect(f.code).toBe('MISMATCH');
    expect(f.received).toBe('RUN "RETURN 1 AS n" {"{}": {}} {"{}": {}}');
    expect(f.expected).toContain('(line 5) C: RUN "RETURN 2 AS n" {} {}');
    expect(f.expected).toContain('(line 4) A: RESET');
  });

  it("a driver without the script's version fails the handshake", async () => {
    const v40 = parseScript('!: BOLT 4.0\nA: HELLO {"{}": "*"}\n?: GOODBYE\n');
    const failure = await play(v40, 6, async (driver) => {
      const error = await driver.verifyConnectivity().then(
        () => undefined,
        (e: any) => e,
      );
      expect(error).toBeInstanceOf(Error);
    }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(ScriptFailure.isInstance(failure) && failure.code).toBe('HANDSHAKE');
    expect((failure as Error).message).toContain('Bolt 4.0');
  });
});

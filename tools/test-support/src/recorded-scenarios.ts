/**
 * The scenario table of the recorded conversations: for each script of `recorded/`, what a user
 * does (through the driver-neutral {@link ScenarioDriver}) and what they must observe, as plain
 * values. One table runs against our client and each official driver; a row that cannot apply to
 * a driver names it in `notFor`, with the reason. (A script in a Bolt version a driver does not
 * speak applies to no such driver: the runner says so from {@link DriverUnderTest.boltVersions}.)
 */
import type {
  DriverName,
  PlainNode,
  PlainRelationship,
  PlainSegment,
  PlainTemporal,
  PlainValue,
  QueryRunner,
  Row,
  ScenarioCluster,
  ScenarioDriver,
  ScenarioDriverConfig,
  ScenarioError,
  ScenarioResult,
} from './scenario-driver.js';

export interface RecordedScenario<T = unknown> {
  /** The test's name: what the scenario shows. */
  name: string;
  /** The conversation: a file in `recorded/` one player serves (the driver opens `bolt://`),
   *  or a cluster (`neo4j://`). */
  script: string | RecordedCluster;
  config?: ScenarioDriverConfig;
  /** What the user does; resolves to what they saw, as plain values. */
  run(driver: ScenarioDriver, cluster: ScenarioCluster): Promise<T>;
  /** What they must see: `run`'s outcome, compared with `toEqual`. */
  expected: T;
  /** What the player must count at the end, when the scenario is about connections. */
  player?: { connections?: number; completed?: number };
  /** The drivers this row cannot apply to, each with the reason. */
  notFor?: Partial<Record<DriverName, string>>;
}

/**
 * Script players standing in for the members of a cluster, each with a file of
 * `recorded/routing/` keyed by its port in the scripts (9000 routers, 9010 readers, 9020
 * writers). The driver opens `neo4j://` to the router on 9000 with the routing context
 * `region=china`, user agent `007` and basic auth `p` / `c`, as the scripts expect. A member
 * whose script does not allow a restart takes one connection, as the suite's stub server.
 */
export interface RecordedCluster {
  members: Record<number, string>;
  /** Substitutions beyond the standard ones (`#HOST#`, `#ROUTINGCTX#`). */
  vars?: Record<string, string>;
}

/** Ties a row's observation type to its expectation. */
const scenario = <T>(row: RecordedScenario<T>): RecordedScenario => row as RecordedScenario;

/** The failure `p` rejected with, or `undefined` when it resolved. */
export const failure = (p: PromiseLike<unknown>): Promise<ScenarioError | undefined> =>
  Promise.resolve(p).then(
    () => undefined,
    (e: ScenarioError) => e,
  );

/** Every record of `result`, read through its iterator: PULL in batches of the fetch size, as
 *  the official drivers do for every result. */
async function iterate(result: ScenarioResult): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const row of result) rows.push(row);
  return rows;
}

/** The two ways to read every record: one at a time, or the whole result awaited. */
const READ = {
  iterated: iterate,
  awaited: async (result: ScenarioResult) => (await result).records,
};

const column = (rows: Row[], key = 'n') => rows.map((r) => r[key]);

const clock = (hour: number, minute: number, second: number, nanosecond: number) => ({
  hour,
  minute,
  second,
  nanosecond,
});
const calendar = (year: number, month: number, day: number) => ({ year, month, day });

/** The temporal values of the temporal scripts, as parameters and as they come back. */
const temporal = {
  d: { $type: 'Date', ...calendar(2022, 6, 7) },
  t: { $type: 'Time', ...clock(11, 52, 5, 123), timeZoneOffsetSeconds: 7200 },
  lt: { $type: 'LocalTime', ...clock(11, 52, 5, 0) },
  dt: {
    $type: 'DateTime',
    ...calendar(2022, 6, 7),
    ...clock(11, 52, 5, 0),
    timeZoneOffsetSeconds: 7200,
  },
  zdt: {
    $type: 'DateTime',
    ...calendar(2022, 6, 7),
    ...clock(11, 52, 5, 0),
    timeZoneOffsetSeconds: 7200,
    timeZoneId: 'Europe/Stockholm',
  },
  ldt: { $type: 'LocalDateTime', ...calendar(2022, 6, 7), ...clock(11, 52, 5, 500_000_000) },
  dur: { $type: 'Duration', months: 14, days: 3, seconds: 4 * 3600 + 5 * 60 + 6, nanoseconds: 7 },
} satisfies Record<string, PlainTemporal>;

const point = (srid: number, x: number, y: number, z?: number): PlainValue =>
  z === undefined ? { $type: 'Point', srid, x, y } : { $type: 'Point', srid, x, y, z };

/** `RETURN 1 AS n` with every record awaited: column `n` and the negotiated version. */
async function returnOne(runner: QueryRunner) {
  const { records, summary } = await runner.run('RETURN 1 AS n');
  return { n: column(records), protocolVersion: summary.protocolVersion };
}

/** The node, relationship and path of the graph scripts, down to the fields both Bolt 4 and 5
 *  carry; Bolt 4 has no element ids, and every driver makes them `String(id)`. */
function graphObservation(row: Row) {
  const p = row.p as { segments: PlainSegment[] };
  const back = p.segments[1].relationship;
  return {
    n: row.n,
    r: row.r,
    segments: p.segments.map((s) => [s.start.identity, s.relationship.identity, s.end.identity]),
    // "<-" in the script lists [id, end, type, start, ...]: relationship 4 runs 3 -> 1
    back: [back.start, back.end, back.startNodeElementId, back.endNodeElementId],
  };
}

const node = (identity: number, elementId: string): PlainNode => ({
  $type: 'Node',
  identity,
  labels: ['l1', 'l2'],
  properties: { a: 42 },
  elementId,
});
const relationship = (ids: [string, string, string] | undefined): PlainRelationship => ({
  $type: 'Relationship',
  identity: 124,
  start: 1,
  end: 2,
  type: 'f',
  properties: { a: 42 },
  elementId: ids?.[0] ?? '124',
  startNodeElementId: ids?.[1] ?? '1',
  endNodeElementId: ids?.[2] ?? '2',
});

/* Why a row cannot apply to a driver, where more than one row shares the reason. */
const STREAMS_AHEAD =
  'neo4j-driver 4.4 results are not async-iterable (iteration came with 5.0): read through ' +
  'subscribe(), they pull every batch as it comes, whether the records were read or not';
const PULLS_AHEAD =
  'neo4j-driver 5+ pulls the next batch (PULL for qid 1) as soon as the first record is ' +
  'handed out, before the failing query; the script records a driver that pulls on demand';
const PULLS_ALL_AWAITED =
  'our client pulls every record at once (PULL n=-1) for an awaited auto-commit result with ' +
  'no fetch size set; the script pins the batches of 1000 the official drivers pull';
const NO_ELEMENT_IDS =
  'neo4j-driver 4.4 nodes and relationships carry no element ids (they came with 5.0)';
const NO_RETRYABLE_FLAG =
  'neo4j-driver 4.4 does not say whether a failure is retryable (no retryable flag, no ' +
  'isRetriableError)';
const NEVER_SENT =
  'neo4j-driver sends a query once its result is read (awaited, iterated, subscribed): a ' +
  'result never read is never sent, so close() has no failure to report';
const NOT_A_LEADER =
  'neo4j-driver hands the work NotALeader as SessionExpired (it forgets the writer all the ' +
  'same)';
const NO_READER_FAILOVER =
  'neo4j-driver fails an auto-commit query whose reader is unreachable with SessionExpired, ' +
  'leaving the next reader to a retry';
const BEGIN_AWAITED =
  'neo4j-driver 5+ waits for the answer to BEGIN in beginTransaction(), so the failure ' +
  'arrives there, before any query (see the rows for beginTransaction())';
const BEGIN_PIPELINED =
  'this driver sends BEGIN with the first query: beginTransaction() resolves at once and the ' +
  'failure arrives with the query (see the rows for run())';

export const RECORDED_SCENARIOS: readonly RecordedScenario[] = [
  scenario({
    name: 'basic-query-v3: Bolt 3.0, RUN + PULL_ALL',
    script: 'basic-query-v3.script',
    async run(d) {
      const session = d.session({ defaultAccessMode: 'READ' });
      const { records, summary } = await session.run('RETURN 1 AS n');
      await session.close();
      return {
        n: column(records),
        protocolVersion: summary.protocolVersion,
        resultAvailableAfter: summary.resultAvailableAfter,
        resultConsumedAfter: summary.resultConsumedAfter,
      };
    },
    expected: {
      n: [1, 2],
      protocolVersion: '3.0',
      resultAvailableAfter: 3,
      resultConsumedAfter: 4,
    },
  }),
  scenario({
    name: 'basic-query-v4x0: Bolt 4.0',
    script: 'basic-query-v4x0.script',
    // a 4.0 server reads no version ranges (the player answers as one), so offer 4.0 itself
    config: { protocolVersions: [{ major: 4, minor: 0 }] },
    async run(d) {
      const session = d.session();
      const observed = await returnOne(session);
      await session.close();
      return observed;
    },
    expected: { n: [1], protocolVersion: '4.0' },
  }),
  scenario({
    name: 'basic-query-v4x4: Bolt 4.4 with database and read mode',
    script: 'basic-query-v4x4.script',
    async run(d) {
      const session = d.session({ database: 'neo4j', defaultAccessMode: 'READ' });
      const { records, summary } = await session.run('RETURN 1 AS n');
      await session.close();
      return { n: column(records), database: summary.database, queryType: summary.queryType };
    },
    expected: { n: [1], database: 'neo4j', queryType: 'r' },
  }),
  scenario({
    name: 'basic-query-v5x0: Bolt 5.0',
    script: 'basic-query-v5x0.script',
    async run(d) {
      const session = d.session();
      const observed = await returnOne(session);
      await session.close();
      return observed;
    },
    expected: { n: [1], protocolVersion: '5.0' },
  }),
  scenario({
    name: 'basic-query-v5x4: Bolt 5.4, LOGON',
    script: 'basic-query-v5x4.script',
    async run(d) {
      const session = d.session();
      const observed = await returnOne(session);
      await session.close();
      return observed;
    },
    expected: { n: [1], protocolVersion: '5.4' },
  }),
  scenario({
    name: 'basic-query-v5x8-manifest: Bolt 5.8 through a manifest handshake',
    script: 'basic-query-v5x8-manifest.script',
    run: (d) => returnOne(d.session()),
    expected: { n: [1], protocolVersion: '5.8' },
  }),
  scenario({
    name: 'tx-commit: explicit transaction, commit returns a bookmark',
    script: 'tx-commit.script',
    async run(d) {
      const session = d.session();
      const tx = await session.beginTransaction();
      const { records } = await tx.run('RETURN 1 AS n');
      await tx.commit();
      const bookmarks = session.lastBookmarks();
      await session.close();
      return { n: column(records), bookmarks };
    },
    expected: { n: [1, 2], bookmarks: ['neo4j:bookmark:v1:tx424242'] },
  }),
  scenario({
    name: 'tx-rollback: explicit transaction rolled back',
    script: 'tx-rollback.script',
    async run(d) {
      const session = d.session();
      const tx = await session.beginTransaction();
      const { records } = await tx.run('RETURN 1 AS n');
      await tx.rollback();
      const bookmarks = session.lastBookmarks();
      await session.close();
      return { n: column(records), bookmarks };
    },
    expected: { n: [1, 2], bookmarks: [] },
  }),
  scenario({
    name: 'retry-transient: executeWrite retries after a transient COMMIT failure',
    script: 'retry-transient.script',
    async run(d) {
      const session = d.session();
      let attempts = 0;
      const n = await session.executeWrite(async (tx) => {
        attempts++;
        return (await tx.run('RETURN 1 AS n')).records[0].n;
      });
      await session.close();
      return { n, attempts, bookmarks: session.lastBookmarks() };
    },
    expected: { n: 1, attempts: 2, bookmarks: ['neo4j:bookmark:v1:tx7'] },
  }),
  scenario({
    name: 'retry-disconnect: executeRead retries on a new connection after a drop',
    script: 'retry-disconnect.script',
    async run(d) {
      const session = d.session();
      let attempts = 0;
      const n = await session.executeRead(async (tx) => {
        attempts++;
        return (await tx.run(`RETURN ${attempts} AS n`)).records[0].n;
      });
      await session.close();
      return { n, attempts };
    },
    expected: { n: 2, attempts: 2 },
    player: { connections: 2, completed: 2 },
  }),
  scenario({
    name: 'tx-begin-failure-exit: a query behind a failed BEGIN reports the BEGIN failure',
    script: 'tx-begin-failure-exit.script',
    async run(d) {
      const tx = await d.session().beginTransaction();
      return (await failure(tx.run('RETURN 1 AS n')))?.code;
    },
    expected: 'Neo.ClientError.Security.TokenExpired',
    notFor: { 'neo4j-driver 6': BEGIN_AWAITED, 'neo4j-driver 5': BEGIN_AWAITED },
  }),
  scenario({
    name: 'tx-begin-failure-exit: once BEGIN is known to have failed, the transaction is closed and run() fails with it',
    script: 'tx-begin-failure-exit.script',
    async run(d) {
      const tx = await d.session().beginTransaction();
      for (let i = 0; i < 200 && tx.isOpen(); i++) await new Promise((r) => setTimeout(r, 10));
      const open = tx.isOpen();
      return { open, code: (await failure(tx.run('RETURN 1 AS n')))?.code };
    },
    expected: { open: false, code: 'Neo.ClientError.Security.TokenExpired' },
    notFor: {
      'neo4j-driver 6': BEGIN_AWAITED,
      'neo4j-driver 5': BEGIN_AWAITED,
      'neo4j-driver 4':
        'neo4j-driver 4.4 refuses a query on the failed transaction with its own usage error ' +
        '(code N/A), not the failure of BEGIN',
    },
  }),
  scenario({
    name: 'tx-begin-failure-exit: a managed transaction is not retried after that failure',
    script: 'tx-begin-failure-exit.script',
    async run(d) {
      let attempts = 0;
      const e = await failure(
        d.session().executeRead(async (tx) => {
          attempts++;
          await tx.run('RETURN 1 AS n');
        }),
      );
      return { code: e?.code, retryable: e?.retryable, attempts };
    },
    expected: { code: 'Neo.ClientError.Security.TokenExpired', retryable: false, attempts: 1 },
    notFor: {
      'neo4j-driver 6': BEGIN_AWAITED,
      'neo4j-driver 5': BEGIN_AWAITED,
      'neo4j-driver 4': NO_RETRYABLE_FLAG,
    },
  }),
  scenario({
    name: 'tx-begin-failure-exit: beginTransaction() reports the BEGIN failure',
    script: 'tx-begin-failure-exit.script',
    run: async (d) => (await failure(d.session().beginTransaction()))?.code,
    expected: 'Neo.ClientError.Security.TokenExpired',
    notFor: { '@bolt/client': BEGIN_PIPELINED, 'neo4j-driver 4': BEGIN_PIPELINED },
  }),
  scenario({
    name: 'tx-begin-failure-exit: a managed transaction fails before its work runs, and is not retried',
    script: 'tx-begin-failure-exit.script',
    async run(d) {
      let attempts = 0;
      const e = await failure(
        d.session().executeRead(async () => {
          attempts++;
        }),
      );
      return { code: e?.code, retryable: e?.retryable, attempts };
    },
    expected: { code: 'Neo.ClientError.Security.TokenExpired', retryable: false, attempts: 0 },
    notFor: { '@bolt/client': BEGIN_PIPELINED, 'neo4j-driver 4': BEGIN_PIPELINED },
  }),
  scenario({
    name: 'tx-failure-ends-tx: a failed query ends the transaction and its other results',
    script: 'tx-failure-ends-tx.script',
    async run(d) {
      const session = d.session({ fetchSize: 2 });
      const tx = await session.beginTransaction();
      const first = tx.run('RETURN 1 AS n')[Symbol.asyncIterator]();
      const before = (await first.next()).value?.n;
      const e = await failure(tx.run('invalid'));
      // the record already received stays readable, then the same error, and no PULL is sent
      const after = (await first.next()).value?.n;
      const rest = (await failure(first.next()))?.code;
      const open = tx.isOpen();
      // further queries get the same failure, and are not sent
      const again = await failure(tx.run('RETURN 3 AS n'));
      await tx.rollback(); // nothing to roll back: not an error
      const tx2 = await session.beginTransaction();
      const { records } = await tx2.run('RETURN 2 AS n');
      await tx2.commit();
      const bookmarks = session.lastBookmarks();
      await session.close();
      return {
        records: [before, after],
        code: e?.code,
        rest,
        open,
        sameFailure: again === e,
        next: column(records),
        bookmarks,
      };
    },
    expected: {
      records: [1, 2],
      code: 'Neo.ClientError.Statement.SyntaxError',
      rest: 'Neo.ClientError.Statement.SyntaxError',
      open: false,
      sameFailure: true,
      next: [2],
      bookmarks: ['bm:2'],
    },
    notFor: {
      'neo4j-driver 6': PULLS_AHEAD,
      'neo4j-driver 5': PULLS_AHEAD,
    },
  }),
  scenario({
    name: 'iteration-nested: a nested query in the same transaction while iterating (batches of 1)',
    script: 'iteration-nested.script',
    async run(d) {
      const session = d.session({ fetchSize: 1 });
      const tx = await session.beginTransaction();
      const outer: PlainValue[] = [];
      const inner: PlainValue[][] = [];
      for await (const r of tx.run('OUTER')) {
        outer.push(r.x);
        inner.push(column(await iterate(tx.run('INNER')), 'y'));
      }
      await tx.commit();
      const bookmarks = session.lastBookmarks();
      await session.close();
      return { outer, inner, bookmarks };
    },
    expected: { outer: ['a', 'b', 'c'], inner: [['a1', 'a2'], ['b1'], ['c1']], bookmarks: ['bm'] },
    notFor: { 'neo4j-driver 4': STREAMS_AHEAD },
  }),
  scenario({
    name: 'auth-basic-v4x4: basic auth in HELLO',
    script: 'auth-basic-v4x4.script',
    run: async (d) => (await returnOne(d.session())).n,
    expected: [1],
  }),
  scenario({
    name: 'auth-bearer-v4x4: bearer token in HELLO',
    script: 'auth-bearer-v4x4.script',
    config: { auth: { scheme: 'bearer', token: 'QmFuYW5hIQ==' } },
    run: async (d) => (await returnOne(d.session())).n,
    expected: [1],
  }),
  scenario({
    name: 'auth-basic-v5x1: basic auth in LOGON',
    script: 'auth-basic-v5x1.script',
    run: (d) => returnOne(d.session()),
    expected: { n: [1], protocolVersion: '5.1' },
  }),
  scenario({
    name: 'auth-failure: a rejected HELLO surfaces as Unauthorized',
    script: 'auth-failure.script',
    async run(d) {
      const e = await failure(d.session().run('RETURN 1 AS n'));
      return { code: e?.code, retryable: e?.retryable };
    },
    expected: { code: 'Neo.ClientError.Security.Unauthorized', retryable: false },
    notFor: { 'neo4j-driver 4': NO_RETRYABLE_FLAG },
  }),
  ...(['iterated', 'awaited'] as const).flatMap((read) => [
    scenario({
      name: `bookmarks-chained: the first commit bookmark goes with the second BEGIN (records ${read})`,
      script: 'bookmarks-chained.script',
      async run(d) {
        const session = d.session({ bookmarks: ['neo4j:bookmark:v1:tx42'] });
        for (let i = 0; i < 2; i++) {
          await session.executeWrite((tx) => READ[read](tx.run('MATCH (n) RETURN n.name AS name')));
        }
        const bookmarks = session.lastBookmarks();
        await session.close();
        return bookmarks;
      },
      expected: ['neo4j:bookmark:v1:tx424242'],
    }),
    scenario({
      name: `bookmarks-multiple: several bookmarks in RUN, in any order (records ${read})`,
      script: 'bookmarks-multiple.script',
      async run(d) {
        const session = d.session({
          bookmarks: ['neo4j:bookmark:v1:tx94', 'neo4j:bookmark:v1:tx5', 'neo4j:bookmark:v1:tx29'],
        });
        const n = column(await READ[read](session.run('RETURN 1 AS n')));
        const bookmarks = session.lastBookmarks();
        await session.close();
        return { n, bookmarks };
      },
      expected: { n: [1], bookmarks: ['neo4j:bookmark:v1:tx95'] },
      notFor: read === 'awaited' ? { '@bolt/client': PULLS_ALL_AWAITED } : {},
    }),
  ]),
  scenario({
    name: 'notifications-v4x4: notifications in the summary',
    script: 'notifications-v4x4.script',
    async run(d) {
      const { summary } = await d.session().run('MATCH (n:A) RETURN n');
      return {
        notifications: summary.notifications,
        database: summary.database,
        resultAvailableAfter: summary.resultAvailableAfter,
        resultConsumedAfter: summary.resultConsumedAfter,
      };
    },
    expected: {
      notifications: [
        {
          code: 'Neo.ClientNotification.Statement.UnknownLabelWarning',
          severityLevel: 'WARNING',
          category: 'UNRECOGNIZED',
          position: { offset: 9, line: 1, column: 10 },
        },
      ],
      database: 'apple',
      resultAvailableAfter: 2001,
      resultConsumedAfter: 2002,
    },
    notFor: {
      'neo4j-driver 4': 'neo4j-driver 4.4 notifications carry no category (it came with 5.x)',
    },
  }),
  scenario({
    name: 'statuses-v5x6: GQL status objects in the summary',
    script: 'statuses-v5x6.script',
    async run(d) {
      const { summary } = await d.session().run('MATCH (n:A) RETURN n');
      return {
        statuses: summary.gqlStatusObjects.map((s) => [s.gqlStatus, s.severity]),
        notifications: summary.notifications.map((n) => n.code),
      };
    },
    expected: {
      statuses: [
        ['01N50', 'WARNING'],
        ['00000', 'UNKNOWN'],
      ],
      notifications: ['Neo.ClientNotification.Statement.UnknownLabelWarning'],
    },
  }),
  scenario({
    name: 'types-graph-v4x4: node, relationship and path',
    script: 'types-graph-v4x4.script',
    async run(d) {
      const { records } = await d.session().run('MATCH p = (n)-[r]->() RETURN n, r, p');
      return graphObservation(records[0]);
    },
    expected: {
      n: node(123, '123'),
      r: relationship(undefined),
      segments: [
        [1, 2, 3],
        [3, 4, 1],
      ],
      back: [3, 1, '3', '1'],
    },
    notFor: { 'neo4j-driver 4': NO_ELEMENT_IDS },
  }),
  scenario({
    name: 'types-graph-v5x0: node, relationship and path',
    script: 'types-graph-v5x0.script',
    async run(d) {
      const { records } = await d.session().run('MATCH p = (n)-[r]->() RETURN n, r, p');
      return graphObservation(records[0]);
    },
    expected: {
      n: node(123, 'n1-123'),
      r: relationship(['r1-124', 'n1-1', 'n1-2']),
      segments: [
        [1, 2, 3],
        [3, 4, 1],
      ],
      back: [3, 1, 'n1-3', 'n1-1'],
    },
  }),
  scenario({
    name: 'notifications-filter-v5x2: a driver-wide notification filter in HELLO',
    script: 'notifications-filter-v5x2.script',
    config: {
      notificationFilter: {
        minimumSeverityLevel: 'WARNING',
        disabledClassifications: ['HINT', 'DEPRECATION'],
      },
    },
    async run(d) {
      const { records } = await d.session().run('CREATE (t) RETURN 1 AS t');
      return column(records, 't');
    },
    expected: [1],
  }),
  scenario({
    name: 'types-temporal-v5x0: every temporal type, both ways',
    script: 'types-temporal-v5x0.script',
    async run(d) {
      const { records } = await d
        .session()
        .run('RETURN $d, $t, $lt, $dt, $zdt, $ldt, $dur', temporal);
      return records[0];
    },
    expected: temporal,
  }),
  scenario({
    name: 'types-temporal-v4x4-utc: the utc patch on Bolt 4.4',
    script: 'types-temporal-v4x4-utc.script',
    async run(d) {
      const { records } = await d.session().run('RETURN $dt AS dt', { dt: temporal.zdt });
      return records[0].dt;
    },
    expected: temporal.zdt,
  }),
  scenario({
    name: 'types-spatial: points in 2D and 3D',
    script: 'types-spatial.script',
    async run(d) {
      const { records } = await d.session().run('RETURN $p AS p', { p: point(4326, 12.5, 56.25) });
      return records[0];
    },
    expected: { a: point(4326, 12.5, 56.25), b: point(7203, 1, 2), c: point(9157, 1, 2, 3.5) },
  }),
  // As the official driver does (testkit's errors/scripts/error.script): the failed connection
  // is reset and reused; this single-connection script refuses a second connection.
  scenario({
    name: 'error-reset: a failed query, RESET, then the same connection is reused',
    script: 'error-reset.script',
    async run(d) {
      const session = d.session();
      const e = await failure(session.run('RETRUN 1'));
      const { records } = await session.run('RETURN 1 AS n');
      await session.close();
      return { code: e?.code, n: column(records) };
    },
    expected: { code: 'Neo.ClientError.Statement.SyntaxError', n: [1] },
    player: { connections: 1 },
  }),
  scenario({
    name: 'error-gql-v5x7: a GQL error with a cause',
    script: 'error-gql-v5x7.script',
    async run(d) {
      const session = d.session();
      const e = await failure(session.run('MATCH ()-[r]->() RETURN labels(r)'));
      await session.close();
      return {
        code: e?.code,
        gqlStatus: e?.gqlStatus,
        gqlStatusDescription: e?.gqlStatusDescription,
        classification: e?.classification,
        retryable: e?.retryable,
        cause: e?.cause?.gqlStatus,
      };
    },
    expected: {
      code: 'Neo.ClientError.Statement.TypeError',
      gqlStatus: '22N27',
      gqlStatusDescription: 'error: data exception - invalid entity type',
      classification: 'CLIENT_ERROR',
      retryable: false,
      cause: '22G03',
    },
  }),
  scenario({
    name: 'disconnect-mid-stream: the connection drops after one record',
    script: 'disconnect-mid-stream.script',
    async run(d) {
      const seen: PlainValue[] = [];
      const e = await failure(
        (async () => {
          for await (const r of d.session().run('UNWIND [1, 2] AS n RETURN n')) seen.push(r.n);
        })(),
      );
      return { seen, code: e?.code };
    },
    expected: { seen: [1], code: 'ServiceUnavailable' },
  }),
  scenario({
    name: 'fetch-size: batches of 2 pulled while has_more',
    script: 'fetch-size.script',
    async run(d) {
      const session = d.session({ fetchSize: 2 });
      const rows = await iterate(session.run('RETURN 1 AS n'));
      await session.close();
      return column(rows, 'n.name');
    },
    expected: ['1', '2', '3', '4', '5', '6'],
  }),
  // Awaiting the whole result with an explicit fetch size pulls batches of that size, as the
  // official driver does (testkit's iteration/scripts/v4x4/pull_2_end_full_batch.script).
  scenario({
    name: 'fetch-size: awaiting the whole result also pulls batches of 2 while has_more',
    script: 'fetch-size.script',
    async run(d) {
      const session = d.session({ fetchSize: 2 });
      const { records } = await session.run('RETURN 1 AS n');
      await session.close();
      return column(records, 'n.name');
    },
    expected: ['1', '2', '3', '4', '5', '6'],
  }),
  scenario({
    name: 'early-break-discard: leaving the iteration discards the rest',
    script: 'early-break-discard.script',
    async run(d) {
      const session = d.session({ fetchSize: 2 });
      const seen: PlainValue[] = [];
      for await (const r of session.run('UNWIND range(1, 10) AS n RETURN n')) {
        seen.push(r['n.name']);
        break;
      }
      await session.close();
      return seen;
    },
    expected: ['1'],
    notFor: { 'neo4j-driver 4': STREAMS_AHEAD },
  }),

  // Routing (neo4j://): script players stand in for the routers, readers and writers of a
  // cluster, each scenario one the conformance suite's routing tests check.
  scenario({
    name: 'routing: reads go to a reader of the routing table, writes to a writer',
    script: {
      members: {
        9000: 'router-adb-v5x0.script',
        9010: 'reader-v5x0.script',
        9020: 'writer-tx-v5x0.script',
      },
    },
    async run(d, cluster) {
      const session = d.session({ database: 'adb', defaultAccessMode: 'READ' });
      const { records, summary } = await session.run('RETURN 1 AS n');
      const written = await session.executeWrite(
        async (tx) => (await tx.run('CREATE (n) RETURN 1 AS n')).records[0].n,
      );
      const bookmarks = session.lastBookmarks();
      await session.close();
      return {
        n: column(records),
        server: cluster.member(summary.serverAddress),
        written,
        bookmarks,
      };
    },
    expected: { n: [1], server: 9010, written: 1, bookmarks: ['bm:w1'] },
  }),
  scenario({
    name: 'routing: consume() right after run() sends RUN with the first PULL, then DISCARD',
    script: { members: { 9000: 'router-adb-v5x0.script', 9010: 'reader-consume-v5x0.script' } },
    async run(d) {
      const session = d.session({ database: 'adb', defaultAccessMode: 'READ' });
      // consumed before the connection is there (the routing table is fetched first)
      const summary = await session.run('RETURN 1 AS n').consume();
      const bookmarks = session.lastBookmarks();
      await session.close();
      return { queryType: summary.queryType, bookmarks };
    },
    expected: { queryType: 'r', bookmarks: ['adb:1'] },
  }),
  scenario({
    name: 'routing: close() reports the failure of a query whose result was never read, not of one that was',
    script: {
      members: {
        9000: 'router-adb-v5x0.script',
        9010: 'reader-exit-on-pull-v5x0.script',
        9011: 'reader-exit-on-pull-v5x0.script',
      },
    },
    async run(d) {
      const unread = d.session({ database: 'adb', defaultAccessMode: 'READ', fetchSize: 1000 });
      unread.run('RETURN 1 AS n');
      const closed = (await failure(unread.close()))?.code;
      const read = d.session({ database: 'adb', defaultAccessMode: 'READ', fetchSize: 1000 });
      const consumed = (await failure(read.run('RETURN 1 AS n').consume()))?.code;
      // told once: not again
      const closedAfterRead = await failure(read.close());
      return { closed, consumed, closedAfterRead };
    },
    expected: { closed: 'SessionExpired', consumed: 'SessionExpired', closedAfterRead: undefined },
    notFor: { 'neo4j-driver 6': NEVER_SENT, 'neo4j-driver 5': NEVER_SENT },
  }),
  scenario({
    name: 'routing 3.0: the cluster procedure, no routing context in HELLO',
    script: { members: { 9000: 'router-v3.script', 9010: 'reader-v3.script' } },
    async run(d, cluster) {
      const { records, summary } = await d
        .session({ defaultAccessMode: 'READ' })
        .run('RETURN 1 AS n');
      return { n: column(records), server: cluster.member(summary.serverAddress) };
    },
    expected: { n: [1], server: 9010 },
  }),
  scenario({
    name: 'routing 4.1: the multi-database procedure in the system database, with the bookmarks',
    script: { members: { 9000: 'router-v4x1.script', 9010: 'reader-v4x1.script' } },
    // a Bolt 4.1 server reads no version ranges (the player answers as one): offer 4.1 itself
    config: {
      protocolVersions: [
        { major: 4, minor: 4, range: 2 },
        { major: 4, minor: 1 },
      ],
    },
    async run(d) {
      const session = d.session({
        database: 'adb',
        defaultAccessMode: 'READ',
        bookmarks: ['sys:1'],
      });
      const { records } = await session.run('RETURN 1 AS n');
      return { n: column(records), bookmarks: session.lastBookmarks() };
    },
    expected: { n: [1], bookmarks: ['adb:2'] },
  }),
  scenario({
    name: 'routing 4.3: ROUTE with the database as third field; the home table is kept without a name',
    script: { members: { 9000: 'router-v4x3.script', 9010: 'reader-v4x3.script' } },
    async run(d, cluster) {
      const n: PlainValue[] = [];
      for (let i = 0; i < 2; i++) {
        const { records } = await d.session({ defaultAccessMode: 'READ' }).run('RETURN 1 AS n');
        n.push(...column(records));
      }
      // one ROUTE served both sessions: the table (under no name) was fresh for the second
      return { n, routes: cluster.count(9000, 'ROUTE') };
    },
    expected: { n: [1, 1], routes: 1 },
  }),
  scenario({
    name: 'routing 4.4: impersonated routing; the session keeps the home database the table named',
    script: {
      members: {
        9000: 'router-v4x4-impersonation.script',
        9020: 'writer-v4x4-impersonation.script',
      },
    },
    async run(d) {
      const session = d.session({ impersonatedUser: 'alice' });
      for (let i = 0; i < 2; i++) {
        await session.executeWrite(async (tx) => {
          await tx.run('CREATE ()');
        });
      }
      const bookmarks = session.lastBookmarks();
      await session.close();
      return bookmarks;
    },
    expected: ['alicedb:2'],
  }),
  scenario({
    name: 'routing 5.8: ROUTE for the home database; work goes to it by name',
    script: { members: { 9000: 'router-v5x8-home.script', 9010: 'reader-v5x8-home.script' } },
    run: (d) => returnOne(d.session({ defaultAccessMode: 'READ' })),
    expected: { n: [1], protocolVersion: '5.8' },
  }),
  ...[true, false].map((ssr) =>
    scenario({
      name: `routing 5.8: ${ssr ? 'with' : 'without'} server-side routing, a second session ${ssr ? 'skips' : 'fetches'} the routing table`,
      script: {
        members: { 9000: 'router-v5x8-ssr.script', 9010: 'reader-v5x8-ssr.script' },
        vars: {
          '#SSR#': String(ssr),
          // with the cache the home database is not named: the server resolves it
          '#SECOND_EXTRA#': ssr ? '{"mode": "r"}' : '{"mode": "r", "db": "homedb"}',
        },
      },
      async run(d, cluster) {
        const n: PlainValue[] = [];
        for (let i = 0; i < 2; i++) {
          const { records } = await d.session({ defaultAccessMode: 'READ' }).run('RETURN 1 AS n');
          n.push(...column(records));
        }
        return { n, routes: cluster.count(9000, 'ROUTE') };
      },
      expected: { n: [1, 1], routes: ssr ? 1 : 2 },
    }),
  ),
  scenario({
    name: 'routing: TTL expiry, a table that may not be cached is fetched again for each transaction',
    script: { members: { 9000: 'router-ttl0.script', 9010: 'reader-tx-twice-v5x0.script' } },
    async run(d, cluster) {
      const session = d.session({ database: 'adb' });
      for (let i = 0; i < 2; i++) {
        await session.executeRead(async (tx) => {
          await tx.run('RETURN 1 AS n');
        });
      }
      await session.close();
      return cluster.count(9000, 'ROUTE');
    },
    expected: 2,
  }),
  scenario({
    name: 'routing: leader switch, NotALeader forgets the writer and the retry finds the new leader',
    script: {
      members: {
        9000: 'router-leader-switch.script',
        9020: 'writer-not-a-leader.script',
        9021: 'writer-tx-v5x0.script',
      },
    },
    async run(d) {
      const session = d.session({ database: 'adb' });
      const errors: string[] = [];
      const n = await session.executeWrite(async (tx) => {
        try {
          return (await tx.run('CREATE (n) RETURN 1 AS n')).records[0].n;
        } catch (e) {
          errors.push((e as ScenarioError).code);
          throw e;
        }
      });
      await session.close();
      return { n, errors };
    },
    expected: { n: 1, errors: ['Neo.ClientError.Cluster.NotALeader'] },
    notFor: { 'neo4j-driver 6': NOT_A_LEADER, 'neo4j-driver 5': NOT_A_LEADER },
  }),
  scenario({
    name: 'routing: reader failure, a reader that dies is forgotten and the read retried on the other',
    script: {
      members: {
        9000: 'router-adb-v5x0.script',
        9010: 'reader-exit-on-run.script',
        9011: 'reader-tx-v5x0.script',
      },
    },
    async run(d) {
      const session = d.session({ database: 'adb' });
      let attempts = 0;
      const records = await session.executeRead(async (tx) => {
        attempts++;
        return (await tx.run('RETURN 1 AS n')).records;
      });
      await session.close();
      return { n: column(records), attempts };
    },
    expected: { n: [1], attempts: 2 },
  }),
  scenario({
    name: 'routing: an unreachable reader is forgotten and the next one tried, within one run()',
    // 9010, first in the table, is down
    script: { members: { 9000: 'router-adb-v5x0.script', 9011: 'reader-v5x0.script' } },
    async run(d, cluster) {
      const { summary } = await d
        .session({ database: 'adb', defaultAccessMode: 'READ' })
        .run('RETURN 1 AS n');
      return cluster.member(summary.serverAddress);
    },
    expected: 9011,
    notFor: { 'neo4j-driver 6': NO_READER_FAILOVER, 'neo4j-driver 5': NO_READER_FAILOVER },
  }),
  scenario({
    name: 'routing: DatabaseUnavailable, the member is forgotten for the database and the write retried',
    script: {
      members: {
        9000: 'router-adb-v5x0.script',
        9020: 'writer-database-unavailable.script',
        9021: 'writer-tx-v5x0.script',
      },
    },
    async run(d, cluster) {
      const session = d.session({ database: 'adb' });
      await session.executeWrite(async (tx) => {
        await tx.run('CREATE (n) RETURN 1 AS n');
      });
      await session.close();
      return cluster.count(9000, 'ROUTE');
    },
    expected: 1,
  }),
  scenario({
    name: 'routing: no writer, writes are retried, with a new routing table each time, until a leader is elected',
    script: {
      members: { 9000: 'router-no-writer-then-writer.script', 9020: 'writer-tx-v5x0.script' },
    },
    async run(d, cluster) {
      const session = d.session({ database: 'adb' });
      let attempts = 0;
      await session.executeWrite(async (tx) => {
        attempts++;
        await tx.run('CREATE (n) RETURN 1 AS n');
      });
      await session.close();
      // the work ran once: the missing writer failed the attempts before it began
      return { attempts, routes: cluster.count(9000, 'ROUTE') };
    },
    expected: { attempts: 1, routes: 3 },
  }),
  scenario({
    name: 'routing: bookmarks travel from the writer to the reader',
    script: {
      members: {
        9000: 'router-adb-v5x0.script',
        9020: 'writer-tx-v5x0.script',
        9010: 'reader-bookmark-v5x0.script',
      },
    },
    async run(d) {
      const session = d.session({ database: 'adb' });
      await session.executeWrite(async (tx) => {
        await tx.run('CREATE (n) RETURN 1 AS n');
      });
      await session.executeRead(async (tx) => {
        await tx.run('RETURN 1 AS n');
      });
      const bookmarks = session.lastBookmarks();
      await session.close();
      return bookmarks;
    },
    expected: ['bm:r1'],
  }),
  scenario({
    name: 'routing: no routing procedure (a single server), ServiceUnavailable',
    script: { members: { 9000: 'router-no-procedure-v4x1.script' } },
    config: {
      protocolVersions: [
        { major: 4, minor: 4, range: 2 },
        { major: 4, minor: 1 },
      ],
    },
    async run(d) {
      const e = await failure(d.verifyConnectivity());
      return { code: e?.code, cause: e?.cause?.code };
    },
    expected: { code: 'ServiceUnavailable', cause: 'Neo.ClientError.Procedure.ProcedureNotFound' },
    notFor: {
      'neo4j-driver 4':
        "neo4j-driver 4.4 reports ServiceUnavailable without the router's failure as its cause",
    },
  }),
  scenario({
    name: "routing: database not found, the router's error, not retried",
    script: { members: { 9000: 'router-db-not-found.script' } },
    async run(d, cluster) {
      let attempts = 0;
      const e = await failure(
        d.session({ database: 'nodb' }).executeRead(async () => {
          attempts++;
        }),
      );
      return { code: e?.code, attempts, routes: cluster.count(9000, 'ROUTE') };
    },
    expected: { code: 'Neo.ClientError.Database.DatabaseNotFound', attempts: 0, routes: 1 },
  }),
];

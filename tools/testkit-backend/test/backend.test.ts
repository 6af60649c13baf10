/**
 * The backend's request handling, end to end without testkit: requests framed as testkit frames
 * them go into a TestkitConnection, whose drivers (@bolt/client) reach a @bolt/server over an
 * in-memory network. CI cannot fetch testkit; these tests guard the backend itself.
 */
import { float } from '@bolt/packstream';
import { BoltError, type Handler } from '@bolt/server';
import { afterEach, describe, expect, it } from 'vitest';
import { FEATURES } from '../src/features.js';
import { basicAuth, cypher, Harness } from './harness.js';

let h: Harness | undefined;

const hex = (b: Uint8Array | undefined) =>
  Array.from(b ?? [], (x) => x.toString(16).padStart(2, '0'))
    .join('')
    .replace(/(.{8})(?!$)/g, '$1 ');
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Echoes each parameter back as a column (numbers as FLOAT, as they arrived). */
const echo: Handler = {
  run(query, parameters) {
    if (query === 'FAIL')
      throw new BoltError('this query always fails', {
        code: 'Neo.ClientError.Statement.SyntaxError',
      });
    if (query === 'UNAUTHORIZED')
      throw new BoltError('who are you?', { code: 'Neo.ClientError.Security.Unauthorized' });
    if (query === 'TRANSIENT')
      throw new BoltError('try again', { code: 'Neo.TransientError.General.DatabaseUnavailable' });
    const keys = Object.keys(parameters);
    const values = keys.map((k) => {
      const v = parameters[k];
      return typeof v === 'number' ? float(v) : v;
    });
    const rows = query === 'TWO ROWS' ? [values, values] : [values];
    return { fields: keys, records: rows, summary: { type: 'r' } };
  },
  commit: () => 'bookmark:1',
};

async function driverAndSession(harness: Harness, extra: Record<string, unknown> = {}) {
  const { id: driverId } = await harness.expect(
    'NewDriver',
    { uri: harness.uri, authorizationToken: basicAuth, ...extra },
    'Driver',
  );
  const { id: sessionId } = await harness.expect(
    'NewSession',
    { driverId, accessMode: 'w' },
    'Session',
  );
  return { driverId, sessionId };
}

describe('testkit backend', () => {
  it('lists its features and lets every test run', async () => {
    h = await Harness.start(echo);
    const f = await h.expect('GetFeatures', {}, 'FeatureList');
    expect(f.features).toEqual([...FEATURES]);
    expect(f.features).toContain('Feature:API:Driver.ExecuteQuery');
    expect(f.features).toContain('Backend:MockTime');
    const r = await h.request('StartTest', { testName: 'stub.basic_query.test_x.T.test_y' });
    expect(r.name).toBe('RunTest');
  });

  it('asks testkit to skip a listed test, in every routing class, with its reason', async () => {
    h = await Harness.start(echo);
    for (const cls of ['test_routing_v3.RoutingV3', 'test_routing_v5x0.RoutingV5x0']) {
      const r = await h.request('StartTest', {
        testName: `stub.routing.${cls}.test_should_fail_when_writing_on_unexpectedly_interrupting_writer_using_tx_run`,
      });
      expect(r.name).toBe('SkipTest');
      expect(r.data?.reason).toMatch(/runs lazily/);
    }
    for (const method of [
      'test_should_successfully_get_routing_table',
      'test_should_request_rt_from_all_initial_routers_until_successful_on_unknown_failure',
    ]) {
      const other = await h.request('StartTest', {
        testName: `stub.routing.test_routing_v5x0.RoutingV5x0.${method}`,
      });
      expect(other.name).toBe('RunTest');
    }
  });

  it('runs a query and streams its record, then the end, then the summary', async () => {
    h = await Harness.start(echo);
    const { driverId, sessionId } = await driverAndSession(h);
    const { id: resultId } = await h.expect(
      'SessionRun',
      { sessionId, cypher: 'RETURN $x AS x', params: { x: cypher('CypherInt', 7) } },
      'Result',
    );
    const rec = await h.expect('ResultNext', { resultId }, 'Record');
    expect(rec.values).toEqual([cypher('CypherInt', 7)]);
    await h.expect('ResultNext', { resultId }, 'NullRecord');
    const s = await h.expect('ResultConsume', { resultId }, 'Summary');
    expect(s.serverInfo).toEqual({
      address: `memory:${h.uri.split(':').at(-1)}`,
      agent: 'Neo4j/5.26.0',
      protocolVersion: expect.stringMatching(/^\d+\.\d+$/),
    });
    expect(s.query).toEqual({ text: 'RETURN $x AS x', parameters: { x: cypher('CypherInt', 7) } });
    expect(s.queryType).toBe('r');
    expect(s.counters.nodesCreated).toBe(0);
    expect(s.counters.containsUpdates).toBe(false);
    await h.expect('SessionClose', { sessionId }, 'Session');
    await h.expect('DriverClose', { driverId }, 'Driver');
  });

  it("reaches a server that speaks only 4.1 (or only 3.0) at its version, as testkit's era drivers do", async () => {
    for (const version of ['4.1', '3.0']) {
      h = await Harness.start(echo, 'Neo4j/4.1.0', [version]);
      const { sessionId } = await driverAndSession(h);
      const { id: resultId } = await h.expect(
        'SessionRun',
        { sessionId, cypher: 'RETURN 1' },
        'Result',
      );
      const s = await h.expect('ResultConsume', { resultId }, 'Summary');
      expect(s.serverInfo.protocolVersion).toBe(version);
      // the opening: magic, then [5.8–5.0], [4.4–4.2], 4.1 in a slot of its own (servers
      // before 4.3 read no ranges), 3.0
      const opening = h.recorder.log.find((e) => e.kind === 'out');
      expect(hex(opening?.bytes)).toBe('6060b017 00080805 00020404 00000104 00000003');
      await h.close();
      h = undefined;
    }
  });

  it('peeks without taking, and reads an optional single record', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    const run = async (cypherText: string) =>
      (
        await h!.expect(
          'SessionRun',
          { sessionId, cypher: cypherText, params: { x: cypher('CypherInt', 7) } },
          'Result',
        )
      ).id;
    const two = await run('TWO ROWS');
    for (let i = 0; i < 2; i++) {
      const peeked = await h.expect('ResultPeek', { resultId: two }, 'Record');
      const next = await h.expect('ResultNext', { resultId: two }, 'Record');
      expect(next.values).toEqual(peeked.values);
    }
    await h.expect('ResultPeek', { resultId: two }, 'NullRecord');
    const one = await h.expect(
      'ResultSingleOptional',
      { resultId: await run('ONE') },
      'RecordOptional',
    );
    expect(one).toEqual({ record: { values: [cypher('CypherInt', 7)] }, warnings: [] });
    const several = await h.request('ResultSingleOptional', { resultId: await run('TWO ROWS') });
    expect(several.name).toBe('DriverError');
  });

  it('keeps every Cypher type exact both ways (64-bit integers, whole floats, bytes, temporals)', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    const sent = {
      big: cypher('CypherInt', 9007199254740993n),
      min: cypher('CypherInt', -9223372036854775808n),
      whole: cypher('CypherFloat', 1),
      nan: cypher('CypherFloat', 'NaN'),
      inf: cypher('CypherFloat', '-Infinity'),
      text: cypher('CypherString', 'ünïcode ✓'),
      bytes: cypher('CypherBytes', '00 ff 10'),
      flag: cypher('CypherBool', true),
      nothing: cypher('CypherNull', null),
      list: cypher('CypherList', [cypher('CypherInt', 1), cypher('CypherString', 'a')]),
      map: cypher('CypherMap', { __proto__: cypher('CypherInt', 1) }),
      date: { name: 'CypherDate', data: { year: 2024, month: 2, day: 29 } },
      time: {
        name: 'CypherTime',
        data: { hour: 23, minute: 59, second: 58, nanosecond: 123456789, utc_offset_s: -3600 },
      },
      local: {
        name: 'CypherTime',
        data: { hour: 1, minute: 2, second: 3, nanosecond: 4, utc_offset_s: null },
      },
      zoned: {
        name: 'CypherDateTime',
        data: {
          year: 2022,
          month: 3,
          day: 27,
          hour: 12,
          minute: 30,
          second: 0,
          nanosecond: 0,
          utc_offset_s: 7200,
          timezone_id: 'Europe/Stockholm',
        },
      },
      duration: {
        name: 'CypherDuration',
        data: { months: 14, days: 3, seconds: 4, nanoseconds: 5 },
      },
      point: { name: 'CypherPoint', data: { system: 'wgs84', x: 1.5, y: 2.5, z: null } },
    };
    // the map key must survive as an ordinary key
    sent.map.data.value = JSON.parse('{"__proto__": {"name": "CypherInt", "data": {"value": 1}}}');
    const { id: resultId } = await h.expect(
      'SessionRun',
      { sessionId, cypher: 'ECHO', params: sent },
      'Result',
    );
    const { records } = await h.expect('ResultList', { resultId }, 'RecordList');
    const got = records[0].values;
    expect(got).toEqual(Object.values(sent));
  });

  it('reports a server failure as a DriverError whose id a managed transaction can fail with', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    const { id: resultId } = await h.expect(
      'SessionRun',
      { sessionId, cypher: 'FAIL', params: {} },
      'Result',
    );
    const err = await h.expect('ResultNext', { resultId }, 'DriverError');
    expect(err).toMatchObject({
      errorType: 'Neo4jError',
      code: 'Neo.ClientError.Statement.SyntaxError',
      msg: 'this query always fails',
      retryable: false,
      gqlStatus: expect.any(String),
      classification: expect.any(String),
    });
    expect(err.diagnosticRecord.OPERATION).toEqual(cypher('CypherString', ''));

    // the same error, named by id, ends a managed transaction without a retry
    h.send('SessionWriteTransaction', { sessionId });
    const t = await h.next();
    expect(t.name).toBe('RetryableTry');
    h.send('RetryableNegative', { sessionId, errorId: err.id });
    const end = await h.next();
    expect(end.name).toBe('DriverError');
    expect(end.data?.code).toBe('Neo.ClientError.Statement.SyntaxError');
  });

  it('runs a managed transaction: RetryableTry, queries, RetryablePositive, RetryableDone', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    h.send('SessionReadTransaction', { sessionId, txMeta: { app: cypher('CypherString', 'tk') } });
    const t = await h.next();
    expect(t.name).toBe('RetryableTry');
    const txId = t.data?.id;
    const { id: resultId } = await h.expect(
      'TransactionRun',
      { txId, cypher: 'RETURN $n', params: { n: cypher('CypherInt', 1) } },
      'Result',
    );
    const rec = await h.expect('ResultNext', { resultId }, 'Record');
    expect(rec.values).toEqual([cypher('CypherInt', 1)]);
    h.send('RetryablePositive', { sessionId });
    expect((await h.next()).name).toBe('RetryableDone');
    const bm = await h.expect('SessionLastBookmarks', { sessionId }, 'Bookmarks');
    expect(bm.bookmarks).toEqual(['bookmark:1']);
  });

  it("reports a managed transaction's failed query when its work commits, refuses the commit otherwise", async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    h.send('SessionWriteTransaction', { sessionId });
    const t = await h.next();
    expect(t.name).toBe('RetryableTry');
    // lazily run: the failure is not known when TransactionRun answers
    await h.expect('TransactionRun', { txId: t.data?.id, cypher: 'FAIL', params: {} }, 'Result');
    const err = await h.expect('TransactionCommit', { txId: t.data?.id }, 'DriverError');
    expect(err.code).toBe('Neo.ClientError.Statement.SyntaxError');
    h.send('RetryableNegative', { sessionId, errorId: err.id });
    expect((await h.next()).data?.code).toBe('Neo.ClientError.Statement.SyntaxError');

    h.send('SessionWriteTransaction', { sessionId });
    const t2 = await h.next();
    await h.expect(
      'TransactionRun',
      { txId: t2.data?.id, cypher: 'RETURN 1', params: {} },
      'Result',
    );
    const refused = await h.expect('TransactionCommit', { txId: t2.data?.id }, 'BackendError');
    expect(refused.msg).toMatch(/managed transaction cannot commit/);
    h.send('RetryablePositive', { sessionId });
    expect((await h.next()).name).toBe('RetryableDone');
  });

  it('answers FrontendError when the test code fails its transaction function', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h);
    h.send('SessionWriteTransaction', { sessionId });
    expect((await h.next()).name).toBe('RetryableTry');
    h.send('RetryableNegative', { sessionId, errorId: '' });
    expect((await h.next()).name).toBe('FrontendError');
  });

  it('retries a transient error: a second RetryableTry follows the RetryableNegative', async () => {
    h = await Harness.start(echo);
    const { sessionId } = await driverAndSession(h, { maxTxRetryTimeMs: 5000 });
    const { id: resultId } = await h.expect(
      'SessionRun',
      { sessionId, cypher: 'TRANSIENT', params: {} },
      'Result',
    );
    const err = await h.expect('ResultConsume', { resultId }, 'DriverError');
    expect(err.retryable).toBe(true);
    h.send('SessionWriteTransaction', { sessionId });
    expect((await h.next()).name).toBe('RetryableTry');
    h.send('RetryableNegative', { sessionId, errorId: err.id });
    expect((await h.next()).name).toBe('RetryableTry');
    h.send('RetryablePositive', { sessionId });
    expect((await h.next()).name).toBe('RetryableDone');
  });

  it('answers SessionBeginTransaction with the failure of BEGIN (EagerTransactionBegin)', async () => {
    h = await Harness.start({
      ...echo,
      begin() {
        throw new BoltError('no such database', {
          code: 'Neo.ClientError.Database.DatabaseNotFound',
        });
      },
    });
    expect(FEATURES).toContain('Optimization:EagerTransactionBegin');
    const { sessionId } = await driverAndSession(h);
    const err = await h.expect('SessionBeginTransaction', { sessionId }, 'DriverError');
    expect(err.code).toBe('Neo.ClientError.Database.DatabaseNotFound');
  });

  it('runs executeQuery and explicit transactions', async () => {
    h = await Harness.start(echo);
    const { driverId, sessionId } = await driverAndSession(h);
    const eager = await h.expect(
      'ExecuteQuery',
      {
        driverId,
        cypher: 'TWO ROWS',
        params: { a: cypher('CypherString', 'x') },
        config: { routing: 'r', bookmarkManagerId: -1 },
      },
      'EagerResult',
    );
    expect(eager.keys).toEqual(['a']);
    expect(eager.records).toEqual([
      { values: [cypher('CypherString', 'x')] },
      { values: [cypher('CypherString', 'x')] },
    ]);
    expect(eager.summary.queryType).toBe('r');

    const { id: txId } = await h.expect('SessionBeginTransaction', { sessionId }, 'Transaction');
    const { id: resultId } = await h.expect(
      'TransactionRun',
      { txId, cypher: 'RETURN 1', params: {} },
      'Result',
    );
    const single = await h.expect('ResultSingle', { resultId }, 'Record');
    expect(single.values).toEqual([]);
    await h.expect('TransactionCommit', { txId }, 'Transaction');
    const err = await h.expect('TransactionCommit', { txId }, 'DriverError');
    expect(err.msg).toMatch(/commit/);
  });

  it('asks testkit for bookmarks through a bookmark manager with a supplier', async () => {
    h = await Harness.start(echo);
    const { id: bmId } = await h.expect(
      'NewBookmarkManager',
      {
        initialBookmarks: ['bm:a'],
        bookmarksSupplierRegistered: true,
        bookmarksConsumerRegistered: false,
      },
      'BookmarkManager',
    );
    const { id: driverId } = await h.expect(
      'NewDriver',
      { uri: h.uri, authorizationToken: basicAuth },
      'Driver',
    );
    const { id: sessionId } = await h.expect(
      'NewSession',
      { driverId, accessMode: 'w', bookmarkManagerId: bmId },
      'Session',
    );
    const { id: resultId } = await h.expect(
      'SessionRun',
      { sessionId, cypher: 'RETURN 1', params: {} },
      'Result',
    );
    h.send('ResultConsume', { resultId });
    // asked once for the connection acquisition and once more for the RUN itself
    for (const supplied of ['bm:b', 'bm:c']) {
      const ask = await h.next();
      expect(ask).toEqual({ name: 'BookmarksSupplierRequest', data: expect.any(Object) });
      expect(ask.data?.bookmarkManagerId).toBe(bmId);
      h.send('BookmarksSupplierCompleted', { requestId: ask.data?.id, bookmarks: [supplied] });
    }
    expect((await h.next()).name).toBe('Summary');
  });

  it("asks testkit whether its auth token manager handles a security error, and reports testkit's answer", async () => {
    for (const handled of [true, false]) {
      h = await Harness.start(echo);
      const { id: managerId } = await h.expect('NewAuthTokenManager', {}, 'AuthTokenManager');
      const { id: driverId } = await h.expect(
        'NewDriver',
        { uri: h.uri, authTokenManagerId: managerId },
        'Driver',
      );
      const { id: sessionId } = await h.expect(
        'NewSession',
        { driverId, accessMode: 'r' },
        'Session',
      );
      const { id: resultId } = await h.expect(
        'SessionRun',
        { sessionId, cypher: 'UNAUTHORIZED', params: {} },
        'Result',
      );
      h.send('ResultNext', { resultId });
      const getAuth = await h.next();
      expect(getAuth.name).toBe('AuthTokenManagerGetAuthRequest');
      h.send('AuthTokenManagerGetAuthCompleted', { requestId: getAuth.data?.id, auth: basicAuth });
      const ask = await h.next();
      expect(ask.name).toBe('AuthTokenManagerHandleSecurityExceptionRequest');
      expect(ask.data).toMatchObject({
        authTokenManagerId: managerId,
        errorCode: 'Neo.ClientError.Security.Unauthorized',
      });
      h.send('AuthTokenManagerHandleSecurityExceptionCompleted', {
        requestId: ask.data?.id,
        handled,
      });
      const err = await h.next();
      expect(err.name).toBe('DriverError');
      expect(err.data).toMatchObject({
        code: 'Neo.ClientError.Security.Unauthorized',
        retryable: handled,
      });
      await h.close();
      h = undefined;
    }
  });

  it("expires a bearer token on testkit's frozen clock (Backend:MockTime)", async () => {
    h = await Harness.start(echo);
    const { id: managerId } = await h.expect(
      'NewBearerAuthTokenManager',
      {},
      'BearerAuthTokenManager',
    );
    const { id: driverId } = await h.expect(
      'NewDriver',
      { uri: h.uri, authTokenManagerId: managerId },
      'Driver',
    );
    expect((await h.request('FakeTimeInstall')).name).toBe('FakeTimeAck');
    let asked = 0;
    /** The next response of that name, answering the token provider requests on the way. */
    const until = async (name: string) => {
      for (;;) {
        const r = await h!.next();
        if (r.name !== 'BearerAuthTokenProviderRequest') {
          expect(r.name).toBe(name);
          return r.data ?? {};
        }
        asked++;
        expect(r.data?.bearerAuthTokenManagerId).toBe(managerId);
        const credentials = `t${asked}`;
        h!.send('BearerAuthTokenProviderCompleted', {
          requestId: r.data?.id,
          auth: {
            name: 'AuthTokenAndExpiration',
            data: {
              auth: { name: 'AuthorizationToken', data: { scheme: 'bearer', credentials } },
              expiresInMs: 10_000,
            },
          },
        });
      }
    };
    const runOnce = async () => {
      const { id: sessionId } = await h!.expect(
        'NewSession',
        { driverId, accessMode: 'w' },
        'Session',
      );
      h!.send('SessionRun', { sessionId, cypher: 'RETURN 1', params: {} });
      const { id: resultId } = await until('Result');
      h!.send('ResultConsume', { resultId });
      await until('Summary');
      await h!.expect('SessionClose', { sessionId }, 'Session');
    };
    await runOnce();
    expect(asked).toBe(1);
    // 9 s of frozen time: the token is still fresh, nobody is asked
    expect((await h.request('FakeTimeTick', { incrementMs: 9_000 })).name).toBe('FakeTimeAck');
    await runOnce();
    expect(asked).toBe(1);
    // 2 s more: past its 10 s, so the next acquisition asks for a new token (no real time passed)
    await h.request('FakeTimeTick', { incrementMs: 2_000 });
    await runOnce();
    expect(asked).toBe(2);
    expect((await h.request('FakeTimeUninstall')).name).toBe('FakeTimeAck');
    expect((await h.request('FakeTimeTick', { incrementMs: 1 })).name).toBe('BackendError');
  });

  it('answers BackendError for unknown requests, unknown ids and malformed JSON', async () => {
    h = await Harness.start(echo);
    expect((await h.request('NoSuchThing')).name).toBe('BackendError');
    expect((await h.request('ResultNext', { resultId: 404 })).name).toBe('BackendError');
    h.conn.push(new TextEncoder().encode('#request begin\n{"name": \n#request end\n'));
    const bad = await h.next();
    expect(bad.name).toBe('BackendError');
    // the connection still works afterwards
    expect((await h.request('GetFeatures')).name).toBe('FeatureList');
  });

  it('asks testkit to resolve a host name before dialing it', async () => {
    h = await Harness.start(echo);
    const port = h.uri.split(':').at(-1);
    const { id: driverId } = await h.expect(
      'NewDriver',
      {
        uri: `bolt://db.example:${port}`,
        authorizationToken: basicAuth,
        domainNameResolverRegistered: true,
      },
      'Driver',
    );
    h.send('VerifyConnectivity', { driverId });
    const ask = await h.next();
    expect(ask).toEqual({ name: 'DomainNameResolutionRequired', data: expect.any(Object) });
    expect(ask.data?.name).toBe('db.example');
    // the in-memory network tells listeners apart by port: any address reaches the server
    h.send('DomainNameResolutionCompleted', { requestId: ask.data?.id, addresses: ['10.1.2.3'] });
    expect((await h.next()).name).toBe('Driver');
  });

  it('refuses client certificates it cannot honour instead of ignoring them', async () => {
    h = await Harness.start(echo);
    const r = await h.request('NewDriver', {
      uri: h.uri,
      authorizationToken: basicAuth,
      clientCertificateProviderId: 1,
    });
    expect(r.name).toBe('BackendError');
  });

  it('asks testkit to resolve the router address, then reports the routing table', async () => {
    h = await Harness.start(echo);
    const address = h.uri.slice('bolt://'.length);
    const { id: driverId } = await h.expect(
      'NewDriver',
      {
        uri: 'neo4j://cluster.example:7687',
        authorizationToken: basicAuth,
        resolverRegistered: true,
      },
      'Driver',
    );
    h.send('ForcedRoutingTableUpdate', { driverId, database: 'neo4j', bookmarks: null });
    const ask = await h.next();
    expect(ask.name).toBe('ResolverResolutionRequired');
    expect(ask.data?.address).toBe('cluster.example:7687');
    h.send('ResolverResolutionCompleted', { requestId: ask.data?.id, addresses: [address] });
    expect((await h.next()).name).toBe('Driver');
    const rt = await h.expect('GetRoutingTable', { driverId, database: 'neo4j' }, 'RoutingTable');
    expect(rt.database).toBe('neo4j');
    expect(rt.routers.length).toBeGreaterThan(0);
    expect(rt.readers.length).toBeGreaterThan(0);
    expect(rt.ttl).toBeGreaterThan(0);
    await h.expect('VerifyConnectivity', { driverId }, 'Driver');
    const m = await h.expect(
      'GetConnectionPoolMetrics',
      { driverId, address: rt.readers[0] },
      'ConnectionPoolMetrics',
    );
    expect(m.inUse + m.idle).toBeGreaterThan(0);
  });
});

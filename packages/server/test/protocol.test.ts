import { readFileSync } from 'node:fs';
// Protocol behaviour driven with raw messages over an in-memory transport: pipelining,
// streaming with PULL n / qid / DISCARD, FAILED and IGNORED, RESET, violations, old versions.
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer, type ServerOptions } from '../src/index.js';
import { type DemoState, demoHandler, newDemoState, PASSWORD } from './support/demo-handler.js';
import { RawClient, type RawClientOptions } from './support/raw-client.js';

/** The default agent carries this package's real version. */
const AGENT = `BoltServer/${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}`;

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

function serve(options: Partial<ServerOptions> = {}, state: DemoState = newDemoState()) {
  const server = createServer({ handler: demoHandler(state), ...options });
  servers.push(server);
  return { server, state };
}

async function loggedIn(server: BoltServer, options?: RawClientOptions): Promise<RawClient> {
  const c = RawClient.overMemory(server, options);
  const hello = await c.login('neo4j', PASSWORD);
  expect(hello.map((r) => r.type)).toEqual(hello.map(() => 'SUCCESS'));
  return c;
}

const types = (rs: { type: string }[]) => rs.map((r) => r.type);
const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;
const fieldsOf = (r: unknown) => (r as { fields: unknown[] }).fields;

describe('a Bolt 5.8 conversation', () => {
  it('answers HELLO + LOGON with the agent, a connection id and hints', async () => {
    const { server } = serve({ recvTimeoutSeconds: 30, telemetry: true, serverSideRouting: true });
    const c = RawClient.overMemory(server);
    const [hello, logon] = await c.login('neo4j', PASSWORD);
    expect(meta(hello)).toEqual({
      server: AGENT,
      connection_id: 'bolt-1',
      hints: {
        'connection.recv_timeout_seconds': 30,
        'telemetry.enabled': true,
        'ssr.enabled': true,
      },
    });
    expect(meta(logon)).toEqual({});
  });

  it('answers pipelined messages sent in one packet, in order', async () => {
    const { server } = serve();
    const c = RawClient.overMemory(server);
    await c.negotiated();
    c.send(
      { type: 'HELLO', extra: { user_agent: 'x/1', bolt_agent: { product: 'x/1' } } },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'neo4j', credentials: PASSWORD } },
      { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: 'a' }, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: 'b' }, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(6);
    expect(types(rs)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
    ]);
    expect(meta(rs[2])).toEqual({ fields: ['x'], t_first: 0, db: 'neo4j' });
    expect(fieldsOf(rs[3])).toEqual(['a']);
    expect(fieldsOf(rs[6])).toEqual(['b']);
    expect(meta(rs[4])).toMatchObject({ type: 'r', db: 'neo4j' });
    // Nothing to report: the outcome status is left to the driver (as for pre-5.6 servers).
    expect(meta(rs[4])).not.toHaveProperty('statuses');
  });

  it('streams only as many records as PULL n asks, with has_more', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'UNWIND range(1, $n) AS i RETURN i', parameters: { n: 5 }, extra: {} },
      { type: 'PULL', extra: { n: 2 } },
    );
    let rs = await c.summaries(2);
    expect(types(rs)).toEqual(['SUCCESS', 'RECORD', 'RECORD', 'SUCCESS']);
    expect(meta(rs[3])).toEqual({ has_more: true });
    expect(state.produced).toBe(2);
    c.take();
    c.send({ type: 'PULL', extra: { n: 3 } });
    rs = await c.summaries(1);
    expect(rs.slice(0, 3).map(fieldsOf)).toEqual([[3], [4], [5]]);
    // The iterator is not asked beyond n, so the end is found by the next PULL.
    expect(meta(rs[3])).toEqual({ has_more: true });
    c.take();
    c.send({ type: 'PULL', extra: { n: 3 } });
    rs = await c.summaries(1);
    expect(types(rs)).toEqual(['SUCCESS']);
    expect(meta(rs[0])).toMatchObject({ bookmark: 'bm:range', type: 'r', db: 'neo4j' });
    expect(state.returned).toBe(0);
  });

  it('DISCARD stops the iterator', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server);
    c.send(
      {
        type: 'RUN',
        query: 'UNWIND range(1, $n) AS i RETURN i',
        parameters: { n: 1000 },
        extra: {},
      },
      { type: 'PULL', extra: { n: 10 } },
      { type: 'DISCARD', extra: { n: -1 } },
    );
    const rs = await c.summaries(3);
    expect(types(rs).filter((t) => t === 'RECORD')).toHaveLength(10);
    expect(meta(rs.at(-1))).toMatchObject({ bookmark: 'bm:range' });
    expect(state.produced).toBe(10);
    expect(state.returned).toBe(1);
  });

  it('serves several results in one transaction, pulled in any order by qid', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'BEGIN', extra: { db: 'movies', mode: 'r' } },
      { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: 'first' }, extra: {} },
      { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: 'second' }, extra: {} },
      { type: 'PULL', extra: { n: -1, qid: 0 } },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'COMMIT' },
    );
    const rs = await c.summaries(6);
    expect(types(rs)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(meta(rs[0])).toEqual({});
    expect(meta(rs[1])).toEqual({ fields: ['x'], t_first: 0, qid: 0 });
    expect(meta(rs[2])).toEqual({ fields: ['x'], t_first: 0, qid: 1 });
    expect(fieldsOf(rs[3])).toEqual(['first']);
    expect(fieldsOf(rs[5])).toEqual(['second']);
    expect(meta(rs[4])).not.toHaveProperty('bookmark');
    expect(meta(rs[7])).toEqual({ bookmark: 'bm:1' });
    expect(state.journal).toEqual([
      'auth:neo4j',
      'begin:movies:r',
      'run:RETURN $x AS x',
      'run:RETURN $x AS x',
      'commit',
    ]);
  });

  it('answers FAILURE in the 5.7+ shape, IGNORED while FAILED, and recovers with RESET', async () => {
    const { server } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'FAIL', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
    );
    await c.summaries(3);
    // RESET jumps the queue, so it is sent only once the earlier answers are in.
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(6);
    expect(types(rs)).toEqual([
      'FAILURE',
      'IGNORED',
      'IGNORED',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
    ]);
    expect(meta(rs[0])).toEqual({
      neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'Invalid input: FAIL',
      gql_status: '42001',
      description: 'error: syntax error or access rule violation - invalid syntax',
      diagnostic_record: {
        OPERATION: '',
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _classification: 'CLIENT_ERROR',
      },
    });
  });

  it('turns an error thrown while streaming into FAILURE after the records sent', async () => {
    const { server } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'FAIL_LATE', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(types(rs)).toEqual(['SUCCESS', 'RECORD', 'FAILURE']);
    expect(meta(rs[2]).neo4j_code).toBe('Neo.ClientError.Statement.ArithmeticError');
  });

  it('RESET interrupts a running handler: its signal fires, queued requests get IGNORED', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'HANG', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await new Promise((r) => setTimeout(r, 30));
    expect(c.responses).toHaveLength(0);
    c.send({ type: 'RESET' });
    const rs = await c.summaries(3);
    expect(types(rs)).toEqual(['IGNORED', 'IGNORED', 'SUCCESS']);
    expect(state.aborted).toEqual(['The work was interrupted by RESET.']);
    c.take();
    c.send(
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    expect(types(await c.summaries(2))).toEqual(['SUCCESS', 'RECORD', 'SUCCESS']);
  });

  it('RESET in the middle of a stream stops the iterator and rolls back the transaction', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'ASYNC_RANGE', parameters: { n: 1_000_000 }, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.until(() => c.responses.filter((r) => r.type === 'RECORD').length >= 5);
    c.send({ type: 'RESET' });
    await c.until(() => c.countSummaries() >= 4);
    const rs = c.take();
    const summaries = rs.filter((r) => r.type !== 'RECORD');
    expect(types(summaries)).toEqual(['SUCCESS', 'SUCCESS', 'IGNORED', 'SUCCESS']);
    expect(state.produced).toBeLessThan(1_000_000);
    expect(state.returned).toBe(1);
    expect(state.journal.at(-1)).toBe('rollback');
    expect(state.aborted).toEqual(['The work was interrupted by RESET.']);
  });

  it('treats a message out of place as a violation: FAILURE Request.Invalid, then close', async () => {
    const { server } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'PULL', extra: { n: -1 } },
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['FAILURE']);
    expect(meta(c.responses[0])).toMatchObject({
      neo4j_code: 'Neo.ClientError.Request.Invalid',
      message: "Message 'PULL' cannot be handled by a session in the READY state.",
    });
  });

  it('rejects an auth token whose scheme is not a string with Unauthorized, logging no internal error', async () => {
    const logged: string[] = [];
    const { server } = serve({
      logger: {
        info: (m) => logged.push(m),
        error: (m) => logged.push(`error: ${m}`),
      },
    });
    const c = RawClient.overMemory(server);
    await c.negotiated();
    c.send(
      { type: 'HELLO', extra: { user_agent: 'x/1', bolt_agent: { product: 'x/1' } } },
      // a map whose own keys make String() throw
      { type: 'LOGON', auth: { scheme: { toString: 1, valueOf: 2 } } as never },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'FAILURE']);
    expect(meta(c.responses[1]).neo4j_code).toBe('Neo.ClientError.Security.Unauthorized');
    expect(logged.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(logged.some((l) => l.endsWith('authentication rejected (scheme of type object)'))).toBe(
      true,
    );
  });

  it('rejects bad credentials with Unauthorized and closes', async () => {
    const { server } = serve();
    const c = RawClient.overMemory(server);
    await c.negotiated();
    c.send(
      { type: 'HELLO', extra: { user_agent: 'x/1', bolt_agent: { product: 'x/1' } } },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'neo4j', credentials: 'nope' } },
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'FAILURE']);
    expect(meta(c.responses[1]).neo4j_code).toBe('Neo.ClientError.Security.Unauthorized');
  });

  it('LOGOFF then LOGON re-authenticates as another user', async () => {
    const { server } = serve();
    const c = await loggedIn(server);
    c.send(
      { type: 'LOGOFF' },
      { type: 'LOGON', auth: { scheme: 'bearer', credentials: 'token-123' } },
      { type: 'RUN', query: 'WHOAMI', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(4);
    expect(types(rs)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS']);
    expect(fieldsOf(rs[3])).toEqual(['bearer']);
  });

  it('GOODBYE closes the connection without a reply', async () => {
    const { server } = serve();
    const c = await loggedIn(server);
    c.send({ type: 'GOODBYE' });
    await c.until(() => c.ended);
    expect(c.responses).toHaveLength(0);
    await c.until(() => server.connections === 0);
  });

  it('answers ROUTE with the default table (this server in every role)', async () => {
    const { server } = serve({ advertisedAddress: 'db.example:7687' });
    const c = await loggedIn(server);
    c.send({ type: 'ROUTE', routing: { address: 'x:1' }, bookmarks: [], db: null, impUser: null });
    const [r] = await c.summaries(1);
    expect(meta(r)).toEqual({
      rt: {
        ttl: 300,
        db: 'neo4j',
        servers: [
          { addresses: ['db.example:7687'], role: 'ROUTE' },
          { addresses: ['db.example:7687'], role: 'READ' },
          { addresses: ['db.example:7687'], role: 'WRITE' },
        ],
      },
    });
  });
});

describe('notifications', () => {
  const notification = {
    code: 'Neo.ClientNotification.Statement.CartesianProduct',
    title: 'Cartesian product',
    description: 'This query builds a cartesian product.',
    severity: 'WARNING',
    category: 'PERFORMANCE',
  };
  const handler = {
    run: () => ({ fields: ['n'], records: [[1]], summary: { notifications: [notification] } }),
  };

  it('go as statuses to 5.6+, as a client derives them from notifications (GQL order)', async () => {
    const server = createServer({ handler });
    servers.push(server);
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'x', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(meta(rs[2])).not.toHaveProperty('notifications');
    expect(meta(rs[2]).statuses).toEqual([
      {
        gql_status: '01N42',
        status_description: 'This query builds a cartesian product.',
        neo4j_code: notification.code,
        title: notification.title,
        description: notification.description,
        diagnostic_record: {
          OPERATION: '',
          OPERATION_CODE: '0',
          CURRENT_SCHEMA: '/',
          _severity: 'WARNING',
          _classification: 'PERFORMANCE',
        },
      },
      {
        gql_status: '00000',
        status_description: 'note: successful completion',
        diagnostic_record: { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' },
      },
    ]);
  });

  it('have the omitted-result outcome (00001) for a query without columns', async () => {
    const server = createServer({
      handler: {
        run: () => ({ fields: [], records: [], summary: { notifications: [notification] } }),
      },
    });
    servers.push(server);
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'x', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    const statuses = meta(rs.at(-1)).statuses as { gql_status: string }[];
    expect(statuses.map((s) => s.gql_status)).toEqual(['01N42', '00001']);
  });

  it('go as notifications before 5.6', async () => {
    const server = createServer({ handler });
    servers.push(server);
    const c = await loggedIn(server, { version: { major: 5, minor: 4 } });
    c.send(
      { type: 'RUN', query: 'x', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(meta(rs[2]).notifications).toEqual([notification]);
    expect(meta(rs[2])).not.toHaveProperty('statuses');
  });
});

describe('routing', () => {
  it('answers a malformed route() result with FAILURE, not a crash', async () => {
    const server = createServer({
      handler: { run: () => ({ fields: [] }), route: () => ({ ttl: 1 }) as never },
    });
    servers.push(server);
    const c = await loggedIn(server);
    c.send(
      { type: 'ROUTE', routing: {}, bookmarks: [], db: null, impUser: null },
      { type: 'RESET' },
    );
    const rs = await c.summaries(2);
    expect(types(rs)).toEqual(['IGNORED', 'SUCCESS']);
    c.take();
    c.send({ type: 'ROUTE', routing: {}, bookmarks: [], db: 'x', impUser: null });
    const [failure] = await c.summaries(1);
    expect(meta(failure)).toMatchObject({
      neo4j_code: 'Neo.DatabaseError.General.UnknownError',
      message: 'route() must return {ttl: number, servers: [{addresses: string[], role}]}.',
    });
  });

  it('answers the Bolt 4.0 routing procedure from route()', async () => {
    const server = createServer({
      handler: {
        run: () => ({ fields: [] }),
        route: (context) => ({
          ttl: 9,
          servers: [{ role: 'ROUTE', addresses: [`${context.database}:1`] }],
        }),
      },
    });
    servers.push(server);
    const c = await loggedIn(server, { version: { major: 4, minor: 0 } });
    c.send(
      {
        type: 'RUN',
        query: 'CALL dbms.routing.getRoutingTable($context, $database)',
        parameters: { context: {}, database: 'movies' },
        extra: { db: 'system' },
      },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(meta(rs[0]).fields).toEqual(['ttl', 'servers']);
    expect((rs[1] as { fields: unknown[] }).fields).toEqual([
      9,
      [{ addresses: ['movies:1'], role: 'ROUTE' }],
    ]);
  });
});

describe('older versions', () => {
  it('Bolt 4.4: echoes the utc patch and sends the 4.x FAILURE shape', async () => {
    const { server } = serve();
    const c = RawClient.overMemory(server, { version: { major: 4, minor: 4 } });
    await c.negotiated();
    c.send({
      type: 'HELLO',
      extra: {
        user_agent: 'x/1',
        scheme: 'basic',
        principal: 'neo4j',
        credentials: PASSWORD,
        patch_bolt: ['utc'],
      },
    });
    const [hello] = await c.summaries(1);
    expect(meta(hello)).toEqual({
      server: AGENT,
      connection_id: 'bolt-1',
      hints: {},
      patch_bolt: ['utc'],
    });
    c.take();
    c.send({ type: 'RUN', query: 'FAIL', parameters: {}, extra: {} });
    const [failure] = await c.summaries(1);
    expect(meta(failure)).toEqual({
      code: 'Neo.ClientError.Statement.SyntaxError',
      message: 'Invalid input: FAIL',
    });
  });

  it('Bolt 3: PULL_ALL, explicit transactions, t_first/t_last', async () => {
    const { server, state } = serve();
    const c = await loggedIn(server, { version: { major: 3, minor: 0 } });
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'UNWIND range(1, $n) AS i RETURN i', parameters: { n: 3 }, extra: {} },
      { type: 'PULL_ALL' },
      { type: 'COMMIT' },
    );
    const rs = await c.summaries(4);
    expect(types(rs)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'RECORD',
      'RECORD',
      'SUCCESS',
      'SUCCESS',
    ]);
    expect(meta(rs[1])).toEqual({ fields: ['i'], t_first: 0 });
    expect(meta(rs[5])).toHaveProperty('t_last');
    expect(meta(rs[5])).not.toHaveProperty('db');
    expect(meta(rs[6])).toEqual({ bookmark: 'bm:1' });
    expect(state.journal).toContain('commit');
  });

  for (const major of [1, 2]) {
    it(`Bolt ${major}: INIT, PULL_ALL, ACK_FAILURE and RUN "BEGIN"/"COMMIT"`, async () => {
      const { server, state } = serve();
      const c = RawClient.overMemory(server, { version: { major, minor: 0 } });
      const [init] = await c.login('neo4j', PASSWORD);
      expect(meta(init)).toEqual({ server: AGENT });
      c.send(
        { type: 'RUN', query: 'FAIL', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'ACK_FAILURE' },
        { type: 'RUN', query: 'BEGIN', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'RUN', query: 'COMMIT', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
      );
      const rs = await c.summaries(9);
      expect(types(rs)).toEqual([
        'FAILURE',
        'IGNORED',
        'SUCCESS',
        'SUCCESS',
        'SUCCESS',
        'SUCCESS',
        'RECORD',
        'SUCCESS',
        'SUCCESS',
        'SUCCESS',
      ]);
      expect(meta(rs[0])).toEqual({
        code: 'Neo.ClientError.Statement.SyntaxError',
        message: 'Invalid input: FAIL',
      });
      expect(meta(rs[3])).toEqual({ fields: [], result_available_after: 0 });
      expect(meta(rs[9])).toMatchObject({ bookmark: 'bm:1' });
      expect(state.journal.slice(1)).toEqual([
        'run:FAIL',
        'begin::w',
        'run:RETURN 1 AS n',
        'commit',
      ]);
    });
  }
});

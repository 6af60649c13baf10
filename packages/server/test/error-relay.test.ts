// Review: errors a gateway relays from the official driver keep their shape, once.
import neo4j from 'neo4j-driver';
import { afterEach, describe, expect, it } from 'vitest';
import { BoltError, type BoltServer, createServer } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;

/** Depth of the nested `cause` chain of a 5.7+ FAILURE. */
function causeDepth(m: Record<string, unknown>): number {
  let n = 0;
  for (let c = m.cause as Record<string, unknown> | undefined; c; c = c.cause as never) n++;
  return n;
}

describe("a Neo4jError relayed from neo4j-driver (a gateway's upstream error)", () => {
  it('is sent once, not repeated as its own cause', () => {
    const upstream = new neo4j.Neo4jError(
      'Invalid input',
      'Neo.ClientError.Statement.SyntaxError',
      '42001',
      'error: syntax error or access rule violation - invalid syntax',
    );
    const m = BoltError.from(upstream).toFailureMetadata({ gqlErrors: true });
    expect(m).toMatchObject({
      neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
      gql_status: '42001',
      message: 'Invalid input',
    });
    expect(causeDepth(m)).toBe(0);
  });

  it('keeps its own cause chain and diagnostic record', () => {
    const root = new neo4j.Neo4jError(
      'bad date',
      'Neo.ClientError.Statement.ArgumentError',
      '22007',
      'error: data exception - invalid date',
    );
    const upstream = new neo4j.Neo4jError(
      'query failed',
      'Neo.ClientError.Statement.ArgumentError',
      '22N00',
      'error: data exception - invalid value',
      {
        OPERATION: '',
        OPERATION_CODE: '0',
        CURRENT_SCHEMA: '/',
        _position: { offset: 1, line: 1, column: 2 },
      } as never,
      root as never,
    );
    const m = BoltError.from(upstream).toFailureMetadata({ gqlErrors: true });
    expect(causeDepth(m)).toBe(1);
    expect(m.cause).toMatchObject({ message: 'bad date', gql_status: '22007' });
    expect(m.diagnostic_record).toMatchObject({ _position: { offset: 1, line: 1, column: 2 } });
  });

  it('reaches a 5.7 client as one FAILURE with the upstream code', async () => {
    const server = createServer({
      handler: {
        run() {
          throw new neo4j.Neo4jError(
            'Unknown label',
            'Neo.ClientError.Statement.SyntaxError',
            '42001',
            'error: syntax error',
          );
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server, { version: { major: 5, minor: 7 } });
    await c.login();
    c.send({ type: 'RUN', query: 'x', parameters: {}, extra: {} });
    const [r] = await c.summaries(1);
    expect(r.type).toBe('FAILURE');
    expect(meta(r)).toMatchObject({
      neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
      gql_status: '42001',
    });
    expect(causeDepth(meta(r))).toBe(0);
    c.close();
  });
});

describe('a gateway: our server relaying the Neo4jError neo4j-driver got from upstream', () => {
  it('answers the upstream FAILURE (code, GQL status, diagnostic record) and stays usable', async () => {
    const { startTcpServer } = await import('./support/tcp-fixture.js');
    const upstream = await startTcpServer({
      handler: {
        run() {
          throw new BoltError('Invalid input', {
            code: 'Neo.ClientError.Statement.SyntaxError',
            gqlStatus: '42001',
            diagnosticRecord: { _position: { offset: 3, line: 1, column: 4 } },
          });
        },
      },
    });
    const driver = neo4j.driver(upstream.url(), neo4j.auth.basic('u', 'p'), {
      logging: { level: 'error', logger: () => undefined },
    });
    try {
      const gateway = createServer({
        handler: {
          async run(query) {
            if (query === 'RETURN 1') return { fields: ['x'], records: [[1]] };
            await driver.executeQuery(query);
            return { fields: [] };
          },
        },
      });
      servers.push(gateway);
      const c = RawClient.overMemory(gateway, { version: { major: 5, minor: 8 } });
      await c.login();
      c.send({ type: 'RUN', query: 'RETRUN 1', parameters: {}, extra: {} });
      const [r] = await c.summaries(1);
      expect(r.type).toBe('FAILURE');
      expect(meta(r)).toMatchObject({
        neo4j_code: 'Neo.ClientError.Statement.SyntaxError',
        gql_status: '42001',
        diagnostic_record: { _position: { offset: 3, line: 1, column: 4 } },
      });
      c.send(
        { type: 'RESET' },
        { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
        { type: 'PULL', extra: { n: -1 } },
      );
      await c.summaries(4);
      expect(c.ended).toBe(false);
      expect(c.responses.map((x) => x.type)).toEqual([
        'FAILURE',
        'SUCCESS',
        'SUCCESS',
        'RECORD',
        'SUCCESS',
      ]);
      c.close();
    } finally {
      await driver.close();
      await upstream.close();
    }
  });
});

describe('a FAILURE whose details cannot be encoded', () => {
  it('is still sent, with code and message, and the connection stays usable', async () => {
    const server = createServer({
      handler: {
        run(query) {
          if (query === 'RETURN 1') return { fields: ['x'], records: [[1]] };
          throw new BoltError('odd details', {
            code: 'Neo.ClientError.Statement.ArgumentError',
            diagnosticRecord: { _detail: Symbol('not encodable') },
          });
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server, { version: { major: 5, minor: 8 } });
    await c.login();
    c.send({ type: 'RUN', query: 'x', parameters: {}, extra: {} });
    const [r] = await c.summaries(1);
    expect(r?.type).toBe('FAILURE');
    expect(meta(r)).toMatchObject({
      neo4j_code: 'Neo.ClientError.Statement.ArgumentError',
      message: 'odd details',
    });
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(4);
    expect(c.responses.map((x) => x.type)).toEqual([
      'FAILURE',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
    ]);
    c.close();
  });
});

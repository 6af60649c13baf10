// Review: failures from handler code in every place it can throw (lazily inside a stream, in
// route() on old versions, in an async telemetry hook), results in transactions, and how an
// abandoned transaction ends.
import { afterEach, describe, expect, it } from 'vitest';
import { BoltError, type BoltServer, createServer, type Handler } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

function serve(handler: Handler, options: Record<string, unknown> = {}): BoltServer {
  const server = createServer({ handler, ...options });
  servers.push(server);
  return server;
}

const types = (rs: { type: string }[]) => rs.map((r) => r.type);
const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;
const tick = () => new Promise((r) => setTimeout(r, 20));

/** A handler whose results count the iterators stopped, and a journal of tx hooks. */
function journaled() {
  const journal: string[] = [];
  let returned = 0;
  const handler: Handler = {
    run(query) {
      if (query === 'FAIL LATE')
        return {
          fields: ['n'],
          records: (async function* () {
            yield [1];
            yield [2];
            throw new BoltError('the disk is on fire', { code: 'Neo.DatabaseError.General.Fire' });
          })(),
        };
      const n = Number(query.replace(/\D/g, '') || 3);
      return {
        fields: ['n'],
        records: {
          [Symbol.iterator]() {
            let i = 0;
            return {
              next: () =>
                i < n ? { done: false, value: [i++] } : { done: true, value: undefined },
              return: () => {
                returned++;
                return { done: true, value: undefined };
              },
            };
          },
        },
        summary: () => {
          journal.push(`summary:${query}`);
          return {};
        },
      };
    },
    begin: () => void journal.push('begin'),
    commit: () => {
      journal.push('commit');
      return 'bm:1';
    },
    rollback: () => void journal.push('rollback'),
  };
  return { handler, journal, returned: () => returned };
}

describe('a handler error thrown from inside the record iterator', () => {
  it('auto-commit: FAILURE after the records already sent, then FAILED until RESET', async () => {
    const { handler } = journaled();
    const c = RawClient.overMemory(serve(handler));
    await c.login();
    c.send(
      { type: 'RUN', query: 'FAIL LATE', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'RUN', query: 'RETURN 3', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(4);
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(7);
    expect(types(c.responses)).toEqual([
      'SUCCESS',
      'RECORD',
      'RECORD',
      'FAILURE',
      'IGNORED',
      'IGNORED',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
    ]);
    expect(meta(c.responses[3])).toMatchObject({ neo4j_code: 'Neo.DatabaseError.General.Fire' });
    c.close();
  });

  it('in a transaction: COMMIT is IGNORED and the RESET rolls back exactly once', async () => {
    const { handler, journal } = journaled();
    const c = RawClient.overMemory(serve(handler));
    await c.login();
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'FAIL LATE', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: 1 } },
      { type: 'PULL', extra: { n: 5 } },
      { type: 'COMMIT' },
    );
    await c.summaries(5);
    c.send({ type: 'RESET' });
    await c.summaries(6);
    expect(types(c.responses)).toEqual([
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
      'RECORD',
      'FAILURE',
      'IGNORED',
      'SUCCESS',
    ]);
    expect(meta(c.responses[3])).toEqual({ has_more: true });
    await tick();
    expect(journal).toEqual(['begin', 'rollback']);
    c.close();
  });
});

describe('several results in one transaction', () => {
  it('PULL n across batches, DISCARD of an earlier one, qid -1 = the last; one summary each', async () => {
    const { handler, journal, returned } = journaled();
    const c = RawClient.overMemory(serve(handler));
    await c.login();
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'RETURN 5', parameters: {}, extra: {} },
      { type: 'RUN', query: 'RETURN 4', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: 2, qid: 0 } },
      { type: 'PULL', extra: { n: 3, qid: -1 } },
      { type: 'DISCARD', extra: { n: -1, qid: 0 } },
      { type: 'PULL', extra: { n: 3 } },
      { type: 'COMMIT' },
    );
    await c.summaries(8);
    const rs = c.take();
    expect(types(rs)).toEqual([
      'SUCCESS', // BEGIN
      'SUCCESS', // RUN qid 0
      'SUCCESS', // RUN qid 1
      'RECORD',
      'RECORD',
      'SUCCESS', // has_more (qid 0)
      'RECORD',
      'RECORD',
      'RECORD',
      'SUCCESS', // has_more (qid 1)
      'SUCCESS', // DISCARD qid 0
      'RECORD',
      'SUCCESS', // qid 1 done
      'SUCCESS', // COMMIT
    ]);
    expect(
      rs.filter((r) => r.type === 'RECORD').map((r) => (r as { fields: unknown[] }).fields),
    ).toEqual([[0], [1], [0], [1], [2], [3]]);
    expect(meta(rs[5])).toEqual({ has_more: true });
    expect(meta(rs[9])).toEqual({ has_more: true });
    expect(meta(rs[10])).not.toHaveProperty('has_more');
    expect(meta(rs[13])).toEqual({ bookmark: 'bm:1' });
    expect(journal).toEqual(['begin', 'summary:RETURN 5', 'summary:RETURN 4', 'commit']);
    // return() stops the discarded result; the exhausted one needs none.
    expect(returned()).toBe(1);
    c.close();
  });

  it('COMMIT with a result still open is refused and the transaction rolled back once', async () => {
    const { handler, journal, returned } = journaled();
    const c = RawClient.overMemory(serve(handler));
    await c.login();
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'RETURN 5', parameters: {}, extra: {} },
      { type: 'COMMIT' },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE']);
    expect(meta(c.responses[2])).toMatchObject({ neo4j_code: 'Neo.ClientError.Request.Invalid' });
    await tick();
    expect(journal).toEqual(['begin', 'rollback']);
    expect(returned()).toBe(1);
  });

  it('GOODBYE in a transaction stops its results and rolls back once', async () => {
    const { handler, journal, returned } = journaled();
    const c = RawClient.overMemory(serve(handler));
    await c.login();
    c.send(
      { type: 'BEGIN', extra: {} },
      { type: 'RUN', query: 'RETURN 5', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: 1 } },
      { type: 'GOODBYE' },
    );
    await c.until(() => c.ended);
    await tick();
    expect(journal).toEqual(['begin', 'rollback']);
    expect(returned()).toBe(1);
  });
});

describe('handler hooks that throw where the server did not expect it', () => {
  it('route() throwing on Bolt 4.0 (routing procedure) answers FAILURE; the connection survives', async () => {
    const server = serve({
      run: () => ({ fields: ['x'], records: [[1]] }),
      route() {
        throw new BoltError('no routing here', {
          code: 'Neo.ClientError.Procedure.ProcedureNotFound',
        });
      },
    });
    const c = RawClient.overMemory(server, { version: { major: 4, minor: 0 } });
    await c.login();
    c.send(
      {
        type: 'RUN',
        query: 'CALL dbms.routing.getRoutingTable($context, $database)',
        parameters: { context: {}, database: null },
        extra: { db: 'system' },
      },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(2);
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(5);
    expect(types(c.responses)).toEqual([
      'FAILURE',
      'IGNORED',
      'SUCCESS',
      'SUCCESS',
      'RECORD',
      'SUCCESS',
    ]);
    expect(meta(c.responses[0])).toMatchObject({
      code: 'Neo.ClientError.Procedure.ProcedureNotFound',
    });
    c.close();
  });

  it('an async telemetry hook that rejects is logged, never an unhandled rejection', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (e: unknown) => unhandled.push(e);
    process.on('unhandledRejection', onUnhandled);
    const warnings: string[] = [];
    try {
      const server = serve(
        {
          run: () => ({ fields: [] }),
          async telemetry() {
            throw new Error('metrics backend down');
          },
        },
        { telemetry: true, logger: { warn: (m: string) => warnings.push(m) } },
      );
      const c = RawClient.overMemory(server, { version: { major: 5, minor: 4 } });
      await c.login();
      c.send({ type: 'TELEMETRY', api: 1 });
      await c.summaries(1);
      expect(types(c.responses)).toEqual(['SUCCESS']);
      await tick();
      expect(unhandled).toEqual([]);
      expect(warnings.some((w) => w.includes('telemetry'))).toBe(true);
      c.close();
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});

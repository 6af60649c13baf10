// Review: Bolt 1–2 transactions (`RUN "BEGIN"`), where ACK_FAILURE is the way out of FAILED, and
// re-authentication on 5.1+.

import { ManualClock } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { BoltError, type BoltServer, createServer, type Handler } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const types = (rs: { type: string }[]) => rs.map((r) => r.type);
const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;

function journaled() {
  const journal: string[] = [];
  const handler: Handler = {
    authenticate: (token) =>
      token.credentials === 'bad' ? undefined : { name: String(token.principal) },
    run(query, _p, context) {
      journal.push(`run:${query}`);
      if (query === 'FAIL')
        throw new BoltError('no', { code: 'Neo.ClientError.Statement.SyntaxError' });
      return { fields: ['user'], records: [[(context.user as { name: string }).name]] };
    },
    begin: () => void journal.push('begin'),
    commit: () => {
      journal.push('commit');
      return 'bm:1';
    },
    rollback: () => void journal.push('rollback'),
  };
  const server = createServer({ handler });
  servers.push(server);
  return { server, journal };
}

for (const major of [1, 2]) {
  describe(`Bolt ${major}.0 transactions`, () => {
    it('a failure inside RUN "BEGIN" … kills the transaction: ACK_FAILURE rolls it back, COMMIT finds none', async () => {
      const { server, journal } = journaled();
      const c = RawClient.overMemory(server, { version: { major, minor: 0 } });
      await c.login();
      c.send(
        { type: 'RUN', query: 'BEGIN', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'RUN', query: 'FAIL', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'ACK_FAILURE' },
        { type: 'RUN', query: 'COMMIT', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'ACK_FAILURE' },
      );
      await c.summaries(8);
      expect(types(c.responses)).toEqual([
        'SUCCESS',
        'SUCCESS',
        'FAILURE',
        'IGNORED',
        'SUCCESS',
        'FAILURE',
        'IGNORED',
        'SUCCESS',
      ]);
      expect(journal).toEqual(['begin', 'run:FAIL', 'rollback']);
      c.close();
    });

    it('a nested RUN "BEGIN" fails instead of silently replacing the open transaction', async () => {
      const { server, journal } = journaled();
      const c = RawClient.overMemory(server, { version: { major, minor: 0 } });
      await c.login();
      c.send(
        { type: 'RUN', query: 'BEGIN', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'RUN', query: 'BEGIN', parameters: {}, extra: {} },
        { type: 'PULL_ALL' },
        { type: 'ACK_FAILURE' },
      );
      await c.summaries(5);
      expect(types(c.responses)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE', 'IGNORED', 'SUCCESS']);
      expect(journal).toEqual(['begin', 'rollback']);
      c.close();
    });
  });
}

describe('LOGOFF / LOGON (5.1+)', () => {
  it('the new user is the one in every later context and connection info', async () => {
    const { server } = journaled();
    const c = RawClient.overMemory(server, { version: { major: 5, minor: 3 } });
    await c.login('alice', 'pw');
    c.send(
      { type: 'RUN', query: 'WHO', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'LOGOFF' },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'bob', credentials: 'pw' } },
      { type: 'RUN', query: 'WHO', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(6);
    const records = c.responses.filter((r) => r.type === 'RECORD');
    expect(records.map((r) => (r as { fields: unknown[] }).fields)).toEqual([['alice'], ['bob']]);
    c.close();
  });

  it('a rejected LOGON after LOGOFF closes the connection, as Neo4j does', async () => {
    const { server } = journaled();
    const c = RawClient.overMemory(server, { version: { major: 5, minor: 3 } });
    await c.login('alice', 'pw');
    c.send(
      { type: 'LOGOFF' },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'bob', credentials: 'bad' } },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'FAILURE']);
    expect(meta(c.responses[1])).toMatchObject({ code: 'Neo.ClientError.Security.Unauthorized' });
  });
});

describe('handshakeTimeoutMs after LOGOFF', () => {
  function quick(clock: ManualClock) {
    const server = createServer({
      handler: { run: () => ({ fields: [] }) },
      handshakeTimeoutMs: 100,
      clock,
    });
    servers.push(server);
    return server;
  }
  /** A macrotask: lets the memory transport deliver what was written (not a timed wait). */
  const turn = () => new Promise((r) => setImmediate(r));

  it('drops a client that logs off and never logs on again', async () => {
    const clock = new ManualClock();
    const c = RawClient.overMemory(quick(clock), { version: { major: 5, minor: 3 } });
    await c.login();
    clock.advance(1000); // authenticated: the first deadline is gone
    c.send({ type: 'LOGOFF' });
    await c.summaries(1);
    clock.advance(99);
    await turn();
    expect(c.ended).toBe(false);
    clock.advance(1);
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS']);
  });

  it('keeps a client that logs on again in time', async () => {
    const clock = new ManualClock();
    const c = RawClient.overMemory(quick(clock), { version: { major: 5, minor: 3 } });
    await c.login();
    c.send(
      { type: 'LOGOFF' },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'b', credentials: 'pw' } },
    );
    await c.summaries(2);
    clock.advance(250);
    await turn();
    expect(c.ended).toBe(false);
    c.close();
  });
});

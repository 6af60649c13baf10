// The read-only view of a connection handed to every hook: what it lists, spreads and
// serialises, that it reads the live state, and that it cannot be changed.
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, type ConnectionInfo, createServer } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const FIELDS = [
  'id',
  'listener',
  'remoteAddress',
  'localAddress',
  'encrypted',
  'protocolVersion',
  'userAgent',
  'boltAgent',
  'routing',
  'user',
  'state',
];

describe('the connection view handed to hooks', () => {
  it('lists, spreads and serialises its eleven fields, read live, and is frozen', async () => {
    const seen: { at: string; view: ConnectionInfo; copy: Record<string, unknown> }[] = [];
    const server = createServer({
      handler: {
        authenticate(token, connection) {
          seen.push({ at: 'auth', view: connection, copy: { ...connection } });
          return { name: String(token.principal) };
        },
        run(_query, _parameters, context) {
          seen.push({ at: 'run', view: context.connection, copy: { ...context.connection } });
          return { fields: ['n'], records: [[1]] };
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login('alice', 'pw');
    c.send(
      { type: 'RUN', query: 'RETURN 1', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(2);

    const [auth, run] = seen;
    // one view per connection, whose getters read the session as it is now
    expect(run.view).toBe(auth.view);
    const view = run.view;
    expect(Object.keys(view)).toEqual(FIELDS);
    expect(auth.copy).toMatchObject({
      id: 'bolt-1',
      listener: 'memory',
      encrypted: false,
      protocolVersion: expect.stringMatching(/^\d+\.\d+$/),
      userAgent: 'raw/1.0',
      boltAgent: { product: 'raw/1.0' },
      user: undefined,
      state: 'AUTHENTICATION',
    });
    expect(Object.keys(auth.copy)).toEqual(FIELDS);
    expect(run.copy).toMatchObject({ user: { name: 'alice' }, state: 'READY' });
    // read now, after the stream ended
    expect(view.state).toBe('READY');
    expect(view.user).toEqual({ name: 'alice' });
    expect(JSON.parse(JSON.stringify(view))).toEqual(JSON.parse(JSON.stringify(run.copy)));
    expect(Object.isFrozen(view)).toBe(true);
    expect(() => {
      (view as { extra?: number }).extra = 1;
    }).toThrow(TypeError);
    expect(
      Object.getOwnPropertySymbols(view).every(
        (s) => !Object.getOwnPropertyDescriptor(view, s)?.enumerable,
      ),
    ).toBe(true);
    c.close();
  });
});

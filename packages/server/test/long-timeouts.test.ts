// Review: durations beyond what setTimeout can hold (2^31 - 1 ms, about 24.8 days). Node turns
// such a delay into 1 ms, so "a very long timeout" used to mean "at once".
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer, type ServerOptions } from '../src/index.js';
import { RawClient } from './support/raw-client.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const types = (rs: { type: string }[]) => rs.map((r) => r.type);

function serve(options: Partial<ServerOptions> = {}): BoltServer {
  const server = createServer({
    handler: {
      run: (query) => ({
        fields: ['i'],
        records: query === 'TEN' ? Array.from({ length: 10 }, (_, i) => [i]) : [[0]],
      }),
    },
    ...options,
  });
  servers.push(server);
  return server;
}

describe('timeouts longer than setTimeout can hold', () => {
  it('handshakeTimeoutMs of 30 days does not drop a client at once', async () => {
    const server = serve({ handshakeTimeoutMs: 30 * 24 * 3600 * 1000 });
    const c = RawClient.overMemory(server);
    await c.negotiated();
    await sleep(50);
    expect(c.ended).toBe(false);
    expect(types(await c.login())).toEqual(['SUCCESS', 'SUCCESS']);
    c.close();
  });

  it('idleTimeoutMs of 30 days keeps an idle connection', async () => {
    const server = serve({ idleTimeoutMs: 30 * 24 * 3600 * 1000 });
    const c = RawClient.overMemory(server);
    await c.login();
    await sleep(50);
    expect(c.ended).toBe(false);
    c.close();
  });

  it('keepAliveIntervalMs of 30 days sends no NOOP flood', async () => {
    const server = createServer({
      recvTimeoutSeconds: 3600,
      keepAliveIntervalMs: 30 * 24 * 3600 * 1000,
      handler: {
        async run() {
          await sleep(60);
          return { fields: ['x'], records: [[1]] };
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login();
    c.send(
      { type: 'RUN', query: 'x', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(2);
    expect(c.noops).toBe(0);
    c.close();
  });

  it('close({graceMs: Infinity}) waits for the open result instead of aborting it at once', async () => {
    const server = serve();
    const c = RawClient.overMemory(server);
    await c.login();
    c.send(
      { type: 'RUN', query: 'TEN', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: 5 } },
    );
    await c.summaries(2);
    const closing = server.close({ graceMs: Number.POSITIVE_INFINITY });
    await sleep(50);
    expect(c.ended).toBe(false);
    c.send({ type: 'PULL', extra: { n: -1 } });
    await c.until(() => c.ended);
    await closing;
    expect(c.responses.filter((r) => r.type === 'RECORD')).toHaveLength(10);
  });
});

// Raw-byte edge cases and limits: split writes, garbage, unsupported versions, oversized
// messages, timeouts, connection limits, keep-alives, graceful close, logging, back-pressure.
import { createConnection } from 'node:net';
import { ChunkWriter } from '@bolt/chunking';
import { memoryPair, type Transport } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import { encodeClientHandshake, MessageCodec, type Request } from '@bolt/parser';
import { ManualClock } from '@bolt/test-support';
import { afterEach, describe, expect, it } from 'vitest';
import { type BoltServer, createServer, type ServerOptions } from '../src/index.js';
import { type DemoState, demoHandler, newDemoState, PASSWORD } from './support/demo-handler.js';
import { RawClient } from './support/raw-client.js';
import { rawPair } from './support/raw-pair.js';
import { startTcpServer } from './support/tcp-fixture.js';

const servers: BoltServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close({ graceMs: 50 })));
});

function serve(options: Partial<ServerOptions> = {}, state: DemoState = newDemoState()) {
  const server = createServer({ handler: demoHandler(state), ...options });
  servers.push(server);
  return { server, state };
}

const types = (rs: { type: string }[]) => rs.map((r) => r.type);

async function loggedIn(server: BoltServer): Promise<RawClient> {
  const c = RawClient.overMemory(server);
  await c.login('neo4j', PASSWORD);
  return c;
}
const meta = (r: unknown) => (r as { metadata: Record<string, unknown> }).metadata;

async function until(predicate: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

function frames(version: { major: number; minor: number }, ...requests: Request[]): Uint8Array {
  const codec = new MessageCodec({ version });
  const w = new ChunkWriter();
  for (const r of requests) codec.encodeRequest(r, w);
  return w.flush();
}

const V58 = { major: 5, minor: 8 };
const LOGIN: Request[] = [
  { type: 'HELLO', extra: { user_agent: 'x/1', bolt_agent: { product: 'x/1' } } },
  { type: 'LOGON', auth: { scheme: 'basic', principal: 'neo4j', credentials: PASSWORD } },
];

describe('raw bytes', () => {
  it('handles a conversation delivered one byte per write', async () => {
    const { server } = serve();
    const [client, serverEnd] = memoryPair();
    server.accept(serverEnd);
    const c = new RawClient(client, { version: V58 });
    await c.negotiated();
    const bytes = frames(
      V58,
      ...LOGIN,
      { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: 'é' }, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    for (const b of bytes) client.write(Uint8Array.of(b));
    const rs = await c.summaries(4);
    expect(types(rs)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS']);
    expect((rs[3] as { fields: unknown[] }).fields).toEqual(['é']);
  });

  it('negotiates even when the handshake itself arrives one byte at a time', async () => {
    const { server } = serve();
    const { client, received } = rawPair(server);
    for (const b of encodeClientHandshake([{ major: 4, minor: 4, range: 2 }]))
      client.write(Uint8Array.of(b));
    await until(() => received.length >= 4);
    expect(received).toEqual([0, 0, 4, 4]);
  });

  it('answers "no common version" with 00 00 00 00 and closes', async () => {
    const { server } = serve();
    const { client, received, state } = rawPair(server);
    client.write(
      encodeClientHandshake([
        { major: 9, minor: 9 },
        { major: 7, minor: 0 },
      ]),
    );
    await until(() => state.ended);
    expect(received).toEqual([0, 0, 0, 0]);
  });

  it('drops a client that does not start with the Bolt magic', async () => {
    const { server } = serve();
    const { client, received, state } = rawPair(server);
    client.write(new TextEncoder().encode('GET / HTTP/1.1\r\n\r\n'));
    await until(() => state.ended);
    expect(received).toEqual([]);
  });

  it('answers garbage after the handshake with FAILURE Request.Invalid and closes', async () => {
    const { server } = serve();
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    c.sendBytes([0x00, 0x03, 0xb1, 0x99, 0xff, 0x00, 0x00]);
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['FAILURE']);
    expect(meta(c.responses[0]).neo4j_code).toBe('Neo.ClientError.Request.Invalid');
    expect(String(meta(c.responses[0]).message)).toMatch(/^Invalid message: /);
  });

  it('answers requests sent before the client half-closed, then closes', async () => {
    const { server } = serve();
    const [client, serverEnd] = memoryPair();
    server.accept(serverEnd);
    const c = new RawClient(client, { version: V58 });
    await c.negotiated();
    client.write(
      frames(
        V58,
        ...LOGIN,
        { type: 'RUN', query: 'HANG_NOT', parameters: {}, extra: {} },
        { type: 'PULL', extra: { n: -1 } },
      ),
    );
    client.end();
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS']);
    await until(() => server.connections === 0);
  });

  it('rejects a message over maxMessageSize, after answering the ones before it', async () => {
    const { server } = serve({ maxMessageSize: 1024 });
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    c.send(
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
      { type: 'RUN', query: 'x'.repeat(5000), parameters: {}, extra: {} },
    );
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS', 'RECORD', 'SUCCESS', 'FAILURE']);
    expect(meta(c.responses[3])).toMatchObject({
      neo4j_code: 'Neo.ClientError.Request.Invalid',
      message: 'Message too large: the limit is 1024 bytes.',
    });
  });
});

describe('limits and timers', () => {
  /** A macrotask: lets the memory transport deliver what was written (not a timed wait). */
  const turn = () => new Promise((r) => setImmediate(r));

  it('drops a client that never finishes the handshake', async () => {
    const clock = new ManualClock();
    const { server } = serve({ handshakeTimeoutMs: 50, clock });
    const { client, state } = rawPair(server);
    client.write(Uint8Array.of(0x60, 0x60, 0xb0, 0x17));
    await turn();
    clock.advance(49);
    await turn();
    expect(state.ended).toBe(false);
    clock.advance(1);
    await until(() => state.ended);
    await until(() => server.connections === 0);
  });

  it('drops a client that negotiates but never authenticates', async () => {
    const clock = new ManualClock();
    const { server } = serve({ handshakeTimeoutMs: 80, clock });
    const c = RawClient.overMemory(server);
    await c.negotiated();
    c.send({ type: 'HELLO', extra: { user_agent: 'x/1', bolt_agent: { product: 'x/1' } } });
    await c.summaries(1);
    clock.advance(80);
    await c.until(() => c.ended);
    expect(types(c.responses)).toEqual(['SUCCESS']);
  });

  it('keeps an authenticated connection past the handshake timeout', async () => {
    const clock = new ManualClock();
    const { server } = serve({ handshakeTimeoutMs: 50, clock });
    const c = await loggedIn(server);
    clock.advance(120);
    await turn();
    expect(c.ended).toBe(false);
    c.send({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} });
    expect(types(await c.summaries(1))).toEqual(['SUCCESS']);
    c.close(); // a result is open: the manual clock would never end the shutdown grace period
  });

  it('closes a connection idle for idleTimeoutMs', async () => {
    const clock = new ManualClock();
    const { server } = serve({ idleTimeoutMs: 60, clock });
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    clock.advance(59);
    await turn();
    expect(c.ended).toBe(false);
    clock.advance(1);
    await c.until(() => c.ended);
    expect(c.responses).toHaveLength(0);
  });

  it('refuses connections beyond maxConnections', async () => {
    const { server } = serve({ maxConnections: 1 });
    const first = RawClient.overMemory(server);
    await first.login('neo4j', PASSWORD);
    const second = rawPair(server);
    await until(() => second.state.ended);
    expect(server.connections).toBe(1);
    first.send({ type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} });
    expect(types(await first.summaries(1))).toEqual(['SUCCESS']);
  });

  it('pauses reading above maxQueuedRequests and resumes, losing nothing', async () => {
    const { server } = serve({ maxQueuedRequests: 3 });
    const c = await loggedIn(server);
    const requests: Request[] = [];
    for (let i = 0; i < 50; i++)
      requests.push(
        { type: 'RUN', query: 'RETURN $x AS x', parameters: { x: i }, extra: {} },
        { type: 'PULL', extra: { n: -1 } },
      );
    c.send(...requests);
    const rs = await c.summaries(100);
    expect(
      rs.filter((r) => r.type === 'RECORD').map((r) => (r as { fields: unknown[] }).fields[0]),
    ).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(rs.filter((r) => r.type === 'SUCCESS')).toHaveLength(100);
  });

  it('sends NOOP keep-alives while a handler is busy', async () => {
    const clock = new ManualClock();
    const state = newDemoState();
    const base = demoHandler(state);
    let finish!: () => void;
    let started!: () => void;
    const running = new Promise<void>((r) => {
      started = r;
    });
    const server = createServer({
      recvTimeoutSeconds: 1,
      keepAliveIntervalMs: 20,
      clock,
      handler: {
        ...base,
        async run(query, parameters, context) {
          if (query === 'SLOW') {
            started();
            await new Promise<void>((r) => {
              finish = r;
            });
            return { fields: ['done'], records: [[true]] };
          }
          return base.run(query, parameters, context);
        },
      },
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    const [hello] = await c.login('neo4j', PASSWORD);
    expect(meta(hello).hints).toMatchObject({ 'connection.recv_timeout_seconds': 1 });
    c.send(
      { type: 'RUN', query: 'SLOW', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await running;
    await turn();
    expect(c.noops).toBe(0);
    clock.advance(19);
    expect(c.noops).toBe(0);
    clock.advance(1);
    await c.until(() => c.noops === 1);
    clock.advance(40);
    await c.until(() => c.noops === 3);
    finish();
    await c.summaries(2);
    clock.advance(100);
    await turn();
    expect(c.noops).toBe(3);
  });

  it('close() lets an open result finish within the grace period, then closes', async () => {
    const { server, state } = serve();
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    c.send(
      { type: 'RUN', query: 'UNWIND range(1, $n) AS i RETURN i', parameters: { n: 10 }, extra: {} },
      { type: 'PULL', extra: { n: 5 } },
    );
    await c.summaries(2);
    const closing = server.close({ graceMs: 5000 });
    await new Promise((r) => setTimeout(r, 20));
    expect(c.ended).toBe(false);
    c.send({ type: 'PULL', extra: { n: -1 } });
    await c.until(() => c.ended);
    await closing;
    expect(c.responses.filter((r) => r.type === 'RECORD')).toHaveLength(10);
    expect(state.returned).toBe(0);
    expect(server.connections).toBe(0);
  });

  it('close() aborts work still running after the grace period', async () => {
    const clock = new ManualClock();
    const { server, state } = serve({ clock });
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    c.send({ type: 'RUN', query: 'HANG', parameters: {}, extra: {} });
    await until(() => state.journal.includes('run:HANG'));
    const closing = server.close({ graceMs: 30 });
    await turn();
    clock.advance(29);
    await turn();
    expect(state.aborted).toEqual([]);
    clock.advance(1);
    await closing;
    expect(state.aborted).toEqual(['The work was aborted: the server is shutting down.']);
    await c.until(() => c.ended);
  });

  it('logs every message in and out at debug, with credentials redacted', async () => {
    const lines: string[] = [];
    const { server } = serve({
      logger: { debug: (m) => lines.push(m), info: (m) => lines.push(m) },
    });
    const c = RawClient.overMemory(server);
    await c.login('neo4j', PASSWORD);
    c.send(
      { type: 'RUN', query: 'RETURN 1 AS n', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    await c.summaries(2);
    const text = lines.join('\n');
    expect(text).not.toContain(PASSWORD);
    expect(lines).toContain(
      'bolt-1 C: LOGON {"scheme":"basic","principal":"neo4j","credentials":"******"}',
    );
    expect(lines).toContain('bolt-1 C: RUN "RETURN 1 AS n" {} {}');
    expect(lines).toContain('bolt-1 S: RECORD [1]');
    expect(lines).toContain('bolt-1 C: PULL {"n":-1}');
  });
});

describe('handlers', () => {
  it('accepts a plain function, asyncbolt echo style', async () => {
    const server = createServer({ handler: (query, parameters) => [{ query, parameters }] });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login('anyone', 'anything');
    c.send(
      { type: 'RUN', query: 'HELLO WORLD', parameters: { a: 1 }, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(meta(rs[0]).fields).toEqual(['query', 'parameters']);
    expect((rs[1] as { fields: unknown[] }).fields).toEqual(['HELLO WORLD', { a: 1 }]);
  });

  it('answers FAILURE for values that cannot be encoded, and stays usable', async () => {
    const server = createServer({
      handler: {
        run: (query) =>
          query === 'bad record'
            ? { fields: ['f'], records: [[1], [() => 1]] }
            : query === 'bad summary'
              ? { fields: [], summary: { stats: { weird: Symbol('x') as never } } }
              : { fields: ['ok'], records: [[true]] },
      },
    });
    servers.push(server);
    const c = await loggedIn(server);
    c.send(
      { type: 'RUN', query: 'bad record', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    let rs = await c.summaries(2);
    expect(types(rs)).toEqual(['SUCCESS', 'RECORD', 'FAILURE']);
    expect(meta(rs[2]).neo4j_code).toBe('Neo.DatabaseError.General.UnknownError');
    c.take();
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'bad summary', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    rs = await c.summaries(3);
    expect(types(rs)).toEqual(['SUCCESS', 'SUCCESS', 'FAILURE']);
    c.take();
    c.send(
      { type: 'RESET' },
      { type: 'RUN', query: 'fine', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    rs = await c.summaries(3);
    expect(types(rs)).toEqual(['SUCCESS', 'SUCCESS', 'RECORD', 'SUCCESS']);
  });

  it('fails a result whose record does not match its fields, without closing', async () => {
    const server = createServer({
      handler: { run: () => ({ fields: ['a', 'b'], records: [[1]] }) },
    });
    servers.push(server);
    const c = RawClient.overMemory(server);
    await c.login();
    c.send(
      { type: 'RUN', query: 'x', parameters: {}, extra: {} },
      { type: 'PULL', extra: { n: -1 } },
    );
    const rs = await c.summaries(2);
    expect(types(rs)).toEqual(['SUCCESS', 'FAILURE']);
    expect(meta(rs[1])).toMatchObject({
      neo4j_code: 'Neo.DatabaseError.General.UnknownError',
      message: 'A record has 1 values but the result has 2 fields (a, b).',
    });
    expect(c.ended).toBe(false);
  });
});

describe('back-pressure over TCP', () => {
  it('stops pulling from the handler while the client does not read', async () => {
    const state = newDemoState();
    const fx = await startTcpServer({ handler: demoHandler(state) });
    const socket = createConnection({ host: '127.0.0.1', port: fx.port });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const handshakeReply = new Promise<void>((resolve) => socket.once('data', () => resolve()));
      socket.write(encodeClientHandshake([{ major: 5, minor: 8 }]));
      await handshakeReply;
      // Ask for ten million rows, then never read another byte.
      socket.pause();
      socket.write(
        frames(
          V58,
          ...LOGIN,
          {
            type: 'RUN',
            query: 'UNWIND range(1, $n) AS i RETURN i',
            parameters: { n: 10_000_000 },
            extra: {},
          },
          { type: 'PULL', extra: { n: -1 } },
        ),
      );
      // Wait until the handler stops being pulled (socket buffers full), bounded.
      let last = -1;
      for (let i = 0; i < 100 && state.produced !== last; i++) {
        last = state.produced;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(state.produced).toBe(last);
      expect(state.produced).toBeGreaterThan(0);
      // Each record is ~5 bytes on the wire; kernel and user-space buffers hold a few MB at most.
      expect(state.produced).toBeLessThan(2_000_000);
    } finally {
      socket.destroy();
      await fx.close();
    }
    expect(state.returned).toBe(1);
  }, 30_000);

  it('sends every record intact while the reader stalls and resumes (the write buffer is reused only once sent)', async () => {
    const rows = Array.from({ length: 100_000 }, (_, i) => [i, `row-${i}`]);
    const fx = await startTcpServer({
      handler: { run: () => ({ fields: ['i', 's'], records: rows }) },
    });
    const c = new RawClient(await tcp().connect({ host: '127.0.0.1', port: fx.port }));
    try {
      await c.login();
      c.transport.pause(); // the kernel buffers fill, then the server's writes queue in Node
      c.send(
        { type: 'RUN', query: 'ROWS', parameters: {}, extra: {} },
        { type: 'PULL', extra: { n: -1 } },
      );
      await new Promise((r) => setTimeout(r, 200));
      c.transport.resume();
      const rs = await c.summaries(2, 20_000);
      const records = rs.filter((r) => r.type === 'RECORD') as { fields: unknown[] }[];
      expect(records).toHaveLength(rows.length);
      const wrong = records.findIndex((r, i) => r.fields[0] !== i || r.fields[1] !== `row-${i}`);
      expect(wrong).toBe(-1);
      expect(rs.at(-1)?.type).toBe('SUCCESS');
    } finally {
      c.close();
      await fx.close();
    }
  }, 30_000);

  it('never writes over bytes a transport still holds (flushed false), and reuses those it sent', async () => {
    const rows = Array.from({ length: 50_000 }, (_, i) => [i, `row-${i}`]);
    const server = createServer({
      handler: { run: () => ({ fields: ['i', 's'], records: rows }) },
    });
    servers.push(server);
    const [client, serverEnd] = memoryPair({ highWaterMark: 1 << 30 });
    const held = heldOrSent(serverEnd);
    server.accept(held.transport, 'memory');
    const c = new RawClient(client);
    await c.login();
    const requests: Request[] = [];
    for (let q = 0; q < 20; q++)
      requests.push(
        { type: 'RUN', query: 'ROWS', parameters: {}, extra: {} },
        { type: 'PULL', extra: { n: 2500 } },
        { type: 'DISCARD', extra: { n: -1 } },
      );
    c.send(...requests);
    const rs = await c.summaries(60, 20_000);
    const records = rs.filter((r) => r.type === 'RECORD') as { fields: unknown[] }[];
    expect(records).toHaveLength(20 * 2500);
    const wrong = records.findIndex(
      (r, i) => r.fields[0] !== i % 2500 || r.fields[1] !== `row-${i % 2500}`,
    );
    expect(wrong).toBe(-1);
    expect(held.kept).toBeGreaterThan(0);
    expect(held.sent).toBeGreaterThan(0);
  });
});

/**
 * A transport that says, write by write, whether it is done with the bytes: every third write
 * it keeps the caller's chunk itself (`flushed` false, the peer reads that very memory later);
 * the others it copies at once, as a socket that handed them to the kernel (`flushed` true).
 */
function heldOrSent(inner: Transport) {
  const stats = { kept: 0, sent: 0, transport: undefined as unknown as Transport };
  let flushed = true;
  stats.transport = {
    get remoteAddress() {
      return inner.remoteAddress;
    },
    get localAddress() {
      return inner.localAddress;
    },
    encrypted: false,
    closed: inner.closed,
    receive: (h) => inner.receive(h),
    write(chunk) {
      flushed = (stats.kept + stats.sent) % 3 !== 0;
      if (flushed) stats.sent++;
      else stats.kept++;
      return inner.write(flushed ? chunk.slice() : chunk);
    },
    get flushed() {
      return flushed;
    },
    drained: () => inner.drained(),
    pause: () => inner.pause(),
    resume: () => inner.resume(),
    end: () => inner.end(),
    destroy: (e) => inner.destroy(e),
  };
  return stats;
}

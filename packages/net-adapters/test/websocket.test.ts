import { request } from 'node:http';
import { selfSignedCert } from '@bolt/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import { WebSocket as WsWebSocket } from 'ws';
import { type Listener, type Transport, TransportError, websocket } from '../src/index.js';
import { websocketListener, websocketNode } from '../src/node.js';
import { collect, transportSuite, within } from '../src/testing.js';
import { silentListener } from './silent-listener.js';

const text = (s: string) => new TextEncoder().encode(s);

/** A listener whose accepted transports are handed out in order. */
function acceptQueue() {
  const accepted: Transport[] = [];
  const waiting: ((t: Transport) => void)[] = [];
  return {
    onConnection: (t: Transport) => {
      const w = waiting.shift();
      if (w) w(t);
      else accepted.push(t);
    },
    next: () =>
      within(
        new Promise<Transport>((resolve) => {
          const t = accepted.shift();
          if (t) resolve(t);
          else waiting.push(resolve);
        }),
        5_000,
        'accept',
      ),
    pending: () => accepted.length,
  };
}

const queue = acceptQueue();
const listening: Promise<Listener> = websocketListener({ handshakeTimeoutMs: 300 }).listen(
  { host: '127.0.0.1', port: 0 },
  queue.onConnection,
);
afterAll(async () => (await listening).close());

const wsSuite = {
  halfClose: false,
  encrypted: false,
  // 64 KiB high-water mark + ws's send queue + loopback kernel buffers.
  maxBufferedWhilePaused: 32 * 1024 * 1024,
};

transportSuite(
  'websocketNode (ws client)',
  {
    ...wsSuite,
    open: async () => {
      const { port } = (await listening).address;
      const server = queue.next();
      const client = await websocketNode().connect({ host: '127.0.0.1', port });
      return { client, server: await server };
    },
  },
  { describe, it },
);

transportSuite(
  'websocket (portable code, ws class as the WebSocket)',
  {
    ...wsSuite,
    open: async () => {
      const { port } = (await listening).address;
      const server = queue.next();
      const client = await websocket({ WebSocket: WsWebSocket as never }).connect({
        host: '127.0.0.1',
        port,
      });
      return { client, server: await server };
    },
  },
  { describe, it },
);

const made = selfSignedCert();
if ('skip' in made) console.warn(`wss tests skipped: ${made.skip}`);
describe.skipIf('skip' in made)('wss (websocketListener with tls, websocketNode client)', () => {
  const pem = made as { cert: string; key: string };
  const secureQueue = acceptQueue();
  const secure = websocketListener().listen(
    { host: '127.0.0.1', port: 0, tls: pem },
    secureQueue.onConnection,
  );
  afterAll(async () => (await secure).close());

  transportSuite(
    'wss',
    {
      ...wsSuite,
      encrypted: true,
      open: async () => {
        const { port } = (await secure).address;
        const server = secureQueue.next();
        const client = await websocketNode().connect({
          host: 'localhost',
          port,
          tls: { enabled: true, trust: 'custom', ca: pem.cert },
        });
        return { client, server: await server };
      },
    },
    { describe, it },
  );

  it("trust 'all' accepts the self-signed certificate; 'system' rejects it", async () => {
    const { port } = (await secure).address;
    const client = await websocketNode().connect({
      host: '127.0.0.1',
      port,
      tls: { enabled: true, trust: 'all' },
    });
    const server = await secureQueue.next();
    expect(client.encrypted).toBe(true);
    client.destroy();
    server.destroy();
    await expect(
      websocketNode().connect({ host: 'localhost', port, tls: { enabled: true } }),
    ).rejects.toMatchObject({ code: 'TLS' });
  });
});

describe('websocket specifics', () => {
  it('times out a WebSocket handshake against a listener that accepts and never answers', async () => {
    const silent = await silentListener();
    try {
      for (const module of [websocketNode(), websocket({ WebSocket: WsWebSocket as never })]) {
        const error = await module
          .connect({ host: '127.0.0.1', port: silent.port, connectTimeoutMs: 300 })
          .catch((e: unknown) => e);
        expect(error).toMatchObject({
          name: 'TransportError',
          code: 'CONNECT_TIMEOUT',
          message: expect.stringMatching(/WebSocket handshake .* 300 ms/),
        });
      }
      expect(silent.accepted()).toBe(2);
    } finally {
      await silent.close();
    }
  });

  it('aborts a WebSocket handshake in progress through the AbortSignal', async () => {
    const silent = await silentListener();
    try {
      const controller = new AbortController();
      const pending = websocketNode().connect({
        host: '127.0.0.1',
        port: silent.port,
        signal: controller.signal,
      });
      await within(
        (async () => {
          while (silent.accepted() === 0) await new Promise((r) => setTimeout(r, 5));
        })(),
        5_000,
        'accept',
      );
      controller.abort();
      await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
      await expect(
        websocketNode().connect({
          host: '127.0.0.1',
          port: silent.port,
          signal: AbortSignal.abort(),
        }),
      ).rejects.toMatchObject({ code: 'ABORTED' });
    } finally {
      await silent.close();
    }
  });

  it('refuses with CONNECT_REFUSED when nothing listens', async () => {
    const l = await websocketListener().listen({ port: 0 }, (t) => t.destroy());
    const { port } = l.address;
    await l.close();
    await expect(websocketNode().connect({ host: '127.0.0.1', port })).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
  });

  it('a text message is a PROTOCOL error that destroys the transport', async () => {
    const { port } = (await listening).address;
    const raw = new WsWebSocket(`ws://127.0.0.1:${port}/`);
    raw.on('error', () => {});
    const server = await queue.next();
    const atServer = collect(server);
    await within(new Promise((r) => raw.once('open', r)), 5_000, 'open');
    raw.send('RETURN 1');
    const end = await within(atServer.ended, 5_000, 'server end');
    expect(TransportError.isInstance(end) && end.code).toBe('PROTOCOL');
    expect(await server.closed).toBe(end);
    raw.terminate();
  });

  it('answers a plain HTTP request with 426 and keeps serving', async () => {
    const { port } = (await listening).address;
    const status = await within(
      new Promise<number>((resolve, reject) => {
        const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      }),
      5_000,
      'http',
    );
    expect(status).toBe(426);
  });

  it('the listener drops a TCP connection that never sends its upgrade request', async () => {
    const { port } = (await listening).address;
    const { connect } = await import('node:net');
    const before = queue.pending();
    const raw = connect({ host: '127.0.0.1', port });
    raw.on('error', () => {});
    raw.resume();
    await within(new Promise((r) => raw.once('close', r)), 5_000, 'dropped');
    expect(queue.pending()).toBe(before);
  });

  it('portable websocket(): refuses TLS trust it cannot apply, and a missing global WebSocket', async () => {
    await expect(
      websocket({ WebSocket: WsWebSocket as never }).connect({
        host: '127.0.0.1',
        port: 1,
        tls: { enabled: true, trust: 'all' },
      }),
    ).rejects.toMatchObject({ code: 'TLS' });
    if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'undefined') {
      await expect(websocket().connect({ host: '127.0.0.1', port: 1 })).rejects.toMatchObject({
        code: 'CONNECT_FAILED',
        message: expect.stringMatching(/no global WebSocket/),
      });
    }
  });

  it('one write is one binary message, delivered as one chunk', async () => {
    const { port } = (await listening).address;
    const server = queue.next();
    const client = await websocketNode().connect({ host: '127.0.0.1', port });
    const s = await server;
    const chunks: number[] = [];
    const done = new Promise<void>((resolve) =>
      s.receive({ onData: (c) => chunks.push(c.length), onEnd: () => resolve() }),
    );
    client.write(text('a'));
    client.write(new Uint8Array(70_000));
    client.write(text('bcd'));
    client.end();
    await within(done, 5_000, 'end');
    expect(chunks).toEqual([1, 70_000, 3]);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  memoryNetwork,
  memoryPair,
  resolveNetModule,
  type Transport,
  TransportError,
} from '../src/index.js';
import { collect, fnv1a, transportSuite, within } from '../src/testing.js';

const text = (s: string) => new TextEncoder().encode(s);

transportSuite(
  'memoryPair',
  {
    open: async () => {
      const [client, server] = memoryPair();
      return { client, server };
    },
    halfClose: true,
    encrypted: false,
    // 64 KiB high-water mark + the one 16 KiB write that crossed it.
    maxBufferedWhilePaused: 64 * 1024 + 16 * 1024,
  },
  { describe, it },
);

const network = memoryNetwork();
const accepted: Transport[] = [];
const listening = network.listener.listen({ port: 0 }, (t) => accepted.push(t));
transportSuite(
  'memoryNetwork',
  {
    open: async () => {
      const listener = await listening;
      const client = await network.module.connect({
        host: 'localhost',
        port: listener.address.port,
      });
      const server = accepted.shift();
      if (!server) throw new Error('listener callback not called');
      return { client, server };
    },
    halfClose: true,
    encrypted: false,
    maxBufferedWhilePaused: 64 * 1024 + 16 * 1024,
  },
  { describe, it },
);

describe('memoryPair specifics', () => {
  const pairs: Transport[] = [];
  afterEach(() => {
    for (const t of pairs.splice(0)) t.destroy();
  });
  const pair = (hwm?: number) => {
    const p = memoryPair({ highWaterMark: hwm });
    pairs.push(...p);
    return p;
  };

  it('write() returns false exactly at the high-water mark and drained() waits for the reader', async () => {
    const [client, server] = pair(100);
    expect(client.write(new Uint8Array(60))).toBe(true);
    expect(client.write(new Uint8Array(39))).toBe(true);
    expect(client.write(new Uint8Array(1))).toBe(false);
    let drained = false;
    const wait = client.drained().then(() => {
      drained = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(drained).toBe(false); // no reader yet: the 100 bytes are still queued
    const seen = collect(server);
    await within(wait, 1_000, 'drained');
    expect(seen.bytes).toBe(100);
  });

  it('delivers chunks in order, never inside write() or receive()', async () => {
    const [client, server] = pair();
    const log: string[] = [];
    client.write(text('a'));
    server.receive({
      onData: (c) => log.push(new TextDecoder().decode(c)),
      onEnd: () => log.push('end'),
    });
    log.push('after receive');
    client.write(text('b'));
    log.push('after write');
    client.end();
    await new Promise((r) => setTimeout(r, 10));
    expect(log).toEqual(['after receive', 'after write', 'a', 'b', 'end']);
  });

  it('the reader owns the chunk it receives: the very bytes written, no copy', async () => {
    const [client, server] = pair();
    const chunk = text('zero copy');
    const got = new Promise<Uint8Array>((resolve) =>
      server.receive({ onData: resolve, onEnd: () => {} }),
    );
    client.write(chunk);
    expect(await within(got, 1_000, 'data')).toBe(chunk);
  });

  it('a throwing handler destroys its transport with that error; the peer sees RESET', async () => {
    const [client, server] = pair();
    const bad = new Error('handler bug');
    server.receive({
      onData: () => {
        throw bad;
      },
      onEnd: () => {},
    });
    const atClient = collect(client);
    client.write(text('x'));
    expect(await within(server.closed, 1_000, 'server closed')).toBe(bad);
    const end = await within(atClient.ended, 1_000, 'client end');
    expect((end as TransportError).code).toBe('RESET');
  });

  it('destroy() without an error closes cleanly here and resets the peer', async () => {
    const [client, server] = pair();
    const atServer = collect(server);
    const atClient = collect(client);
    client.destroy();
    expect(await within(client.closed, 1_000, 'closed')).toBeUndefined();
    expect(await within(atClient.ended, 1_000, 'client end')).toBeUndefined();
    expect(((await atServer.ended) as TransportError).code).toBe('RESET');
  });

  it('a transport that died before receive() reports it once a handler comes', async () => {
    const [client, server] = pair();
    client.destroy(new Error('gone'));
    const end = await within(collect(server).ended, 1_000, 'end');
    expect(TransportError.isInstance(end) && end.code).toBe('RESET');
  });

  it('receive() twice is a usage error', () => {
    const [client] = pair();
    client.receive({ onData() {}, onEnd() {} });
    expect(() => client.receive({ onData() {}, onEnd() {} })).toThrow(TypeError);
  });

  it('end() is idempotent and closed settles once both sides ended', async () => {
    const [client, server] = pair();
    const a = collect(client);
    const b = collect(server);
    client.end();
    client.end();
    await within(b.ended, 1_000, 'server end');
    let closed = false;
    void client.closed.then(() => {
      closed = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(closed).toBe(false); // the server has not ended yet
    server.write(text('late'));
    server.end();
    expect(await within(a.ended, 1_000, 'client end')).toBeUndefined();
    expect(a.checksum).toBe(fnv1a(text('late')));
    expect(await within(client.closed, 1_000, 'closed')).toBeUndefined();
  });

  it('rejects a non-positive high-water mark', () => {
    expect(() => memoryPair({ highWaterMark: 0 })).toThrow(RangeError);
  });
});

describe('memoryNetwork specifics', () => {
  it('refuses a port with no listener, TLS, and an aborted signal', async () => {
    const net = memoryNetwork();
    await expect(net.module.connect({ host: 'h', port: 7687 })).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
    const listener = await net.listener.listen({ port: 7687 }, (t) => t.destroy());
    await expect(
      net.module.connect({ host: 'h', port: 7687, tls: { enabled: true } }),
    ).rejects.toMatchObject({ code: 'TLS' });
    await expect(
      net.module.connect({ host: 'h', port: 7687, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(net.listener.listen({ port: 7687 }, () => {})).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
    });
    await listener.close();
    await expect(net.module.connect({ host: 'h', port: 7687 })).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
  });

  it('a listener callback that throws gets that connection reset', async () => {
    const net = memoryNetwork();
    await net.listener.listen({ port: 1 }, () => {
      throw new Error('callback bug');
    });
    const client = await net.module.connect({ host: 'h', port: 1 });
    const end = await within(collect(client).ended, 1_000, 'end');
    expect(TransportError.isInstance(end) && end.code).toBe('RESET');
  });

  it('networks are independent and port 0 picks distinct ports', async () => {
    const a = memoryNetwork();
    const b = memoryNetwork();
    const l1 = await a.listener.listen({}, () => {});
    const l2 = await a.listener.listen({ port: 0 }, () => {});
    expect(l1.address.port).not.toBe(l2.address.port);
    await expect(b.module.connect({ host: 'x', port: l1.address.port })).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
    await l1.close();
    await l2.close();
  });

  it('an aborted listen signal closes the listener', async () => {
    const net = memoryNetwork();
    const controller = new AbortController();
    const l = await net.listener.listen({ signal: controller.signal }, () => {});
    controller.abort();
    await expect(net.module.connect({ host: 'x', port: l.address.port })).rejects.toMatchObject({
      code: 'CONNECT_REFUSED',
    });
  });
});

describe('resolveNetModule', () => {
  it('accepts a module by value or by factory and rejects malformed ones', () => {
    const { module } = memoryNetwork();
    expect(resolveNetModule(module)).toBe(module);
    expect(resolveNetModule(() => module)).toBe(module);
    expect(() => resolveNetModule({} as never)).toThrow(/connect/);
    expect(() => resolveNetModule((() => null) as never)).toThrow(/from the factory/);
    expect(() => resolveNetModule({ connect() {} } as never)).toThrow(/name/);
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import type { Listener, Transport } from '../src/index.js';
import { tcp } from '../src/node.js';
import { collect, randomBytes, transportSuite, within } from '../src/testing.js';

const module = tcp();
const accepted: Transport[] = [];
const waiting: ((t: Transport) => void)[] = [];
const listening: Promise<Listener> = module.listen({ host: '127.0.0.1', port: 0 }, (t) => {
  const w = waiting.shift();
  if (w) w(t);
  else accepted.push(t);
});
const nextAccepted = () =>
  new Promise<Transport>((resolve) => {
    const t = accepted.shift();
    if (t) resolve(t);
    else waiting.push(resolve);
  });

afterAll(async () => (await listening).close());

transportSuite(
  'tcp',
  {
    open: async () => {
      const { port } = (await listening).address;
      const server = nextAccepted();
      const client = await module.connect({ host: '127.0.0.1', port });
      return { client, server: await within(server, 5_000, 'accept') };
    },
    halfClose: true,
    encrypted: false,
    // 64 KiB Node high-water mark + loopback kernel send/receive buffers (a few MiB on Linux).
    maxBufferedWhilePaused: 32 * 1024 * 1024,
  },
  { describe, it },
);

describe('tcp specifics', () => {
  it('listens on port 0 and reports the real port', async () => {
    const l = await listening;
    expect(l.name).toBe('tcp');
    expect(l.address.host).toBe('127.0.0.1');
    expect(l.address.port).toBeGreaterThan(0);
  });

  it('reports host:port addresses on both sides', async () => {
    const { port } = (await listening).address;
    const server = nextAccepted();
    const client = await module.connect({ host: '127.0.0.1', port });
    const s = await within(server, 5_000, 'accept');
    expect(client.remoteAddress).toBe(`127.0.0.1:${port}`);
    expect(s.localAddress).toBe(`127.0.0.1:${port}`);
    expect(s.remoteAddress).toBe(client.localAddress);
    client.destroy();
    s.destroy();
  });

  it('flushed tells when written chunks are with the kernel, so one buffer can serve every write', async () => {
    const { port } = (await listening).address;
    const server = nextAccepted();
    const client = await module.connect({ host: '127.0.0.1', port });
    const s = await within(server, 5_000, 'accept');
    const data = randomBytes(32 * 1024 * 1024, 7);
    const at = collect(client, data);
    client.pause(); // the kernel buffers fill up, then Node has to keep chunks queued
    let buffer = new Uint8Array(64 * 1024);
    let reused = 0;
    let kept = 0;
    for (let off = 0; off < data.length; off += buffer.length) {
      buffer.set(data.subarray(off, off + buffer.length));
      const ok = s.write(buffer);
      if (s.flushed) reused++;
      else {
        kept++; // Node holds this chunk: write the next one elsewhere
        buffer = new Uint8Array(buffer.length);
      }
      if (!ok) {
        client.resume();
        await within(s.drained(), 5_000, 'drained');
      }
    }
    s.end();
    expect(await within(at.ended, 5_000, 'end')).toBeUndefined();
    expect(at.bytes).toBe(data.length);
    expect(at.firstMismatch).toBe(-1);
    expect(reused).toBeGreaterThan(0);
    expect(kept).toBeGreaterThan(0);
    client.end();
  });

  it('refuses with CONNECT_REFUSED when nothing listens', async () => {
    const l = await module.listen({ port: 0 }, (t) => t.destroy());
    const { port } = l.address;
    await l.close();
    await expect(module.connect({ host: '127.0.0.1', port })).rejects.toMatchObject({
      name: 'TransportError',
      code: 'CONNECT_REFUSED',
    });
  });

  it('close() stops accepting but leaves accepted connections to their owner', async () => {
    const got: Transport[] = [];
    const l = await module.listen({ port: 0 }, (t) => got.push(t));
    const client = await module.connect({ host: '127.0.0.1', port: l.address.port });
    await within(
      (async () => {
        while (got.length === 0) await new Promise((r) => setTimeout(r, 5));
      })(),
      5_000,
      'accept',
    );
    await l.close();
    await l.close(); // idempotent
    const atClient = collect(client);
    const atServer = collect(got[0]);
    got[0].write(new Uint8Array([1, 2, 3]));
    got[0].end();
    expect(await within(atClient.ended, 5_000, 'end')).toBeUndefined();
    expect(atClient.bytes).toBe(3);
    client.end();
    expect(await within(atServer.ended, 5_000, 'server end')).toBeUndefined();
    expect(await within(got[0].closed, 5_000, 'closed')).toBeUndefined();
    await expect(module.connect({ host: '127.0.0.1', port: l.address.port })).rejects.toMatchObject(
      { code: 'CONNECT_REFUSED' },
    );
  });

  it('aborts a connect in progress and a connect with an aborted signal', async () => {
    const { port } = (await listening).address;
    const controller = new AbortController();
    const pending = module.connect({ host: '127.0.0.1', port, signal: controller.signal });
    controller.abort(new Error('user gave up'));
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    await expect(
      module.connect({ host: '127.0.0.1', port, signal: AbortSignal.abort() }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    // The aborted attempts may have reached the listener; they must be closed there.
    await new Promise((r) => setTimeout(r, 50));
    for (const t of accepted.splice(0)) {
      expect(await within(t.closed, 5_000, 'aborted peer closes')).toBeDefined();
    }
  });

  it('times out a connect that does not complete (a host lookup that never answers)', async () => {
    let lookups = 0;
    const stuck = tcp({
      lookup: () => {
        lookups++; // never calls back: the connect stays pending, like an unanswered SYN
      },
    });
    const error = await stuck
      .connect({ host: 'bolt.invalid', port: 7687, connectTimeoutMs: 200 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      name: 'TransportError',
      code: 'CONNECT_TIMEOUT',
      message: 'TCP connect with bolt.invalid:7687 did not complete within 200 ms',
    });
    expect(lookups).toBe(1);
    const controller = new AbortController();
    const pending = stuck.connect({ host: 'bolt.invalid', port: 7687, signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('a listener callback that throws gets that connection destroyed, and keeps listening', async () => {
    let calls = 0;
    const l = await module.listen({ port: 0 }, () => {
      calls++;
      throw new Error('callback bug');
    });
    try {
      for (let i = 0; i < 2; i++) {
        // The reset may even beat the client's own 'connect' event on loopback.
        const outcome = await module.connect({ host: '127.0.0.1', port: l.address.port }).then(
          (client) => within(collect(client).ended, 5_000, 'client end'),
          (error: unknown) => error,
        );
        expect(outcome).toMatchObject({
          name: 'TransportError',
          message: expect.stringMatching(/ECONNRESET|reset/),
        });
      }
      expect(calls).toBe(2);
    } finally {
      await l.close();
    }
  });

  it('closes the listener when its AbortSignal fires', async () => {
    const controller = new AbortController();
    const l = await module.listen({ port: 0, signal: controller.signal }, (t) => t.destroy());
    controller.abort();
    await expect(module.connect({ host: '127.0.0.1', port: l.address.port })).rejects.toMatchObject(
      { code: 'CONNECT_REFUSED' },
    );
    await expect(
      module.listen({ port: 0, signal: AbortSignal.abort() }, () => {}),
    ).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('fails LISTEN_FAILED on a port in use', async () => {
    const { port } = (await listening).address;
    await expect(module.listen({ port }, () => {})).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
    });
  });

  it('refuses tls.enabled (that is the tls module)', async () => {
    await expect(
      module.connect({ host: '127.0.0.1', port: 1, tls: { enabled: true } }),
    ).rejects.toMatchObject({ code: 'TLS' });
  });
});

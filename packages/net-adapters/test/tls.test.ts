import { connect as netConnect } from 'node:net';
import { selfSignedCert } from '@bolt/test-support';
import { afterAll, describe, expect, it } from 'vitest';
import type { Listener, Transport } from '../src/index.js';
import { tls } from '../src/node.js';
import { collect, fnv1a, transportSuite, within } from '../src/testing.js';
import { silentListener } from './silent-listener.js';

const made = selfSignedCert();
if ('skip' in made) console.warn(`tls tests skipped: ${made.skip}`);
const pem = 'skip' in made ? { cert: '', key: '' } : made;

describe.skipIf('skip' in made)('tls module', () => {
  const module = tls({ handshakeTimeoutMs: 300 });
  const accepted: Transport[] = [];
  const waiting: ((t: Transport) => void)[] = [];
  const listening: Promise<Listener> = module.listen(
    { host: '127.0.0.1', port: 0, tls: pem },
    (t) => {
      const w = waiting.shift();
      if (w) w(t);
      else accepted.push(t);
    },
  );
  const nextAccepted = () =>
    new Promise<Transport>((resolve) => {
      const t = accepted.shift();
      if (t) resolve(t);
      else waiting.push(resolve);
    });
  afterAll(async () => (await listening).close());

  transportSuite(
    'tls',
    {
      open: async () => {
        const { port } = (await listening).address;
        const server = nextAccepted();
        const client = await module.connect({
          host: 'localhost',
          port,
          tls: { enabled: true, trust: 'custom', ca: pem.cert },
        });
        return { client, server: await within(server, 5_000, 'accept') };
      },
      halfClose: true,
      encrypted: true,
      maxBufferedWhilePaused: 32 * 1024 * 1024,
      abruptClose: 'end-then-reset',
    },
    { describe, it },
  );

  const hello = new TextEncoder().encode('hello over tls');
  async function roundTrip(client: Transport) {
    const server = await within(nextAccepted(), 5_000, 'accept');
    const atServer = collect(server);
    client.write(hello);
    client.end();
    expect(await within(atServer.ended, 5_000, 'end')).toBeUndefined();
    expect(atServer.checksum).toBe(fnv1a(hello));
    server.end();
    expect(await within(client.closed, 5_000, 'closed')).toBeUndefined();
  }

  it("trust 'all' (bolt+ssc) accepts the self-signed certificate, even by IP", async () => {
    const { port } = (await listening).address;
    const client = await module.connect({
      host: '127.0.0.1',
      port,
      tls: { enabled: true, trust: 'all' },
    });
    collect(client);
    expect(client.encrypted).toBe(true);
    await roundTrip(client);
  });

  it("trust 'custom' verifies against the given CA and the host name", async () => {
    const { port } = (await listening).address;
    const ok = await module.connect({
      host: '127.0.0.1',
      port,
      tls: { enabled: true, trust: 'custom', ca: [pem.cert] },
    });
    collect(ok);
    await roundTrip(ok);
    await expect(
      module.connect({
        host: '127.0.0.1',
        port,
        tls: { enabled: true, trust: 'custom', ca: pem.cert, servername: 'not-this-host.example' },
      }),
    ).rejects.toMatchObject({ code: 'TLS' });
    await expect(
      module.connect({ host: '127.0.0.1', port, tls: { enabled: true, trust: 'custom' } }),
    ).rejects.toMatchObject({ code: 'TLS', message: expect.stringMatching(/tls\.ca/) });
  });

  it("trust 'system' (the default) rejects a self-signed certificate", async () => {
    const { port } = (await listening).address;
    await expect(
      module.connect({ host: 'localhost', port, tls: { enabled: true } }),
    ).rejects.toMatchObject({ name: 'TransportError', code: 'TLS' });
    await expect(module.connect({ host: 'localhost', port })).rejects.toMatchObject({
      code: 'TLS',
    });
  });

  it('times out a TLS handshake against a listener that accepts and never answers', async () => {
    const silent = await silentListener();
    try {
      const error = await module
        .connect({
          host: '127.0.0.1',
          port: silent.port,
          connectTimeoutMs: 300,
          tls: { enabled: true, trust: 'all' },
        })
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        name: 'TransportError',
        code: 'CONNECT_TIMEOUT',
        message: expect.stringMatching(/TLS handshake .* 300 ms/),
      });
      expect(silent.accepted()).toBe(1);
    } finally {
      await silent.close();
    }
  });

  it('aborts a TLS handshake in progress through the AbortSignal', async () => {
    const silent = await silentListener();
    try {
      const controller = new AbortController();
      const pending = module.connect({
        host: '127.0.0.1',
        port: silent.port,
        signal: controller.signal,
        tls: { enabled: true, trust: 'all' },
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
    } finally {
      await silent.close();
    }
  });

  it('the listener drops a client that never starts its handshake', async () => {
    const { port } = (await listening).address;
    const before = accepted.length + waiting.length;
    const raw = netConnect({ host: '127.0.0.1', port });
    raw.on('error', () => {});
    const closed = new Promise<void>((resolve) => raw.once('close', () => resolve()));
    raw.resume();
    await within(closed, 5_000, 'listener drops the silent client');
    expect(accepted.length + waiting.length).toBe(before);
  });

  it('the listener needs a usable cert and key', async () => {
    await expect(module.listen({ port: 0 }, () => {})).rejects.toMatchObject({
      code: 'LISTEN_FAILED',
    });
    await expect(
      module.listen({ port: 0, tls: { cert: 'not a cert', key: 'not a key' } }, () => {}),
    ).rejects.toMatchObject({ code: 'LISTEN_FAILED' });
  });

  it('refuses tls.enabled false (that is the tcp module)', async () => {
    await expect(
      module.connect({ host: '127.0.0.1', port: 1, tls: { enabled: false } }),
    ).rejects.toMatchObject({ code: 'TLS' });
  });
});

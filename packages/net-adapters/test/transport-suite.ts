import { afterEach, describe, expect, it } from 'vitest';
import { type Transport, TransportError } from '../src/index.js';
import { fnv1a, prng, randomBytes, settlesWithin, within } from './bytes.js';

/** A connected pair from the module under test: `client` from connect(), `server` from the
 *  listener callback. */
export interface OpenPair {
  client: Transport;
  server: Transport;
}

export interface SuiteOptions {
  /** Connect a fresh pair. */
  open(): Promise<OpenPair>;
  /** Whether `end()` is a half-close (the peer can still write back after `onEnd`). */
  halfClose: boolean;
  /** Expected `encrypted` on both sides. */
  encrypted: boolean;
  /** Upper bound on bytes a writer may have had accepted while the reader was paused and read
   *  nothing: its own high-water mark plus whatever the carrier (kernel buffers) absorbs. */
  maxBufferedWhilePaused: number;
  /** How the peer of a `destroy()`ed transport learns of it: `'reset'` at once as
   *  `onEnd(RESET)`; `'end-then-reset'` (TLS on Node, see the tls module) as a clean `onEnd()`,
   *  after which its next writes fail and `closed` resolves a RESET. Default `'reset'`. */
  abruptClose?: 'reset' | 'end-then-reset';
}

/** What a receiver saw. */
export interface Received {
  bytes: number;
  checksum: number;
  /** Offset of the first byte that differs from the expected data, or -1. */
  firstMismatch: number;
  ended: Promise<Error | undefined>;
}

/** Receive on `t`, comparing against `expected` as bytes arrive. */
export function collect(t: Transport, expected?: Uint8Array): Received {
  const seen: Received = { bytes: 0, checksum: 0x811c9dc5, firstMismatch: -1, ended: undefined! };
  seen.ended = new Promise((resolve) => {
    t.receive({
      onData(chunk) {
        if (expected && seen.firstMismatch < 0) {
          for (let i = 0; i < chunk.length; i++) {
            if (chunk[i] !== expected[seen.bytes + i]) {
              seen.firstMismatch = seen.bytes + i;
              break;
            }
          }
        }
        seen.checksum = fnv1a(chunk, seen.checksum);
        seen.bytes += chunk.length;
      },
      onEnd: resolve,
    });
  });
  return seen;
}

/** Write all of `data` in random-sized pieces, honouring back-pressure, then `end()` unless
 *  told not to. */
export async function pump(
  t: Transport,
  data: Uint8Array,
  seed: number,
  end = true,
): Promise<number> {
  const random = prng(seed);
  let offset = 0;
  let writes = 0;
  while (offset < data.length) {
    // Skewed towards small writes: many 1..100 byte writes, some up to 256 KiB.
    const size = Math.min(data.length - offset, 1 + Math.floor(random() ** 4 * 262144));
    const ok = t.write(data.subarray(offset, offset + size));
    offset += size;
    writes++;
    if (!ok) await t.drained();
  }
  if (end) t.end();
  return writes;
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

/** The behaviour every module must show against a loopback peer. */
export function transportSuite(name: string, options: SuiteOptions): void {
  describe(`${name}: transport behaviour`, () => {
    const open: OpenPair[] = [];
    const connect = async () => {
      const pair = await within(options.open(), 10_000, `${name} connect`);
      open.push(pair);
      return pair;
    };
    afterEach(() => {
      for (const { client, server } of open.splice(0)) {
        client.destroy();
        server.destroy();
      }
    });

    it('reports addresses and encryption', async () => {
      const { client, server } = await connect();
      expect(client.encrypted).toBe(options.encrypted);
      expect(server.encrypted).toBe(options.encrypted);
      expect(client.remoteAddress).toMatch(/\S/);
      expect(server.remoteAddress).toMatch(/\S/);
    });

    it('moves 10 MB each way at once, in random write sizes, intact', async () => {
      const { client, server } = await connect();
      const size = 10 * 1024 * 1024;
      const up = randomBytes(size, 11);
      const down = randomBytes(size, 12);
      const atServer = collect(server, up);
      const atClient = collect(client, down);
      // Without half-close, the first end() would close both directions: end once all arrived.
      const endEach = options.halfClose;
      const [upWrites, downWrites] = await within(
        Promise.all([pump(client, up, 1, endEach), pump(server, down, 2, endEach)]),
        25_000,
        '10 MB exchange',
      );
      if (!endEach) {
        await within(
          (async () => {
            while (atServer.bytes < size || atClient.bytes < size) {
              await new Promise((r) => setTimeout(r, 5));
            }
          })(),
          10_000,
          'all bytes arrive',
        );
        client.end();
      }
      expect(upWrites).toBeGreaterThan(100);
      expect(downWrites).toBeGreaterThan(100);
      expect(await within(atServer.ended, 10_000, 'server end')).toBeUndefined();
      expect(await within(atClient.ended, 10_000, 'client end')).toBeUndefined();
      expect(atServer.bytes).toBe(size);
      expect(atClient.bytes).toBe(size);
      expect(atServer.firstMismatch).toBe(-1);
      expect(atClient.firstMismatch).toBe(-1);
      expect(atServer.checksum).toBe(fnv1a(up));
      expect(atClient.checksum).toBe(fnv1a(down));
      expect(await within(client.closed, 10_000, 'client closed')).toBeUndefined();
      expect(await within(server.closed, 10_000, 'server closed')).toBeUndefined();
    }, 60_000);

    it('delivers bytes written before receive() was called', async () => {
      const { client, server } = await connect();
      client.write(text('early '));
      client.write(text('bird'));
      await new Promise((r) => setTimeout(r, 20));
      const atServer = collect(server);
      client.end();
      await within(atServer.ended, 5_000, 'end');
      expect(atServer.bytes).toBe(10);
      expect(atServer.checksum).toBe(fnv1a(text('early bird')));
    });

    if (options.halfClose) {
      it('half-close: the peer sees onEnd() after the data and can still answer', async () => {
        const { client, server } = await connect();
        const answer = text('answer after your end');
        const atClient = collect(client, answer);
        const serverSaw = new Promise<{ bytes: number; end: Error | undefined }>((resolve) => {
          let bytes = 0;
          server.receive({
            onData: (c) => {
              bytes += c.length;
            },
            onEnd: (end) => {
              // Our peer finished sending; we may still write.
              server.write(answer);
              server.end();
              resolve({ bytes, end });
            },
          });
        });
        client.write(text('question'));
        client.end();
        expect(() => client.write(text('x'))).toThrowError(
          expect.objectContaining({ code: 'CLOSED' }),
        );
        const saw = await within(serverSaw, 5_000, 'server onEnd');
        expect(saw).toEqual({ bytes: 8, end: undefined });
        expect(await within(atClient.ended, 5_000, 'client onEnd')).toBeUndefined();
        expect(atClient.bytes).toBe(answer.length);
        expect(atClient.firstMismatch).toBe(-1);
        expect(await within(client.closed, 5_000, 'client closed')).toBeUndefined();
        expect(await within(server.closed, 5_000, 'server closed')).toBeUndefined();
      });
    } else {
      it('end() closes both directions after the data; both sides close cleanly', async () => {
        const { client, server } = await connect();
        const atServer = collect(server);
        const atClient = collect(client);
        client.write(text('last words'));
        client.end();
        expect(await within(atServer.ended, 5_000, 'server onEnd')).toBeUndefined();
        expect(atServer.checksum).toBe(fnv1a(text('last words')));
        expect(await within(atClient.ended, 5_000, 'client onEnd')).toBeUndefined();
        expect(await within(client.closed, 5_000, 'client closed')).toBeUndefined();
        expect(await within(server.closed, 5_000, 'server closed')).toBeUndefined();
      });
    }

    it('abrupt close: destroy(error) surfaces as a RESET on the other side', async () => {
      const { client, server } = await connect();
      const atServer = collect(server);
      const atClient = collect(client);
      client.write(text('some bytes'));
      await new Promise((r) => setTimeout(r, 20));
      const boom = new Error('boom');
      client.destroy(boom);
      const serverEnd = await within(atServer.ended, 5_000, 'server onEnd');
      if ((options.abruptClose ?? 'reset') === 'reset') {
        expect(TransportError.isInstance(serverEnd)).toBe(true);
        expect((serverEnd as TransportError).code).toBe('RESET');
      } else {
        expect(serverEnd).toBeUndefined();
        // The dead peer answers our next bytes with a TCP reset.
        await within(
          (async () => {
            for (
              let i = 0;
              i < 100 && (await settlesWithin(server.closed, 20)) === 'pending';
              i++
            ) {
              try {
                server.write(text('are you there?'));
              } catch {
                break;
              }
            }
          })(),
          5_000,
          'writes to a dead peer fail',
        );
      }
      const serverClosed = await within(server.closed, 5_000, 'server closed');
      expect(TransportError.isInstance(serverClosed) && serverClosed.code).toBe('RESET');
      expect(await within(client.closed, 5_000, 'client closed')).toBe(boom);
      expect(await within(atClient.ended, 5_000, 'client onEnd')).toBe(boom);
      expect(() => server.write(text('x'))).toThrowError(
        expect.objectContaining({ code: 'CLOSED' }),
      );
      await expect(server.drained()).rejects.toMatchObject({ code: 'CLOSED' });
    });

    it('back-pressure: a paused reader stops the writer at a bounded number of bytes', async () => {
      const { client, server } = await connect();
      const expected = randomBytes(64 * 1024 * 1024, 5);
      const atServer = collect(server, expected);
      server.pause();
      const chunkSize = 16 * 1024;
      let written = 0;
      let sawFalse = false;
      // Write until the writer is told to wait and waiting does not end (the reader reads
      // nothing): then the accepted bytes are what the transport and the carrier hold.
      while (written < expected.length) {
        const ok = client.write(expected.subarray(written, written + chunkSize));
        written += chunkSize;
        if (!ok) {
          sawFalse = true;
          if ((await settlesWithin(client.drained(), 300)) === 'pending') break;
        }
      }
      expect(sawFalse).toBe(true);
      expect(written).toBeLessThan(expected.length);
      expect(written).toBeLessThanOrEqual(options.maxBufferedWhilePaused);
      expect(atServer.bytes).toBeLessThanOrEqual(written);
      const stalledAt = atServer.bytes;
      // The reader is paused: nothing more arrives.
      await new Promise((r) => setTimeout(r, 50));
      expect(atServer.bytes).toBe(stalledAt);
      // Resume: the writer drains and everything arrives intact.
      server.resume();
      await within(client.drained(), 10_000, 'drained after resume');
      client.end();
      expect(await within(atServer.ended, 10_000, 'end after resume')).toBeUndefined();
      expect(atServer.bytes).toBe(written);
      expect(atServer.firstMismatch).toBe(-1);
    });
  });
}

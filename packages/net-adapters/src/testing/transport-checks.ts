import type { Transport } from '../net-module.js';
import { TransportError } from '../transport-error.js';
import { fnv1a, prng, randomBytes, settlesWithin, within } from './bytes.js';

/** A connected pair from the module under test: `client` from `connect()`, `server` from the
 *  listener's callback (or the other end of whatever carries the bytes). */
export interface OpenPair {
  client: Transport;
  server: Transport;
}

/** Options of {@link transportChecks} and {@link transportSuite}. */
export interface TransportSuiteOptions {
  /** Connect a fresh pair. Called once per check. Required. */
  open(): Promise<OpenPair>;
  /** Whether `end()` is a half-close (the peer can still write back after its `onEnd`).
   *  Required: tcp, tls and memory half-close; WebSocket does not. */
  halfClose: boolean;
  /** The `encrypted` flag both sides must report. Required. */
  encrypted: boolean;
  /** Upper bound on the bytes a writer may have had accepted while the reader was paused and
   *  read nothing: its own high-water mark plus whatever the carrier (kernel buffers) absorbs.
   *  Required. */
  maxBufferedWhilePaused: number;
  /** How the peer of a `destroy()`ed transport learns of it: `'reset'` at once as
   *  `onEnd(RESET)`; `'end-then-reset'` (TLS on Node) as a clean `onEnd()`, after which its next
   *  writes fail and `closed` resolves a RESET. Default `'reset'`. */
  abruptClose?: 'reset' | 'end-then-reset';
  /** Bytes each side sends in the bulk-transfer check. Default 10 MiB. */
  bulkBytes?: number;
}

/** One check of the transport contract: run it, it rejects with a message on failure. */
export interface TransportCheck {
  readonly name: string;
  /** Time the check needs at most on a loaded machine, for the test runner's timeout. */
  readonly timeoutMs: number;
  run(): Promise<void>;
}

/** What a receiver saw. */
export interface Received {
  bytes: number;
  checksum: number;
  /** Offset of the first byte that differs from the expected data, or -1. */
  firstMismatch: number;
  /** Settles with the `onEnd` argument. */
  ended: Promise<Error | undefined>;
}

/** Register the one handler on `t` and tally what arrives, comparing against `expected` (if
 *  given) as bytes come in. */
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

/** Write all of `data` in random-sized pieces (seeded), honouring back-pressure, then `end()`
 *  unless told not to. Resolves with the number of writes. */
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

/**
 * The behaviour every networking module must show against a loopback peer, as checks that
 * need no test framework: each opens its own pair with `options.open()` and destroys it
 * afterwards. `transportSuite()` registers them with a framework's `describe`/`it`.
 */
export function transportChecks(options: TransportSuiteOptions): TransportCheck[] {
  const bulk = options.bulkBytes ?? 10 * 1024 * 1024;
  const check = (
    name: string,
    timeoutMs: number,
    body: (pair: OpenPair) => Promise<void>,
  ): TransportCheck => ({
    name,
    timeoutMs,
    async run() {
      const pair = await within(options.open(), 10_000, 'open()');
      try {
        await body(pair);
      } finally {
        pair.client.destroy();
        pair.server.destroy();
      }
    },
  });
  return [
    check('reports addresses and encryption', 15_000, (pair) =>
      addressesAndEncryption(pair, options),
    ),
    check(`moves ${mib(bulk)} each way at once, in random write sizes, intact`, 60_000, (pair) =>
      bulkTransfer(pair, options, bulk),
    ),
    check('delivers bytes written before receive() was called', 15_000, earlyBytes),
    options.halfClose
      ? check(
          'half-close: the peer sees onEnd() after the data and can still answer',
          15_000,
          halfClose,
        )
      : check(
          'end() closes both directions after the data; both sides close cleanly',
          15_000,
          endClosesBoth,
        ),
    check('abrupt close: destroy(error) surfaces as a RESET on the other side', 15_000, (pair) =>
      abruptClose(pair, options),
    ),
    check(
      'back-pressure: a paused reader stops the writer at a bounded number of bytes',
      30_000,
      (pair) => backPressure(pair, options),
    ),
  ];
}

/** Both ends report the configured `encrypted` flag and a remote address. */
async function addressesAndEncryption(
  { client, server }: OpenPair,
  options: TransportSuiteOptions,
): Promise<void> {
  equal(client.encrypted, options.encrypted, 'client.encrypted');
  equal(server.encrypted, options.encrypted, 'server.encrypted');
  assert(/\S/.test(client.remoteAddress), 'client.remoteAddress is empty');
  assert(/\S/.test(server.remoteAddress), 'server.remoteAddress is empty');
}

/** Both sides send `bulk` random bytes at once, in random write sizes; everything arrives intact. */
async function bulkTransfer(
  { client, server }: OpenPair,
  options: TransportSuiteOptions,
  bulk: number,
): Promise<void> {
  const up = randomBytes(bulk, 11);
  const down = randomBytes(bulk, 12);
  const atServer = collect(server, up);
  const atClient = collect(client, down);
  // Without half-close, the first end() would close both directions: end once all arrived.
  const endEach = options.halfClose;
  const [upWrites, downWrites] = await within(
    Promise.all([pump(client, up, 1, endEach), pump(server, down, 2, endEach)]),
    25_000,
    'the exchange',
  );
  if (!endEach) {
    await within(
      (async () => {
        while (atServer.bytes < bulk || atClient.bytes < bulk)
          await new Promise((r) => setTimeout(r, 5));
      })(),
      10_000,
      'all bytes arrive',
    );
    client.end();
  }
  // Random sizes average about 50 KiB: many writes, each a different size.
  const minWrites = Math.floor(bulk / (128 * 1024));
  assert(upWrites > minWrites, `only ${upWrites} client writes`);
  assert(downWrites > minWrites, `only ${downWrites} server writes`);
  equal(await within(atServer.ended, 10_000, 'server onEnd'), undefined, 'server onEnd');
  equal(await within(atClient.ended, 10_000, 'client onEnd'), undefined, 'client onEnd');
  equal(atServer.bytes, bulk, 'bytes at the server');
  equal(atClient.bytes, bulk, 'bytes at the client');
  equal(atServer.firstMismatch, -1, 'first wrong byte at the server');
  equal(atClient.firstMismatch, -1, 'first wrong byte at the client');
  equal(atServer.checksum, fnv1a(up), 'checksum at the server');
  equal(atClient.checksum, fnv1a(down), 'checksum at the client');
  equal(await within(client.closed, 10_000, 'client closed'), undefined, 'client.closed');
  equal(await within(server.closed, 10_000, 'server closed'), undefined, 'server.closed');
}

/** Bytes written before the peer registered its handler are delivered, not lost. */
async function earlyBytes({ client, server }: OpenPair): Promise<void> {
  client.write(text('early '));
  client.write(text('bird'));
  await new Promise((r) => setTimeout(r, 20));
  const atServer = collect(server);
  client.end();
  await within(atServer.ended, 5_000, 'server onEnd');
  equal(atServer.bytes, 10, 'bytes at the server');
  equal(atServer.checksum, fnv1a(text('early bird')), 'checksum at the server');
}

/** After `end()` the peer sees `onEnd()` following the data and can still answer. */
async function halfClose({ client, server }: OpenPair): Promise<void> {
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
  throwsClosed(() => client.write(text('x')), 'write() after end()');
  const saw = await within(serverSaw, 5_000, 'server onEnd');
  equal(saw.bytes, 8, 'bytes at the server before its onEnd');
  equal(saw.end, undefined, 'server onEnd');
  equal(await within(atClient.ended, 5_000, 'client onEnd'), undefined, 'client onEnd');
  equal(atClient.bytes, answer.length, 'answer bytes at the client');
  equal(atClient.firstMismatch, -1, 'first wrong byte of the answer');
  equal(await within(client.closed, 5_000, 'client closed'), undefined, 'client.closed');
  equal(await within(server.closed, 5_000, 'server closed'), undefined, 'server.closed');
}

/** Without half-close, `end()` closes both directions after the data. */
async function endClosesBoth({ client, server }: OpenPair): Promise<void> {
  const atServer = collect(server);
  const atClient = collect(client);
  client.write(text('last words'));
  client.end();
  equal(await within(atServer.ended, 5_000, 'server onEnd'), undefined, 'server onEnd');
  equal(atServer.checksum, fnv1a(text('last words')), 'checksum at the server');
  equal(await within(atClient.ended, 5_000, 'client onEnd'), undefined, 'client onEnd');
  equal(await within(client.closed, 5_000, 'client closed'), undefined, 'client.closed');
  equal(await within(server.closed, 5_000, 'server closed'), undefined, 'server.closed');
}

/** `destroy(error)` reaches the peer as a RESET; later writes and `drained()` fail CLOSED. */
async function abruptClose(
  { client, server }: OpenPair,
  options: TransportSuiteOptions,
): Promise<void> {
  const atServer = collect(server);
  const atClient = collect(client);
  client.write(text('some bytes'));
  await new Promise((r) => setTimeout(r, 20));
  const boom = new Error('boom');
  client.destroy(boom);
  const serverEnd = await within(atServer.ended, 5_000, 'server onEnd');
  if ((options.abruptClose ?? 'reset') === 'reset') {
    assert(
      TransportError.isInstance(serverEnd) && serverEnd.code === 'RESET',
      `server onEnd: expected a TransportError RESET, got ${describe(serverEnd)}`,
    );
  } else {
    equal(serverEnd, undefined, 'server onEnd');
    // The dead peer answers our next bytes with a TCP reset.
    await within(
      (async () => {
        for (let i = 0; i < 100 && (await settlesWithin(server.closed, 20)) === 'pending'; i++) {
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
  assert(
    TransportError.isInstance(serverClosed) && serverClosed.code === 'RESET',
    `server.closed: expected a TransportError RESET, got ${describe(serverClosed)}`,
  );
  equal(await within(client.closed, 5_000, 'client closed'), boom, 'client.closed');
  equal(await within(atClient.ended, 5_000, 'client onEnd'), boom, 'client onEnd');
  throwsClosed(() => server.write(text('x')), 'write() after the reset');
  const drained = await server.drained().then(
    () => undefined,
    (e: unknown) => e,
  );
  assert(
    TransportError.isInstance(drained) && drained.code === 'CLOSED',
    `drained() after the reset: expected a CLOSED rejection, got ${describe(drained)}`,
  );
}

/** A paused reader stops the writer at a bounded number of bytes; resuming delivers them all. */
async function backPressure(
  { client, server }: OpenPair,
  options: TransportSuiteOptions,
): Promise<void> {
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
  assert(sawFalse, 'write() never returned false while the reader was paused');
  assert(written < expected.length, `all ${written} bytes were accepted by a paused reader`);
  assert(
    written <= options.maxBufferedWhilePaused,
    `${written} bytes accepted while the reader was paused (at most ${options.maxBufferedWhilePaused} allowed)`,
  );
  assert(atServer.bytes <= written, 'the reader saw more bytes than were written');
  const stalledAt = atServer.bytes;
  // The reader is paused: nothing more arrives.
  await new Promise((r) => setTimeout(r, 50));
  equal(atServer.bytes, stalledAt, 'bytes delivered to a paused reader');
  // Resume: the writer drains and everything arrives intact.
  server.resume();
  await within(client.drained(), 10_000, 'drained() after resume()');
  client.end();
  equal(await within(atServer.ended, 10_000, 'end after resume'), undefined, 'server onEnd');
  equal(atServer.bytes, written, 'bytes at the server after resume');
  equal(atServer.firstMismatch, -1, 'first wrong byte at the server');
}

/** The parts of a test framework {@link transportSuite} uses: vitest, jest, `bun:test` and
 *  `node:test` all have them. */
export interface TestFramework {
  describe(name: string, body: () => void): unknown;
  it(name: string, body: () => Promise<void>, timeoutMs?: number): unknown;
}

/**
 * Register {@link transportChecks} as one `describe` block of tests named
 * `<name>: transport behaviour`, with `describe` and `it` of vitest, jest, `bun:test` or
 * `node:test`:
 *
 * ```ts
 * transportSuite('my module', { open, halfClose: true, encrypted: false,
 *   maxBufferedWhilePaused: 8 * 1024 * 1024 }, { describe, it });
 * ```
 */
export function transportSuite(
  name: string,
  options: TransportSuiteOptions,
  framework: TestFramework,
): void {
  framework.describe(`${name}: transport behaviour`, () => {
    for (const c of transportChecks(options)) framework.it(c.name, () => c.run(), c.timeoutMs);
  });
}

function text(s: string): Uint8Array {
  return new TextEncoder().encode(s);
}

function mib(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

function describe(v: unknown): string {
  if (v instanceof Error)
    return `${v.name}${'code' in v ? ` ${String(v.code)}` : ''}: ${v.message}`;
  return String(v);
}

function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

function equal(actual: unknown, expected: unknown, what: string): void {
  if (!Object.is(actual, expected))
    throw new Error(`${what}: expected ${describe(expected)}, got ${describe(actual)}`);
}

function throwsClosed(fn: () => unknown, what: string): void {
  try {
    fn();
  } catch (e) {
    if (TransportError.isInstance(e) && e.code === 'CLOSED') return;
    throw new Error(`${what}: expected a TransportError CLOSED, got ${describe(e)}`);
  }
  throw new Error(`${what}: expected a TransportError CLOSED, but it did not throw`);
}

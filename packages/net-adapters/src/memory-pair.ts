import type { ReceiveHandler, Transport } from './net-module.js';
import { scheduleTask } from './schedule-task.js';
import { TransportError } from './transport-error.js';
import { Waiters } from './waiters.js';

/** Options of {@link memoryPair}. */
export interface MemoryPairOptions {
  /** Bytes a side may have written but its peer not yet consumed before `write()` returns
   *  false. Default 65536 (64 KiB). */
  highWaterMark?: number;
  /** `localAddress` of the client side (and `remoteAddress` of the server side). Default `'memory:client'`. */
  clientAddress?: string;
  /** `localAddress` of the server side (and `remoteAddress` of the client side). Default `'memory:server'`. */
  serverAddress?: string;
}

/**
 * A linked client/server pair of transports in one process, with no sockets.
 *
 * Faithful to the interface: bytes written on one side are delivered to the other side's
 * handler asynchronously, in order, in the chunks written. Nothing is copied: the writer hands
 * its chunk over. Bytes stay queued at the writer until the reader consumes them, so a reader
 * that has not called `receive()` yet, or called `pause()`, makes the writer's `write()` return
 * false once the high-water mark is reached, and `drained()` resolves when the reader catches up.
 * `end()` half-closes: the peer gets `onEnd()` after all data written before it and can still
 * write back; both are closed (`closed` resolves `undefined`) once both sides ended.
 * `destroy(error)` drops queued bytes; the peer gets `onEnd(TransportError RESET)` at once.
 * Encryption is never used (`encrypted` is false).
 */
export function memoryPair(
  options: MemoryPairOptions = {},
): [client: Transport, server: Transport] {
  const highWaterMark = options.highWaterMark ?? 65536;
  if (!(highWaterMark > 0)) {
    throw new RangeError(
      `memoryPair highWaterMark must be a positive number; got ${highWaterMark}`,
    );
  }
  const clientAddress = options.clientAddress ?? 'memory:client';
  const serverAddress = options.serverAddress ?? 'memory:server';
  const client = new MemoryTransport(clientAddress, serverAddress, highWaterMark);
  const server = new MemoryTransport(serverAddress, clientAddress, highWaterMark);
  client.peer = server;
  server.peer = client;
  return [client, server];
}

/** One end of a {@link memoryPair}. Its outgoing queue holds what it wrote and the peer has not
 *  consumed yet. */
class MemoryTransport implements Transport {
  readonly encrypted = false;
  readonly closed: Promise<Error | undefined>;
  peer!: MemoryTransport;

  private readonly queue: Uint8Array[] = [];
  private queueHead = 0;
  /** Bytes written and not yet delivered to the peer. */
  private queued = 0;
  /** `end()` was called: an end marker sits after the queued chunks. */
  private writeEnded = false;
  /** A flush of the outgoing queue is scheduled. */
  private flushScheduled = false;

  private handler: ReceiveHandler | undefined;
  private paused = false;
  /** `onEnd` was delivered (or is about to be) to our handler. */
  private readEnded = false;
  /** Closed for good (both directions ended, or destroyed/reset). */
  private isClosed = false;
  /** The error to hand to our handler's `onEnd` when we died before it was registered. */
  private deathError: Error | undefined;
  private deathPending = false;
  private readonly drainWaiters = new Waiters();
  private settleClosed!: (error: Error | undefined) => void;

  constructor(
    readonly localAddress: string,
    readonly remoteAddress: string,
    private readonly highWaterMark: number,
  ) {
    this.closed = new Promise((resolve) => {
      this.settleClosed = resolve;
    });
  }

  receive(handler: ReceiveHandler): void {
    if (this.handler) throw new TypeError('receive() was already called on this transport');
    this.handler = handler;
    if (this.deathPending) scheduleTask(() => this.deliverDeath());
    else this.peer.scheduleFlush();
  }

  write(chunk: Uint8Array): boolean {
    if (this.isClosed || this.writeEnded) {
      throw new TransportError(
        'CLOSED',
        `cannot write ${chunk.length} bytes to ${this.remoteAddress}: the transport is ${this.writeEnded ? 'ended' : 'closed'}`,
      );
    }
    if (chunk.length > 0) {
      this.queue.push(chunk);
      this.queued += chunk.length;
      this.scheduleFlush();
    }
    return this.queued < this.highWaterMark;
  }

  drained(): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(
        new TransportError('CLOSED', `transport to ${this.remoteAddress} is closed`),
      );
    }
    if (this.queued < this.highWaterMark) return Promise.resolve();
    return this.drainWaiters.wait();
  }

  pause(): void {
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.deathPending) scheduleTask(() => this.deliverDeath());
    else this.peer.scheduleFlush();
  }

  end(): void {
    if (this.isClosed || this.writeEnded) return;
    this.writeEnded = true;
    this.scheduleFlush();
  }

  destroy(error?: Error): void {
    if (this.isClosed) return;
    const peer = this.peer;
    this.die(error);
    if (!peer.isClosed) {
      peer.die(
        new TransportError('RESET', `connection reset by ${this.localAddress}`, { cause: error }),
      );
    }
  }

  /** Close for good now: drop queued bytes, fail waiters, tell our handler. */
  private die(error: Error | undefined): void {
    this.isClosed = true;
    this.queue.length = 0;
    this.queueHead = 0;
    this.queued = 0;
    this.drainWaiters.rejectAll(
      new TransportError('CLOSED', `transport to ${this.remoteAddress} closed`, { cause: error }),
    );
    this.settleClosed(error);
    if (!this.readEnded) {
      this.readEnded = true;
      this.deathError = error;
      this.deathPending = true;
      if (this.handler) scheduleTask(() => this.deliverDeath());
    }
  }

  private deliverDeath(): void {
    if (!this.deathPending || !this.handler) return;
    this.deathPending = false;
    this.handler.onEnd(this.deathError);
  }

  scheduleFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    scheduleTask(() => this.flush());
  }

  /** Deliver our queued bytes (and end marker) to the peer's handler while it accepts them. */
  private flush(): void {
    this.flushScheduled = false;
    const peer = this.peer;
    if (this.isClosed || peer.isClosed) return;
    const queue = this.queue;
    while (this.queueHead < queue.length && peer.handler && !peer.paused && !peer.isClosed) {
      const chunk = queue[this.queueHead];
      queue[this.queueHead++] = undefined as unknown as Uint8Array;
      this.queued -= chunk.length;
      try {
        peer.handler.onData(chunk);
      } catch (error) {
        peer.destroy(error instanceof Error ? error : new Error(String(error)));
        return;
      }
    }
    if (this.queueHead === queue.length) {
      queue.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 1024) {
      queue.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    if (this.isClosed) return;
    if (this.queued < this.highWaterMark) this.drainWaiters.resolveAll();
    if (
      this.writeEnded &&
      this.queued === 0 &&
      peer.handler &&
      !peer.paused &&
      !peer.readEnded &&
      !peer.isClosed
    ) {
      peer.readEnded = true;
      peer.handler.onEnd();
      if (this.readEnded && !this.isClosed && !peer.isClosed) {
        this.finish();
        peer.finish();
      }
    }
  }

  /** Both directions ended cleanly. */
  private finish(): void {
    this.isClosed = true;
    this.drainWaiters.rejectAll(
      new TransportError('CLOSED', `transport to ${this.remoteAddress} closed`),
    );
    this.settleClosed(undefined);
  }
}

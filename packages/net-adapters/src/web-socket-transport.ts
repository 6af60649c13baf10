import type { ConnectOptions, ReceiveHandler, Transport } from './net-module.js';
import { TransportError } from './transport-error.js';
import { Waiters } from './waiters.js';

/** The part of the W3C `WebSocket` API the websocket modules use. Browsers' and Deno's
 *  `WebSocket`, Node 22's global one and the `ws` package's class all fit. */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: any) => void): void;
  removeEventListener(type: string, listener: (event: any) => void): void;
  /** `ws` only: stop/resume reading from the socket (read-side back-pressure). */
  pause?(): void;
  resume?(): void;
  /** `ws` only: close the TCP connection at once, without a closing handshake. */
  terminate?(): void;
}

/** Settings shared by the websocket client modules and the listener. */
export interface WebSocketTransportOptions {
  /** `bufferedAmount` (bytes queued for sending) at or above which `write()` returns false.
   *  Default 65536. */
  highWaterMark?: number;
  /** How often `drained()` looks at `bufferedAmount` again while above the high-water mark, in
   *  ms (the W3C API has no drain event). Default 4. */
  drainPollMs?: number;
}

const OPEN = 1;
/** Close code sent by `destroy()` where the runtime cannot drop the connection outright. */
const DESTROY_CODE = 4000;

/**
 * A {@link Transport} over an open WebSocket: each `write()` is one binary message; every
 * incoming binary message is one `onData` chunk; a text message is a protocol error (the
 * transport is destroyed with TransportError `PROTOCOL`). There is no half-close: `end()` sends
 * a normal close (1000) after the queued messages and the peer sees `onEnd()`; a close with any
 * other code, or none, is `onEnd(RESET)`. Read-side `pause()` stops the socket with `ws`; a
 * browser WebSocket cannot stop reading, so paused messages are held in memory.
 */
export class WebSocketTransport implements Transport {
  readonly closed: Promise<Error | undefined>;

  private handler: ReceiveHandler | undefined;
  private paused = false;
  private readonly inbox: Uint8Array[] = [];
  private deliveryScheduled = false;
  /** How our handler's `onEnd` must be called, once the inbox is delivered. */
  private endWith: { error: Error | undefined } | undefined;
  private endDelivered = false;
  private ending = false;
  private isClosed = false;
  private localDestroy: { error: Error | undefined } | undefined;
  private readonly drainWaiters = new Waiters();
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  private settleClosed!: (error: Error | undefined) => void;
  private readonly highWaterMark: number;
  private readonly drainPollMs: number;

  constructor(
    private readonly ws: WebSocketLike,
    readonly remoteAddress: string,
    readonly localAddress: string,
    readonly encrypted: boolean,
    options: WebSocketTransportOptions = {},
  ) {
    this.highWaterMark = options.highWaterMark ?? 65536;
    this.drainPollMs = options.drainPollMs ?? 4;
    this.closed = new Promise((resolve) => {
      this.settleClosed = resolve;
    });
    ws.binaryType = 'arraybuffer';
    ws.pause?.(); // until receive()
    ws.addEventListener('message', (event: { data: unknown }) => this.onMessage(event.data));
    ws.addEventListener('close', (event: { code: number; reason: string; wasClean: boolean }) =>
      this.onClose(event.code, event.reason, event.wasClean),
    );
    ws.addEventListener('error', () => {
      // Always followed by 'close', which reports it.
    });
    if (ws.readyState !== OPEN) {
      queueMicrotask(() => this.onClose(1006, 'not open', false));
    }
  }

  receive(handler: ReceiveHandler): void {
    if (this.handler) throw new TypeError('receive() was already called on this transport');
    this.handler = handler;
    if (!this.paused) this.ws.resume?.();
    this.scheduleDelivery();
  }

  write(chunk: Uint8Array): boolean {
    if (this.isClosed || this.ending || this.ws.readyState !== OPEN) {
      throw new TransportError(
        'CLOSED',
        `cannot write ${chunk.length} bytes to ${this.remoteAddress}: the transport is ${this.ending ? 'ended' : 'closed'}`,
      );
    }
    if (chunk.length > 0) this.ws.send(chunk);
    return this.ws.bufferedAmount < this.highWaterMark;
  }

  drained(): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(
        new TransportError('CLOSED', `transport to ${this.remoteAddress} is closed`),
      );
    }
    if (this.ws.bufferedAmount < this.highWaterMark) return Promise.resolve();
    const wait = this.drainWaiters.wait();
    this.pollDrain();
    return wait;
  }

  pause(): void {
    this.paused = true;
    this.ws.pause?.();
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.handler && !this.isClosed) this.ws.resume?.();
    this.scheduleDelivery();
  }

  end(): void {
    if (this.ending || this.isClosed) return;
    this.ending = true;
    this.ws.close(1000, 'end');
    // The closing handshake needs the peer's close frame read, even if nobody reads our data:
    // what arrives meanwhile waits in memory for the handler (the peer is closing too).
    this.ws.resume?.();
  }

  destroy(error?: Error): void {
    if (this.isClosed || this.localDestroy) return;
    this.localDestroy = { error };
    this.inbox.length = 0;
    if (this.ws.terminate) this.ws.terminate();
    else this.ws.close(DESTROY_CODE, 'destroyed');
    // Do not wait for the closing handshake: closed for us now.
    this.finish(error, error);
  }

  private onMessage(data: unknown): void {
    if (this.isClosed) return;
    if (typeof data === 'string') {
      this.destroy(
        new TransportError(
          'PROTOCOL',
          `${this.remoteAddress} sent a text WebSocket message; Bolt travels in binary messages`,
        ),
      );
      return;
    }
    const chunk =
      data instanceof ArrayBuffer
        ? new Uint8Array(data)
        : ArrayBuffer.isView(data)
          ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
          : undefined;
    if (!chunk) {
      this.destroy(
        new TransportError(
          'PROTOCOL',
          `unexpected WebSocket message data from ${this.remoteAddress}`,
        ),
      );
      return;
    }
    if (this.handler && !this.paused && this.inbox.length === 0) this.deliver(chunk);
    else this.inbox.push(chunk);
  }

  private deliver(chunk: Uint8Array): void {
    try {
      this.handler!.onData(chunk);
    } catch (error) {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private scheduleDelivery(): void {
    if (this.deliveryScheduled) return;
    this.deliveryScheduled = true;
    queueMicrotask(() => {
      this.deliveryScheduled = false;
      this.drainInbox();
    });
  }

  private drainInbox(): void {
    while (this.handler && !this.paused && this.inbox.length > 0 && !this.localDestroy) {
      this.deliver(this.inbox.shift()!);
    }
    if (
      this.handler &&
      !this.paused &&
      this.inbox.length === 0 &&
      this.endWith &&
      !this.endDelivered
    ) {
      this.endDelivered = true;
      this.handler.onEnd(this.endWith.error);
    }
  }

  private onClose(code: number, reason: string, wasClean: boolean): void {
    if (this.isClosed) return;
    const clean = wasClean && (code === 1000 || code === 1005);
    const error = clean
      ? undefined
      : new TransportError(
          'RESET',
          `WebSocket connection to ${this.remoteAddress} closed abruptly (code ${code}${reason ? `, ${reason}` : ''})`,
        );
    this.finish(error, error);
  }

  /** Closed for good: `closed` resolves `closedWith`; the handler gets `onEnd(endWith)` after
   *  the messages already received (none after a local destroy). */
  private finish(closedWith: Error | undefined, endWith: Error | undefined): void {
    this.isClosed = true;
    if (this.pollTimer !== undefined) clearTimeout(this.pollTimer);
    this.drainWaiters.rejectAll(
      new TransportError('CLOSED', `transport to ${this.remoteAddress} closed`, {
        cause: closedWith,
      }),
    );
    this.settleClosed(closedWith);
    this.endWith = { error: endWith };
    if (this.localDestroy) {
      // Our own destroy: no more data, report at once (asynchronously).
      this.paused = false;
    }
    this.scheduleDelivery();
  }

  private pollDrain(): void {
    if (this.pollTimer !== undefined || this.isClosed) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      if (this.isClosed) return;
      if (this.ws.bufferedAmount < this.highWaterMark) this.drainWaiters.resolveAll();
      else this.pollDrain();
    }, this.drainPollMs);
  }
}

/** `ws://host:port/path` or `wss://...`, bracketing IPv6 hosts. */
export function webSocketUrl(connect: ConnectOptions, path = '/'): string {
  const host = connect.host.includes(':') ? `[${connect.host}]` : connect.host;
  return `${connect.tls?.enabled ? 'wss' : 'ws'}://${host}:${connect.port}${path.startsWith('/') ? path : `/${path}`}`;
}

/**
 * Wait for `ws` (just created) to open within `connectTimeoutMs` and the AbortSignal. On
 * failure the socket is dropped and a TransportError thrown.
 */
export function awaitWebSocketOpen(
  ws: WebSocketLike,
  connect: ConnectOptions,
  url: string,
): Promise<void> {
  const timeoutMs = connect.connectTimeoutMs ?? 30_000;
  return new Promise<void>((resolve, reject) => {
    const fail = (error: TransportError) => {
      cleanup();
      ws.addEventListener('error', () => {});
      if (ws.terminate) ws.terminate();
      else ws.close();
      reject(error);
    };
    const onOpen = () => {
      cleanup();
      resolve();
    };
    const onError = (event: { error?: unknown; message?: string }) =>
      fail(mapWebSocketError(event.error, url, event.message));
    const onClose = (event: { code: number }) =>
      fail(
        new TransportError(
          'CONNECT_FAILED',
          `WebSocket ${url} closed before opening (code ${event.code})`,
        ),
      );
    const onAbort = () =>
      fail(
        new TransportError('ABORTED', `connect to ${url} aborted`, {
          cause: connect.signal?.reason,
        }),
      );
    const timer = setTimeout(
      () =>
        fail(
          new TransportError(
            'CONNECT_TIMEOUT',
            `WebSocket handshake with ${url} did not complete within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    const cleanup = () => {
      clearTimeout(timer);
      ws.removeEventListener('open', onOpen);
      ws.removeEventListener('error', onError);
      ws.removeEventListener('close', onClose);
      connect.signal?.removeEventListener('abort', onAbort);
    };
    ws.addEventListener('open', onOpen);
    ws.addEventListener('error', onError);
    ws.addEventListener('close', onClose);
    if (connect.signal?.aborted) onAbort();
    else connect.signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function mapWebSocketError(error: unknown, url: string, message?: string): TransportError {
  const code = (error as { code?: string } | undefined)?.code ?? '';
  const detail = (error as Error | undefined)?.message ?? message ?? 'no detail from the runtime';
  if (code === 'ECONNREFUSED') {
    return new TransportError('CONNECT_REFUSED', `connection to ${url} refused`, { cause: error });
  }
  if (/CERT|TLS|SSL/.test(code) || /certificate|TLS|SSL/i.test(detail)) {
    return new TransportError('TLS', `TLS handshake with ${url} failed: ${detail}`, {
      cause: error,
    });
  }
  return new TransportError('CONNECT_FAILED', `WebSocket ${url} failed: ${detail}`, {
    cause: error,
  });
}

import type { Socket } from 'node:net';
import type { ReceiveHandler, Transport } from './net-module.js';
import { TransportError } from './transport-error.js';
import { Waiters } from './waiters.js';

/**
 * A {@link Transport} over a connected Node `net.Socket` or `tls.TLSSocket` (Node only).
 *
 * The socket must have been created with `allowHalfOpen: true`: the peer's FIN becomes
 * `onEnd()` and we can keep writing until we `end()` too. The socket is paused until
 * `receive()` is called, so nothing is buffered beyond the kernel and Node's read buffer;
 * `pause()` pauses the socket, which makes the peer's writes back up through TCP.
 */
export class SocketTransport implements Transport {
  readonly closed: Promise<Error | undefined>;
  readonly remoteAddress: string;
  readonly localAddress: string;

  private handler: ReceiveHandler | undefined;
  private userPaused = false;
  private readEnded = false;
  private isClosed = false;
  private writeEnded = false;
  /** The error the connection died with (first one wins). */
  private failure: Error | undefined;
  /** An explicit `destroy(error)` from our side: closed resolves it, verbatim. */
  private localDestroy: { error: Error | undefined } | undefined;
  private readonly drainWaiters = new Waiters();
  private settleClosed!: (error: Error | undefined) => void;

  /**
   * @param socket the connected socket we read and write (a TLSSocket for TLS).
   * @param encrypted whether `socket` is TLS.
   * @param raw the TCP socket under `socket` (itself for plain TCP), where keep-alive and
   *   no-delay are set; `destroy()` resets it when it is `socket` itself.
   */
  constructor(
    private readonly socket: Socket,
    readonly encrypted: boolean,
    private readonly raw: Socket = socket,
  ) {
    this.closed = new Promise((resolve) => {
      this.settleClosed = resolve;
    });
    this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
    this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    socket.pause();
    socket.on('data', (data: Uint8Array) => this.onData(data));
    // After our own destroy() the end is the error we were given (reported on 'close'), even
    // where the runtime also emits 'end' for it (Bun does).
    socket.on('end', () => {
      if (!this.localDestroy) this.deliverEnd(undefined);
    });
    socket.on('error', (error: Error) => {
      this.failure ??= mapSocketError(error, this.remoteAddress);
    });
    socket.on('drain', () => this.drainWaiters.resolveAll());
    socket.on('close', () => this.onClose());
  }

  receive(handler: ReceiveHandler): void {
    if (this.handler) throw new TypeError('receive() was already called on this transport');
    this.handler = handler;
    if (this.isClosed && !this.readEnded) {
      // Died before anyone listened: report it, asynchronously as promised.
      queueMicrotask(() => this.deliverEnd(this.closeError()));
      return;
    }
    if (!this.userPaused) this.socket.resume();
  }

  write(chunk: Uint8Array): boolean {
    if (this.isClosed || this.writeEnded || this.socket.destroyed) {
      throw new TransportError(
        'CLOSED',
        `cannot write ${chunk.length} bytes to ${this.remoteAddress}: the transport is ${this.writeEnded ? 'ended' : 'closed'}`,
        { cause: this.failure },
      );
    }
    return this.socket.write(chunk);
  }

  /** Plain TCP: Node queues nothing once a write went to the kernel at once (a chunk it could
   *  not write at once stays referenced until sent, and counts in `writableLength`). TLS:
   *  undefined (the cleartext may be held until encrypted). */
  get flushed(): boolean | undefined {
    if (this.encrypted) return undefined;
    return this.socket.writableLength === 0;
  }

  drained(): Promise<void> {
    if (this.isClosed) {
      return Promise.reject(
        new TransportError('CLOSED', `transport to ${this.remoteAddress} is closed`, {
          cause: this.failure,
        }),
      );
    }
    if (!this.socket.writableNeedDrain) return Promise.resolve();
    return this.drainWaiters.wait();
  }

  pause(): void {
    this.userPaused = true;
    this.socket.pause();
  }

  resume(): void {
    this.userPaused = false;
    if (this.handler && !this.isClosed) this.socket.resume();
  }

  end(): void {
    if (this.writeEnded || this.isClosed) return;
    this.writeEnded = true;
    this.socket.end();
  }

  destroy(error?: Error): void {
    if (this.isClosed || this.localDestroy) return;
    this.localDestroy = { error };
    // Plain TCP: a reset (RST) so the peer learns this was abrupt, not a clean end. Under TLS
    // the TCP handle is shared with the TLS layer and resetting it under TLS can crash Node,
    // so TLS closes the socket (the peer sees an end, then a reset on its next write).
    const raw = this.raw;
    if (raw === this.socket && !raw.destroyed && !raw.connecting) {
      raw.resetAndDestroy();
    } else {
      this.socket.destroy();
    }
  }

  private onData(data: Uint8Array): void {
    if (!this.handler) return;
    // A plain Uint8Array view: consumers never see Buffer semantics.
    const chunk = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    try {
      this.handler.onData(chunk);
    } catch (error) {
      this.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }

  private deliverEnd(error: Error | undefined): void {
    if (this.readEnded || !this.handler) return;
    this.readEnded = true;
    this.handler.onEnd(error);
  }

  private closeError(): Error | undefined {
    if (this.localDestroy) return this.localDestroy.error;
    return this.failure;
  }

  private onClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    if (!this.readEnded && !this.localDestroy && !this.failure) {
      // Closed with neither a FIN nor an error seen by us: the peer went away abruptly.
      this.failure = new TransportError(
        'RESET',
        `connection to ${this.remoteAddress} closed abruptly`,
      );
    }
    const reported = this.closeError();
    this.drainWaiters.rejectAll(
      new TransportError('CLOSED', `transport to ${this.remoteAddress} closed`, {
        cause: reported,
      }),
    );
    this.settleClosed(reported);
    this.deliverEnd(reported);
  }
}

/** `"host:port"`, with brackets around IPv6 hosts. */
export function formatAddress(host: string | undefined, port: number | undefined): string {
  const h = host ?? 'unknown';
  return `${h.includes(':') ? `[${h}]` : h}:${port ?? 0}`;
}

/** A Node socket error as a TransportError (kept as `cause`). */
export function mapSocketError(error: Error, where: string): TransportError {
  if (TransportError.isInstance(error)) return error;
  const code = (error as { code?: string }).code;
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') {
    return new TransportError('RESET', `connection to ${where} reset by peer (${code})`, {
      cause: error,
    });
  }
  if (
    code?.startsWith('ERR_TLS') ||
    code?.startsWith('ERR_SSL') ||
    /SSL|TLS|certificate/i.test(error.message)
  ) {
    return new TransportError('TLS', `TLS error on connection to ${where}: ${error.message}`, {
      cause: error,
    });
  }
  return new TransportError('RESET', `connection to ${where} failed: ${error.message}`, {
    cause: error,
  });
}

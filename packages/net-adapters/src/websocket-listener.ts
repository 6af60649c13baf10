import { createServer as createHttpServer, type IncomingMessage, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import { handOver } from './hand-over.js';
import { loadWs } from './load-ws.js';
import type { Listener, ListenerModule, ListenOptions } from './net-module.js';
import { formatAddress } from './socket-transport.js';
import { TransportError } from './transport-error.js';
import {
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './web-socket-transport.js';

/** Options of {@link websocketListener}. */
export interface WebSocketListenerOptions extends WebSocketTransportOptions {
  /** Only upgrade requests for this path are accepted. Default: any path. */
  path?: string;
  /** Largest incoming WebSocket message in bytes; a bigger one closes the connection (1009).
   *  Default 67108864 (64 MiB). */
  maxPayload?: number;
  /** An accepted TCP connection that has not completed the WebSocket (and TLS) handshake within
   *  this many ms is dropped. Default 10000. */
  handshakeTimeoutMs?: number;
}

/**
 * A WebSocket listener (Node only, uses the `ws` package, loaded when `listen()` is first
 * called): one HTTP server on `host:port` upgrades requests to WebSocket and hands each as a
 * transport speaking Bolt in binary messages. With `ListenOptions.tls` `{ cert, key }` it serves
 * `wss://` (HTTPS). Plain HTTP requests get `426 Upgrade Required`. No compression
 * (`perMessageDeflate` off). Read-side `pause()` pauses the socket.
 */
export function websocketListener(options: WebSocketListenerOptions = {}): ListenerModule {
  return {
    name: 'websocket',
    async listen(listen: ListenOptions, onConnection): Promise<Listener> {
      const ws = await loadWs('websocketListener()', 'LISTEN_FAILED');
      const host = listen.host ?? '127.0.0.1';
      const encrypted = Boolean(listen.tls);
      const server = httpServer(listen);
      const pending = new HandshakeDeadlines(options.handshakeTimeoutMs ?? 10_000);
      server.on('connection', (socket: Socket) => pending.track(socket));
      server.on('tlsClientError', (_error: Error, socket: Socket) => socket.destroy());
      server.on('request', (_req, res) => {
        res.writeHead(426, { 'content-type': 'text/plain', upgrade: 'websocket' });
        res.end('This port speaks Bolt over WebSocket; HTTP requests are not served.\n');
      });
      const wss = new ws.WebSocketServer({
        server,
        path: options.path,
        perMessageDeflate: false,
        maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
      });
      wss.on('error', () => {}); // the HTTP server's errors are reported by listen()
      wss.on('connection', (socket, request: IncomingMessage) => {
        const raw = request.socket;
        pending.done(raw);
        raw.setNoDelay(true);
        handOver(
          onConnection,
          new WebSocketTransport(
            socket as unknown as WebSocketLike,
            formatAddress(raw.remoteAddress, raw.remotePort),
            formatAddress(raw.localAddress, raw.localPort),
            encrypted,
            options,
          ),
        );
      });

      const port = await listenOn(server, host, listen);
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= new Promise<void>((done) => {
          listen.signal?.removeEventListener('abort', onAbort);
          // Stop accepting; connections already handed out stay open (they are the owner's).
          wss.close();
          if (server.listening) server.close();
          pending.dropAll();
          done();
        });
        return closing;
      };
      const onAbort = () => void close();
      listen.signal?.addEventListener('abort', onAbort, { once: true });
      return { name: 'websocket', address: { host, port }, close };
    },
  };
}

/** The HTTP(S) server the WebSocket server upgrades on; a bad cert/key is LISTEN_FAILED. */
function httpServer(listen: ListenOptions): Server {
  try {
    return listen.tls
      ? createHttpsServer({ cert: listen.tls.cert, key: listen.tls.key })
      : createHttpServer();
  } catch (error) {
    throw new TransportError(
      'LISTEN_FAILED',
      `websocket listener cannot use the given cert/key: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

/** Binds `server`; resolves the port bound, rejects LISTEN_FAILED or ABORTED. */
async function listenOn(server: Server, host: string, listen: ListenOptions): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    if (listen.signal?.aborted) {
      reject(new TransportError('ABORTED', `listen on ${host}:${listen.port ?? 0} aborted`));
      return;
    }
    const onError = (error: Error) =>
      reject(
        new TransportError(
          'LISTEN_FAILED',
          `websocket cannot listen on ${host}:${listen.port ?? 0}: ${error.message}`,
          { cause: error },
        ),
      );
    server.once('error', onError);
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', onError);
      server.on('error', () => {});
      resolve();
    });
  });
  const bound = server.address();
  return typeof bound === 'object' && bound ? bound.port : (listen.port ?? 0);
}

/** TCP connections still in their TLS/WebSocket handshake, by remote "host:port": each is
 *  dropped unless it completes within the deadline. */
class HandshakeDeadlines {
  private readonly pending = new Map<
    string,
    { socket: Socket; timer: ReturnType<typeof setTimeout> }
  >();

  constructor(private readonly timeoutMs: number) {}

  track(socket: Socket): void {
    socket.on('error', () => {});
    const key = formatAddress(socket.remoteAddress, socket.remotePort);
    const timer = setTimeout(() => {
      this.pending.delete(key);
      socket.destroy();
    }, this.timeoutMs);
    this.pending.set(key, { socket, timer });
    socket.once('close', () => {
      clearTimeout(timer);
      if (this.pending.get(key)?.socket === socket) this.pending.delete(key);
    });
  }

  /** The handshake of `socket` completed: no deadline any more. */
  done(socket: Socket): void {
    const key = formatAddress(socket.remoteAddress, socket.remotePort);
    clearTimeout(this.pending.get(key)?.timer);
    this.pending.delete(key);
  }

  dropAll(): void {
    for (const { socket, timer } of this.pending.values()) {
      clearTimeout(timer);
      socket.destroy();
    }
    this.pending.clear();
  }
}

import {
  createServer,
  type NetConnectOpts,
  connect as netConnect,
  type Server,
  type Socket,
  type TcpSocketConnectOpts,
} from 'node:net';
import { awaitSocketReady } from './connect-socket.js';
import { handOver } from './hand-over.js';
import type {
  ConnectOptions,
  Listener,
  ListenerModule,
  ListenOptions,
  NetModule,
  Transport,
} from './net-module.js';
import { SocketTransport } from './socket-transport.js';
import { TransportError } from './transport-error.js';

/** Options of {@link tcp}. */
export interface TcpOptions {
  /** Idle time before the first TCP keep-alive probe, in ms; 0 disables keep-alive. Default 60000. */
  keepAliveInitialDelayMs?: number;
  /** Bytes Node may buffer for writing before `write()` returns false. Default 65536. */
  highWaterMark?: number;
  /** Client: the host name lookup, with the signature of `dns.lookup` (custom DNS, service
   *  discovery). Its time counts against `connectTimeoutMs`. Default: `dns.lookup`. */
  lookup?: TcpSocketConnectOpts['lookup'];
}

/**
 * Plain TCP through `node:net` (Node only). Client: connect timeout, `AbortSignal`, no Nagle
 * delay (`setNoDelay`), TCP keep-alive, half-close (`allowHalfOpen`). Listener: binds
 * `host:port` (port 0 = any free port, reported back); accepted sockets start paused until
 * `receive()`.
 */
export function tcp(options: TcpOptions = {}): NetModule & ListenerModule {
  return {
    name: 'tcp',
    async connect(connect: ConnectOptions): Promise<Transport> {
      if (connect.tls?.enabled) {
        throw new TransportError(
          'TLS',
          'the tcp module does not encrypt; use tls() for tls.enabled',
        );
      }
      // highWaterMark is passed through to the stream.Duplex (not in @types/node's NetConnectOpts).
      const socket = netConnect({
        host: connect.host,
        port: connect.port,
        allowHalfOpen: true,
        noDelay: true,
        highWaterMark: options.highWaterMark ?? 65536,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      } as NetConnectOpts);
      await awaitSocketReady(socket, 'connect', connect, () => 'TCP connect');
      return wrapSocket(socket, options, false);
    },
    listen(listen: ListenOptions, onConnection): Promise<Listener> {
      const server = createServer({
        allowHalfOpen: true,
        pauseOnConnect: true,
        noDelay: true,
        highWaterMark: options.highWaterMark ?? 65536,
      });
      server.on('connection', (socket) =>
        handOver(onConnection, wrapSocket(socket, options, false)),
      );
      return listenOn(server, 'tcp', listen);
    },
  };
}

/** Apply the per-connection socket settings and wrap it. */
export function wrapSocket(
  socket: Socket,
  options: TcpOptions,
  encrypted: boolean,
  raw: Socket = socket,
): SocketTransport {
  raw.setNoDelay(true);
  const delay = options.keepAliveInitialDelayMs ?? 60_000;
  if (delay > 0) raw.setKeepAlive(true, delay);
  return new SocketTransport(socket, encrypted, raw);
}

/** Bind `server` and describe it as a Listener. */
export function listenOn(server: Server, name: string, listen: ListenOptions): Promise<Listener> {
  const host = listen.host ?? '127.0.0.1';
  return new Promise<Listener>((resolve, reject) => {
    if (listen.signal?.aborted) {
      reject(
        new TransportError('ABORTED', `listen on ${host}:${listen.port ?? 0} aborted`, {
          cause: listen.signal.reason,
        }),
      );
      return;
    }
    const onError = (error: Error) => {
      reject(
        new TransportError(
          'LISTEN_FAILED',
          `${name} cannot listen on ${host}:${listen.port ?? 0}: ${error.message}`,
          { cause: error },
        ),
      );
    };
    server.once('error', onError);
    server.listen(listen.port ?? 0, host, () => {
      server.off('error', onError);
      // Later errors on the listening socket (rare: EMFILE on accept) must not crash the process.
      server.on('error', () => {});
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : (listen.port ?? 0);
      let closing: Promise<void> | undefined;
      const close = () => {
        closing ??= new Promise<void>((done) => {
          listen.signal?.removeEventListener('abort', onAbort);
          if (server.listening) server.close();
          // server.close() stops accepting at once; its callback waits for every accepted
          // connection, which belong to the caller, so do not wait for it.
          done();
        });
        return closing;
      };
      const onAbort = () => void close();
      listen.signal?.addEventListener('abort', onAbort, { once: true });
      resolve({ name, address: { host, port }, close });
    });
  });
}

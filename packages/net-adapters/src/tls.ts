import { createServer, isIP, type NetConnectOpts, connect as netConnect } from 'node:net';
import {
  type ConnectionOptions,
  createSecureContext,
  type SecureContext,
  TLSSocket,
  connect as tlsConnect,
} from 'node:tls';
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
import { listenOn, type TcpOptions, wrapSocket } from './tcp.js';
import { TransportError } from './transport-error.js';

/** Options of {@link tls}. */
export interface TlsOptions extends TcpOptions {
  /** Listener: an accepted connection whose TLS handshake has not finished within this many ms
   *  is dropped before it reaches `onConnection`. Default 10000. (Clients use
   *  `ConnectOptions.connectTimeoutMs`, which covers TCP connect and TLS handshake together.) */
  handshakeTimeoutMs?: number;
  /** Lowest TLS version accepted on both sides. Default `'TLSv1.2'`. */
  minVersion?: 'TLSv1.2' | 'TLSv1.3';
}

/**
 * TLS over TCP through `node:tls` (Node only); `encrypted` is true.
 *
 * Client: `tls.trust` `'system'` (default; Node's trusted CAs), `'custom'` (only `tls.ca`),
 * `'all'` (any certificate, no verification: `bolt+ssc`); SNI/hostname check against
 * `tls.servername` or `host`; one deadline (`connectTimeoutMs`) for TCP connect plus handshake;
 * `AbortSignal`; everything `tcp()` does (no Nagle delay, keep-alive, half-close).
 * Listener: `ListenOptions.tls` `{ cert, key }` (PEM) is required; handshake timeout; clients
 * failing the handshake are dropped quietly.
 *
 * `destroy()` under TLS closes the connection without a TCP reset: Node cannot reset a TCP
 * socket that TLS is layered on without risking a crash. A Node peer therefore sees a clean
 * `onEnd()`; its next write is answered with a reset, so its `closed` resolves a `RESET`.
 */
export function tls(options: TlsOptions = {}): NetModule & ListenerModule {
  const minVersion = options.minVersion ?? 'TLSv1.2';
  const highWaterMark = options.highWaterMark ?? 65536;
  return {
    name: 'tls',
    async connect(connect: ConnectOptions): Promise<Transport> {
      const settings = connect.tls ?? { enabled: true };
      if (!settings.enabled) {
        throw new TransportError(
          'TLS',
          'the tls module always encrypts; use tcp() for plain connections',
        );
      }
      const trust = settings.trust ?? 'system';
      if (trust === 'custom' && (settings.ca === undefined || settings.ca.length === 0)) {
        throw new TransportError('TLS', "tls.trust 'custom' needs tls.ca (PEM certificates)");
      }
      const servername = settings.servername ?? (isIP(connect.host) ? undefined : connect.host);
      const raw = netConnect({
        host: connect.host,
        port: connect.port,
        allowHalfOpen: true,
        noDelay: true,
        highWaterMark,
        ...(options.lookup ? { lookup: options.lookup } : {}),
      } as NetConnectOpts);
      // The TLS socket reports the raw socket's failures; never let the raw one throw.
      raw.on('error', () => {});
      const socket = tlsConnect({
        socket: raw,
        allowHalfOpen: true,
        highWaterMark,
        minVersion,
        servername,
        // 'system': Node's default CA store; 'custom': only these; 'all': verify nothing.
        ca: trust === 'custom' ? settings.ca : undefined,
        rejectUnauthorized: trust !== 'all',
      } as ConnectionOptions);
      await awaitSocketReady(socket, 'secureConnect', connect, () =>
        raw.connecting ? 'TCP connect' : 'TLS handshake',
      );
      return wrapSocket(socket, options, true, raw);
    },
    listen(listen: ListenOptions, onConnection): Promise<Listener> {
      if (!listen.tls?.cert || !listen.tls?.key) {
        return Promise.reject(
          new TransportError(
            'LISTEN_FAILED',
            'the tls listener needs ListenOptions.tls { cert, key } (PEM)',
          ),
        );
      }
      let context: SecureContext;
      try {
        context = createSecureContext({ cert: listen.tls.cert, key: listen.tls.key, minVersion });
      } catch (error) {
        return Promise.reject(
          new TransportError(
            'LISTEN_FAILED',
            `the tls listener cannot use the given cert/key: ${(error as Error).message}`,
            { cause: error },
          ),
        );
      }
      const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
      const server = createServer({ allowHalfOpen: true, noDelay: true, highWaterMark });
      server.on('connection', (raw) => {
        raw.on('error', () => {}); // reported through the TLS socket
        const socket = new TLSSocket(raw, {
          isServer: true,
          secureContext: context,
          highWaterMark,
        } as ConstructorParameters<typeof TLSSocket>[1]);
        const timer = setTimeout(() => socket.destroy(), handshakeTimeoutMs);
        const drop = () => {
          clearTimeout(timer);
          socket.destroy();
        };
        socket.once('error', drop);
        socket.once('close', () => clearTimeout(timer));
        socket.once('secure', () => {
          clearTimeout(timer);
          socket.off('error', drop);
          handOver(onConnection, wrapSocket(socket, options, true, raw));
        });
      });
      return listenOn(server, 'tls', listen);
    },
  };
}

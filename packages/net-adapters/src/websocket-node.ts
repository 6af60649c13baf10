import { loadWs } from './load-ws.js';
import type { ConnectOptions, NetModule, Transport } from './net-module.js';
import { TransportError } from './transport-error.js';
import {
  awaitWebSocketOpen,
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
  webSocketUrl,
} from './web-socket-transport.js';

/** Options of {@link websocketNode}. */
export interface WebSocketNodeOptions extends WebSocketTransportOptions {
  /** Request path. Default `'/'`. */
  path?: string;
  /** Largest incoming message in bytes. Default 67108864 (64 MiB). */
  maxPayload?: number;
}

/**
 * Bolt over WebSocket on Node with the `ws` package (loaded on first connect; Node 20 has no
 * global WebSocket). Like `websocket()`, plus what a browser cannot offer: TLS trust
 * `'system' | 'custom' | 'all'` with `ca` and `servername`, and read-side back-pressure
 * (`pause()` stops reading from the socket). No compression.
 */
export function websocketNode(options: WebSocketNodeOptions = {}): NetModule {
  return {
    name: 'websocket',
    async connect(connect: ConnectOptions): Promise<Transport> {
      const ws = await loadWs('websocketNode()', 'CONNECT_FAILED');
      const settings = connect.tls?.enabled ? connect.tls : undefined;
      const trust = settings?.trust ?? 'system';
      if (
        settings &&
        trust === 'custom' &&
        (settings.ca === undefined || settings.ca.length === 0)
      ) {
        throw new TransportError('TLS', "tls.trust 'custom' needs tls.ca (PEM certificates)");
      }
      if (connect.signal?.aborted) {
        throw new TransportError('ABORTED', `connect to ${connect.host}:${connect.port} aborted`, {
          cause: connect.signal.reason,
        });
      }
      const url = webSocketUrl(connect, options.path);
      const socket = new ws.WebSocket(url, {
        perMessageDeflate: false,
        maxPayload: options.maxPayload ?? 64 * 1024 * 1024,
        ...(settings
          ? {
              ca: trust === 'custom' ? settings.ca : undefined,
              rejectUnauthorized: trust !== 'all',
              servername: settings.servername,
            }
          : {}),
      });
      const like = socket as unknown as WebSocketLike;
      await awaitWebSocketOpen(like, connect, url);
      const raw = (
        socket as unknown as {
          _socket?: { localAddress?: string; localPort?: number; setNoDelay?(v: boolean): void };
        }
      )._socket;
      raw?.setNoDelay?.(true);
      return new WebSocketTransport(
        like,
        `${connect.host}:${connect.port}`,
        raw?.localAddress ? `${raw.localAddress}:${raw.localPort}` : 'websocket-client',
        Boolean(settings),
        options,
      );
    },
  };
}

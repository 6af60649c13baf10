import type { ConnectOptions, NetModule, Transport } from './net-module.js';
import { TransportError } from './transport-error.js';
import {
  awaitWebSocketOpen,
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
  webSocketUrl,
} from './web-socket-transport.js';

/** A `WebSocket` constructor in the W3C shape. */
export type WebSocketConstructor = new (
  url: string,
  protocols?: string | string[],
) => WebSocketLike;

/** Options of {@link websocket}. */
export interface WebSocketOptions extends WebSocketTransportOptions {
  /** The WebSocket class to use. Default: `globalThis.WebSocket` (browsers, Deno, Bun, Node 22+). */
  WebSocket?: WebSocketConstructor | typeof globalThis.WebSocket;
  /** Request path. Default `'/'` (what Neo4j serves Bolt on). */
  path?: string;
}

/**
 * Bolt over WebSocket with the runtime's `WebSocket` (portable: no `node:*`): connects to
 * `ws://host:port/` (`wss://` when `tls.enabled`), binary messages, `arraybuffer` binary type.
 * Connect timeout covers the WebSocket handshake; `AbortSignal` supported. TLS trust is the
 * runtime's own (a browser decides which certificates it accepts), so `tls.trust` other than
 * `'system'` is refused with `TLS`; on Node use `websocketNode()` for those.
 * No half-close; see {@link WebSocketTransport}.
 */
export function websocket(options: WebSocketOptions = {}): NetModule {
  return {
    name: 'websocket',
    async connect(connect: ConnectOptions): Promise<Transport> {
      const WebSocketClass = (options.WebSocket ??
        (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket) as
        | WebSocketConstructor
        | undefined;
      if (typeof WebSocketClass !== 'function') {
        throw new TransportError(
          'CONNECT_FAILED',
          'this runtime has no global WebSocket; pass options.WebSocket, or on Node 20 use websocketNode() from @bolt/net-adapters/node',
        );
      }
      const trust = connect.tls?.enabled ? (connect.tls.trust ?? 'system') : 'system';
      if (trust !== 'system') {
        throw new TransportError(
          'TLS',
          `the runtime's WebSocket cannot apply tls.trust '${trust}'; it verifies certificates itself (use websocketNode() on Node)`,
        );
      }
      if (connect.signal?.aborted) {
        throw new TransportError('ABORTED', `connect to ${connect.host}:${connect.port} aborted`, {
          cause: connect.signal.reason,
        });
      }
      const url = webSocketUrl(connect, options.path);
      let ws: WebSocketLike;
      try {
        ws = new WebSocketClass(url);
      } catch (error) {
        throw new TransportError(
          'CONNECT_FAILED',
          `cannot open WebSocket ${url}: ${(error as Error).message}`,
          {
            cause: error,
          },
        );
      }
      ws.binaryType = 'arraybuffer';
      await awaitWebSocketOpen(ws, connect, url);
      return new WebSocketTransport(
        ws,
        `${connect.host}:${connect.port}`,
        'websocket-client',
        Boolean(connect.tls?.enabled),
        options,
      );
    },
  };
}

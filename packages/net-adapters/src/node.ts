import type { NetModule, NetModuleInput } from './net-module.js';
import {
  resolveNamedNetModule,
  resolveNetModule as resolvePortable,
} from './resolve-net-module.js';
import { tcp } from './tcp.js';
import { tls } from './tls.js';
import { websocket } from './websocket.js';
import { websocketNode } from './websocket-node.js';

export * from './index.js';
export { SocketTransport } from './socket-transport.js';
export { type TcpOptions, tcp } from './tcp.js';
export { type TlsOptions, tls } from './tls.js';
export { type WebSocketListenerOptions, websocketListener } from './websocket-listener.js';
export { type WebSocketNodeOptions, websocketNode } from './websocket-node.js';
export { writeFileNode } from './write-file-node.js';

const NODE: Readonly<Record<string, () => NetModule>> = {
  tcp: () => tcp(),
  tls: () => tls(),
  // The runtime's WebSocket where there is one (Node 22+, Bun, Deno), else the ws package.
  websocket: () => (typeof globalThis.WebSocket === 'function' ? websocket() : websocketNode()),
};

/** `resolveNetModule` of the portable entry, plus the names `'tcp'` and `'tls'` (and
 *  `'websocket'` falling back to the `ws` package where the runtime has no WebSocket). */
export function resolveNetModule(input: NetModuleInput): NetModule {
  return typeof input === 'string' ? resolveNamedNetModule(input, NODE) : resolvePortable(input);
}

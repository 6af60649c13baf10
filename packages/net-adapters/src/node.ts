export * from './index.js';
export { SocketTransport } from './socket-transport.js';
export { type TcpOptions, tcp } from './tcp.js';
export { type TlsOptions, tls } from './tls.js';
export { type WebSocketListenerOptions, websocketListener } from './websocket-listener.js';
export { type WebSocketNodeOptions, websocketNode } from './websocket-node.js';
export { writeFileNode } from './write-file-node.js';

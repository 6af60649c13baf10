export * from './index.js';
export { SocketTransport } from './socket-transport.js';
export { type TcpOptions, tcp } from './tcp.js';

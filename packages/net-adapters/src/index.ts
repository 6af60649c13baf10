export {
  type FailedMessage,
  type FailedMessageWriter,
  type FailedMessageWriterOptions,
  failedMessageReport,
  failedMessageWriter,
  type WriteFile,
} from './failed-message.js';
export { type MemoryNetwork, type MemoryNetworkOptions, memoryNetwork } from './memory-network.js';
export { type MemoryPairOptions, memoryPair } from './memory-pair.js';
export type {
  ConnectOptions,
  Listener,
  ListenerModule,
  ListenOptions,
  NetModule,
  NetModuleInput,
  ReceiveHandler,
  TlsClientOptions,
  Transport,
} from './net-module.js';
export {
  BUILT_IN_NET_MODULES,
  netModuleNames,
  registerNetModule,
} from './net-module-registry.js';
export {
  type Recorded,
  type RecordedEvent,
  type Recorder,
  type RecordingOptions,
  recording,
} from './recording.js';
export { resolveNetModule } from './resolve-net-module.js';
export { TransportError, type TransportErrorCode } from './transport-error.js';
export {
  type WebSocketLike,
  WebSocketTransport,
  type WebSocketTransportOptions,
} from './web-socket-transport.js';
export { type WebSocketConstructor, type WebSocketOptions, websocket } from './websocket.js';

import { handOver } from './hand-over.js';
import { memoryPair } from './memory-pair.js';
import type {
  ConnectOptions,
  Listener,
  ListenerModule,
  ListenOptions,
  NetModule,
  Transport,
} from './net-module.js';
import { TransportError } from './transport-error.js';

/** Options of {@link memoryNetwork}. */
export interface MemoryNetworkOptions {
  /** High-water mark of every pair created (see `memoryPair`). Default 65536. */
  highWaterMark?: number;
}

/** A network that exists only inside one `memoryNetwork()` value. */
export interface MemoryNetwork {
  /** Connects to listeners of this network. */
  readonly module: NetModule;
  /** Listens on this network. */
  readonly listener: ListenerModule;
}

/**
 * An in-process network: `listener.listen({ port }, onConnection)` then
 * `module.connect({ host, port })` reaches it through a {@link memoryPair}. Listeners are told
 * apart by port only (the host is reported but not matched), port 0 picks a free one starting
 * at 49152. Each call makes an independent network. `connect()` to a port with no listener
 * rejects with `CONNECT_REFUSED`; asking for TLS rejects with `TLS` (nothing is encrypted in
 * memory); `connectTimeoutMs` never matters because connecting completes at once.
 */
export function memoryNetwork(options: MemoryNetworkOptions = {}): MemoryNetwork {
  const listeners = new Map<number, (transport: Transport) => void>();
  let nextPort = 49152;
  let nextClient = 1;

  const module: NetModule = {
    name: 'memory',
    async connect(connect: ConnectOptions): Promise<Transport> {
      if (connect.signal?.aborted) {
        throw new TransportError('ABORTED', `connect to memory:${connect.port} aborted`, {
          cause: connect.signal.reason,
        });
      }
      if (connect.tls?.enabled) {
        throw new TransportError(
          'TLS',
          `the memory network cannot encrypt; connect to memory:${connect.port} without tls`,
        );
      }
      const onConnection = listeners.get(connect.port);
      if (!onConnection) {
        throw new TransportError(
          'CONNECT_REFUSED',
          `nothing listens on memory port ${connect.port} (${connect.host}:${connect.port})`,
        );
      }
      const [client, server] = memoryPair({
        highWaterMark: options.highWaterMark,
        clientAddress: `memory:client-${nextClient++}`,
        serverAddress: `${connect.host}:${connect.port}`,
      });
      handOver(onConnection, server);
      return client;
    },
  };

  const listener: ListenerModule = {
    name: 'memory',
    async listen(listen: ListenOptions, onConnection): Promise<Listener> {
      const host = listen.host ?? '127.0.0.1';
      let port = listen.port ?? 0;
      if (port === 0) {
        while (listeners.has(nextPort)) nextPort++;
        port = nextPort++;
      } else if (listeners.has(port)) {
        throw new TransportError('LISTEN_FAILED', `memory port ${port} is already in use`);
      }
      if (listen.signal?.aborted) {
        throw new TransportError('ABORTED', `listen on memory port ${port} aborted`, {
          cause: listen.signal.reason,
        });
      }
      listeners.set(port, onConnection);
      const close = async () => {
        if (listeners.get(port) === onConnection) listeners.delete(port);
      };
      listen.signal?.addEventListener('abort', close, { once: true });
      return { name: 'memory', address: { host, port }, close };
    },
  };

  return { module, listener };
}

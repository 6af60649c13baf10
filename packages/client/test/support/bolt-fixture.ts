import {
  type ListenerModule,
  memoryNetwork,
  type NetModule,
  type Transport,
} from '@bolt/net-adapters';
import { type BoltServer, createServer, type Handler, type ServerOptions } from '@bolt/server';

/** A NetModule wrapper that remembers every client transport it opened and counts writes. */
export interface TrackingModule extends NetModule {
  readonly transports: Transport[];
  /** Number of `write()` calls made by clients. */
  writes: number;
}

export function tracking(inner: NetModule): TrackingModule {
  const m: TrackingModule = {
    name: `tracking(${inner.name})`,
    transports: [],
    writes: 0,
    async connect(options) {
      const t = await inner.connect(options);
      m.transports.push(t);
      const write = t.write.bind(t);
      t.write = (chunk: Uint8Array) => {
        m.writes++;
        return write(chunk);
      };
      return t;
    },
  };
  return m;
}

export interface Fixture {
  server: BoltServer;
  netModule: TrackingModule;
  /** The server side of every accepted connection (destroy one to drop it from the server). */
  serverTransports: Transport[];
  url: string;
  port: number;
  close(): Promise<void>;
}

/** @bolt/server on an in-memory network. */
export async function memoryServer(
  handler: Handler | ServerOptions['handler'],
  options: Omit<ServerOptions, 'handler'> = {},
): Promise<Fixture> {
  const net = memoryNetwork();
  const server = createServer({ ...options, handler });
  const serverTransports: Transport[] = [];
  const listenerModule: ListenerModule = {
    name: net.listener.name,
    listen: (opts, onConnection) =>
      net.listener.listen(opts, (t) => {
        serverTransports.push(t);
        onConnection(t);
      }),
  };
  const listener = await server.listen(listenerModule, { port: 0 });
  const netModule = tracking(net.module);
  return {
    server,
    netModule,
    serverTransports,
    port: listener.address.port,
    url: `bolt://localhost:${listener.address.port}`,
    async close() {
      await listener.close();
      await server.close({ graceMs: 0 });
    },
  };
}

/** Rows `[i, "row-i", i + 0.5]` for i in [0, n). */
export function* rows(n: number): Generator<unknown[]> {
  for (let i = 0; i < n; i++) yield [i, `row-${i}`, i + 0.5];
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

// A server on 127.0.0.1:0 over the real tcp module, with every accepted transport recorded so a
// test can drop connections from the server side.
import type { Listener, ListenerModule, Transport } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import { type BoltServer, createServer, type ServerOptions } from '../../src/index.js';

export interface TcpFixture {
  server: BoltServer;
  listener: Listener;
  port: number;
  url(scheme?: string): string;
  /** Server-side transports accepted so far. */
  transports: Transport[];
  close(): Promise<void>;
}

/** Wrap a listener module so every accepted transport is also pushed to `into`. */
export function recordingListener(inner: ListenerModule, into: Transport[]): ListenerModule {
  return {
    name: inner.name,
    listen: (options, onConnection) =>
      inner.listen(options, (t) => {
        into.push(t);
        onConnection(t);
      }),
  };
}

export async function startTcpServer(options: ServerOptions): Promise<TcpFixture> {
  const server = createServer(options);
  const transports: Transport[] = [];
  const listener = await server.listen(recordingListener(tcp(), transports), {
    host: '127.0.0.1',
    port: 0,
  });
  const port = listener.address.port;
  return {
    server,
    listener,
    port,
    transports,
    url: (scheme = 'bolt') => `${scheme}://127.0.0.1:${port}`,
    close: () => server.close({ graceMs: 100 }),
  };
}

import { createServer, type Server } from 'node:net';
import type { BackendOptions } from './context.js';
import { TestkitConnection } from './testkit-connection.js';

/** Options of {@link startBackend}. */
export interface StartOptions extends BackendOptions {
  /** Address to listen on. Default `127.0.0.1` (loopback only). */
  host?: string;
  /** Port to listen on. Default 9876 (testkit's default); 0 picks a free one. */
  port?: number;
}

/** A running backend. */
export interface RunningBackend {
  /** The port it listens on. */
  port: number;
  /** Stop listening and end every connection (their drivers are closed). */
  close(): Promise<void>;
}

/** Listen for testkit over TCP. Each connection (testkit opens one per test) gets its own
 *  drivers, sessions and results. */
export async function startBackend(options: StartOptions = {}): Promise<RunningBackend> {
  const connections = new Set<{ end(): Promise<void> }>();
  const server: Server = createServer((socket) => {
    socket.setNoDelay(true);
    const conn = new TestkitConnection((text) => {
      if (!socket.destroyed) socket.write(text);
    }, options);
    let ended: Promise<void> | undefined;
    const entry = {
      end: () => {
        ended ??= conn.close();
        socket.destroy();
        return ended;
      },
    };
    connections.add(entry);
    socket.on('data', (bytes) => conn.push(bytes));
    socket.on('error', () => {});
    socket.on('close', () => {
      connections.delete(entry);
      entry.end().catch(() => {});
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 9876, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : (options.port ?? 9876);
  return {
    port,
    async close() {
      await Promise.all([...connections].map((c) => c.end()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

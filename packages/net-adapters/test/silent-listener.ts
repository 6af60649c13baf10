import { createServer, type Socket } from 'node:net';

/** A loopback TCP listener that accepts connections and never sends a byte: the peer for
 *  handshake-timeout tests. `close()` also closes what it accepted. */
export async function silentListener(): Promise<{
  port: number;
  accepted: () => number;
  close: () => Promise<void>;
}> {
  const sockets: Socket[] = [];
  let count = 0;
  const server = createServer((socket) => {
    count++;
    sockets.push(socket);
    socket.on('error', () => {});
    socket.resume(); // read and ignore whatever the client sends
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    accepted: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

// An echo server, as in asyncbolt's demo: every query is answered with one row holding the
// query text and its parameters. Run it, then point any Bolt driver at bolt://127.0.0.1:7687.
import { tcp } from '@bolt/net-adapters/node';
import { type BoltServer, consoleLogger, createServer } from '@bolt/server';

export async function startEchoServer(port = 7687): Promise<{ server: BoltServer; port: number }> {
  const server = createServer({
    handler: (query, parameters) => [{ query, parameters }],
    logger: process.env.BOLT_DEBUG ? consoleLogger('debug') : undefined,
  });
  const listener = await server.listen(tcp(), { host: '127.0.0.1', port });
  return { server, port: listener.address.port };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { port } = await startEchoServer();
  console.log(`echo server listening on bolt://127.0.0.1:${port}`);
}

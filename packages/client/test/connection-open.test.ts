import { memoryNetwork } from '@bolt/net-adapters';
import { describe, expect, it } from 'vitest';
import { BoltError, Connection } from '../src/index.js';

describe('Connection.open', () => {
  it('a server that closes the connection at once is a could-not-connect BoltError', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 7687 }, (t) => t.destroy());
    try {
      const error = await Connection.open({
        netModule: net.module,
        host: '127.0.0.1',
        port: 7687,
      }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(BoltError.isInstance(error)).toBe(true);
      expect((error as BoltError).kind).toBe('could-not-connect');
      expect((error as BoltError).code).toBe('ServiceUnavailable');
      expect((error as BoltError).retryable).toBe(true);
    } finally {
      await listener.close();
    }
  });
});

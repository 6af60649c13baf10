import { memoryPair } from '@bolt/net-adapters';
import type { BoltServer } from '../../src/index.js';

/** A memory connection to `server` that keeps every byte the server sends (`received`) and notes
 *  when the server ended it (`state.ended`; the client end then ends too). Nothing is written:
 *  the test writes raw bytes on `client`. */
export function rawPair(server: BoltServer) {
  const [client, serverEnd] = memoryPair();
  const received: number[] = [];
  const state = { ended: false };
  client.receive({
    onData: (c) => {
      for (const b of c) received.push(b);
    },
    onEnd: () => {
      state.ended = true;
      client.end();
    },
  });
  server.accept(serverEnd, 'memory');
  return { client, received, state };
}

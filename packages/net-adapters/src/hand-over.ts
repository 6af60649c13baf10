import type { Transport } from './net-module.js';

/** Give an accepted transport to the listener's callback. A callback that throws gets its
 *  transport destroyed with that error (the peer sees a reset) instead of crashing the
 *  listener or the process. */
export function handOver(onConnection: (transport: Transport) => void, transport: Transport): void {
  try {
    onConnection(transport);
  } catch (error) {
    transport.destroy(error instanceof Error ? error : new Error(String(error)));
  }
}

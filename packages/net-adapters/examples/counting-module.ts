import type { ConnectOptions, NetModule, Transport } from '@bolt/net-adapters';

/** Bytes moved through a counting module, over all its connections. */
export interface ByteCounts {
  connections: number;
  sent: number;
  received: number;
}

/** A networking module that wraps another one and counts the bytes going each way. */
export function countingModule(inner: NetModule): NetModule & { readonly counts: ByteCounts } {
  const counts: ByteCounts = { connections: 0, sent: 0, received: 0 };
  return {
    name: `counting(${inner.name})`,
    counts,
    async connect(options: ConnectOptions): Promise<Transport> {
      const transport = await inner.connect(options);
      counts.connections++;
      return {
        remoteAddress: transport.remoteAddress,
        localAddress: transport.localAddress,
        encrypted: transport.encrypted,
        closed: transport.closed,
        receive(handler) {
          transport.receive({
            onData(chunk) {
              counts.received += chunk.length;
              handler.onData(chunk);
            },
            onEnd: (error) => handler.onEnd(error),
          });
        },
        write(chunk) {
          const belowHighWaterMark = transport.write(chunk); // throws when closed: not counted
          counts.sent += chunk.length;
          return belowHighWaterMark;
        },
        drained: () => transport.drained(),
        pause: () => transport.pause(),
        resume: () => transport.resume(),
        end: () => transport.end(),
        destroy: (error) => transport.destroy(error),
      };
    },
  };
}

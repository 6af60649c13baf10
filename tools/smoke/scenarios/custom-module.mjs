// A networking module's author: wrap a module, then run the transport behaviour suite that
// the built-in modules pass (@bolt/net-adapters/testing) against it, with no test framework.
import { memoryNetwork } from '@bolt/net-adapters';
import { tcp } from '@bolt/net-adapters/node';
import { transportChecks } from '@bolt/net-adapters/testing';
import { check, done } from './check.mjs';

/** The author's module: passes everything through and counts connections. */
function countingModule(inner) {
  const counts = { connections: 0 };
  return {
    name: `counting(${inner.name})`,
    counts,
    async connect(options) {
      const transport = await inner.connect(options);
      counts.connections++;
      return transport;
    },
  };
}

async function suite(label, connectModule, listenerModule, options) {
  const accepted = [];
  const waiting = [];
  const listener = await listenerModule.listen({ host: '127.0.0.1', port: 0 }, (t) => {
    const w = waiting.shift();
    if (w) w(t);
    else accepted.push(t);
  });
  const module = countingModule(connectModule);
  const open = async () => {
    const serverSide = accepted.length
      ? Promise.resolve(accepted.shift())
      : new Promise((resolve) => waiting.push(resolve));
    const client = await module.connect({ host: '127.0.0.1', port: listener.address.port });
    return { client, server: await serverSide };
  };
  try {
    const checks = transportChecks({ open, ...options });
    for (const c of checks) await check(`testing: ${label}: ${c.name}`, () => c.run());
    await check(`testing: ${label}: every check went through the author's module`, () => {
      if (module.counts.connections !== checks.length)
        throw new Error(`${module.counts.connections} connections for ${checks.length} checks`);
    });
  } finally {
    await listener.close();
  }
}

const memory = memoryNetwork();
await suite('counting(memory)', memory.module, memory.listener, {
  halfClose: true,
  encrypted: false,
  maxBufferedWhilePaused: 80 * 1024,
});
await suite('counting(tcp)', tcp(), tcp(), {
  halfClose: true,
  encrypted: false,
  maxBufferedWhilePaused: 32 * 1024 * 1024,
  bulkBytes: 2 * 1024 * 1024,
});
done();

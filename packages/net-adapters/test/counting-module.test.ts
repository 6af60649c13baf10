import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { collect, transportSuite, within } from '@bolt/net-adapters/testing';
import { describe, expect, it } from 'vitest';
import { countingModule } from '../examples/counting-module.js';
import { memoryNetwork, resolveNetModule, type Transport } from '../src/index.js';

// The README's custom module, exactly as printed there.
describe('README example: countingModule', () => {
  it('is printed verbatim in the README', () => {
    const source = readFileSync(join(__dirname, '..', 'examples', 'counting-module.ts'), 'utf8');
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    expect(readme).toContain(`\`\`\`ts\n${source}\`\`\``);
  });

  it('counts the bytes each way over a memory network, and works given by factory', async () => {
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 7687 }, (server) =>
      server.receive({
        onData: (chunk) => server.write(chunk.subarray(0, 2)), // answer 2 bytes per chunk
        onEnd: () => server.end(),
      }),
    );
    const counting = countingModule(net.module);
    const module = resolveNetModule(() => counting);
    expect(module.name).toBe('counting(memory)');
    const client = await module.connect({ host: 'localhost', port: 7687 });
    const seen = collect(client);
    client.write(new Uint8Array(10));
    client.write(new Uint8Array(5));
    client.end();
    expect(await within(seen.ended, 2_000, 'end')).toBeUndefined();
    expect(await within(client.closed, 2_000, 'closed')).toBeUndefined();
    expect(counting.counts).toEqual({ connections: 1, sent: 15, received: seen.bytes });
    expect(seen.bytes).toBe(4);
    expect(() => client.write(new Uint8Array(1))).toThrow(/closed|ended/);
    expect(counting.counts.sent).toBe(15);
    await listener.close();
  });
});

// A wrapper must keep every promise of the interface: run the shared suite through it.
const network = memoryNetwork();
const accepted: Transport[] = [];
const listening = network.listener.listen({ port: 0 }, (t) => accepted.push(t));
const counting = countingModule(network.module);
transportSuite(
  'countingModule(memory)',
  {
    open: async () => {
      const client = await counting.connect({ host: 'x', port: (await listening).address.port });
      return { client, server: accepted.shift()! };
    },
    halfClose: true,
    encrypted: false,
    maxBufferedWhilePaused: 64 * 1024 + 16 * 1024,
  },
  { describe, it },
);

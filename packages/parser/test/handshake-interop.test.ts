/// <reference types="node" />
// The official drivers' handshake code (6.3.0, 5.28.3 with the manifest; 4.4.11 legacy)
// against our ServerHandshake: both sides must agree on the version, and the drivers must
// accept the manifest our server offers.
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type BoltVersion, hex, ServerHandshake } from '../src/internal.js';

const require = createRequire(import.meta.url);

function driverHandshake(name: string) {
  const driverRequire = createRequire(realpathSync(require.resolve(name)));
  const root = dirname(driverRequire.resolve('neo4j-driver-bolt-connection/package.json'));
  const r = createRequire(join(root, 'package.json'));
  return {
    handshake: r('./lib/bolt/handshake.js').default,
    ChannelBuffer: r('./lib/channel/channel-buf.js').default,
  };
}

const log = { error() {}, warn() {}, info() {}, debug() {}, isDebugEnabled: () => false };

async function run(name: string, server: ServerHandshake) {
  const { handshake, ChannelBuffer } = driverHandshake(name);
  const writes: Uint8Array[] = [];
  const channel: any = {
    write(buf: { _buffer: Uint8Array; length: number }) {
      writes.push(Uint8Array.from(buf._buffer.subarray(0, buf.length)));
    },
  };
  const done = handshake(channel, log);
  const opening = writes.shift()!;
  const first = server.push(opening)!;
  channel.onmessage(new ChannelBuffer(Buffer.from(first.send)));
  const result = await done;
  // 6.x resolves a ProtocolVersion; 4.x and 5.x a number such as 5.8.
  const pv = result.protocolVersion;
  const driverVersion: BoltVersion =
    typeof pv === 'number'
      ? { major: Math.trunc(pv), minor: Math.round((pv - Math.trunc(pv)) * 10) }
      : { major: pv.major, minor: pv.minor };
  let serverVersion = first.version;
  if (!first.done) {
    const choice = writes.shift()!;
    const second = server.push(choice)!;
    expect(second.done).toBe(true);
    expect(second.send.length).toBe(0);
    serverVersion = second.version;
  }
  return { opening: hex(opening), offer: hex(first.send), driverVersion, serverVersion };
}

describe('official driver handshakes against ServerHandshake', () => {
  it('neo4j-driver 6.3.0: manifest, agrees on 6.1', async () => {
    const r = await run('neo4j-driver', new ServerHandshake());
    expect(r.opening).toBe('60 60 B0 17 00 00 01 FF 00 08 08 05 00 02 04 04 00 00 00 03');
    expect(r.driverVersion).toEqual({ major: 6, minor: 1 });
    expect(r.serverVersion).toEqual({ major: 6, minor: 1 });
  });

  it('neo4j-driver 5.28.3: manifest, agrees on 5.8', async () => {
    const r = await run('neo4j-driver-5', new ServerHandshake());
    expect(r.driverVersion).toEqual({ major: 5, minor: 8 });
    expect(r.serverVersion).toEqual({ major: 5, minor: 8 });
  });

  it('neo4j-driver 6.3.0 against a server without the manifest: 5.8', async () => {
    const r = await run('neo4j-driver', new ServerHandshake({ manifest: false }));
    expect(r.offer).toBe('00 00 08 05');
    expect(r.driverVersion).toEqual({ major: 5, minor: 8 });
    expect(r.serverVersion).toEqual({ major: 5, minor: 8 });
  });

  it('neo4j-driver 4.4.11: legacy ranges, agrees on 4.4', async () => {
    const r = await run('neo4j-driver-4', new ServerHandshake());
    expect(r.opening).toBe('60 60 B0 17 00 02 04 04 00 00 01 04 00 00 00 04 00 00 00 03');
    expect(r.offer).toBe('00 00 04 04');
    expect(r.driverVersion).toEqual({ major: 4, minor: 4 });
    expect(r.serverVersion).toEqual({ major: 4, minor: 4 });
  });

  it('a 5.x-only server: the 6.3.0 driver picks 5.8 from its manifest', async () => {
    const supported = [8, 7, 6, 4, 3, 2, 1, 0].map((minor) => ({ major: 5, minor }));
    const r = await run('neo4j-driver', new ServerHandshake({ supported }));
    expect(r.offer).toBe('00 00 01 FF 02 00 02 08 05 00 04 04 05 00');
    expect(r.driverVersion).toEqual({ major: 5, minor: 8 });
    expect(r.serverVersion).toEqual({ major: 5, minor: 8 });
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  type Listener,
  memoryNetwork,
  memoryPair,
  type RecordedEvent,
  recording,
  type Transport,
} from '../src/index.js';
import { tcp, writeFileNode } from '../src/node.js';
import { collect, transportSuite, within } from '../src/testing.js';

const text = (s: string) => new TextEncoder().encode(s);
const decode = (b?: Uint8Array) => new TextDecoder().decode(b);

// The wrapper must not change behaviour: run the whole transport suite through it, over TCP.
const recordedTcp = recording(tcp(), { maxEvents: 100 });
const accepted: Transport[] = [];
const listening: Promise<Listener> = recordedTcp.listen({ port: 0 }, (t) => accepted.push(t));
afterAll(async () => (await listening).close());
transportSuite(
  'recording(tcp)',
  {
    open: async () => {
      const { port } = (await listening).address;
      const client = await recordedTcp.connect({ host: '127.0.0.1', port });
      await within(
        (async () => {
          while (accepted.length === 0) await new Promise((r) => setTimeout(r, 2));
        })(),
        5_000,
        'accept',
      );
      return { client, server: accepted.shift()! };
    },
    halfClose: true,
    encrypted: false,
    maxBufferedWhilePaused: 32 * 1024 * 1024,
  },
  { describe, it },
);

describe('recording', () => {
  it('records every chunk in each direction, with timestamps, for client and server', async () => {
    let clock = 1000;
    const net = memoryNetwork();
    const rec = recording(net.module, { now: () => clock++ });
    const serverRec = recording(net.listener, { now: () => clock++ });
    const l = await serverRec.listen({ port: 7687 }, (server) => {
      server.receive({
        onData: (c) => server.write(c), // echo
        onEnd: () => server.end(),
      });
    });
    const client = await rec.connect({ host: 'localhost', port: 7687 });
    const atClient = collect(client);
    client.write(text('ping'));
    client.write(text('pong?'));
    client.end();
    await within(atClient.ended, 2_000, 'end');
    await within(client.closed, 2_000, 'closed');
    await new Promise((r) => setTimeout(r, 0));
    const summary = (log: RecordedEvent[]) =>
      log.map((e) => `${e.side}#${e.connection} ${e.kind}${e.bytes ? ` ${decode(e.bytes)}` : ''}`);
    expect(summary(rec.log)).toEqual([
      'client#1 open',
      'client#1 out ping',
      'client#1 out pong?',
      'client#1 end-out',
      'client#1 in ping',
      'client#1 in pong?',
      'client#1 end-in',
      'client#1 close',
    ]);
    expect(summary(serverRec.log)).toEqual([
      'server#1 open',
      'server#1 in ping',
      'server#1 out ping',
      'server#1 in pong?',
      'server#1 out pong?',
      'server#1 end-in',
      'server#1 end-out',
      'server#1 close',
    ]);
    const times = [...rec.log, ...serverRec.log].map((e) => e.at);
    expect(new Set(times).size).toBe(times.length); // each event read the clock once
    expect(rec.log.every((e, i, all) => i === 0 || e.at > all[i - 1].at)).toBe(true);
    expect(rec.log[0].remoteAddress).toBe('localhost:7687');
    expect(rec.name).toBe('recording(memory)');
    await l.close();
  });

  it('keeps a bounded ring buffer of the newest events and counts the dropped ones', async () => {
    const rec = recording(memoryNetwork().module, { maxEvents: 3 });
    const [client, server] = memoryPair();
    const t = rec.wrap(client);
    collect(server);
    for (let i = 0; i < 10; i++) t.write(text(String(i)));
    expect(rec.log.map((e) => decode(e.bytes))).toEqual(['7', '8', '9']);
    expect(rec.dropped).toBe(8); // 'open' + '0'..'6'
    rec.clear();
    expect(rec.log).toEqual([]);
    t.write(text('x'));
    expect(rec.log.map((e) => decode(e.bytes))).toEqual(['x']);
    t.destroy();
  });

  it('streams events to a sink (even with maxEvents 0) and survives a throwing sink', async () => {
    const seen: string[] = [];
    const rec = recording(memoryNetwork().module, {
      maxEvents: 0,
      sink: (e) => {
        seen.push(e.kind);
        throw new Error('sink bug');
      },
    });
    const [client, server] = memoryPair();
    const t = rec.wrap(client, 'client');
    const atServer = collect(server);
    t.write(text('abc'));
    t.end();
    await within(atServer.ended, 1_000, 'end');
    expect(atServer.bytes).toBe(3);
    expect(seen).toEqual(['open', 'out', 'end-out']);
    expect(rec.log).toEqual([]);
    t.destroy();
  });

  it('copies bytes by default so later mutation cannot rewrite history; copyBytes false shares', () => {
    const [client, server] = memoryPair();
    const copying = recording(memoryNetwork().module);
    const sharing = recording(memoryNetwork().module, { copyBytes: false });
    const chunk = text('abc');
    copying.wrap(client).write(chunk);
    chunk[0] = 0x7a; // the caller broke the rule; the default copy still shows what was sent
    expect(decode(copying.log[1].bytes)).toBe('abc');
    const shared = text('def');
    sharing.wrap(server).write(shared);
    expect(sharing.log[1].bytes).toBe(shared);
    client.destroy();
  });

  it('records destroy and the error it closed with', async () => {
    const rec = recording(memoryNetwork().module);
    const [client] = memoryPair();
    const t = rec.wrap(client);
    const boom = new Error('boom');
    t.destroy(boom);
    await t.closed;
    await new Promise((r) => setTimeout(r, 0));
    expect(rec.log.map((e) => [e.kind, e.error])).toEqual([
      ['open', undefined],
      ['destroy', boom],
      ['close', boom],
    ]);
  });

  it('saveFailed keeps the last failed message and writes it through an injected writeFile', async () => {
    const files = new Map<string, Uint8Array>();
    const rec = recording(memoryNetwork().module, {
      now: () => Date.UTC(2026, 0, 2, 3, 4, 5),
      failedMessagePath: '/debug/failed.bin',
      writeFile: (path, data) => {
        files.set(path, data);
      },
    });
    const bytes = new Uint8Array([0xb1, 0x70, 0xdf, 0x00]);
    const error = Object.assign(new Error('reserved marker 0xDF at offset 2'), {
      code: 'RESERVED_MARKER',
    });
    expect(await rec.saveFailed(bytes, error)).toBe('/debug/failed.bin');
    expect(rec.lastFailed).toEqual({
      bytes,
      reason: 'Error RESERVED_MARKER: reserved marker 0xDF at offset 2',
      at: Date.UTC(2026, 0, 2, 3, 4, 5),
    });
    expect(files.get('/debug/failed.bin')).toEqual(bytes);
    const description = decode(files.get('/debug/failed.bin.txt'));
    expect(description).toContain(
      'reason: Error RESERVED_MARKER: reserved marker 0xDF at offset 2',
    );
    expect(description).toContain('time:   2026-01-02T03:04:05.000Z');
    expect(description).toContain('length: 4 bytes');
    expect(description).toContain('00000000  b1 70 df 00');
  });

  it('saveFailed without a path or writeFile keeps the message in memory only', async () => {
    const rec = recording(memoryNetwork().module);
    expect(await rec.saveFailed(new Uint8Array([1]), 'bad')).toBeUndefined();
    expect(rec.lastFailed?.reason).toBe('bad');
  });

  it('writeFileNode writes the failed message to a real file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bolt-rec-'));
    try {
      const path = join(dir, 'nested', 'failed.bin');
      const rec = recording(memoryNetwork().module, {
        failedMessagePath: path,
        writeFile: writeFileNode,
      });
      const bytes = new Uint8Array(100_000).map((_, i) => i & 0xff);
      await rec.saveFailed(bytes, new Error('too large'));
      expect(new Uint8Array(readFileSync(path))).toEqual(bytes);
      const txt = readFileSync(`${path}.txt`, 'utf8');
      expect(txt).toContain('length: 100000 bytes');
      expect(txt).toContain(`... ${100_000 - 65_536} more bytes in the raw file`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ChunkWriter } from '@bolt/chunking';
import { websocketListener } from '@bolt/net-adapters/node';
import { type BoltVersion, encodeClientHandshake, MessageCodec } from '@bolt/parser';
import {
  concat,
  DAMAGES,
  damage,
  pick,
  prng,
  SAMPLED_VERSIONS,
  websocketFrame,
} from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { loginRequests, serverLoggingErrors, settle } from './support/hostile-checks.js';

// Bolt over WebSocket from a client whose frames are damaged on the wire: flipped or inserted
// bytes, frames cut short, absurd payload lengths, text frames where binary belong, fragments,
// pings and close frames in odd places — after a proper upgrade, over real loopback TCP.
// Whatever arrives, the server must close each connection once the client is gone, log no
// internal error, count no connection it no longer has, and serve a well-behaved WebSocket client
// after. The cases come from a seeded generator: a failure names its seed and case.

// (HOSTILE_SEED / HOSTILE_CASES explore other cases locally)
const SEED = Number(process.env.HOSTILE_SEED ?? 0x5eed_0b5e);
const CASES = Number(process.env.HOSTILE_CASES ?? 300);

/** A client's frame (masked, as clients must). */
function frame(opcode: number, payload: Uint8Array, fin = true): Uint8Array {
  return websocketFrame(opcode, payload, { fin, masked: true });
}

/** The frames of a Bolt conversation at `version`: the handshake and the requests, as one binary
 *  message, as several, fragmented, or with a ping, a text frame or a close frame among them. */
function frames(version: BoltVersion, rnd: () => number): Uint8Array {
  const codec = new MessageCodec({ version });
  const w = new ChunkWriter();
  for (const r of [
    ...loginRequests(version),
    { type: 'RUN' as const, query: 'RETURN 1 AS n', parameters: {}, extra: {} },
    version.major >= 4
      ? { type: 'PULL' as const, extra: { n: -1 } }
      : { type: 'PULL_ALL' as const },
  ])
    codec.encodeRequest(r, w);
  const bolt = concat(encodeClientHandshake([{ ...version }]), w.flush());
  const cutAt = 1 + Math.floor(rnd() * (bolt.length - 1));
  const [a, b] = [bolt.subarray(0, cutAt), bolt.subarray(cutAt)];
  switch (pick(rnd, ['one', 'two', 'fragments', 'ping', 'text', 'close'] as const)) {
    case 'one':
      return frame(0x2, bolt);
    case 'two':
      return concat(frame(0x2, a), frame(0x2, b));
    case 'fragments':
      return concat(frame(0x2, a, false), frame(0x0, b));
    case 'ping':
      return concat(frame(0x2, a), frame(0x9, Uint8Array.of(1, 2)), frame(0x2, b));
    case 'text':
      return concat(frame(0x2, a), frame(0x1, new TextEncoder().encode('hello')), frame(0x2, b));
    case 'close':
      return concat(frame(0x2, a), frame(0x8, Uint8Array.of(0x03, 0xe8)), frame(0x2, b));
  }
}

/** A TCP connection upgraded to WebSocket; resolves once the 101 answer arrived. */
function upgraded(
  port: number,
): Promise<{ socket: Socket; received: number[]; closed: () => boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port });
    const received: number[] = [];
    let head = '';
    let isClosed = false;
    socket.on('close', () => {
      isClosed = true;
    });
    socket.on('error', () => {});
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      if (!head.startsWith('HTTP/1.1 101')) {
        reject(new Error(`upgrade refused: ${head.slice(0, 40)}`));
        return;
      }
      for (const b of Buffer.from(head.slice(end + 4), 'latin1')) received.push(b);
      socket.on('data', (c: Buffer) => {
        for (const b of c) received.push(b);
      });
      resolve({ socket, received, closed: () => isClosed });
    };
    socket.on('data', onData);
    socket.once('connect', () =>
      socket.write(
        'GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      ),
    );
    socket.once('error', reject);
  });
}

describe('Bolt over WebSocket with damaged frames', () => {
  it(`each connection closes, no internal error, and the server goes on (${CASES} seeded cases)`, async () => {
    const { server, errors } = serverLoggingErrors();
    const listener = await server.listen(websocketListener(), { host: '127.0.0.1', port: 0 });
    const port = listener.address.port;
    const rnd = prng(SEED);
    try {
      for (let n = 0; n < CASES; n++) {
        const version = pick(rnd, SAMPLED_VERSIONS);
        const how = pick(rnd, DAMAGES);
        const finish = pick(rnd, ['end', 'destroy', 'wait'] as const);
        const what = `case ${n} (seed ${SEED}, Bolt ${version.major}.${version.minor}, ${how}, ${finish})`;
        const c = await upgraded(port);
        c.socket.write(damage(frames(version, rnd), how, prng(SEED ^ (n * 0x9e3779b1))));
        // 'wait': give the server a moment to answer or close first
        for (let i = 0; finish === 'wait' && i < 20 && !c.closed(); i++)
          await new Promise((r) => setTimeout(r, 1));
        if (finish === 'destroy') c.socket.resetAndDestroy();
        else c.socket.end();
        await settle(c.closed, `${what}: the connection did not close`);
        await settle(() => server.connections === 0, `${what}: the server still counts it`);
        expect(errors, what).toEqual([]);
      }
      // a well-behaved WebSocket client: the version answer, then SUCCESS for its login
      const version = { major: 5, minor: 8 };
      const codec = new MessageCodec({ version });
      const w = new ChunkWriter();
      for (const r of loginRequests(version)) codec.encodeRequest(r, w);
      const c = await upgraded(port);
      c.socket.write(frame(0x2, concat(encodeClientHandshake([version]), w.flush())));
      // a binary frame (0x82) holding at least the 4-byte version answer and one SUCCESS
      await settle(() => c.received.length > 12, 'the healthy client got no answer');
      expect(c.received[0]).toBe(0x82);
      expect(c.received.slice(2, 6)).toEqual([0, 0, 8, 5]);
      expect(server.connections).toBe(1);
      c.socket.end();
    } finally {
      await server.close({ graceMs: 50 });
    }
  }, 120_000);
});

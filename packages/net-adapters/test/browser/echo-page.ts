// Runs inside the Chromium page: the portable entry, bundled for the browser, over the page's
// own WebSocket. Sends deterministic random bytes in random write sizes, reads the echo.
import { websocket } from '../../src/index.js';

declare global {
  interface Window {
    runEcho(port: number, size: number): Promise<EchoResult>;
    runAbrupt(port: number): Promise<AbruptResult>;
  }
}

export interface AbruptResult {
  /** What `closed` resolved to after the page destroyed its transport. */
  ownClosed: string | null;
  /** What the page saw when the server destroyed the other connection. */
  peerResetEnd: string | null;
  peerResetCode: string | null;
}

export interface EchoResult {
  sent: number;
  sentChecksum: number;
  echoed: number;
  echoedChecksum: number;
  writes: number;
  sawBackPressure: boolean;
  encrypted: boolean;
  endError: string | null;
}

function fnv1a(bytes: Uint8Array, hash: number): number {
  let h = hash;
  for (let i = 0; i < bytes.length; i++) {
    h ^= bytes[i];
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

window.runEcho = async (port, size) => {
  const transport = await websocket().connect({
    host: '127.0.0.1',
    port,
    connectTimeoutMs: 10_000,
  });
  const data = new Uint8Array(size);
  crypto.getRandomValues(data.subarray(0, Math.min(size, 65536)));
  for (let i = 65536; i < size; i++) data[i] = (data[i - 65536] * 31 + i) & 0xff;
  let echoed = 0;
  let echoedChecksum = 0x811c9dc5;
  const ended = new Promise<Error | undefined>((resolve) =>
    transport.receive({
      onData(chunk) {
        echoed += chunk.length;
        echoedChecksum = fnv1a(chunk, echoedChecksum);
      },
      onEnd: resolve,
    }),
  );
  let offset = 0;
  let writes = 0;
  let sawBackPressure = false;
  while (offset < size) {
    const n = Math.min(size - offset, 1 + Math.floor(Math.random() ** 3 * 100_000));
    const ok = transport.write(data.subarray(offset, offset + n));
    offset += n;
    writes++;
    if (!ok) {
      sawBackPressure = true;
      await transport.drained();
    }
  }
  const deadline = Date.now() + 20_000;
  while (echoed < size && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  transport.end();
  const endError = await ended;
  return {
    sent: size,
    sentChecksum: fnv1a(data, 0x811c9dc5),
    echoed,
    echoedChecksum,
    writes,
    sawBackPressure,
    encrypted: transport.encrypted,
    endError: endError ? String(endError) : null,
  };
};

window.runAbrupt = async (port) => {
  // 1: the page destroys its side; the server must see a reset.
  const mine = await websocket().connect({ host: '127.0.0.1', port, connectTimeoutMs: 10_000 });
  mine.receive({ onData() {}, onEnd() {} });
  mine.write(new Uint8Array([0x01])); // 0x01: "I am the one who will vanish"
  await new Promise((r) => setTimeout(r, 50));
  mine.destroy(new Error('page gave up'));
  const ownClosed = await mine.closed;
  // 2: the server destroys its side (on byte 0x02); the page must see a reset.
  const theirs = await websocket().connect({ host: '127.0.0.1', port, connectTimeoutMs: 10_000 });
  const ended = new Promise<Error | undefined>((resolve) =>
    theirs.receive({ onData() {}, onEnd: resolve }),
  );
  theirs.write(new Uint8Array([0x02]));
  const end = await ended;
  return {
    ownClosed: ownClosed ? ownClosed.message : null,
    peerResetEnd: end ? end.message : null,
    peerResetCode: end ? String((end as { code?: unknown }).code) : null,
  };
};

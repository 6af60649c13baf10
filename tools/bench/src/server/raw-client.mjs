// A raw Bolt client for the server suite: pre-encoded request bytes out, a tiny chunk scanner
// counting summaries and records in. It does no decoding, so it is never the bottleneck.
import { connect } from 'node:net';

export const V = { major: 5, minor: 8 };

/** Pre-encoded handshake, login and query bytes (built packages). */
export async function wire(queries) {
  const { ChunkWriter } = await import('@bolt/chunking');
  const { MessageCodec, encodeClientHandshake } = await import('@bolt/parser');
  const codec = new MessageCodec({ version: V });
  const encode = (...requests) => {
    const w = new ChunkWriter();
    for (const r of requests) codec.encodeRequest(r, w);
    return w.flush();
  };
  const query = (q, parameters = {}) =>
    encode({ type: 'RUN', query: q, parameters, extra: {} }, { type: 'PULL', extra: { n: -1 } });
  const out = {
    handshake: encodeClientHandshake([{ major: V.major, minor: V.minor }]),
    login: encode(
      { type: 'HELLO', extra: { user_agent: 'bench/1', bolt_agent: { product: 'bench/1' } } },
      { type: 'LOGON', auth: { scheme: 'basic', principal: 'bench', credentials: 'bench' } },
    ),
  };
  for (const [name, q] of Object.entries(queries)) out[name] = query(q);
  return out;
}

/** Counts summaries (SUCCESS/FAILURE/IGNORED) and records in a chunked byte stream. */
export class Scanner {
  hdr = -1;
  h0 = 0;
  remain = 0;
  pos = 0;
  summaries = 0;
  records = 0;
  push(buf) {
    let i = 0;
    const n = buf.length;
    while (i < n) {
      if (this.remain === 0) {
        if (this.hdr === -1) {
          this.h0 = buf[i++];
          this.hdr = 0;
          continue;
        }
        const size = (this.h0 << 8) | buf[i++];
        this.hdr = -1;
        if (size === 0) this.pos = 0;
        else this.remain = size;
        continue;
      }
      const take = Math.min(this.remain, n - i);
      if (this.pos <= 1 && this.pos + take > 1) {
        const sig = buf[i + 1 - this.pos];
        if (sig === 0x71) this.records++;
        else this.summaries++;
      }
      this.pos += take;
      this.remain -= take;
      i += take;
    }
  }
}

/** A raw client connection: write bytes, await a number of summaries. */
export class RawConnection {
  constructor(socket) {
    this.socket = socket;
    this.scanner = new Scanner();
    this.target = 0;
    this.wake = undefined;
    this.bytes = [];
    this.capture = false;
    socket.on('data', (b) => {
      if (this.capture) this.bytes.push(b);
      this.scanner.push(b);
      if (this.wake && this.scanner.summaries >= this.target) {
        const w = this.wake;
        this.wake = undefined;
        w();
      }
    });
  }
  static async open(port, first) {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const c = new RawConnection(socket);
    if (first) socket.write(first);
    return c;
  }
  /** Write `bytes` and resolve once `summaries` more summaries arrived. */
  request(bytes, summaries) {
    this.target = this.scanner.summaries + summaries;
    return new Promise((resolve) => {
      this.wake = resolve;
      this.socket.write(bytes);
    });
  }
  close() {
    this.socket.destroy();
  }
}

/** A logged-in raw Bolt connection to our server. */
export async function boltConnection(port, w) {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  await new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(w.handshake);
  await new Promise((resolve) => socket.once('data', resolve)); // 4-byte version reply
  const c = new RawConnection(socket);
  await c.request(w.login, 2);
  return c;
}

import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { memoryPair, type NetModule, type Transport } from '@bolt/net-adapters';
import {
  type BoltVersion,
  MessageCodec,
  type Request,
  type Response,
  ServerHandshake,
} from '@bolt/parser';

/**
 * A scripted Bolt peer built from the parser's pieces (ServerHandshake + MessageCodec) over a
 * memoryPair: it records every request and every client write, and answers exactly what the
 * test tells it to, byte for byte — for wire-level tests that a real server would not do
 * (NOOPs at odd places, one byte per write, protocol violations).
 */
export class ScriptedPeer {
  readonly requests: Request[] = [];
  /** Each `write()` the client made, after the handshake, as the number of messages in it. */
  readonly clientWrites: number[] = [];
  version: BoltVersion | undefined;
  server!: Transport;
  private codec!: MessageCodec;
  private readonly waiters: { n: number; resolve: () => void }[] = [];
  onRequest: (request: Request, peer: ScriptedPeer) => void = () => {};

  constructor(private readonly options: { supported?: BoltVersion[]; manifest?: boolean } = {}) {}

  /** A NetModule whose connect() links the client to this peer. */
  get module(): NetModule {
    return {
      name: 'scripted',
      connect: async () => {
        const [client, server] = memoryPair();
        this.attach(server);
        return client;
      },
    };
  }

  private attach(server: Transport): void {
    this.server = server;
    const hs = new ServerHandshake({
      supported: this.options.supported,
      manifest: this.options.manifest,
    });
    let handshaking = true;
    const dechunker = new Dechunker({
      onMessage: (body) => {
        const req = this.codec.decodeRequest(body);
        this.requests.push(req);
        this.onRequest(req, this);
        for (const w of this.waiters.splice(0)) {
          if (this.requests.length >= w.n) w.resolve();
          else this.waiters.push(w);
        }
      },
    });
    server.receive({
      onData: (chunk) => {
        if (handshaking) {
          let r = hs.push(chunk);
          while (r) {
            if (r.send.length) server.write(r.send);
            if (r.done) {
              handshaking = false;
              this.version = r.version;
              if (!r.version) return;
              this.codec = new MessageCodec({ version: r.version });
              if (r.rest.length) this.countAndFeed(r.rest, dechunker);
              return;
            }
            r = r.rest.length ? hs.push(r.rest) : undefined;
          }
          return;
        }
        this.countAndFeed(chunk, dechunker);
      },
      onEnd: () => {},
    });
  }

  private countAndFeed(chunk: Uint8Array, dechunker: Dechunker): void {
    const before = this.requests.length;
    dechunker.push(chunk);
    this.clientWrites.push(this.requests.length - before);
  }

  /** Resolves once `n` requests have arrived in total. */
  waitFor(n: number): Promise<void> {
    if (this.requests.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** Encode responses (and `'NOOP'` keep-alives) into bytes. */
  bytes(...items: (Response | 'NOOP')[]): Uint8Array {
    const w = new ChunkWriter();
    for (const m of items) {
      if (m === 'NOOP') w.writeNoop();
      else this.codec.encodeResponse(m, w);
    }
    return w.flush();
  }

  /** Send responses in one write. */
  send(...items: (Response | 'NOOP')[]): void {
    this.server.write(this.bytes(...items));
  }

  /** Send raw bytes one byte per write. */
  trickle(bytes: Uint8Array): void {
    for (const b of bytes) this.server.write(Uint8Array.of(b));
  }
}

export const ok = (metadata: Record<string, unknown> = {}): Response =>
  ({ type: 'SUCCESS', metadata }) as Response;
export const record = (...fields: unknown[]): Response => ({ type: 'RECORD', fields });

/** Answer HELLO and LOGON with SUCCESS (replaces `peer.onRequest`). */
export function autoHello(peer: ScriptedPeer): void {
  peer.onRequest = (req, p) => {
    if (req.type === 'HELLO') p.send(ok({ server: 'Scripted/1.0', connection_id: 'c-1' }));
    if (req.type === 'LOGON') p.send(ok());
  };
}

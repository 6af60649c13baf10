// A minimal Bolt client for tests: raw handshake bytes, requests encoded with the parser's
// codec, responses collected in order. It does no protocol logic of its own, so tests can send
// anything (pipelines, violations, garbage) and see exactly what the server answers.
import { ChunkWriter, Dechunker } from '@bolt/chunking';
import { memoryPair, type Transport } from '@bolt/net-adapters';
import {
  type BoltVersion,
  ClientHandshake,
  MessageCodec,
  type Request,
  type Response,
  type VersionProposal,
} from '@bolt/parser';
import type { BoltServer } from '../../src/index.js';

export interface RawClientOptions {
  /** Handshake proposals; default: exactly `version`. */
  proposals?: VersionProposal[];
  /** Version to propose when `proposals` is not given. Default 5.8. */
  version?: BoltVersion;
}

export class RawClient {
  readonly responses: Response[] = [];
  noops = 0;
  ended = false;
  endError: Error | undefined;
  version: BoltVersion | undefined;
  codec: MessageCodec | undefined;
  private waiters: (() => void)[] = [];
  private handshake: ClientHandshake;
  private dechunker: Dechunker | undefined;
  private handshakeDone: Promise<BoltVersion | undefined>;
  private resolveHandshake!: (v: BoltVersion | undefined) => void;
  /** Raw bytes received before the handshake completed (for "no common version" checks). */
  readonly handshakeBytes: number[] = [];

  constructor(
    readonly transport: Transport,
    options: RawClientOptions = {},
  ) {
    const v = options.version ?? { major: 5, minor: 8 };
    this.handshake = new ClientHandshake({
      proposals: options.proposals ?? [{ major: v.major, minor: v.minor }],
    });
    this.handshakeDone = new Promise((r) => {
      this.resolveHandshake = r;
    });
    transport.receive({
      onData: (chunk) => this.onData(chunk),
      onEnd: (error) => {
        this.ended = true;
        this.endError = error;
        // Like a real client: when the server closes its side, close ours.
        transport.end();
        this.resolveHandshake(undefined);
        this.wake();
      },
    });
    transport.write(this.handshake.hello);
  }

  /** A client on the client end of a fresh memory pair served by `server`. */
  static overMemory(server: BoltServer, options?: RawClientOptions): RawClient {
    const [client, serverEnd] = memoryPair();
    server.accept(serverEnd, 'memory');
    return new RawClient(client, options);
  }

  /** Resolves with the negotiated version, or undefined if the server refused. */
  negotiated(): Promise<BoltVersion | undefined> {
    return this.handshakeDone;
  }

  private onData(chunk: Uint8Array): void {
    if (this.dechunker) {
      this.dechunker.push(chunk);
      return;
    }
    for (const b of chunk) this.handshakeBytes.push(b);
    let r: ReturnType<ClientHandshake['push']>;
    try {
      r = this.handshake.push(chunk);
    } catch {
      this.resolveHandshake(undefined);
      return;
    }
    if (r === undefined) return;
    if (r.send.length > 0) this.transport.write(r.send);
    this.version = r.version;
    this.codec = new MessageCodec({ version: r.version, integers: 'auto' });
    this.dechunker = new Dechunker({
      onMessage: (body) => {
        this.responses.push(this.codec!.decodeResponse(body));
        this.wake();
      },
      onNoop: () => {
        this.noops++;
        this.wake();
      },
    });
    this.resolveHandshake(r.version);
    if (r.rest.length > 0) this.dechunker.push(r.rest);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Encode requests and send them in one write. */
  send(...requests: Request[]): void {
    this.transport.write(this.encode(...requests));
  }

  encode(...requests: Request[]): Uint8Array {
    const w = new ChunkWriter();
    for (const r of requests) this.codec!.encodeRequest(r, w);
    return w.flush();
  }

  sendBytes(bytes: Uint8Array | number[]): void {
    this.transport.write(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
  }

  /** Wait until `predicate` holds (checked on every response, NOOP and end), at most `ms`. */
  async until(predicate: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms; got ${this.summary()}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Wait for `count` summaries (SUCCESS/FAILURE/IGNORED) in total; return all responses. */
  async summaries(count: number, ms = 5000): Promise<Response[]> {
    await this.until(() => this.countSummaries() >= count || this.ended, ms);
    return this.responses;
  }

  /** Take every response received so far. */
  take(): Response[] {
    return this.responses.splice(0);
  }

  countSummaries(): number {
    return this.responses.filter((r) => r.type !== 'RECORD').length;
  }

  /** A short text of what came, for assertion messages. */
  summary(): string {
    return this.responses
      .map((r) => (r.type === 'RECORD' ? 'RECORD' : r.type === 'IGNORED' ? 'IGNORED' : `${r.type}`))
      .join(' ');
  }

  /** HELLO (+ LOGON on 5.1+) with basic auth; resolves after the SUCCESS(es). */
  async login(principal = 'neo4j', credentials = 'password'): Promise<Response[]> {
    await this.negotiated();
    const v = this.version!;
    const auth = { scheme: 'basic', principal, credentials };
    if (v.major < 3) this.send({ type: 'INIT', userAgent: 'raw/1.0', authToken: auth });
    else if (v.major === 5 && v.minor >= 1) {
      this.send(
        { type: 'HELLO', extra: { user_agent: 'raw/1.0', bolt_agent: { product: 'raw/1.0' } } },
        { type: 'LOGON', auth },
      );
    } else if (v.major >= 6) {
      this.send(
        { type: 'HELLO', extra: { user_agent: 'raw/1.0', bolt_agent: { product: 'raw/1.0' } } },
        { type: 'LOGON', auth },
      );
    } else this.send({ type: 'HELLO', extra: { user_agent: 'raw/1.0', ...auth } });
    const n = v.major >= 6 || (v.major === 5 && v.minor >= 1) ? 2 : 1;
    await this.summaries(n);
    return this.take();
  }

  close(): void {
    this.transport.destroy();
  }
}

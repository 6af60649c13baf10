import { ChunkingError, ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Transport } from '@bolt/net-adapters';
import { type BoltVersion, ServerHandshake, type VersionProposal } from '@bolt/parser';
import { type Clock, unrefTimer } from './clock.js';

/** What the wire reports to the session that owns it. */
export interface WireEvents {
  /** The handshake chose `version`; `manifest`: through a manifest v1 exchange. */
  onNegotiated(version: BoltVersion, manifest: boolean): void;
  /** The handshake bytes were malformed (`error`), or no version is common (`proposals`). */
  onRefused(error: Error | undefined, proposals: readonly VersionProposal[]): void;
  /** One complete message: `bytes[start, end)`, valid only during the call (the bytes read, or
   *  the dechunker's buffer for a message that spanned chunks). */
  onMessage(bytes: Uint8Array, start: number, end: number): void;
  /** The bytes cannot be framed (or a message is too large): reading has stopped. */
  onMalformed(reason: string): void;
  /** A chunk of bytes was read: every complete message in it has been delivered. */
  onReceived(): void;
  /** The client finished sending (a clean half-close): reading has stopped. */
  onFinished(): void;
  /** The connection broke, or closed before the session ended it. */
  onLost(error: Error | undefined): void;
  /** Handing bytes to the transport threw: it is unusable. */
  onWriteFailed(): void;
}

/** Options of a {@link Wire}. */
export interface WireOptions {
  /** Versions to negotiate, newest first. */
  versions: readonly BoltVersion[];
  /** Answer manifest v1 handshakes. */
  manifest: boolean;
  /** Largest message accepted, in bytes. */
  maxMessageSize: number;
  clock: Clock;
}

/**
 * The session's only contact with its transport: bytes in (handshake, then dechunked messages),
 * framed bytes out through one {@link ChunkWriter} with the transport's back-pressure, and the
 * close. It knows nothing of Bolt messages beyond their framing.
 */
export class Wire {
  /** Responses are framed here, then handed to the transport by {@link flush}. It starts small
   *  (an idle connection holds 1 KiB) and grows as answers need. */
  readonly writer = new ChunkWriter({ initialCapacity: 1024 });
  /** `clock.now()` when bytes last arrived. */
  lastActivity: number;
  private handshake: ServerHandshake | undefined;
  private manifestUsed = false;
  private dechunker: Dechunker | undefined;
  private reading = true;
  private closed = false;

  constructor(
    readonly transport: Transport,
    private readonly options: WireOptions,
    private readonly events: WireEvents,
  ) {
    this.lastActivity = options.clock.now();
  }

  /** Start reading: the handshake first. */
  start(): void {
    this.handshake = new ServerHandshake({
      supported: this.options.versions,
      manifest: this.options.manifest,
    });
    this.transport.receive({ onData: bytesTo(this), onEnd: endTo(this) });
    void this.transport.closed.then((error) => {
      if (!this.closed) this.events.onLost(error);
    });
  }

  /** Read nothing more (a message already being delivered is the last). */
  stopReading(): void {
    this.reading = false;
  }

  pause(): void {
    this.transport.pause();
  }

  resume(): void {
    this.transport.resume();
  }

  /**
   * Hand the framed responses to the transport; a promise when it asks to wait (drain). A
   * transport that tells when it is done with written bytes (`flushed`, plain TCP) is handed a
   * view of the writer's buffer, which is reused once the bytes are with the operating system:
   * no new buffer, no copy per flush. Others get a copy.
   */
  flush(): Promise<void> | undefined {
    const { writer, transport } = this;
    if (writer.length === 0 || this.closed) return undefined;
    let ok: boolean;
    try {
      if (transport.flushed === undefined) ok = transport.write(writer.flush());
      else {
        ok = transport.write(writer.flushView());
        if (!transport.flushed) writer.detach(); // the transport keeps the view: leave it the buffer
      }
    } catch {
      this.events.onWriteFailed();
      return undefined;
    }
    if (ok) return undefined;
    return transport.drained().catch(() => undefined);
  }

  /**
   * Close: `end` sends what is framed, then half-closes and destroys after `lingerMs` if the
   * client never closes its side; `destroy` drops pending bytes. Resolves with the transport.
   */
  close(how: 'end' | 'destroy', lingerMs: number): void {
    if (this.closed) return;
    this.closed = true;
    this.reading = false;
    const { writer, transport } = this;
    try {
      if (how === 'end' && writer.length > 0) transport.write(writer.flush());
    } catch {
      // already closed
    }
    if (writer.length > 0) writer.flush(); // dropped: nobody will send it
    if (how === 'destroy') {
      transport.destroy();
      return;
    }
    transport.end();
    const clock = this.options.clock;
    const linger = clock.setTimeout(() => transport.destroy(), lingerMs);
    unrefTimer(linger);
    void transport.closed.then(() => clock.clearTimeout(linger));
  }

  /** @internal The transport's end: the client finished sending, or the connection died. */
  _onEnd(error: Error | undefined): void {
    if (this.closed) return;
    if (error) this.events.onLost(error);
    else {
      this.reading = false;
      this.events.onFinished();
    }
  }

  /** @internal One message: `bytes[start, end)`. */
  _onMessage(bytes: Uint8Array, start: number, end: number): void {
    if (this.reading) this.events.onMessage(bytes, start, end);
  }

  /** @internal Bytes from the transport. */
  _onData(data: Uint8Array): void {
    this.lastActivity = this.options.clock.now();
    if (!this.reading) return;
    // Node hands out Buffers, whose subarray() is far slower than a Uint8Array's; the messages
    // are views of the bytes read, so read them as plain Uint8Arrays.
    const chunk =
      data.constructor === Uint8Array
        ? data
        : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const dechunker = this.dechunker;
    if (dechunker === undefined) {
      this.onHandshakeData(chunk);
      return;
    }
    try {
      dechunker.push(chunk);
    } catch (e) {
      this.reading = false;
      this.events.onMalformed(
        ChunkingError.isInstance(e) && e.code === 'MESSAGE_TOO_LARGE'
          ? `Message too large: the limit is ${this.options.maxMessageSize} bytes.`
          : `Invalid message framing: ${(e as Error).message}`,
      );
    }
    this.events.onReceived();
  }

  private onHandshakeData(chunk: Uint8Array): void {
    let result: ReturnType<ServerHandshake['push']>;
    try {
      result = this.handshake!.push(chunk);
    } catch (e) {
      this.reading = false;
      this.events.onRefused(e as Error, []);
      return;
    }
    if (result === undefined) return;
    if (result.send.length > 0) this.transport.write(result.send);
    if (!result.done) {
      this.manifestUsed = true;
      // Anything the client sent after its proposals is the start of its choice.
      if (result.rest.length > 0) this.onHandshakeData(result.rest);
      return;
    }
    this.handshake = undefined;
    if (result.version === undefined) {
      this.reading = false;
      this.events.onRefused(undefined, result.proposals);
      return;
    }
    this.dechunker = new Dechunker({
      maxMessageSize: this.options.maxMessageSize,
      onMessageAt: messagesTo(this),
    });
    this.events.onNegotiated(result.version, this.manifestUsed);
    if (result.rest.length > 0) this._onData(result.rest);
  }
}

// The callbacks a wire hands the transport and its dechunker are made by these factories (an
// arrow function JavaScript names where it is made, `{ onData: (chunk) => ... }`, would be
// renamed at every connection by the bundle, which keeps function names, and left with a
// dictionary of properties).

function bytesTo(wire: Wire): (chunk: Uint8Array) => void {
  return (chunk) => wire._onData(chunk);
}

function endTo(wire: Wire): (error?: Error) => void {
  return (error) => wire._onEnd(error);
}

function messagesTo(wire: Wire): (bytes: Uint8Array, start: number, end: number) => void {
  return (bytes, start, end) => wire._onMessage(bytes, start, end);
}

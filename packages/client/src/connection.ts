import { ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Transport } from '@bolt/net-adapters';
import {
  type BoltFeatures,
  type BoltVersion,
  customStructs,
  formatMessage,
  formatVersion,
  LOG_FORMAT,
  MessageCodec,
  type Request,
  type ServerState,
  type StructsFor,
  type SuccessMetadata,
} from '@bolt/parser';
import { microtask } from './after-tick.js';
import type { AuthToken } from './auth.js';
import {
  abortError,
  BoltError,
  type BoltErrorKind,
  PROTOCOL_ERROR,
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
} from './bolt-error.js';
import { ByteArena } from './byte-arena.js';
import { type Clock, systemClock } from './clock.js';
import { reauth, switchAuth } from './connection-auth.js';
import {
  closedByClient,
  connectDeadline,
  connectTransport,
  discardRequest,
  PULL_ALL_LATEST,
  pullRequest,
  recvTimeoutOf,
  txRequests,
} from './connection-checks.js';
import { clientHandshake, openingFor, saveFailedMessage } from './connection-opening.js';
import type { ConnectionOptions, ResponseObserver } from './connection-options.js';
import { HandshakeWait } from './handshake-wait.js';
import { HeldAnswers } from './held-answers.js';
import type { Logger } from './logger.js';
import { RecvTimer, type RecvTimerHost } from './recv-timer.js';
import { type DispatchHost, ResponseDispatcher } from './response-dispatch.js';
import type { ServerInfo } from './result-summary.js';
import { summaryOf } from './summary-wait.js';

export {
  CLIENT_PRODUCT,
  CLIENT_PROPOSALS,
  type ConnectionOptions,
  LEGACY_PROPOSALS,
  type ResponseObserver,
} from './connection-options.js';

/**
 * One Bolt connection: handshake, HELLO/LOGON, then pipelined requests whose responses are
 * matched in order to a FIFO of observers. `enqueue()` encodes a request into the outgoing
 * buffer; everything enqueued is written in one `write()` at `flush()`, or automatically at the
 * end of the current microtask. The server's state is tracked with the parser's `transition()`.
 */
export class Connection {
  /** The negotiated version. */
  version!: BoltVersion;
  features!: BoltFeatures;
  /** The server's agent string (`Neo4j/5.26.0`). */
  server = '';
  connectionId = '';
  /** HELLO SUCCESS `hints`. */
  hints: Record<string, unknown> = {};
  /** The token the connection is authenticated with. */
  auth: AuthToken;
  /** Set when the server reported the token expired; the pool re-authenticates before reuse. */
  authExpired = false;
  /** `host:port` as asked. */
  readonly address: string;
  /** When the connection was opened (its clock's `now()`; for the pool's lifetime limit). */
  readonly createdAt: number;
  /** How many times a pool handed this connection out (1: opened for its first user). */
  uses = 0;
  /** RUN messages sent so far (a result whose RUN is the latest needs no `qid`). */
  runsSent = 0;
  /** Last time the connection was released to the pool (for the idle liveness check). */
  idleSince: number;

  private readonly transport: Transport;
  private readonly options: ConnectionOptions;
  private readonly clock: Clock;
  private codec!: MessageCodec;
  private handshake: HandshakeWait | undefined;
  // grown as messages need it (and kept): an idle pooled connection holds 1 KiB, not 16
  private readonly writer = new ChunkWriter({ initialCapacity: 1024 });
  private readonly structsFor: StructsFor | undefined;
  private readonly dechunker: Dechunker;
  private readonly log: Logger | undefined;
  private readonly wire: boolean;
  /** The answers side: pending requests, server state, message dispatch. */
  private readonly answers: ResponseDispatcher;
  /** Where records kept as bytes are copied to (none with `lazyRecords: false` or a wire log). */
  private readonly arena: ByteArena | undefined;
  private readonly recvTimer: RecvTimer;
  private flushScheduled = false;
  /** `flush()` as the microtask `enqueue()` schedules (made once, not per query). */
  private readonly flushLater = flusher(this);
  /** The body of {@link PULL_ALL_LATEST}, encoded at its first use. */
  private pullAllBody: Uint8Array | undefined;
  private readPaused = false;
  private versionText: string | undefined;
  private summaryServerValue: ServerInfo | undefined;
  private dead: BoltError | undefined;
  /** @internal While the credentials decide about a security FAILURE: what was received since,
   *  held back until the FAILURE's observer has been told (see `_serverFailure`). */
  _held: HeldAnswers | undefined;
  private closing = false;
  private readonly closeListeners: ((error: BoltError | undefined) => void)[] = [];

  private constructor(transport: Transport, options: ConnectionOptions, address: string) {
    this.transport = transport;
    this.address = address;
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.createdAt = this.idleSince = this.clock.now();
    this.auth = options.auth ?? { scheme: 'none' };
    this.log = options.logger;
    this.wire = typeof options.logger?.debug === 'function';
    this.arena = this.wire || options.lazyRecords === false ? undefined : new ByteArena();
    const events = new ConnectionEvents(
      this,
      this.arena,
      this.wire ? wireLogger(this.log!) : undefined,
    );
    this.recvTimer = new RecvTimer(this.clock, events);
    this.answers = new ResponseDispatcher(events);
    const structs = options.structs;
    this.structsFor =
      typeof structs === 'function'
        ? structs
        : structs && structs.length > 0
          ? customStructs(structs)
          : undefined;
    this.dechunker = new Dechunker({
      onMessageAt: messagesTo(this),
      maxMessageSize: options.maxMessageSize,
    });
    transport.receive({ onData: bytesTo(this), onEnd: endTo(this) });
  }

  /**
   * Connect through `options.netModule`, negotiate the version, authenticate. Rejects with a
   * BoltError: `could-not-connect`, `protocol-refused` (HTTP port, no common version),
   * `server` (authentication failed), `timeout` or `aborted`.
   */
  static async open(options: ConnectionOptions): Promise<Connection> {
    const address = options.host.includes(':')
      ? `[${options.host}]:${options.port}`
      : `${options.host}:${options.port}`;
    const connect = connectDeadline(
      options.signal,
      options.connectTimeoutMs ?? 30_000,
      options.clock ?? systemClock,
    );
    try {
      const transport = await connectTransport(options, address, connect.signal);
      // the connect timeout is the transport's; the handshake and authentication are bounded
      // by the caller's signal (a pool's acquisition deadline), else by the same connect timeout
      const signal = options.signal ?? connect.signal;
      const conn = new Connection(transport, options, address);
      try {
        await conn.start(signal);
        return conn;
      } catch (e) {
        conn.destroy();
        if (BoltError.isInstance(e)) throw e;
        if (signal.aborted) throw abortError(signal, `opening ${address}`);
        // The transport failed under the handshake (e.g. the server closed it at once).
        throw new BoltError(
          `could not open a Bolt connection to ${address}: ${(e as Error)?.message ?? e}`,
          { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, cause: e },
        );
      }
    } finally {
      connect.clear();
    }
  }

  // ---- status ---------------------------------------------------------------------------

  /** False once the connection died or was closed. */
  get open(): boolean {
    return this.dead === undefined && !this.closing;
  }
  /** Why the connection died, if it did. */
  get error(): BoltError | undefined {
    return this.dead;
  }
  /** Requests sent or queued whose summary has not arrived. */
  get outstanding(): number {
    return this.answers.pending.size;
  }
  /** The negotiated version as text (`5.8`), for summaries; made once. */
  get protocolVersion(): string {
    this.versionText ??= formatVersion(this.version);
    return this.versionText;
  }
  /** @internal Where the summaries of this connection's queries say they ran (made once, for
   *  the first summary: queries run after HELLO told the server's agent). */
  get summaryServer(): ServerInfo {
    this.summaryServerValue ??= Object.freeze({
      address: this.address,
      agent: this.server,
      protocolVersion: this.protocolVersion,
    });
    return this.summaryServerValue;
  }
  /** The Bolt state the server is in, as far as the answers so far tell. */
  get state(): ServerState {
    return this.answers.tracker.state;
  }
  /** Receive timeout from the hint, in ms (0 = none). */
  get recvTimeoutMs(): number {
    return this.recvTimer.timeoutMs;
  }
  /** Called once when the connection closes or dies. */
  onClose(listener: (error: BoltError | undefined) => void): void {
    this.closeListeners.push(listener);
  }
  get remoteAddress(): string {
    return this.transport.remoteAddress;
  }
  get encrypted(): boolean {
    return this.transport.encrypted;
  }

  // ---- sending --------------------------------------------------------------------------

  /** Queue a request; its responses go to `observer`. Written at `flush()` or at the end of the
   *  current microtask. Throws a BoltError (`usage`) when the request cannot be encoded or the
   *  connection is closed; nothing is queued then. */
  enqueue(request: Request, observer: ResponseObserver = NO_OBSERVER): void {
    if (this.dead || this.closing) throw this.closedError();
    try {
      if (request === PULL_ALL_LATEST)
        this.writer.writeMessage((this.pullAllBody ??= this.codec.encodeRequestBody(request)));
      else this.codec.encodeRequest(request, this.writer);
      if (request.type === 'RUN') this.runsSent++;
    } catch (e) {
      this.writer.abortMessage();
      throw new BoltError(`cannot send ${request.type}: ${(e as Error).message}`, {
        kind: 'usage',
        code: 'Neo.ClientError.Request.Invalid',
        classification: 'CLIENT_ERROR',
        retryable: false,
        cause: e,
      });
    }
    if (request.type === 'RESET') this.answers.tracker.resetSent();
    // an answer queued behind a paused stream must be readable
    if (this.readPaused) this.resumeReading();
    if (request.type !== 'GOODBYE') {
      const n = request.type === 'PULL' ? Number(request.extra?.n ?? -1) : -1;
      this.answers.pending.push(request.type, observer, n);
    }
    if (this.wire) this.log!.debug!(`C: ${formatMessage(request, LOG_FORMAT)}`);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      microtask(this.flushLater);
    }
  }

  /** Write everything enqueued in one transport write. */
  flush(): void {
    this.flushScheduled = false;
    if (this.writer.length === 0 || this.dead) return;
    const transport = this.transport;
    try {
      if (transport.flushed === undefined) transport.write(this.writer.flush());
      else {
        // sent from the writer's own buffer, without a copy, when the transport hands the bytes
        // to the operating system at once; otherwise the transport keeps them and the writer
        // moves on to a new buffer
        transport.write(this.writer.flushView());
        if (!transport.flushed) this.writer.detach();
      }
    } catch (e) {
      this.fail('connection-lost', `writing to ${this.address} failed: ${(e as Error).message}`, e);
      return;
    }
    this.recvTimer.activity();
    this.recvTimer.arm();
  }

  /** Enqueue and wait for the summary (see {@link summaryOf}): resolves with the SUCCESS
   *  metadata, rejects with the FAILURE. On abort/timeout the connection is closed (its state
   *  is unknown then). */
  request(
    request: Request,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<SuccessMetadata> {
    return summaryOf(this, request, this.clock, options);
  }

  /** Stop reading from the transport (back-pressure for PULL_ALL streams on Bolt 1–3). Refused
   *  while other requests wait behind the stream: their answers come after its records, and a
   *  consumer waiting for them would wait forever. */
  pauseReading(): void {
    if (this.readPaused || this.outstanding > 1) return;
    this.readPaused = true;
    this.transport.pause();
  }
  resumeReading(): void {
    if (!this.readPaused) return;
    this.readPaused = false;
    this.transport.resume();
  }

  // ---- protocol helpers -------------------------------------------------------------------

  /** RESET: interrupts a running stream, clears FAILED, rolls back an open transaction. */
  async reset(options: { signal?: AbortSignal; timeoutMs?: number } = {}): Promise<void> {
    await this.request({ type: 'RESET' }, options);
  }

  /**
   * Re-authenticate (5.1+) without waiting: LOGOFF + LOGON go ahead of whatever is sent next,
   * with no round trip between. A LOGON the server refuses closes the connection, and the requests queued
   * behind it fail with that refusal. The returned promise settles with LOGON's answer (callers
   * may ignore it). Throws a usage BoltError before 5.1, or when the token cannot be encoded
   * (the connection, logged off, is then closed).
   */
  switchAuth(token: AuthToken): Promise<void> {
    return switchAuth(this, token);
  }

  /** Re-authenticate (5.1+): LOGOFF + LOGON pipelined, waiting for LOGON's answer. */
  reauth(
    token: AuthToken,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<void> {
    return reauth(this, token, options);
  }

  /** PULL {n, qid} on 4.0+, PULL_ALL before. */
  pull(n: number, qid: number | bigint | undefined, observer: ResponseObserver): void {
    this.enqueue(pullRequest(this.features, n, qid), observer);
  }

  /** DISCARD {n, qid} on 4.0+, DISCARD_ALL before. */
  discard(qid: number | bigint | undefined, observer: ResponseObserver): void {
    this.enqueue(discardRequest(this.features, qid), observer);
  }

  /** BEGIN (3+); on 1–2 the equivalent `RUN "BEGIN"` + PULL_ALL. */
  begin(extra: Record<string, unknown>, observer: ResponseObserver): void {
    this.enqueueLast(txRequests(this.features, 'BEGIN', extra), observer);
  }

  /** COMMIT (3+) or `RUN "COMMIT"` + PULL_ALL (1–2). */
  commit(observer: ResponseObserver): void {
    this.enqueueLast(txRequests(this.features, 'COMMIT'), observer);
  }

  /** ROLLBACK (3+) or `RUN "ROLLBACK"` + PULL_ALL (1–2). */
  rollback(observer: ResponseObserver): void {
    this.enqueueLast(txRequests(this.features, 'ROLLBACK'), observer);
  }

  /** Enqueue `requests`; the last one's answer goes to `observer`. */
  private enqueueLast(requests: Request[], observer: ResponseObserver): void {
    const last = requests.length - 1;
    for (let i = 0; i <= last; i++) this.enqueue(requests[i], i === last ? observer : NO_OBSERVER);
  }

  /** GOODBYE (3+) and a graceful close. Outstanding requests fail with `connection-lost`. */
  async close(): Promise<void> {
    if (this.closing || this.dead) {
      await this.transport.closed;
      return;
    }
    try {
      if (this.features.goodbye) this.enqueue({ type: 'GOODBYE' });
      this.flush();
    } catch {
      // closing anyway
    }
    this.closing = true;
    this.recvTimer.disarm();
    this.failPending(this.closedError());
    this.transport.end();
    let t: unknown;
    await Promise.race([
      this.transport.closed,
      new Promise((r) => {
        t = this.clock.setTimeout(() => r(undefined), 2000);
      }),
    ]);
    this.clock.clearTimeout(t);
    this.transport.destroy();
    this.markDead(undefined);
  }

  /** Close at once (no GOODBYE). Outstanding requests fail with `error` or `connection-lost`. */
  destroy(error?: BoltError): void {
    if (this.dead) return;
    this.closing = true;
    const err = error ?? this.closedError();
    this.recvTimer.disarm();
    this.failPending(err);
    this.transport.destroy();
    this.markDead(err);
  }

  /**
   * Give up on a server that stopped answering: outstanding requests fail with `error` now, and
   * the connection is closed gracefully (our side ends; what the server still sends is
   * dropped), so a server that was merely slow does not get a reset under its late answer. The
   * transport is destroyed when the server closes too, or after 2 s.
   */
  private abandon(error: BoltError): void {
    if (this.dead) return;
    this.closing = true;
    this.recvTimer.disarm();
    this.failPending(error);
    this.markDead(error);
    this.transport.end();
    const t = this.clock.setTimeout(() => this.transport.destroy(), 2000);
    this.transport.closed.then(() => this.clock.clearTimeout(t));
  }

  // ---- receiving ------------------------------------------------------------------------

  /** @internal The codec of the negotiated version. */
  get _codec(): MessageCodec {
    return this.codec;
  }

  /** @internal The server broke the protocol: the connection ends with a `protocol` error. */
  _protocolError(message: string): void {
    this.fail('protocol', message);
  }

  /** @internal A FAILURE, before its request's observer sees it (`tell`). When the hook
   *  answers with a promise (a token manager deciding whether a security error is handled, and
   *  so retryable), the observer is told once it settles, and whatever arrives meanwhile (the
   *  messages after the FAILURE, the server closing) is held back and handled after it, in
   *  order: nobody learns of the failure, or of what followed it, before it is decided. */
  _serverFailure(error: BoltError, tell: () => void): void {
    const deciding = this.options.onServerFailure?.(this, error);
    if (deciding === undefined) {
      tell();
      return;
    }
    this._held = new HeldAnswers();
    deciding.then(
      () => this.release(tell),
      () => this.release(tell),
    );
  }

  /** The decision came: tell the FAILURE's observer, then handle what was held back (until
   *  another decision holds the rest). */
  private release(tell: () => void): void {
    const held = this._held;
    this._held = undefined;
    try {
      tell();
    } finally {
      held?.replayOn(this);
    }
  }

  /** @internal A message held back while a FAILURE was decided: handled as `_receive` handles
   *  the ones of a chunk (one that cannot be decoded ends the connection with a protocol error). */
  _replayMessage(bytes: Uint8Array): void {
    try {
      this._onMessage(bytes, 0, bytes.length);
    } catch (e) {
      this.fail('protocol', `undecodable data from ${this.address}: ${(e as Error).message}`, e);
    }
  }

  /** @internal Nothing is outstanding any more. */
  _idle(): void {
    this.recvTimer.disarm();
  }

  /** @internal One message from the server: `bytes[start, end)`. */
  _onMessage(bytes: Uint8Array, start: number, end: number): void {
    if (this._held !== undefined) {
      this._held.message(bytes, start, end);
      return;
    }
    try {
      if (!this.dead) this.answers.dispatch(bytes, start, end);
    } catch (e) {
      saveFailedMessage(this.options, this.log, this.address, bytes.subarray(start, end), e);
      throw e;
    }
  }

  /** @internal Bytes from the transport: the handshake's answer, then messages. */
  _receive(chunk: Uint8Array): void {
    this.recvTimer.activity();
    if (this.handshake) {
      if (this.handshake.push(chunk)) this.handshake = undefined;
      return;
    }
    // After GOODBYE nothing the server says matters (some servers answer it with SUCCESS):
    // drop it and wait for the server to close, instead of failing with "no request was
    // outstanding" and resetting the connection under the server's feet.
    if (this.closing) return;
    if (this._held !== undefined) {
      this._held.bytes(chunk);
      return;
    }
    this.arena?.receiving(chunk);
    try {
      this.dechunker.push(chunk);
    } catch (e) {
      this.fail('protocol', `undecodable data from ${this.address}: ${(e as Error).message}`, e);
    } finally {
      this.arena?.receiving(undefined);
    }
  }

  /** @internal The transport ended: the server closed it, or it was lost (`error`). */
  _receiveEnd(error?: Error): void {
    this.handshake?.end(error);
    this.handshake = undefined;
    if (this.dead) return;
    if (this._held !== undefined) {
      this._held.end(error);
      return;
    }
    if (this.closing) {
      this.markDead(undefined);
      return;
    }
    const n = this.outstanding;
    this.fail(
      'connection-lost',
      `the connection to ${this.address} was ${error ? `lost (${error.message})` : 'closed by the server'}${n ? ` while ${n} request(s) were outstanding` : ''}`,
      error,
    );
  }

  // ---- opening ----------------------------------------------------------------------------

  private async start(signal: AbortSignal): Promise<void> {
    const options = this.options;
    const shake = clientHandshake(options);
    const wait = new HandshakeWait(shake, this.address, signal);
    this.handshake = wait;
    try {
      this.transport.write(shake.hello);
    } catch (e) {
      this.handshake = undefined;
      wait.dispose();
      throw e;
    }
    const negotiated = await wait.done;
    this.version = negotiated.version;
    this.codec = new MessageCodec({
      version: this.version,
      integers: options.integers ?? 'auto',
      structs: this.structsFor,
    });
    this.features = this.codec.features;
    this.answers.tracker.state = this.features.hasLogon ? 'NEGOTIATION' : 'CONNECTED';
    const manifestChoice = negotiated.send;
    const rest = negotiated.rest;
    const f = this.features;
    if (manifestChoice.length > 0) this.transport.write(manifestChoice);
    const { hello, logon } = openingFor(f, this.version, options, this.auth);
    let helloDone = this.request(hello, { signal });
    if (logon) {
      const loggedOn = this.request(logon, { signal });
      loggedOn.catch(() => {});
      helloDone = Promise.all([helloDone, loggedOn]).then(([h]) => h);
    }
    this.flush();
    if (rest.length > 0) this._receive(rest);
    const md = await helloDone;
    this.server = typeof md.server === 'string' ? md.server : '';
    this.connectionId = typeof md.connection_id === 'string' ? md.connection_id : '';
    this.hints = md.hints && typeof md.hints === 'object' ? md.hints : {};
    if (Array.isArray(md.patch_bolt) && md.patch_bolt.includes('utc') && f.utcPatch) {
      this.codec.enableUtcPatch();
      this.features = this.codec.features;
    }
    this.recvTimer.timeoutMs = recvTimeoutOf(this.hints, options.honourRecvTimeout !== false);
    this.answers.tracker.state = 'READY';
  }

  // ---- failure ----------------------------------------------------------------------------

  private fail(kind: BoltErrorKind, message: string, cause?: unknown): void {
    if (this.dead) return;
    const err = new BoltError(message, {
      kind,
      code: kind === 'protocol' ? PROTOCOL_ERROR : this.lostCode(),
      retryable: kind === 'connection-lost',
      cause,
    });
    this.destroy(err);
  }

  /** A routed connection lost is a SessionExpired (another cluster member can serve the work),
   *  as in the official drivers; a direct one a ServiceUnavailable. */
  private lostCode(): string {
    return this.options.routing != null ? SESSION_EXPIRED : SERVICE_UNAVAILABLE;
  }

  private failPending(err: BoltError): void {
    for (const p of this.answers.pending.drain()) p.observer.onFailure?.(err);
  }

  private markDead(err: BoltError | undefined): void {
    if (this.dead) return;
    this.dead = err ?? this.closedError();
    this.answers.tracker.state = 'DEFUNCT';
    for (const l of this.closeListeners.splice(0)) l(err);
  }

  private closedError(): BoltError {
    return this.dead ?? closedByClient(this.address);
  }

  // ---- receive timeout ----------------------------------------------------------------------

  /** @internal The server was silent longer than its receive timeout hint allows. */
  _onSilence(silent: number): void {
    if (this.dead) return;
    this.abandon(
      new BoltError(
        `the server didn't respond in ${silent} ms: nothing came from ${this.address} while ${this.outstanding} request(s) were outstanding, longer than its connection.recv_timeout_seconds hint (${this.recvTimeoutMs / 1000} s) allows`,
        // a server that stopped answering is unavailable, routed or not (as the official
        // JavaScript driver reports it); the work is retried all the same
        { kind: 'connection-lost', code: SERVICE_UNAVAILABLE, retryable: true },
      ),
    );
  }
}

const NO_OBSERVER: ResponseObserver = {};

// A connection's callbacks are the methods of one object (ConnectionEvents), or functions made
// by the factories below where a function is asked for: the bundle keeps function names, so a
// function JavaScript names where it is made (`{ onData: (chunk) => ... }`) would be renamed
// at every connection by a property definition that also leaves it a dictionary of properties.

/** What the answers side and the receive timer of a connection call back. */
class ConnectionEvents implements DispatchHost, RecvTimerHost {
  readonly address: string;

  constructor(
    private readonly conn: Connection,
    readonly arena: ByteArena | undefined,
    readonly wireLog: ((line: string) => void) | undefined,
  ) {
    this.address = conn.address;
  }

  codec(): MessageCodec {
    return this.conn._codec;
  }
  version(): BoltVersion {
    return this.conn.version;
  }
  protocolError(message: string): void {
    this.conn._protocolError(message);
  }
  destroy(error: BoltError): void {
    this.conn.destroy(error);
  }
  tokenExpired(): void {
    this.conn.authExpired = true;
  }
  serverFailure(error: BoltError, tell: () => void): void {
    this.conn._serverFailure(error, tell);
  }
  idle(): void {
    this.conn._idle();
  }
  outstanding(): number {
    return this.conn.outstanding;
  }
  onSilence(silentMs: number): void {
    this.conn._onSilence(silentMs);
  }
}

function flusher(conn: Connection): () => void {
  return () => conn.flush();
}

function messagesTo(conn: Connection): (bytes: Uint8Array, start: number, end: number) => void {
  return (bytes, start, end) => conn._onMessage(bytes, start, end);
}

function bytesTo(conn: Connection): (chunk: Uint8Array) => void {
  return (chunk) => conn._receive(chunk);
}

function endTo(conn: Connection): (error?: Error) => void {
  return (error) => conn._receiveEnd(error);
}

function wireLogger(log: Logger): (line: string) => void {
  return (line) => log.debug!(line);
}

import { ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Transport } from '@bolt/net-adapters';
import {
  type BoltFeatures,
  type BoltVersion,
  ClientHandshake,
  customStructs,
  formatMessage,
  formatVersion,
  interrupt,
  LOG_FORMAT,
  MessageCodec,
  openingRequests,
  type Request,
  type ServerState,
  type StructsFor,
  SUPPORTED_VERSIONS,
  type SuccessMetadata,
  transition,
} from '@bolt/parser';
import type { AuthToken } from './auth.js';
import {
  abortError,
  BoltError,
  type BoltErrorKind,
  PROTOCOL_ERROR,
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
  usageError,
} from './bolt-error.js';
import {
  combineSignals,
  refused,
  whatToCheck,
  wrongFailure,
  wrongSuccess,
} from './connection-checks.js';
import {
  CLIENT_PRODUCT,
  CLIENT_PROPOSALS,
  type ConnectionOptions,
  LEGACY_PROPOSALS,
  type ResponseObserver,
} from './connection-options.js';
import type { Logger } from './logger.js';
import { hasFilter, notificationExtra } from './notification-filter.js';

export {
  CLIENT_PRODUCT,
  CLIENT_PROPOSALS,
  type ConnectionOptions,
  LEGACY_PROPOSALS,
  type ResponseObserver,
} from './connection-options.js';

const NO_FIELDS = Object.freeze({}) as Record<string, unknown>;

interface Pending {
  type: Request['type'];
  observer: ResponseObserver;
  /** PULL n: the most RECORDs the server may send for it (-1: no limit). */
  limit: number;
  records: number;
}

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
  /** The Bolt state the server is in, as far as the answers so far tell. */
  state: ServerState = 'CONNECTED';
  /** The token the connection is authenticated with. */
  auth: AuthToken;
  /** Set when the server reported the token expired; the pool re-authenticates before reuse. */
  authExpired = false;
  /** `host:port` as asked. */
  readonly address: string;
  readonly createdAt = Date.now();
  /** Last time the connection was released to the pool (for the idle liveness check). */
  idleSince = Date.now();
  /** Receive timeout from the hint, in ms (0 = none). */
  recvTimeoutMs = 0;

  private readonly transport: Transport;
  private readonly options: ConnectionOptions;
  private codec!: MessageCodec;
  private handshake:
    | {
        shake: ClientHandshake;
        resolve(r: { version: BoltVersion; send: Uint8Array; rest: Uint8Array }): void;
        reject(e: BoltError): void;
      }
    | undefined;
  private readonly writer = new ChunkWriter();
  private readonly structsFor: StructsFor | undefined;
  private readonly dechunker: Dechunker;
  private readonly log: Logger | undefined;
  private readonly wire: boolean;
  private readonly pending: Pending[] = [];
  private head = 0;
  private flushScheduled = false;
  private readPaused = false;
  /** A byte of the server's handshake answer arrived. */
  private handshakeAnswered = false;
  private currentFailure: BoltError | undefined;
  private resetsPending = 0;
  private txOpenResults = 0;
  private dead: BoltError | undefined;
  private closing = false;
  private lastActivity = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly closeListeners: ((error: BoltError | undefined) => void)[] = [];

  private constructor(transport: Transport, options: ConnectionOptions, address: string) {
    this.transport = transport;
    this.address = address;
    this.options = options;
    this.auth = options.auth ?? { scheme: 'none' };
    this.log = options.logger;
    this.wire = typeof options.logger?.debug === 'function';
    const structs = options.structs;
    this.structsFor =
      typeof structs === 'function'
        ? structs
        : structs && structs.length > 0
          ? customStructs(structs)
          : undefined;
    this.dechunker = new Dechunker({
      onMessage: (body) => {
        try {
          this.onMessage(body);
        } catch (e) {
          this.saveFailed(body, e);
          throw e;
        }
      },
      maxMessageSize: options.maxMessageSize,
    });
    transport.receive({
      onData: (chunk) => this.receiveBytes(chunk),
      onEnd: (error) => this.receiveEnd(error),
    });
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
    const timeoutMs = options.connectTimeoutMs ?? 30_000;
    const connectSignal = combineSignals(options.signal, timeoutMs);
    let transport: Transport;
    try {
      transport = await options.netModule.connect({
        host: options.host,
        port: options.port,
        tls: options.tls,
        connectTimeoutMs: timeoutMs,
        signal: connectSignal,
      });
    } catch (e) {
      if (connectSignal.aborted) throw abortError(connectSignal, `connecting to ${address}`);
      throw new BoltError(
        `could not connect to ${address} through ${options.netModule.name}: ${(e as Error)?.message ?? e}${whatToCheck(e)}`,
        { kind: 'could-not-connect', code: SERVICE_UNAVAILABLE, cause: e },
      );
    }
    // the connect timeout is the transport's; the handshake and authentication are bounded by
    // the caller's signal (a pool's acquisition deadline), else by the same connect timeout
    const signal = options.signal ?? connectSignal;
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
    return this.pending.length - this.head;
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
      this.codec.encodeRequest(request, this.writer);
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
    if (request.type === 'RESET') this.resetsPending++;
    // an answer queued behind a paused stream must be readable
    if (this.readPaused) this.resumeReading();
    if (request.type !== 'GOODBYE') {
      const n = request.type === 'PULL' ? Number(request.extra?.n ?? -1) : -1;
      this.pending.push({ type: request.type, observer, limit: n, records: 0 });
    }
    if (this.wire) this.log!.debug!(`C: ${formatMessage(request, LOG_FORMAT)}`);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Write everything enqueued in one transport write. */
  flush(): void {
    this.flushScheduled = false;
    if (this.writer.length === 0 || this.dead) return;
    const bytes = this.writer.flush();
    try {
      this.transport.write(bytes);
    } catch (e) {
      this.fail('connection-lost', `writing to ${this.address} failed: ${(e as Error).message}`, e);
      return;
    }
    this.lastActivity = Date.now();
    this.armTimer();
  }

  /** Enqueue and wait for the summary. Resolves with the SUCCESS metadata; rejects with the
   *  FAILURE. On abort/timeout the connection is closed (its state is unknown then). */
  request(
    request: Request,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<SuccessMetadata> {
    return new Promise((resolve, reject) => {
      const signal = options.signal;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const cleanup = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        cleanup();
        const err = abortError(signal!, `${request.type} on ${this.address}`);
        reject(err);
        this.destroy(this.abandoned(request.type, err));
      };
      try {
        this.enqueue(request, {
          onSuccess: (m) => {
            cleanup();
            resolve(m);
          },
          onFailure: (e) => {
            cleanup();
            reject(e);
          },
        });
      } catch (e) {
        reject(e);
        return;
      }
      if (signal) {
        if (signal.aborted) return onAbort();
        signal.addEventListener('abort', onAbort, { once: true });
      }
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(() => {
          cleanup();
          const err = new BoltError(
            `${request.type} on ${this.address} timed out after ${options.timeoutMs} ms`,
            {
              kind: 'timeout',
              code: 'Neo.ClientError.Request.Timeout',
              classification: 'CLIENT_ERROR',
              retryable: false,
            },
          );
          reject(err);
          this.destroy(this.abandoned(request.type, err));
        }, options.timeoutMs);
      }
    });
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
    if (!this.features.hasLogon)
      throw usageError(
        `re-authentication needs Bolt 5.1+; this connection speaks ${formatVersion(this.version)}`,
      );
    this.enqueue({ type: 'LOGOFF' }, NO_OBSERVER);
    let settle!: { resolve(): void; reject(e: BoltError): void };
    const answered = new Promise<void>((resolve, reject) => {
      settle = { resolve, reject };
    });
    answered.catch(() => {});
    try {
      this.enqueue(
        { type: 'LOGON', auth: token },
        { onSuccess: () => settle.resolve(), onFailure: (e) => settle.reject(e) },
      );
    } catch (e) {
      this.destroy();
      throw e;
    }
    this.auth = token;
    this.authExpired = false;
    return answered;
  }

  /** Re-authenticate (5.1+): LOGOFF + LOGON pipelined, waiting for LOGON's answer. */
  async reauth(
    token: AuthToken,
    options: { signal?: AbortSignal; timeoutMs?: number } = {},
  ): Promise<void> {
    if (!this.features.hasLogon)
      throw usageError(
        `re-authentication needs Bolt 5.1+; this connection speaks ${formatVersion(this.version)}`,
      );
    this.enqueue({ type: 'LOGOFF' }, NO_OBSERVER);
    try {
      await this.request({ type: 'LOGON', auth: token }, options);
    } catch (e) {
      // LOGON not sent (the token cannot be encoded): the connection is logged off and
      // cannot serve anyone; close it.
      if (BoltError.isInstance(e) && e.kind === 'usage') this.destroy();
      throw e;
    }
    this.auth = token;
    this.authExpired = false;
  }

  /** PULL {n, qid} on 4.0+, PULL_ALL before. */
  pull(n: number, qid: number | bigint | undefined, observer: ResponseObserver): void {
    if (this.features.pullN) {
      const extra: { n: number; qid?: number | bigint } = { n };
      if (qid !== undefined && qid !== -1) extra.qid = qid;
      this.enqueue({ type: 'PULL', extra }, observer);
    } else this.enqueue({ type: 'PULL_ALL' }, observer);
  }

  /** DISCARD {n, qid} on 4.0+, DISCARD_ALL before. */
  discard(qid: number | bigint | undefined, observer: ResponseObserver): void {
    if (this.features.pullN) {
      const extra: { n: number; qid?: number | bigint } = { n: -1 };
      if (qid !== undefined && qid !== -1) extra.qid = qid;
      this.enqueue({ type: 'DISCARD', extra }, observer);
    } else this.enqueue({ type: 'DISCARD_ALL' }, observer);
  }

  /** BEGIN (3+); on 1–2 the equivalent `RUN "BEGIN"` + PULL_ALL. */
  begin(extra: Record<string, unknown>, observer: ResponseObserver): void {
    if (this.features.explicitTx) this.enqueue({ type: 'BEGIN', extra } as Request, observer);
    else {
      const params =
        Array.isArray(extra.bookmarks) && extra.bookmarks.length > 0
          ? { bookmarks: extra.bookmarks }
          : {};
      this.enqueue(
        { type: 'RUN', query: 'BEGIN', parameters: params, extra: {} } as Request,
        NO_OBSERVER,
      );
      this.enqueue({ type: 'PULL_ALL' }, observer);
    }
  }

  /** COMMIT (3+) or `RUN "COMMIT"` + PULL_ALL (1–2). */
  commit(observer: ResponseObserver): void {
    this.endTx('COMMIT', observer);
  }

  /** ROLLBACK (3+) or `RUN "ROLLBACK"` + PULL_ALL (1–2). */
  rollback(observer: ResponseObserver): void {
    this.endTx('ROLLBACK', observer);
  }

  private endTx(type: 'COMMIT' | 'ROLLBACK', observer: ResponseObserver): void {
    if (this.features.explicitTx) this.enqueue({ type }, observer);
    else {
      this.enqueue({ type: 'RUN', query: type, parameters: {}, extra: {} } as Request, NO_OBSERVER);
      this.enqueue({ type: 'PULL_ALL' }, observer);
    }
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
    this.disarmTimer();
    this.failPending(this.closedError());
    this.transport.end();
    let t: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      this.transport.closed,
      new Promise((r) => {
        t = setTimeout(r, 2000);
      }),
    ]);
    clearTimeout(t);
    this.transport.destroy();
    this.markDead(undefined);
  }

  /** Close at once (no GOODBYE). Outstanding requests fail with `error` or `connection-lost`. */
  destroy(error?: BoltError): void {
    if (this.dead) return;
    this.closing = true;
    const err = error ?? this.closedError();
    this.disarmTimer();
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
    this.disarmTimer();
    this.failPending(error);
    this.markDead(error);
    this.transport.end();
    const t = setTimeout(() => this.transport.destroy(), 2000);
    this.transport.closed.then(() => clearTimeout(t));
  }

  // ---- receiving ------------------------------------------------------------------------

  private receiveBytes(chunk: Uint8Array): void {
    this.lastActivity = Date.now();
    if (this.handshake) {
      const hs = this.handshake;
      this.handshakeAnswered ||= chunk.length > 0;
      let r: ReturnType<ClientHandshake['push']>;
      try {
        r = hs.shake.push(chunk);
      } catch (e) {
        this.handshake = undefined;
        hs.reject(refused(e, this.address));
        return;
      }
      if (!r) return;
      this.handshake = undefined;
      hs.resolve(r);
      return;
    }
    // After GOODBYE nothing the server says matters (some servers answer it with SUCCESS):
    // drop it and wait for the server to close, instead of failing with "no request was
    // outstanding" and resetting the connection under the server's feet.
    if (this.closing) return;
    try {
      this.dechunker.push(chunk);
    } catch (e) {
      this.fail('protocol', `undecodable data from ${this.address}: ${(e as Error).message}`, e);
    }
  }

  private receiveEnd(error?: Error): void {
    if (this.handshake) {
      const hs = this.handshake;
      this.handshake = undefined;
      const how = error ? `reset the connection (${error.message})` : 'closed the connection';
      hs.reject(
        this.handshakeAnswered
          ? new BoltError(
              `${this.address} ${how} in the middle of the Bolt handshake: it is probably not a Bolt server`,
              {
                kind: 'protocol-refused',
                code: SERVICE_UNAVAILABLE,
                retryable: false,
                cause: error,
              },
            )
          : // Nothing answered yet: what a server at its connection limit (or restarting) does,
            // like a refusal during the TCP connect; worth another try.
            new BoltError(
              `${this.address} ${how} before answering the Bolt handshake: the server may be at its connection limit or restarting (or it is not a Bolt server)`,
              {
                kind: 'could-not-connect',
                code: SERVICE_UNAVAILABLE,
                retryable: true,
                cause: error,
              },
            ),
      );
    }
    if (this.dead) return;
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

  private onMessage(body: Uint8Array): void {
    if (this.dead) return;
    const p = this.pending[this.head];
    // RECORD fast path: decoded without building a message object.
    const fields = p === undefined ? undefined : this.codec.decodeRecord(body);
    if (fields !== undefined) {
      if (this.wire)
        this.log!.debug!(`S: ${formatMessage({ type: 'RECORD', fields }, LOG_FORMAT)}`);
      this.deliverRecord(p!, fields);
      return;
    }
    const res = this.codec.decodeResponse(body);
    if (p === undefined) {
      this.fail('protocol', `the server sent ${res.type} but no request was outstanding`);
      return;
    }
    switch (res.type) {
      case 'RECORD':
        if (this.wire) this.log!.debug!(`S: ${formatMessage(res, LOG_FORMAT)}`);
        this.deliverRecord(p, res.fields);
        return;
      case 'SUCCESS': {
        const md = res.metadata as SuccessMetadata;
        if (this.wire)
          this.log!.debug!(`S: ${formatMessage({ type: 'SUCCESS', metadata: md }, LOG_FORMAT)}`);
        const wrong = wrongSuccess(p.type, md);
        if (wrong) {
          this.fail('protocol', `${this.address} answered ${p.type} with a SUCCESS whose ${wrong}`);
          return;
        }
        this.shift();
        this.track(p.type, 'SUCCESS', md);
        p.observer.onSuccess?.(md);
        return;
      }
      case 'FAILURE': {
        const md = res.metadata as Record<string, unknown>;
        if (this.wire)
          this.log!.debug!(`S: ${formatMessage({ type: 'FAILURE', metadata: md }, LOG_FORMAT)}`);
        const wrong = wrongFailure(md);
        if (wrong) {
          this.fail('protocol', `${this.address} answered ${p.type} with a FAILURE whose ${wrong}`);
          return;
        }
        this.shift();
        const err = BoltError.fromFailure(md);
        if (p.type !== 'RESET') this.currentFailure = err;
        this.track(p.type, 'FAILURE', md);
        if (err.code === 'Neo.ClientError.Security.TokenExpired') this.authExpired = true;
        p.observer.onFailure?.(err);
        if (p.type === 'RESET' || p.type === 'HELLO' || p.type === 'INIT' || p.type === 'LOGON')
          this.destroy(err);
        return;
      }
      case 'IGNORED': {
        this.shift();
        if (this.wire) this.log!.debug!('S: IGNORED');
        this.track(p.type, 'IGNORED', NO_FIELDS);
        p.observer.onFailure?.(
          this.currentFailure ??
            new BoltError(`${p.type} was not executed: it was interrupted by a RESET`, {
              kind: 'aborted',
              code: 'Neo.ClientError.Request.Interrupted',
              classification: 'CLIENT_ERROR',
              retryable: false,
            }),
        );
        return;
      }
    }
  }

  /** A RECORD for the request at the head: only PULL / PULL_ALL have records, and a PULL at
   *  most the `n` it asked for. Anything else is a protocol error that ends the connection. */
  private deliverRecord(p: Pending, fields: unknown[]): void {
    if (p.type !== 'PULL' && p.type !== 'PULL_ALL') {
      this.fail('protocol', `${this.address} sent a RECORD as the answer to ${p.type}`);
      return;
    }
    if (p.limit >= 0 && ++p.records > p.limit) {
      this.fail(
        'protocol',
        `${this.address} sent more than the ${p.limit} record(s) PULL asked for`,
      );
      return;
    }
    p.observer.onRecord?.(fields);
  }

  private shift(): void {
    this.head++;
    if (this.head === this.pending.length) {
      this.pending.length = 0;
      this.head = 0;
      this.disarmTimer();
    } else if (this.head > 1024) {
      this.pending.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Follow the server's state with the parser's transition table. */
  private track(
    type: Request['type'],
    outcome: 'SUCCESS' | 'FAILURE' | 'IGNORED',
    md: SuccessMetadata,
  ): void {
    if (type === 'RESET' || type === 'ACK_FAILURE') {
      if (type === 'RESET') this.resetsPending--;
      if (outcome === 'SUCCESS') {
        this.currentFailure = undefined;
        this.txOpenResults = 0;
      }
    }
    let state = this.state;
    if (outcome === 'IGNORED' && this.resetsPending > 0 && state !== 'FAILED')
      state = interrupt(state);
    if (type === 'RESET') state = interrupt(state);
    const inTx = state === 'TX_READY' || state === 'TX_STREAMING';
    let hasMore = false;
    if (outcome === 'SUCCESS') {
      if (type === 'RUN' && inTx) this.txOpenResults++;
      if (type === 'PULL' || type === 'DISCARD' || type === 'PULL_ALL' || type === 'DISCARD_ALL') {
        hasMore = md.has_more === true;
        if (!hasMore && inTx && this.txOpenResults > 0) this.txOpenResults--;
      }
      if (type === 'COMMIT' || type === 'ROLLBACK') this.txOpenResults = 0;
    } else if (outcome === 'FAILURE') this.txOpenResults = 0;
    try {
      this.state = transition(this.version, state, type, outcome, {
        hasMore,
        openResults: this.txOpenResults,
      });
    } catch {
      // A transition the table does not know (e.g. a legacy RUN "BEGIN"): keep the state.
    }
  }

  // ---- opening ----------------------------------------------------------------------------

  private async start(signal: AbortSignal): Promise<void> {
    const options = this.options;
    // Offering a version is enough to accept it: legacyVersions only changes the default slots.
    const supported =
      options.legacyVersions || options.protocolVersions
        ? SUPPORTED_VERSIONS
        : SUPPORTED_VERSIONS.filter((v) => v.major >= 3);
    const proposals =
      options.protocolVersions ?? (options.legacyVersions ? LEGACY_PROPOSALS : CLIENT_PROPOSALS);
    const shake = new ClientHandshake({ proposals, supported });
    const negotiated = await new Promise<{
      version: BoltVersion;
      send: Uint8Array;
      rest: Uint8Array;
    }>((resolve, reject) => {
      const onAbort = () => {
        this.handshake = undefined;
        reject(abortError(signal, `the handshake with ${this.address}`));
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.handshake = {
        shake,
        resolve: (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      this.transport.write(shake.hello);
    });
    this.version = negotiated.version;
    this.codec = new MessageCodec({
      version: this.version,
      integers: options.integers ?? 'auto',
      structs: this.structsFor,
    });
    this.features = this.codec.features;
    this.state = this.features.hasLogon ? 'NEGOTIATION' : 'CONNECTED';
    const manifestChoice = negotiated.send;
    const rest = negotiated.rest;
    const f = this.features;
    if (manifestChoice.length > 0) this.transport.write(manifestChoice);
    const filter = options.notificationFilter;
    if (filter && !f.notifFilter && hasFilter(filter))
      throw usageError(
        `notification filters need Bolt 5.2+; the server speaks ${formatVersion(this.version)}`,
      );
    const { hello, logon } = openingRequests(f, {
      userAgent: options.userAgent ?? CLIENT_PRODUCT,
      auth: this.auth,
      routing: options.routing,
      utcPatch: options.utcPatch,
      notifications: filter && f.notifFilter ? notificationExtra(filter, f) : undefined,
      boltAgent: options.boltAgent ?? { product: CLIENT_PRODUCT, language: 'JavaScript' },
    });
    let helloDone = this.request(hello, { signal });
    if (logon) {
      const loggedOn = this.request(logon, { signal });
      loggedOn.catch(() => {});
      helloDone = Promise.all([helloDone, loggedOn]).then(([h]) => h);
    }
    this.flush();
    if (rest.length > 0) this.receiveBytes(rest);
    const md = await helloDone;
    this.server = typeof md.server === 'string' ? md.server : '';
    this.connectionId = typeof md.connection_id === 'string' ? md.connection_id : '';
    this.hints = md.hints && typeof md.hints === 'object' ? md.hints : {};
    if (Array.isArray(md.patch_bolt) && md.patch_bolt.includes('utc') && f.utcPatch) {
      this.codec.enableUtcPatch();
      this.features = this.codec.features;
    }
    const rt = this.hints['connection.recv_timeout_seconds'];
    const seconds = typeof rt === 'bigint' ? Number(rt) : rt;
    if (
      options.honourRecvTimeout !== false &&
      typeof seconds === 'number' &&
      Number.isInteger(seconds) &&
      seconds > 0
    )
      this.recvTimeoutMs = seconds * 1000;
    this.state = 'READY';
  }

  // ---- failure ----------------------------------------------------------------------------

  /** A message that failed to decode goes to `failedMessages` (copied at once). */
  private saveFailed(body: Uint8Array, error: unknown): void {
    const writer = this.options.failedMessages;
    if (!writer) return;
    writer.save(body, error, this.address).then(
      (path) =>
        this.log?.warn?.(`a message from ${this.address} failed to decode; saved to ${path}`),
      (e) =>
        this.log?.warn?.(
          `could not save the message that failed to decode: ${(e as Error).message}`,
        ),
    );
  }

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
    const list = this.pending.slice(this.head);
    this.pending.length = 0;
    this.head = 0;
    for (const p of list) p.observer.onFailure?.(err);
  }

  private markDead(err: BoltError | undefined): void {
    if (this.dead) return;
    this.dead = err ?? this.closedError();
    this.state = 'DEFUNCT';
    for (const l of this.closeListeners.splice(0)) l(err);
  }

  /** What the other outstanding requests get when a request's own wait was given up (its
   *  answer might still come, so the connection must close): a retryable connection loss, not
   *  the caller's timeout or abort. */
  private abandoned(type: Request['type'], reason: BoltError): BoltError {
    return new BoltError(
      `the connection to ${this.address} was closed: waiting for the answer to ${type} was given up (${reason.message})`,
      { kind: 'connection-lost', code: SERVICE_UNAVAILABLE, retryable: true, cause: reason },
    );
  }

  private closedError(): BoltError {
    return (
      this.dead ??
      // Closed on this side (close(), destroy(), driver.close()): retrying cannot help.
      new BoltError(`the connection to ${this.address} was closed by the client`, {
        kind: 'connection-lost',
        code: SERVICE_UNAVAILABLE,
        retryable: false,
      })
    );
  }

  // ---- receive timeout ----------------------------------------------------------------------

  private armTimer(): void {
    if (this.recvTimeoutMs === 0 || this.timer !== undefined || this.outstanding === 0) return;
    this.timer = setTimeout(() => this.onTimer(), this.recvTimeoutMs);
  }

  private disarmTimer(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private onTimer(): void {
    this.timer = undefined;
    if (this.outstanding === 0 || this.dead) return;
    const silent = Date.now() - this.lastActivity;
    if (silent >= this.recvTimeoutMs) {
      this.abandon(
        new BoltError(
          `the server didn't respond in ${silent} ms: nothing came from ${this.address} while ${this.outstanding} request(s) were outstanding, longer than its connection.recv_timeout_seconds hint (${this.recvTimeoutMs / 1000} s) allows`,
          { kind: 'connection-lost', code: this.lostCode(), retryable: true },
        ),
      );
      return;
    }
    this.timer = setTimeout(() => this.onTimer(), this.recvTimeoutMs - silent);
  }
}

const NO_OBSERVER: ResponseObserver = {};

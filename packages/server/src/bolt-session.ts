import { ChunkingError, ChunkWriter, Dechunker } from '@bolt/chunking';
import type { Transport } from '@bolt/net-adapters';
import {
  admit,
  type BoltFeatures,
  type BoltVersion,
  features,
  formatMessage,
  formatVersion,
  initialState,
  interrupt,
  LOG_FORMAT,
  MessageCodec,
  type Request,
  type RequestType,
  ServerHandshake,
  type ServerState,
  transition,
} from '@bolt/parser';
import { BoltError } from './bolt-error.js';
import type {
  AuthToken,
  ConnectionInfo,
  Handler,
  ResultSummary,
  RouteContext,
  RoutingTable,
} from './handler.js';
import { readTransactionOptions, WorkContext } from './query-context.js';
import { ResultCursor } from './result-cursor.js';
import type { ResolvedServerOptions } from './server-options.js';

/** Codes the server itself answers with. */
const REQUEST_INVALID = 'Neo.ClientError.Request.Invalid';
const UNAUTHORIZED = 'Neo.ClientError.Security.Unauthorized';

/** HELLO keys that are not part of the inline auth token (3–5.0). */
const HELLO_KEYS = new Set([
  'user_agent',
  'bolt_agent',
  'routing',
  'patch_bolt',
  'notifications_minimum_severity',
  'notifications_disabled_categories',
  'notifications_disabled_classifications',
]);

/** Resolves when a RESET arrived (or the connection died) while work was awaited. */
const INTERRUPTED: unique symbol = Symbol('interrupted');
type Interrupted = typeof INTERRUPTED;

type Fatal = { type: '__fatal'; error: BoltError };
type Entry = Request | Fatal;

/** An explicit transaction: its context, its open results by qid. */
interface Transaction {
  context: WorkContext;
  results: Map<number, ResultCursor>;
  nextQid: number;
  lastQid: number;
  /** Bolt 1–2: opened with `RUN "BEGIN"`. */
  legacy: boolean;
  /** A `begin` hook still running when a RESET or disconnect abandoned the transaction: the
   *  rollback waits for it, and is skipped if it fails (nothing was opened). */
  opening?: PromiseLike<unknown>;
}

/** What the server gives each session. */
export interface SessionHost {
  readonly options: ResolvedServerOptions;
  readonly handler: Handler;
  /** Called once, when the session has ended and its transport is closed. */
  sessionEnded(session: BoltSession): void;
}

/** Outcome of streaming records for one PULL/DISCARD: exhausted, or more remain. */
type PullOutcome = 'done' | 'more';

/** setTimeout/setInterval hold at most 2^31 - 1 ms (about 24.8 days); Node turns a longer delay
 *  into 1 ms. Longer durations are capped to it (effectively "never" for a connection). */
const MAX_TIMER_MS = 2 ** 31 - 1;

function timerDelay(ms: number): number {
  return Math.min(ms, MAX_TIMER_MS);
}

function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return (
    v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function'
  );
}

/**
 * One client connection: handshake, the reader that decodes messages as bytes arrive, the queue
 * they wait in, and the processor that answers them in order while enforcing the parser's state
 * machine. RESET jumps the queue: the reader raises the interrupt at once.
 */
export class BoltSession {
  readonly info: ConnectionInfo;
  state: ServerState = 'DISCONNECTED';

  private readonly options: ResolvedServerOptions;
  /** Message logging on (the logger has `debug`), read once: it is checked per record. */
  private readonly debug: boolean;
  private readonly handler: Handler;
  private handshake: ServerHandshake | undefined;
  private manifestUsed = false;
  private version: BoltVersion | undefined;
  private feats: BoltFeatures | undefined;
  private codec: MessageCodec | undefined;
  private dechunker: Dechunker | undefined;
  private readonly writer: ChunkWriter;

  private readonly queue: (Entry | undefined)[] = [];
  private head = 0;
  private processing = false;
  private readingStopped = false;
  private paused = false;
  private pendingResets = 0;
  /** Wakes the work being awaited (see `settle`) when a RESET arrives or the connection ends. */
  private readonly interruptWakers = new Set<() => void>();
  /** Bumped by every interrupt (RESET read) and by the end of the connection: a stream that
   *  resumes from an await under an older epoch must send nothing more. */
  private epoch = 0;

  private user: unknown;
  private userAgent: string | undefined;
  private boltAgent: Record<string, unknown> | undefined;
  private routing: Record<string, unknown> | null | undefined;

  private auto: ResultCursor | undefined;
  private tx: Transaction | undefined;
  /** Context of the auto-commit RUN being set up (so RESET can abort it before it has a cursor). */
  private pendingWork: WorkContext | undefined;

  private ended = false;
  private peerEnded = false;
  private draining = false;
  private lastActivity = Date.now();
  /** `Date.now()` when the server last finished answering (idle time counts from the later of
   *  this and `lastActivity`). */
  private lastAnswer = 0;
  private handshakeTimer: ReturnType<typeof setTimeout> | undefined;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;
  private keepAliveTimer: ReturnType<typeof setInterval> | undefined;
  private drainWaiter: (() => void) | undefined;

  constructor(
    private readonly transport: Transport,
    readonly listener: string,
    readonly id: string,
    private readonly host: SessionHost,
  ) {
    this.options = host.options;
    this.debug = typeof host.options.logger.debug === 'function';
    this.handler = host.handler;
    this.writer = new ChunkWriter();
    this.info = this.makeInfo();
  }

  /** Start reading. Called once by the server. */
  start(): void {
    this.handshake = new ServerHandshake({
      supported: this.options.versions,
      manifest: this.options.manifest,
    });
    this.armAuthTimer('handshake and authentication not completed');
    this.armIdleTimer();
    this.transport.receive({
      onData: (chunk) => this.onData(chunk),
      onEnd: (error) => this.onTransportEnd(error),
    });
    void this.transport.closed.then((error) => {
      if (!this.ended) this.lost(error);
    });
  }

  /** True while a request is being processed or a result/transaction is open. */
  get busy(): boolean {
    return (
      this.processing ||
      this.head < this.queue.length ||
      this.state === 'STREAMING' ||
      this.state === 'TX_READY' ||
      this.state === 'TX_STREAMING'
    );
  }

  /**
   * Server shutdown: close at once when idle, else let the work in flight finish for up to
   * `graceMs`, then abort it and close. Resolves when the transport is closed.
   */
  async shutdown(graceMs: number): Promise<void> {
    if (!this.ended) {
      this.draining = true;
      if (!this.busy) this.end('end', 'the server is shutting down', graceMs);
      else {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, timerDelay(graceMs));
          this.drainWaiter = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        this.drainWaiter = undefined;
        if (!this.ended) {
          if (this.busy) this.log('info', `closing with work in flight after ${graceMs} ms grace`);
          this.end(this.busy ? 'destroy' : 'end', 'the server is shutting down', 0);
        }
      }
    }
    await this.transport.closed;
  }

  // ---------------------------------------------------------------- reading

  private onData(chunk: Uint8Array): void {
    this.lastActivity = Date.now();
    if (this.readingStopped || this.ended) return;
    if (this.codec === undefined) {
      this.onHandshakeData(chunk);
      return;
    }
    try {
      this.dechunker!.push(chunk);
    } catch (e) {
      this.stopReading(
        ChunkingError.isInstance(e) && e.code === 'MESSAGE_TOO_LARGE'
          ? `Message too large: the limit is ${this.options.maxMessageSize} bytes.`
          : `Invalid message framing: ${(e as Error).message}`,
      );
    }
    this.kick();
  }

  private onHandshakeData(chunk: Uint8Array): void {
    let result: ReturnType<ServerHandshake['push']>;
    try {
      result = this.handshake!.push(chunk);
    } catch (e) {
      this.log('warn', `handshake failed: ${(e as Error).message}`);
      this.end('destroy');
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
      this.log(
        'info',
        `no common Bolt version (client offered ${result.proposals.map((p) => JSON.stringify(p)).join(', ')})`,
      );
      this.end('end');
      return;
    }
    this.setVersion(result.version);
    if (result.rest.length > 0) this.onData(result.rest);
  }

  private setVersion(version: BoltVersion): void {
    this.version = version;
    this.feats = features(version);
    this.codec = new MessageCodec({ version, integers: this.options.integers });
    this.dechunker = new Dechunker({
      maxMessageSize: this.options.maxMessageSize,
      onMessage: (body) => this.onMessage(body),
    });
    this.state = initialState(version);
    this.log(
      'debug',
      `negotiated Bolt ${formatVersion(version)}${this.manifestUsed ? ' (manifest v1)' : ''}`,
    );
  }

  private onMessage(body: Uint8Array): void {
    if (this.readingStopped) return;
    let request: Request;
    try {
      request = this.codec!.decodeRequest(body);
    } catch (e) {
      this.stopReading(`Invalid message: ${(e as Error).message}`);
      return;
    }
    if (request.type === 'RESET') this.onInterrupt();
    this.queue.push(request);
    if (!this.paused && this.queue.length - this.head >= this.options.maxQueuedRequests) {
      this.paused = true;
      this.transport.pause();
    }
  }

  /** A malformed stream: answer what came before, then FAILURE and close. */
  private stopReading(message: string): void {
    this.readingStopped = true;
    this.queue.push({
      type: '__fatal',
      error: new BoltError(message, { code: REQUEST_INVALID }),
    });
  }

  /** `<INTERRUPT>`: a RESET was read. Abort the running work; queued requests get IGNORED. */
  private onInterrupt(): void {
    this.pendingResets++;
    this.state = interrupt(this.state);
    if (this.state !== 'INTERRUPTED') return; // before authentication: RESET is a violation
    this.epoch++;
    const reason = new BoltError('The work was interrupted by RESET.', {
      code: 'Neo.ClientError.Transaction.Terminated',
    });
    this.abortWork(reason);
    this.wakeInterrupted();
  }

  private abortWork(reason: BoltError): void {
    this.pendingWork?.abort(reason);
    this.auto?.context.abort(reason);
    this.tx?.context.abort(reason);
  }

  private wakeInterrupted(): void {
    const wakers = [...this.interruptWakers];
    this.interruptWakers.clear();
    for (const wake of wakers) wake();
  }

  /** Await handler work, unless a RESET (or the end of the connection) comes first. */
  private settle<T>(p: PromiseLike<T>): Promise<T | Interrupted> {
    if (this.isInterrupted() || this.ended) {
      Promise.resolve(p).catch(() => undefined);
      return Promise.resolve(INTERRUPTED);
    }
    // Not Promise.race with one long-lived interrupt promise: every race would leave a reaction
    // on it until the next RESET, a leak of two promises per awaited request.
    return new Promise<T | Interrupted>((resolve, reject) => {
      const wake = (): void => resolve(INTERRUPTED);
      this.interruptWakers.add(wake);
      p.then(
        (v) => {
          this.interruptWakers.delete(wake);
          resolve(v);
        },
        (e) => {
          this.interruptWakers.delete(wake);
          reject(e);
        },
      );
    });
  }

  /**
   * The peer stopped sending. After an error the connection is gone. After a clean half-close
   * (a client that wrote its requests and then `end()`), the requests already received are
   * still answered, then the connection is closed; a result left open can get no more PULLs.
   */
  private onTransportEnd(error: Error | undefined): void {
    if (this.ended) return;
    if (error) {
      this.lost(error);
      return;
    }
    this.log('debug', 'client finished sending');
    this.peerEnded = true;
    this.readingStopped = true;
    if (!this.processing && this.head >= this.queue.length)
      this.end('end', 'the client disconnected');
  }

  private lost(error: Error | undefined): void {
    this.log('debug', `connection lost${error ? `: ${error.message}` : ''}`);
    this.end('destroy', 'the client disconnected');
  }

  // ---------------------------------------------------------------- processing

  private kick(): void {
    if (this.processing || this.ended || this.head >= this.queue.length) return;
    this.processing = true;
    this.loop().then(
      () => {
        this.processing = false;
        this.afterLoop();
      },
      (e) => {
        this.processing = false;
        this.log('error', 'internal error; closing the connection', e);
        this.end('destroy');
      },
    );
  }

  private afterLoop(): void {
    if (this.ended) return;
    this.lastAnswer = Date.now();
    if (this.state === 'DEFUNCT') {
      this.end('end', 'the connection is defunct');
      return;
    }
    if (this.head < this.queue.length) {
      this.kick();
      return;
    }
    if (this.peerEnded) {
      this.end('end', 'the client disconnected');
      return;
    }
    if (this.draining && !this.busy) {
      const wake = this.drainWaiter;
      if (wake) wake();
      else this.end('end', 'the server is shutting down', 0);
    }
  }

  private async loop(): Promise<void> {
    for (;;) {
      while (this.head < this.queue.length && !this.ended && this.state !== 'DEFUNCT') {
        const entry = this.queue[this.head]!;
        this.queue[this.head++] = undefined;
        if (this.head === this.queue.length) {
          this.queue.length = 0;
          this.head = 0;
        } else if (this.head >= 1024 && this.head * 2 >= this.queue.length) {
          this.queue.splice(0, this.head);
          this.head = 0;
        }
        if (this.paused && this.queue.length - this.head < this.options.maxQueuedRequests >> 1) {
          this.paused = false;
          this.transport.resume();
        }
        const pending = this.process(entry);
        if (pending !== undefined) {
          const f = this.flush();
          if (f) await f;
          this.startKeepAlive();
          try {
            await pending;
          } finally {
            this.stopKeepAlive();
          }
        }
        if (this.writer.length >= this.options.flushThreshold) {
          const f = this.flush();
          if (f) await f;
        }
      }
      const f = this.flush();
      if (f) await f;
      if (this.head >= this.queue.length || this.ended || this.state === 'DEFUNCT') return;
    }
  }

  /** Hand the buffered responses to the transport; a promise when it wants us to wait. */
  private flush(): Promise<void> | undefined {
    if (this.writer.length === 0 || this.ended) return undefined;
    const bytes = this.writer.flush();
    let ok: boolean;
    try {
      ok = this.transport.write(bytes);
    } catch {
      this.end('destroy');
      return undefined;
    }
    if (ok) return undefined;
    return this.transport.drained().catch(() => undefined);
  }

  private process(entry: Entry): void | Promise<void> {
    if (entry.type === '__fatal') {
      this.log('warn', entry.error.message);
      this.sendFailure(entry.error);
      this.state = 'DEFUNCT';
      this.endAfterFlush();
      return;
    }
    const request = entry;
    if (this.debug) this.log('debug', `C: ${formatMessage(request, LOG_FORMAT)}`);
    const verdict = admit(this.version!, this.state, request.type);
    if (verdict === 'ignore') {
      this.sendIgnored();
      return;
    }
    if (verdict === 'violation') {
      if (request.type === 'RESET') this.pendingResets--;
      const error = new BoltError(
        `Message '${request.type}' cannot be handled by a session in the ${this.state} state.`,
        { code: REQUEST_INVALID },
      );
      this.log('warn', `protocol violation: ${error.message}`);
      this.sendFailure(error);
      this.state = 'DEFUNCT';
      this.endAfterFlush();
      return;
    }
    switch (request.type) {
      case 'INIT':
        return this.onInit(request.userAgent, request.authToken);
      case 'HELLO':
        return this.onHello(request.extra);
      case 'LOGON':
        return this.onLogon(request.auth);
      case 'LOGOFF':
        this.user = undefined;
        this.succeed('LOGOFF', {});
        // Unauthenticated again: the client gets the same time to LOGON as after connecting.
        if (this.state === 'AUTHENTICATION') this.armAuthTimer('no LOGON after LOGOFF');
        return;
      case 'RUN':
        return this.onRun(request.query, request.parameters, request.extra);
      case 'PULL':
      case 'DISCARD':
        return this.onPull(request.type, toInt(request.extra.n), toQid(request.extra.qid));
      case 'PULL_ALL':
      case 'DISCARD_ALL':
        return this.onPull(request.type, -1, -1);
      case 'BEGIN':
        return this.onBegin(request.extra);
      case 'COMMIT':
        return this.onCommit();
      case 'ROLLBACK':
        return this.onRollback();
      case 'RESET':
        return this.onReset();
      case 'ACK_FAILURE':
        return this.onAckFailure();
      case 'GOODBYE':
        this.state = 'DEFUNCT';
        this.end('end', 'the client said GOODBYE');
        return;
      case 'ROUTE':
        return this.onRoute(request.routing, request.bookmarks, request.db, request.impUser);
      case 'TELEMETRY':
        try {
          const r: unknown = this.handler.telemetry?.(Number(request.api), this.info);
          // Typed as void, but an async hook is assignable: its rejection must not go unhandled.
          if (isThenable(r))
            Promise.resolve(r).catch((e) => this.log('warn', 'telemetry hook failed', e));
        } catch (e) {
          this.log('warn', 'telemetry hook failed', e);
        }
        return this.succeed('TELEMETRY', {});
    }
  }

  // ---------------------------------------------------------------- responses

  private succeed(
    request: RequestType,
    metadata: Record<string, unknown>,
    context?: { hasMore?: boolean; openResults?: number },
  ): void {
    try {
      this.send({ type: 'SUCCESS', metadata });
    } catch (e) {
      // Metadata from a hook (a summary, a bookmark) that cannot be encoded: the codec left no
      // half frame behind, so the request fails instead.
      this.fail(request, e);
      return;
    }
    this.moveTo(transition(this.version!, this.state, request, 'SUCCESS', context));
  }

  private fail(request: RequestType, error: unknown): void {
    const e = BoltError.from(error);
    if (!BoltError.isInstance(error)) this.log('warn', `handler error for ${request}`, error);
    this.sendFailure(e);
    this.moveTo(transition(this.version!, this.state, request, 'FAILURE'));
  }

  private moveTo(next: ServerState): void {
    this.state = next;
    if (next === 'READY' && this.handshakeTimer !== undefined) {
      clearTimeout(this.handshakeTimer);
      this.handshakeTimer = undefined;
    }
    if (next === 'DEFUNCT') this.endAfterFlush();
    else if (this.pendingResets > 0 && next !== 'INTERRUPTED') this.state = interrupt(next);
  }

  private sendFailure(e: BoltError): void {
    const shape = this.feats ?? { gqlErrors: false };
    try {
      this.send({ type: 'FAILURE', metadata: e.toFailureMetadata(shape) });
    } catch (encodeError) {
      // A diagnostic record or cause the codec cannot encode: the FAILURE still goes out, with
      // the code, status and message only (the codec left no half frame behind).
      this.log('warn', 'FAILURE metadata could not be encoded; sent without details', encodeError);
      const plain = new BoltError(e.message, {
        code: e.code,
        gqlStatus: e.gqlStatus,
        description: e.description,
      });
      this.send({ type: 'FAILURE', metadata: plain.toFailureMetadata(shape) });
    }
  }

  private sendIgnored(): void {
    this.send({ type: 'IGNORED' });
  }

  private send(message: Parameters<MessageCodec['encodeResponse']>[0]): void {
    if (this.ended || this.codec === undefined) return;
    if (this.debug) this.log('debug', `S: ${formatMessage(message, LOG_FORMAT)}`);
    this.codec.encodeResponse(message, this.writer);
  }

  // ---------------------------------------------------------------- authentication

  private onInit(userAgent: string, token: AuthToken): void | Promise<void> {
    this.userAgent = userAgent;
    return this.authenticate('INIT', token, { server: this.options.agent });
  }

  private onHello(extra: Record<string, unknown>): void | Promise<void> {
    const f = this.feats!;
    this.userAgent = typeof extra.user_agent === 'string' ? extra.user_agent : undefined;
    const agent = extra.bolt_agent;
    this.boltAgent =
      agent !== null && typeof agent === 'object' ? (agent as Record<string, unknown>) : undefined;
    const routing = extra.routing;
    this.routing =
      routing === null || routing === undefined
        ? routing
        : typeof routing === 'object'
          ? (routing as Record<string, unknown>)
          : undefined;
    const meta: Record<string, unknown> = {
      server: this.options.agent,
      connection_id: this.id,
    };
    if (f.hints) {
      const hints: Record<string, unknown> = {};
      if (this.options.recvTimeoutSeconds !== undefined)
        hints['connection.recv_timeout_seconds'] = this.options.recvTimeoutSeconds;
      if (f.telemetry) hints['telemetry.enabled'] = this.options.telemetry;
      if (f.homeDbInSuccess) hints['ssr.enabled'] = this.options.serverSideRouting;
      meta.hints = hints;
    }
    let utc = false;
    if (f.utcPatch && Array.isArray(extra.patch_bolt) && extra.patch_bolt.includes('utc')) {
      meta.patch_bolt = ['utc'];
      utc = true;
    }
    if (this.manifestUsed && f.manifest) meta.protocol_version = formatVersion(this.version!);
    if (!f.hasHelloAuth) {
      this.succeed('HELLO', meta);
      if (utc) this.codec!.enableUtcPatch();
      return;
    }
    const token: AuthToken = {};
    for (const key of Object.keys(extra)) if (!HELLO_KEYS.has(key)) token[key] = extra[key];
    const r = this.authenticate('HELLO', token, meta);
    if (utc) {
      // The patch applies to everything after the SUCCESS (sent synchronously, or later).
      if (r === undefined) {
        if (this.state === 'READY') this.codec!.enableUtcPatch();
      } else
        return r.then(() => {
          if (this.state === 'READY') this.codec!.enableUtcPatch();
        });
    }
    return r;
  }

  private onLogon(token: AuthToken): void | Promise<void> {
    const meta: Record<string, unknown> = {};
    if (this.feats!.homeDbInSuccess && this.options.advertisedAddress)
      meta.advertised_address = this.options.advertisedAddress;
    return this.authenticate('LOGON', token, meta);
  }

  private authenticate(
    request: 'INIT' | 'HELLO' | 'LOGON',
    token: AuthToken,
    successMeta: Record<string, unknown>,
  ): void | Promise<void> {
    const hook = this.handler.authenticate;
    const done = (user: unknown): void => {
      if (user === undefined || user === null || user === false) {
        this.log('info', `authentication rejected (scheme ${String(token.scheme)})`);
        this.fail(
          request,
          new BoltError('The client is unauthorized due to authentication failure.', {
            code: UNAUTHORIZED,
            gqlStatus: '42NFF',
            description:
              'error: syntax error or access rule violation - permission/access denied. The client is unauthorized due to authentication failure.',
          }),
        );
        return;
      }
      this.user = user;
      this.succeed(request, successMeta);
    };
    const reject = (e: unknown): void => {
      if (BoltError.isInstance(e)) this.fail(request, e);
      else {
        this.log('warn', 'authenticate() threw; rejecting', e);
        done(undefined);
      }
    };
    if (hook === undefined) {
      done({ username: typeof token.principal === 'string' ? token.principal : '' });
      return;
    }
    let r: unknown;
    try {
      r = hook.call(this.handler, token, this.info);
    } catch (e) {
      reject(e);
      return;
    }
    if (!isThenable(r)) {
      done(r);
      return;
    }
    return this.settle(r).then(
      (user) => (user === INTERRUPTED ? this.sendIgnored() : done(user)),
      reject,
    );
  }

  // ---------------------------------------------------------------- queries

  private onRun(
    query: string,
    parameters: Record<string, unknown>,
    extra: Record<string, unknown>,
  ): void | Promise<void> {
    const tx = this.tx;
    if (tx === undefined && !this.feats!.explicitTx) {
      const command = query.trim().toUpperCase();
      if (command === 'BEGIN' || command === 'COMMIT' || command === 'ROLLBACK')
        return this.legacyTxCommand(command, parameters);
    }
    const context =
      tx?.context ??
      this.legacyTx?.context ??
      new WorkContext(this.info, this.user, readTransactionOptions(extra), false);
    if (tx === undefined) this.pendingWork = context;
    let r: unknown;
    try {
      r =
        this.routingProcedure(query, parameters, context) ??
        this.handler.run(query, parameters, context);
    } catch (e) {
      this.pendingWork = undefined;
      this.fail('RUN', e);
      return;
    }
    if (!isThenable(r)) {
      this.pendingWork = undefined;
      this.opened(r, context);
      return;
    }
    return this.settle(r).then(
      (result) => {
        this.pendingWork = undefined;
        if (result === INTERRUPTED) {
          // The result may still come: nobody will read it, so stop its iterator then.
          Promise.resolve(r).then(
            (late) => this.abandon(late),
            () => undefined,
          );
          this.sendIgnored();
        } else this.opened(result, context, true);
      },
      (e) => {
        this.pendingWork = undefined;
        if (this.isInterrupted()) this.sendIgnored();
        else this.fail('RUN', e);
      },
    );
  }

  /** A late result that nobody will read: stop its iterator. */
  private abandon(result: unknown): void {
    try {
      void new ResultCursor(result as never, this.blankContext(), -1).close();
    } catch {
      // not a valid result: nothing to stop
    }
  }

  private opened(result: unknown, context: WorkContext, async = false): void {
    const tx = this.tx;
    let cursor: ResultCursor;
    try {
      cursor = new ResultCursor(result as never, context, tx ? tx.nextQid : -1, this.lastActivity);
    } catch (e) {
      this.fail('RUN', e);
      return;
    }
    const f = this.feats!;
    const meta: Record<string, unknown> = { fields: cursor.fields };
    // Records are available once run() returned: 0 when it answered synchronously, else the
    // time since the request arrived.
    const first = async ? Date.now() - this.lastActivity : 0;
    if (f.explicitTx) meta.t_first = first;
    else meta.result_available_after = first;
    if (tx !== undefined) {
      tx.results.set(tx.nextQid, cursor);
      tx.lastQid = tx.nextQid++;
      if (f.multipleResults) meta.qid = cursor.qid;
    } else {
      this.auto = cursor;
      if (f.homeDbInSuccess && context.database === undefined) meta.db = this.defaultDatabase();
    }
    this.succeed('RUN', meta);
  }

  private defaultDatabase(): string {
    return 'neo4j';
  }

  private cursorFor(qid: number): ResultCursor | undefined {
    const tx = this.tx;
    if (tx === undefined) return this.auto;
    return tx.results.get(qid === -1 ? tx.lastQid : qid);
  }

  private onPull(
    request: 'PULL' | 'DISCARD' | 'PULL_ALL' | 'DISCARD_ALL',
    n: number,
    qid: number,
  ): void | Promise<void> {
    const cursor = this.cursorFor(qid);
    if (cursor === undefined) {
      this.fail(
        request,
        new BoltError(`There is no open result with qid ${qid}.`, { code: REQUEST_INVALID }),
      );
      return;
    }
    if (n === 0 || n < -1) {
      this.fail(
        request,
        new BoltError(`Expected n to be -1 or a positive integer, got ${n}.`, {
          code: REQUEST_INVALID,
        }),
      );
      return;
    }
    const discard = request === 'DISCARD' || request === 'DISCARD_ALL';
    let outcome: PullOutcome | Promise<PullOutcome | Interrupted>;
    try {
      if (discard && n === -1) {
        const closing = cursor.close();
        outcome = closing ? closing.then(() => 'done' as const) : 'done';
      } else outcome = this.stream(cursor, n, discard);
    } catch (e) {
      this.resultFailed(request, cursor, e);
      return;
    }
    if (!isThenable(outcome)) return this.completePull(request, cursor, outcome);
    return this.settle(outcome).then(
      (o) => {
        if (o === INTERRUPTED) this.sendIgnored();
        else return this.completePull(request, cursor, o);
      },
      (e) => {
        if (this.isInterrupted()) this.sendIgnored();
        else this.resultFailed(request, cursor, e);
      },
    );
  }

  private resultFailed(request: RequestType, cursor: ResultCursor, e: unknown): void {
    void cursor.close();
    this.forget(cursor);
    this.fail(request, e);
  }

  private forget(cursor: ResultCursor): void {
    if (this.tx) this.tx.results.delete(cursor.qid);
    else if (this.auto === cursor) this.auto = undefined;
  }

  /**
   * Send (or skip) up to `n` records (-1: all). Synchronous while the iterator is; switches to
   * the async path at the first promise (an async iterator, or transport back-pressure).
   */
  private stream(
    cursor: ResultCursor,
    n: number,
    discard: boolean,
  ): PullOutcome | Promise<PullOutcome> {
    const it = cursor.iterator;
    const codec = this.codec!;
    const writer = this.writer;
    const threshold = this.options.flushThreshold;
    let sent = 0;
    while (n < 0 || sent < n) {
      const r = it.next();
      if (isThenable<IteratorResult<unknown>>(r))
        return this.streamAsync(cursor, n, discard, sent, r, undefined);
      if (r.done) return 'done';
      sent++;
      cursor.count++;
      if (!discard) this.sendRecord(codec, cursor.values(r.value as never), writer);
      if (writer.length >= threshold) {
        const f = this.flush();
        if (f) return this.streamAsync(cursor, n, discard, sent, undefined, f);
        // The write failed and ended the connection: pull nothing more (the records would only
        // pile up in the writer, which nobody flushes any more).
        if (this.ended) return 'more';
      }
    }
    return 'more';
  }

  private async streamAsync(
    cursor: ResultCursor,
    n: number,
    discard: boolean,
    sent: number,
    pending: PromiseLike<IteratorResult<unknown>> | undefined,
    drain: Promise<void> | undefined,
  ): Promise<PullOutcome> {
    const it = cursor.iterator;
    const codec = this.codec!;
    const writer = this.writer;
    const threshold = this.options.flushThreshold;
    // A RESET (or the end of the connection) while this stream awaits makes everything it would
    // still produce stale: the RESET may even have been answered before the await resumes.
    const epoch = this.epoch;
    const stale = (): boolean => this.epoch !== epoch || this.isInterrupted() || this.ended;
    if (drain) await drain;
    for (;;) {
      if (stale()) {
        if (pending) Promise.resolve(pending).catch(() => undefined);
        return 'more';
      }
      let r: IteratorResult<unknown>;
      if (pending !== undefined) {
        r = await pending;
        pending = undefined;
        if (stale()) return 'more';
      } else {
        if (n >= 0 && sent >= n) return 'more';
        const next = it.next();
        if (isThenable<IteratorResult<unknown>>(next)) {
          pending = next;
          continue;
        }
        r = next;
      }
      if (r.done) return 'done';
      sent++;
      cursor.count++;
      if (!discard) this.sendRecord(codec, cursor.values(r.value as never), writer);
      if (writer.length >= threshold) {
        const f = this.flush();
        if (f) await f;
      }
    }
  }

  private completePull(
    request: RequestType,
    cursor: ResultCursor,
    outcome: PullOutcome,
  ): void | Promise<void> {
    if (outcome === 'more' && this.feats!.pullN) {
      this.succeed(request, { has_more: true }, { hasMore: true, openResults: this.openResults() });
      return;
    }
    cursor.markFinished();
    let summary: ResultSummary | Promise<ResultSummary>;
    try {
      summary = cursor.summary();
    } catch (e) {
      this.resultFailed(request, cursor, e);
      return;
    }
    const finish = (s: ResultSummary): void => {
      this.forget(cursor);
      this.succeed(request, this.summaryMetadata(cursor, s ?? {}), {
        hasMore: false,
        openResults: this.openResults(),
      });
    };
    if (!isThenable(summary)) return finish(summary);
    return this.settle(summary).then(
      (s) => (s === INTERRUPTED ? this.sendIgnored() : finish(s)),
      (e) => (this.isInterrupted() ? this.sendIgnored() : this.resultFailed(request, cursor, e)),
    );
  }

  private sendRecord(codec: MessageCodec, values: readonly unknown[], writer: ChunkWriter): void {
    if (this.debug)
      this.log(
        'debug',
        `S: ${formatMessage({ type: 'RECORD', fields: values as unknown[] }, LOG_FORMAT)}`,
      );
    codec.encodeRecord(values, writer);
  }

  private openResults(): number {
    return this.tx ? this.tx.results.size : 0;
  }

  private summaryMetadata(cursor: ResultCursor, s: ResultSummary): Record<string, unknown> {
    const f = this.feats!;
    const elapsed = Date.now() - cursor.startedAt;
    const meta: Record<string, unknown> = {};
    // Keys the handler adds beyond the known ones go out as they are.
    for (const k in s) if (!SUMMARY_KEYS.has(k) && s[k] !== undefined) meta[k] = s[k];
    if (s.bookmark !== undefined && this.tx === undefined) meta.bookmark = s.bookmark;
    meta.type = s.type ?? 'r';
    if (f.explicitTx) meta.t_last = elapsed;
    else meta.result_consumed_after = elapsed;
    if (f.db) meta.db = s.db ?? cursor.context.database ?? this.defaultDatabase();
    const stats = s.stats;
    if (stats !== undefined && Object.keys(stats).length > 0) meta.stats = stats;
    if (s.plan !== undefined) meta.plan = s.plan;
    if (s.profile !== undefined) meta.profile = s.profile;
    // 5.6+: statuses replace notifications. With nothing to report, the outcome status
    // (00000 / 02000) is left out and drivers supply it, as they do for older servers.
    const notifications = s.notifications;
    if (f.statuses) {
      if (s.statuses !== undefined) meta.statuses = s.statuses;
      else if (notifications !== undefined && notifications.length > 0)
        meta.statuses = deriveStatuses(notifications, cursor.count > 0);
    } else if (notifications !== undefined && notifications.length > 0)
      meta.notifications = notifications;
    return meta;
  }

  // ---------------------------------------------------------------- transactions

  private onBegin(extra: Record<string, unknown>): void | Promise<void> {
    const context = new WorkContext(this.info, this.user, readTransactionOptions(extra), true);
    const meta: Record<string, unknown> = {};
    if (this.feats!.homeDbInSuccess && context.database === undefined)
      meta.db = this.defaultDatabase();
    const opened = (): void => {
      this.tx = { context, results: new Map(), nextQid: 0, lastQid: -1, legacy: false };
      this.succeed('BEGIN', meta);
    };
    return this.callHook(
      'BEGIN',
      () => this.handler.begin?.(context),
      context,
      opened,
      (opening) => {
        const tx = { context, results: new Map(), nextQid: 0, lastQid: -1, legacy: false, opening };
        this.abandonedTx(tx);
      },
    );
  }

  // COMMIT and ROLLBACK take the transaction away before their hook runs: whatever happens next
  // (success, failure, RESET, disconnect), the hook under way decides its fate, and nothing
  // rolls it back a second time (or while it commits).
  private onCommit(): void | Promise<void> {
    const tx = this.tx!;
    this.tx = undefined;
    return this.callHook(
      'COMMIT',
      () => this.handler.commit?.(tx.context),
      tx.context,
      (r) => {
        const bookmark =
          typeof r === 'string' ? r : (r as { bookmark?: string } | undefined)?.bookmark;
        this.succeed('COMMIT', bookmark === undefined ? {} : { bookmark });
      },
    );
  }

  private onRollback(): void | Promise<void> {
    const tx = this.tx!;
    this.tx = undefined;
    this.closeResults(tx);
    return this.callHook(
      'ROLLBACK',
      () => this.handler.rollback?.(tx.context),
      tx.context,
      () => this.succeed('ROLLBACK', {}),
    );
  }

  /** Run a hook that may be async; `ok` sends the SUCCESS, a throw becomes FAILURE. */
  private callHook(
    request: RequestType,
    hook: () => unknown,
    context: WorkContext,
    ok: (result: unknown) => void,
    abandoned?: (late: PromiseLike<unknown>) => void,
  ): void | Promise<void> {
    let r: unknown;
    try {
      r = hook();
    } catch (e) {
      this.fail(request, e);
      return;
    }
    if (!isThenable(r)) {
      ok(r);
      return;
    }
    this.pendingWork = context;
    return this.settle(r).then(
      (v) => {
        this.pendingWork = undefined;
        if (v === INTERRUPTED) {
          // A transaction being opened when RESET (or a disconnect) came is rolled back once its
          // begin hook has finished; one whose COMMIT/ROLLBACK was already under way is left to that.
          abandoned?.(r);
          this.sendIgnored();
        } else ok(v);
      },
      (e) => {
        this.pendingWork = undefined;
        if (this.isInterrupted()) this.sendIgnored();
        else this.fail(request, e);
      },
    );
  }

  /**
   * Bolt 1–2 have no BEGIN/COMMIT/ROLLBACK messages: drivers send `RUN "BEGIN"` etc. They are
   * mapped onto the same hooks, answering an empty result.
   */
  private legacyTxCommand(
    command: 'BEGIN' | 'COMMIT' | 'ROLLBACK',
    parameters: Record<string, unknown>,
  ): void | Promise<void> {
    const legacy = this.legacyTx;
    const empty = (summary: ResultSummary = {}) =>
      this.opened({ fields: [], summary }, legacy?.context ?? this.blankContext());
    if (command === 'BEGIN') {
      if (legacy !== undefined) {
        this.fail(
          'RUN',
          new BoltError('Nested transactions are not supported.', {
            code: 'Neo.ClientError.Statement.SemanticError',
          }),
        );
        return;
      }
      const context = new WorkContext(
        this.info,
        this.user,
        readTransactionOptions({ bookmarks: parameters.bookmarks }),
        true,
      );
      return this.callHook(
        'RUN',
        () => this.handler.begin?.(context),
        context,
        () => {
          this.legacyTx = { context, results: new Map(), nextQid: 0, lastQid: -1, legacy: true };
          empty();
        },
        (opening) => {
          const tx = {
            context,
            results: new Map(),
            nextQid: 0,
            lastQid: -1,
            legacy: true,
            opening,
          };
          this.abandonedTx(tx);
        },
      );
    }
    if (legacy === undefined) {
      this.fail(
        'RUN',
        new BoltError(`${command} without an open transaction.`, {
          code: 'Neo.ClientError.Transaction.TransactionNotFound',
        }),
      );
      return;
    }
    this.legacyTx = undefined;
    return this.callHook(
      'RUN',
      () =>
        command === 'COMMIT'
          ? this.handler.commit?.(legacy.context)
          : this.handler.rollback?.(legacy.context),
      legacy.context,
      (r) => {
        const bookmark =
          typeof r === 'string' ? r : (r as { bookmark?: string } | undefined)?.bookmark;
        empty(bookmark === undefined ? {} : { bookmark });
      },
    );
  }

  /**
   * Bolt 1–2: ACK_FAILURE leaves FAILED. A transaction open when the failure happened is dead
   * (BOLT.md §7.3): it is rolled back here, so a later `RUN "COMMIT"` finds no transaction.
   */
  private onAckFailure(): void | Promise<void> {
    const tx = this.legacyTx;
    this.legacyTx = undefined;
    const done = (): void => this.succeed('ACK_FAILURE', {});
    if (tx === undefined) return done();
    this.closeResults(tx);
    return this.rollbackAbandoned(tx, 'a failure').then(() =>
      this.isInterrupted() ? this.sendIgnored() : done(),
    );
  }

  /** Bolt 1–2 transaction opened with `RUN "BEGIN"`; RUNs inside use its context. */
  private legacyTx: Transaction | undefined;

  private blankContext(): WorkContext {
    return new WorkContext(this.info, this.user, readTransactionOptions(undefined), false);
  }

  private closeResults(tx: Transaction): void {
    for (const cursor of tx.results.values()) void cursor.close();
    tx.results.clear();
  }

  // ---------------------------------------------------------------- RESET and routing

  private onReset(): void | Promise<void> {
    this.pendingResets--;
    const auto = this.auto;
    this.auto = undefined;
    if (auto) void auto.close();
    const tx = this.tx ?? this.legacyTx;
    this.tx = undefined;
    this.legacyTx = undefined;
    const done = (): void => {
      this.state = 'INTERRUPTED';
      this.succeed('RESET', {});
    };
    if (tx === undefined) return done();
    this.closeResults(tx);
    return this.rollbackAbandoned(tx, 'RESET').then(done);
  }

  /** A transaction opened while a RESET was pending (the RESET rolls it back), or after the
   *  connection ended (rolled back now). */
  private abandonedTx(tx: Transaction): void {
    if (this.ended) void this.rollbackAbandoned(tx, 'the connection closed');
    else if (tx.legacy) this.legacyTx = tx;
    else this.tx = tx;
  }

  /** Roll back a transaction nobody will finish; errors are logged, never sent. */
  private async rollbackAbandoned(tx: Transaction, why: string): Promise<void> {
    if (tx.opening !== undefined) {
      try {
        await tx.opening;
      } catch {
        return; // begin failed: there is nothing to roll back
      }
    }
    try {
      await this.handler.rollback?.(tx.context);
    } catch (e) {
      this.log('warn', `rollback after ${why} failed`, e);
    }
  }

  private onRoute(
    routing: Record<string, unknown>,
    bookmarks: string[],
    db: string | null | undefined,
    impUser: string | null | undefined,
  ): void | Promise<void> {
    const context = new WorkContext(this.info, this.user, readTransactionOptions(undefined), false);
    const routeContext: RouteContext = {
      connection: this.info,
      user: this.user,
      routing: routing ?? {},
      bookmarks: bookmarks ?? [],
      database: typeof db === 'string' && db !== '' ? db : undefined,
      impersonatedUser: typeof impUser === 'string' && impUser !== '' ? impUser : undefined,
      get signal() {
        return context.signal;
      },
    };
    return this.callHook(
      'ROUTE',
      () => (this.handler.route ? this.handler.route(routeContext) : this.defaultRoutingTable()),
      context,
      (table) => {
        const t = table as RoutingTable;
        if (!isRoutingTable(t)) {
          this.fail(
            'ROUTE',
            new BoltError(
              'route() must return {ttl: number, servers: [{addresses: string[], role}]}.',
            ),
          );
          return;
        }
        const rt: Record<string, unknown> = {
          ttl: t.ttl,
          servers: t.servers.map((s) => ({ addresses: s.addresses, role: s.role })),
        };
        if (this.feats!.routeExtraMap)
          rt.db = t.db ?? routeContext.database ?? this.defaultDatabase();
        this.succeed('ROUTE', { rt });
      },
    );
  }

  private defaultRoutingTable(): RoutingTable {
    const address = this.options.advertisedAddress ?? this.transport.localAddress;
    return {
      ttl: 300,
      servers: [
        { addresses: [address], role: 'ROUTE' },
        { addresses: [address], role: 'READ' },
        { addresses: [address], role: 'WRITE' },
      ],
    };
  }

  /**
   * Clients on Bolt 3–4.2 fetch the routing table with a procedure call. Those two queries are
   * answered from `route()` (or the default table) as a one-record result `[ttl, servers]`.
   */
  private routingProcedure(
    query: string,
    parameters: Record<string, unknown>,
    context: WorkContext,
  ): Promise<unknown> | undefined {
    if (
      this.feats!.hasRoute ||
      !/^\s*CALL\s+dbms\.(cluster\.)?routing\.getRoutingTable\s*\(/i.test(query)
    )
      return undefined;
    const database =
      typeof parameters.database === 'string' && parameters.database !== ''
        ? parameters.database
        : undefined;
    const routeContext: RouteContext = {
      connection: this.info,
      user: this.user,
      routing: (parameters.context as Record<string, unknown>) ?? {},
      bookmarks: context.bookmarks,
      database,
      impersonatedUser: undefined,
      get signal() {
        return context.signal;
      },
    };
    const route = this.handler.route;
    return new Promise<unknown>((resolve) =>
      resolve(route ? route.call(this.handler, routeContext) : this.defaultRoutingTable()),
    ).then((t) => {
      if (!isRoutingTable(t))
        throw new BoltError(
          'route() must return {ttl: number, servers: [{addresses: string[], role}]}.',
        );
      return {
        fields: ['ttl', 'servers'],
        records: [[t.ttl, t.servers.map((s) => ({ addresses: s.addresses, role: s.role }))]],
      };
    });
  }

  // ---------------------------------------------------------------- ending

  /** DEFUNCT: read nothing more; the loop stops, flushes what was answered, then ends. */
  private endAfterFlush(): void {
    this.readingStopped = true;
  }

  /**
   * Stop everything: abort the work in flight, stop result iterators, roll back an open
   * transaction, and close the transport (`end` flushes first; `destroy` drops pending writes).
   */
  private end(how: 'end' | 'destroy', why = 'the connection closed', lingerMs = 2000): void {
    if (this.ended) return;
    this.ended = true;
    this.epoch++;
    this.state = 'DEFUNCT';
    clearTimeout(this.handshakeTimer);
    clearTimeout(this.idleTimer);
    this.stopKeepAlive();
    this.abortWork(
      new BoltError(`The work was aborted: ${why}.`, {
        code: 'Neo.TransientError.General.DatabaseUnavailable',
      }),
    );
    this.wakeInterrupted();
    this.drainWaiter?.();
    if (this.auto) void this.auto.close();
    this.auto = undefined;
    const tx = this.tx ?? this.legacyTx;
    this.tx = undefined;
    this.legacyTx = undefined;
    if (tx) {
      this.closeResults(tx);
      void this.rollbackAbandoned(tx, why);
    }
    try {
      if (how === 'end' && this.writer.length > 0) this.transport.write(this.writer.flush());
    } catch {
      // already closed
    }
    if (this.writer.length > 0) this.writer.flush(); // dropped: nobody will send it
    if (how === 'end') {
      this.transport.end();
      // A peer that never closes its side must not keep the connection (or close()) waiting.
      const linger = setTimeout(() => this.transport.destroy(), timerDelay(lingerMs));
      linger.unref?.();
      void this.transport.closed.then(() => clearTimeout(linger));
    } else this.transport.destroy();
    this.queue.length = 0;
    this.head = 0;
    void this.transport.closed.then(() => this.host.sessionEnded(this));
  }

  // ---------------------------------------------------------------- timers

  /** Drop the client unless it is authenticated (READY) within `handshakeTimeoutMs`. Covers
   *  the Bolt handshake and the HELLO/LOGON after it, and the LOGON after a LOGOFF. */
  private armAuthTimer(what: string): void {
    clearTimeout(this.handshakeTimer);
    this.handshakeTimer = setTimeout(() => {
      if (this.ended) return;
      this.log('warn', `${what} within ${this.options.handshakeTimeoutMs} ms`);
      this.end('destroy', 'the client was too slow to authenticate');
    }, timerDelay(this.options.handshakeTimeoutMs));
  }

  private armIdleTimer(): void {
    const idle = this.options.idleTimeoutMs;
    if (idle <= 0) return;
    const check = (): void => {
      if (this.ended) return;
      const busy = this.busy;
      const quiet = Date.now() - Math.max(this.lastActivity, this.lastAnswer);
      if (quiet >= idle && !busy) {
        this.log('info', `closing after ${idle} ms idle`);
        this.end('end', 'the connection was idle');
        return;
      }
      // Busy: look again a full period later (not every few ms while a long query runs).
      this.idleTimer = setTimeout(check, timerDelay(busy ? idle : Math.max(idle - quiet, 10)));
      this.idleTimer.unref?.();
    };
    this.idleTimer = setTimeout(check, timerDelay(idle));
    this.idleTimer.unref?.();
  }

  private startKeepAlive(): void {
    const every = this.options.keepAliveIntervalMs;
    if (every <= 0 || !this.feats?.noop || this.keepAliveTimer !== undefined) return;
    this.keepAliveTimer = setInterval(() => {
      if (this.ended) return;
      this.writer.writeNoop();
      void this.flush();
    }, timerDelay(every));
    this.keepAliveTimer.unref?.();
  }

  private stopKeepAlive(): void {
    if (this.keepAliveTimer !== undefined) clearInterval(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  // ---------------------------------------------------------------- misc

  /** A RESET was read and not yet processed (a method, so narrowing never hides a change). */
  private isInterrupted(): boolean {
    return this.state === 'INTERRUPTED';
  }

  private log(level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    const logger = this.options.logger;
    const line = `${this.id} ${message}`;
    if (level === 'debug') logger.debug?.(line);
    else if (level === 'info') logger.info?.(line);
    else if (level === 'warn') logger.warn?.(line, error);
    else logger.error?.(line, error);
  }

  private makeInfo(): ConnectionInfo {
    const s = this;
    return Object.freeze({
      get id() {
        return s.id;
      },
      get listener() {
        return s.listener;
      },
      get remoteAddress() {
        return s.transport.remoteAddress;
      },
      get localAddress() {
        return s.transport.localAddress;
      },
      get encrypted() {
        return s.transport.encrypted;
      },
      get protocolVersion() {
        return s.version ? formatVersion(s.version) : undefined;
      },
      get userAgent() {
        return s.userAgent;
      },
      get boltAgent() {
        return s.boltAgent;
      },
      get routing() {
        return s.routing;
      },
      get user() {
        return s.user;
      },
      get state() {
        return s.state;
      },
    });
  }
}

function isRoutingTable(t: unknown): t is RoutingTable {
  if (t === null || typeof t !== 'object') return false;
  const { ttl, servers } = t as RoutingTable;
  return (
    (typeof ttl === 'number' || typeof ttl === 'bigint') &&
    Array.isArray(servers) &&
    servers.every(
      (s) =>
        s !== null &&
        typeof s === 'object' &&
        typeof s.role === 'string' &&
        Array.isArray(s.addresses) &&
        s.addresses.every((a) => typeof a === 'string'),
    )
  );
}

function toInt(n: number | bigint): number {
  if (typeof n === 'bigint') return n > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(n);
  return n;
}

function toQid(qid: number | bigint | undefined): number {
  return qid === undefined || qid === null ? -1 : Number(qid);
}

/** ResultSummary keys with a meaning of their own (see summaryMetadata). */
const SUMMARY_KEYS = new Set([
  'type',
  'stats',
  'bookmark',
  'db',
  'notifications',
  'statuses',
  'plan',
  'profile',
]);

const DEFAULT_DIAGNOSTICS = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };

/** 5.6+ summaries: the outcome status first, then one status per legacy notification. */
function deriveStatuses(
  notifications: Record<string, unknown>[],
  hadRecords: boolean,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    hadRecords
      ? {
          gql_status: '00000',
          status_description: 'note: successful completion',
          diagnostic_record: DEFAULT_DIAGNOSTICS,
        }
      : {
          gql_status: '02000',
          status_description: 'note: no data',
          diagnostic_record: DEFAULT_DIAGNOSTICS,
        },
  ];
  for (const n of notifications) {
    const warning = n.severity === 'WARNING';
    const record: Record<string, unknown> = { ...DEFAULT_DIAGNOSTICS };
    if (n.severity !== undefined) record._severity = n.severity;
    if (n.category !== undefined) record._classification = n.category;
    if (n.position !== undefined) record._position = n.position;
    const status: Record<string, unknown> = {
      gql_status: warning ? '01N42' : '03N42',
      status_description: `${warning ? 'warn' : 'info'}: ${String(n.description ?? n.title ?? '')}`,
      diagnostic_record: record,
    };
    if (n.code !== undefined) status.neo4j_code = n.code;
    if (n.title !== undefined) status.title = n.title;
    if (n.description !== undefined) status.description = n.description;
    out.push(status);
  }
  return out;
}

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
  type Response,
  type ServerState,
  transition,
  type VersionProposal,
} from '@bolt/parser';
import { BoltError } from '../bolt-error.js';
import type { ConnectionInfo, Handler } from '../handler.js';
import type { ResolvedServerOptions } from '../server-options.js';
import { Authentication } from './auth.js';
import { dispatch } from './dispatch.js';
import { Interrupts } from './interrupts.js';
import { type QueueEntry, REQUEST_INVALID, RequestQueue } from './request-queue.js';
import { Results } from './results.js';
import { Routing } from './routing.js';
import { SuccessCache } from './success-cache.js';
import { SessionTimers } from './timers.js';
import { Transactions } from './transactions.js';
import { Wire, type WireEvents } from './wire.js';

/** How long a gracefully ended connection waits for the peer to close its side before it is
 *  cut (the peer reads what was sent meanwhile). */
const DEFAULT_LINGER_MS = 2000;

/** What the server gives each session. */
export interface SessionHost {
  readonly options: ResolvedServerOptions;
  readonly handler: Handler;
  /** Called once, when the session has ended and its transport is closed. */
  sessionEnded(session: BoltSession): void;
}

/**
 * One client connection. The {@link Wire} reads the handshake and the messages; each request
 * is decoded and queued (a RESET raises the interrupt at once), then answered in order by the
 * part that owns its message (see `dispatch.ts`) under the parser's state machine.
 *
 * The parts: {@link Authentication} (INIT, HELLO, LOGON, LOGOFF), {@link Results} (RUN, PULL,
 * DISCARD), {@link Transactions} (BEGIN, COMMIT, ROLLBACK, and Bolt 1–2's `RUN "BEGIN"`),
 * {@link Routing} (ROUTE and the routing procedures), {@link SessionTimers}, and
 * {@link Interrupts}, through which every hook is called.
 */
export class BoltSession implements WireEvents {
  readonly info: ConnectionInfo;
  state: ServerState = 'DISCONNECTED';
  ended = false;
  /** Negotiated version and its features; undefined during the handshake. */
  version: BoltVersion | undefined;
  features: BoltFeatures | undefined;
  codec: MessageCodec | undefined;
  /** Handshake manifest v1 was used. */
  manifestUsed = false;
  /** `clock.now()` when the server last finished answering (idle time counts from the later of
   *  this and the last bytes received). */
  lastAnswer = 0;

  readonly options: ResolvedServerOptions;
  readonly handler: Handler;
  /** Message logging on (the logger has `debug`), read once: it is checked per record. */
  readonly debug: boolean;
  readonly wire: Wire;
  readonly interrupts: Interrupts;
  readonly auth: Authentication;
  readonly results: Results;
  readonly transactions: Transactions;
  readonly routing: Routing;
  readonly timers: SessionTimers;

  private readonly queue: RequestQueue;
  private readonly successes = new SuccessCache();
  private processing = false;
  private pendingResets = 0;
  private peerEnded = false;
  private draining = false;
  private drainWaiter: (() => void) | undefined;

  constructor(
    transport: Transport,
    readonly listener: string,
    readonly id: string,
    private readonly host: SessionHost,
  ) {
    const options = host.options;
    this.options = options;
    this.handler = host.handler;
    this.debug = typeof options.logger.debug === 'function';
    this.wire = new Wire(
      transport,
      {
        versions: options.versions,
        manifest: options.manifest,
        maxMessageSize: options.maxMessageSize,
        clock: options.clock,
      },
      this,
    );
    this.queue = new RequestQueue(options.maxQueuedRequests, this.wire);
    this.interrupts = new Interrupts(this);
    this.auth = new Authentication(this);
    this.results = new Results(this);
    this.transactions = new Transactions(this);
    this.routing = new Routing(this);
    this.timers = new SessionTimers(this, options);
    this.info = connectionInfo(this);
  }

  /** Start reading. Called once by the server. */
  start(): void {
    this.timers.armAuthDeadline('handshake and authentication not completed');
    this.timers.armIdle();
    this.wire.start();
  }

  /** True while a request is being processed or a result/transaction is open. */
  get busy(): boolean {
    return (
      this.processing ||
      this.queue.size > 0 ||
      this.state === 'STREAMING' ||
      this.state === 'TX_READY' ||
      this.state === 'TX_STREAMING'
    );
  }

  /** `clock.now()` when bytes last arrived. */
  get lastActivity(): number {
    return this.wire.lastActivity;
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
        const clock = this.options.clock;
        const deadline = clock.now() + graceMs;
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(resolve, graceMs);
          this.drainWaiter = () => {
            clock.clearTimeout(timer);
            resolve();
          };
        });
        this.drainWaiter = undefined;
        if (!this.ended) {
          if (this.busy) {
            this.log('info', `closing with work in flight after ${graceMs} ms grace`);
            this.end('destroy', 'the server is shutting down', 0);
          } else {
            // the work finished in time: its last answers are still on their way, so end
            // gracefully and give the peer the rest of the grace (at least the usual linger) to
            // read them before the connection is cut
            const rest = Math.max(deadline - clock.now(), DEFAULT_LINGER_MS);
            this.end('end', 'the server is shutting down', rest);
          }
        }
      }
    }
    await this.wire.transport.closed;
  }

  // ---------------------------------------------------------------- reading

  onNegotiated(version: BoltVersion, manifest: boolean): void {
    this.version = version;
    this.features = features(version);
    this.codec = new MessageCodec({
      version,
      integers: this.options.integers,
      structs: this.options.structs,
    });
    this.manifestUsed = manifest;
    this.state = initialState(version);
    this.log(
      'debug',
      `negotiated Bolt ${formatVersion(version)}${manifest ? ' (manifest v1)' : ''}`,
    );
  }

  onRefused(error: Error | undefined, proposals: readonly VersionProposal[]): void {
    if (error) {
      this.log('warn', `handshake failed: ${error.message}`);
      this.end('destroy');
      return;
    }
    const offered = proposals.map((p) => JSON.stringify(p)).join(', ');
    this.log('info', `no common Bolt version (client offered ${offered})`);
    this.end('end');
  }

  onMessage(bytes: Uint8Array, start: number, end: number): void {
    let request: Request;
    try {
      request = this.codec!.decodeRequest(bytes, start, end);
    } catch (e) {
      // (save copies the bytes before it returns)
      this.options.failedMessages
        ?.save(bytes.subarray(start, end), e, this.info.remoteAddress)
        .then(
          (path) => this.log('warn', `a request failed to decode; saved to ${path}`),
          (err) => this.log('warn', 'could not save the request that failed to decode', err),
        );
      this.stopReading(`Invalid message: ${(e as Error).message}`);
      return;
    }
    if (request.type === 'RESET') this.onInterrupt();
    this.queue.push(request);
  }

  /** A malformed stream: answer what came before, then FAILURE and close. */
  private stopReading(message: string): void {
    this.wire.stopReading();
    this.queue.push({ type: '__fatal', error: new BoltError(message, { code: REQUEST_INVALID }) });
  }

  /** `<INTERRUPT>`: a RESET was read. Abort the running work; queued requests get IGNORED. */
  private onInterrupt(): void {
    this.pendingResets++;
    this.state = interrupt(this.state);
    if (this.state !== 'INTERRUPTED') return; // before authentication: RESET is a violation
    this.interrupts.epoch++;
    this.abortWork(
      new BoltError('The work was interrupted by RESET.', {
        code: 'Neo.ClientError.Transaction.Terminated',
      }),
    );
    this.interrupts.wake();
  }

  private abortWork(reason: BoltError): void {
    this.interrupts.abortWork(reason);
    this.results.abortWork(reason);
    this.transactions.abortWork(reason);
  }

  /**
   * The peer stopped sending, cleanly (a client that wrote its requests and then `end()`): the
   * requests already received are still answered, then the connection is closed; a result left
   * open can get no more PULLs.
   */
  onFinished(): void {
    if (this.ended) return;
    this.log('debug', 'client finished sending');
    this.peerEnded = true;
    if (!this.processing && this.queue.size === 0) this.end('end', 'the client disconnected');
  }

  onLost(error: Error | undefined): void {
    if (this.ended) return;
    this.log('debug', `connection lost${error ? `: ${error.message}` : ''}`);
    this.end('destroy', 'the client disconnected');
  }

  // ---------------------------------------------------------------- processing

  onReceived(): void {
    this.kick();
  }

  onMalformed(reason: string): void {
    this.stopReading(reason);
  }

  onWriteFailed(): void {
    this.end('destroy');
  }

  private kick(): void {
    if (this.processing || this.ended || this.queue.size === 0) return;
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
    this.lastAnswer = this.options.clock.now();
    if (this.state === 'DEFUNCT') this.end('end', 'the connection is defunct');
    else if (this.queue.size > 0) this.kick();
    else if (this.peerEnded) this.end('end', 'the client disconnected');
    else if (this.draining && !this.busy) {
      const wake = this.drainWaiter;
      if (wake) wake();
      else this.end('end', 'the server is shutting down', 0);
    }
  }

  /** Answer the queued requests in order, flushing as the answers pile up, until none wait. */
  private async loop(): Promise<void> {
    const { wire, timers } = this;
    const threshold = this.options.flushThreshold;
    for (;;) {
      while (!this.ended && this.state !== 'DEFUNCT') {
        const entry = this.queue.shift();
        if (entry === undefined) break;
        const pending = this.process(entry);
        if (pending !== undefined) {
          const f = wire.flush();
          if (f) await f;
          timers.startKeepAlive();
          try {
            await pending;
          } finally {
            timers.stopKeepAlive();
          }
        }
        if (wire.writer.length >= threshold) {
          const f = wire.flush();
          if (f) await f;
        }
      }
      const f = wire.flush();
      if (f) await f;
      if (this.queue.size === 0 || this.ended || this.state === 'DEFUNCT') return;
    }
  }

  private process(entry: QueueEntry): void | Promise<void> {
    if (entry.type === '__fatal') {
      this.log('warn', entry.error.message);
      this.defunct(entry.error);
      return;
    }
    if (this.debug) this.log('debug', `C: ${formatMessage(entry, LOG_FORMAT)}`);
    const verdict = admit(this.version!, this.state, entry.type);
    if (verdict === 'ignore') {
      this.sendIgnored();
      return;
    }
    if (verdict === 'violation') {
      if (entry.type === 'RESET') this.pendingResets--;
      const error = new BoltError(
        `Message '${entry.type}' cannot be handled by a session in the ${this.state} state.`,
        { code: REQUEST_INVALID },
      );
      this.log('warn', `protocol violation: ${error.message}`);
      this.defunct(error);
      return;
    }
    return dispatch(this, entry);
  }

  /** FAILURE, then DEFUNCT: read nothing more; the loop stops, flushes, then ends. */
  private defunct(error: BoltError): void {
    this.sendFailure(error);
    this.state = 'DEFUNCT';
    this.wire.stopReading();
  }

  // ---------------------------------------------------------------- RESET and GOODBYE

  /** RESET: close the open result, roll back the open transaction, SUCCESS. */
  reset(): void | Promise<void> {
    this.pendingResets--;
    this.results.closeAll();
    const done = (): void => {
      this.state = 'INTERRUPTED';
      this.succeed('RESET', {});
    };
    const rollback = this.transactions.abandon('RESET');
    return rollback ? rollback.then(done) : done();
  }

  goodbye(): void {
    this.state = 'DEFUNCT';
    this.end('end', 'the client said GOODBYE');
  }

  // ---------------------------------------------------------------- responses

  /** SUCCESS for `request`, then the state machine's next state. */
  succeed(
    request: RequestType,
    metadata: Record<string, unknown>,
    context?: { hasMore?: boolean; openResults?: number },
  ): void {
    try {
      this.sendSuccess(request, metadata);
    } catch (e) {
      // Metadata from a hook (a summary, a bookmark) that cannot be encoded: the codec left no
      // half frame behind, so the request fails instead.
      this.fail(request, e);
      return;
    }
    this.moveTo(transition(this.version!, this.state, request, 'SUCCESS', context));
  }

  /** FAILURE for `request` (any thrown value becomes a BoltError), then the next state. */
  fail(request: RequestType, error: unknown): void {
    const e = BoltError.from(error);
    if (!BoltError.isInstance(error)) this.log('warn', `handler error for ${request}`, error);
    this.sendFailure(e);
    this.moveTo(transition(this.version!, this.state, request, 'FAILURE'));
  }

  sendIgnored(): void {
    this.send({ type: 'IGNORED' });
  }

  /** A RESET was read and not yet processed (a method, so narrowing never hides a change). */
  isInterrupted(): boolean {
    return this.state === 'INTERRUPTED';
  }

  private moveTo(next: ServerState): void {
    this.state = next;
    if (next === 'READY') this.timers.clearAuthDeadline();
    if (next === 'DEFUNCT') this.wire.stopReading();
    else if (this.pendingResets > 0 && next !== 'INTERRUPTED') this.state = interrupt(next);
  }

  private sendFailure(e: BoltError): void {
    const shape = this.features ?? { gqlErrors: false };
    try {
      this.send({ type: 'FAILURE', metadata: e.toFailureMetadata(shape) });
    } catch (encodeError) {
      // A diagnostic record or cause the codec cannot encode: the FAILURE still goes out, with
      // the code, status and message only (the codec left no half frame behind).
      this.log('warn', 'FAILURE metadata could not be encoded; sent without details', encodeError);
      const plain = new BoltError(e.message, {
        code: e.code,
        gqlStatus: e.gqlStatus,
        gqlStatusDescription: e.gqlStatusDescription,
      });
      this.send({ type: 'FAILURE', metadata: plain.toFailureMetadata(shape) });
    }
  }

  private sendSuccess(request: RequestType, metadata: Record<string, unknown>): void {
    if (this.ended || this.codec === undefined) return;
    if (this.debug)
      this.log('debug', `S: ${formatMessage({ type: 'SUCCESS', metadata }, LOG_FORMAT)}`);
    const writer = this.wire.writer;
    const body = this.successes.match(request, metadata);
    if (body !== undefined) {
      writer.writeMessage(body);
      return;
    }
    const start = writer.length;
    this.codec.encodeResponse({ type: 'SUCCESS', metadata }, writer);
    this.successes.remember(request, metadata, writer, start);
  }

  private send(message: Response): void {
    if (this.ended || this.codec === undefined) return;
    if (this.debug) this.log('debug', `S: ${formatMessage(message, LOG_FORMAT)}`);
    this.codec.encodeResponse(message, this.wire.writer);
  }

  // ---------------------------------------------------------------- ending

  /**
   * Stop everything: abort the work in flight, stop result iterators, roll back an open
   * transaction, and close the transport (`end` flushes first; `destroy` drops pending writes).
   */
  end(how: 'end' | 'destroy', why = 'the connection closed', lingerMs = DEFAULT_LINGER_MS): void {
    if (this.ended) return;
    this.ended = true;
    this.interrupts.epoch++;
    this.state = 'DEFUNCT';
    this.timers.clear();
    this.abortWork(
      new BoltError(`The work was aborted: ${why}.`, {
        code: 'Neo.TransientError.General.DatabaseUnavailable',
      }),
    );
    this.interrupts.wake();
    this.drainWaiter?.();
    this.results.closeAll();
    void this.transactions.abandon(why);
    this.wire.close(how, lingerMs);
    this.queue.clear();
    void this.wire.transport.closed.then(() => this.host.sessionEnded(this));
  }

  log(level: 'debug' | 'info' | 'warn' | 'error', message: string, error?: unknown): void {
    const logger = this.options.logger;
    const line = `${this.id} ${message}`;
    if (level === 'debug') logger.debug?.(line);
    else if (level === 'info') logger.info?.(line);
    else if (level === 'warn') logger.warn?.(line, error);
    else logger.error?.(line, error);
  }
}

/** Where a connection's view finds its session (a property that is not enumerable: the view
 *  spreads, lists its keys and serialises as its eleven getters). */
const SESSION = Symbol('session');

type View = ConnectionInfo & { readonly [SESSION]: BoltSession };

/** The getters of every view, shared: a view is one small object, not eleven functions made
 *  per connection (an object with getters of its own takes ~2 KB; this one ~0.1 KB). */
const VIEW_GETTERS: { [K in keyof ConnectionInfo]: PropertyDescriptor } = {
  id: getter((s) => s.id),
  listener: getter((s) => s.listener),
  remoteAddress: getter((s) => s.wire.transport.remoteAddress),
  localAddress: getter((s) => s.wire.transport.localAddress),
  encrypted: getter((s) => s.wire.transport.encrypted),
  protocolVersion: getter((s) => (s.version ? formatVersion(s.version) : undefined)),
  userAgent: getter((s) => s.auth.userAgent),
  boltAgent: getter((s) => s.auth.boltAgent),
  routing: getter((s) => s.auth.routing),
  user: getter((s) => s.auth.user),
  state: getter((s) => s.state),
};

function getter(read: (s: BoltSession) => unknown): PropertyDescriptor {
  return {
    get(this: View) {
      return read(this[SESSION]);
    },
    enumerable: true,
  };
}

/** The read-only view of a session handed to every hook. */
function connectionInfo(s: BoltSession): ConnectionInfo {
  const view = Object.defineProperty({}, SESSION, { value: s });
  return Object.freeze(Object.defineProperties(view, VIEW_GETTERS)) as ConnectionInfo;
}

import {
  type BoltVersion,
  formatMessage,
  LOG_FORMAT,
  type MessageCodec,
  type Request,
  type SuccessMetadata,
} from '@bolt/parser';
import { BoltError } from './bolt-error.js';
import type { ByteArena } from './byte-arena.js';
import { wrongFailure, wrongSuccess } from './connection-checks.js';
import { type Pending, PendingQueue } from './pending-queue.js';
import { ServerStateTracker } from './server-state.js';

const NO_FIELDS = Object.freeze({}) as Record<string, unknown>;

/** What the dispatcher needs from its connection. */
export interface DispatchHost {
  readonly address: string;
  /** The codec of the negotiated version. */
  codec(): MessageCodec;
  version(): BoltVersion;
  /** The server broke the protocol: the connection ends with a `protocol` error. */
  protocolError(message: string): void;
  /** A FAILURE that ends the connection (the answer to RESET, HELLO, INIT or LOGON). */
  destroy(error: BoltError): void;
  /** The server said the connection's token expired. */
  tokenExpired(): void;
  /** Every FAILURE, before the request's observer sees it: `tell` tells the observer, at once
   *  or, while the credentials decide about a security failure, once they have (what the
   *  connection receives meanwhile is held back until then). */
  serverFailure(error: BoltError, tell: () => void): void;
  /** Nothing is outstanding any more. */
  idle(): void;
  /** Where RECORDs of scalars are copied, for observers that keep them as bytes; undefined:
   *  every RECORD is decoded. */
  readonly arena: ByteArena | undefined;
  /** Logs each message received (`S: …`), when wire logging is on. */
  readonly wireLog: ((line: string) => void) | undefined;
}

/**
 * The answers side of a connection: each message the server sends belongs to the oldest
 * request still waiting (Bolt answers in order). RECORDs go to that request's observer (only
 * PULL/PULL_ALL have them, at most the `n` asked for); its SUCCESS, FAILURE or IGNORED ends it,
 * after the server state is followed. Anything else is a protocol error.
 */
export class ResponseDispatcher {
  readonly pending = new PendingQueue();
  readonly tracker: ServerStateTracker;

  constructor(private readonly host: DispatchHost) {
    this.tracker = new ServerStateTracker(host);
  }

  /** One message from the server: `bytes[start, end)`. */
  dispatch(bytes: Uint8Array, start: number, end: number): void {
    const host = this.host;
    const p = this.pending.first;
    // RECORD fast paths: values kept as bytes for an observer that takes them, or decoded
    // without building a message object.
    const arena = host.arena;
    if (arena !== undefined && p?.observer.onScalarRecord !== undefined) {
      const codec = host.codec();
      const count = codec.scanRecord(bytes, start, end);
      if (count >= 0) {
        if (this.accepts(p)) {
          const at = arena.copy(bytes, codec.scalars.first, end);
          p.observer.onScalarRecord(arena.block, at, count, codec.scalars);
        }
        return;
      }
    }
    const fields = p === undefined ? undefined : host.codec().decodeRecord(bytes, start, end);
    if (fields !== undefined) {
      host.wireLog?.(`S: ${formatMessage({ type: 'RECORD', fields }, LOG_FORMAT)}`);
      this.record(p!, fields);
      return;
    }
    const res = host.codec().decodeResponse(bytes, start, end);
    if (p === undefined) {
      host.protocolError(`the server sent ${res.type} but no request was outstanding`);
      return;
    }
    if (res.type !== 'IGNORED') host.wireLog?.(`S: ${formatMessage(res, LOG_FORMAT)}`);
    switch (res.type) {
      case 'RECORD':
        this.record(p, res.fields);
        return;
      case 'SUCCESS':
        this.success(p, res.metadata as SuccessMetadata);
        return;
      case 'FAILURE':
        this.failure(p, res.metadata as Record<string, unknown>);
        return;
      case 'IGNORED':
        host.wireLog?.('S: IGNORED');
        if (!this.tracker.mayIgnore()) {
          host.protocolError(
            `${host.address} answered ${p.type} with IGNORED, but no request had failed and no RESET was sent`,
          );
          return;
        }
        this.answered(p.type, 'IGNORED', NO_FIELDS);
        p.observer.onFailure?.(
          this.tracker.currentFailure ??
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

  private success(p: Pending, md: SuccessMetadata): void {
    const wrong = wrongSuccess(p.type, md);
    if (wrong) {
      this.host.protocolError(
        `${this.host.address} answered ${p.type} with a SUCCESS whose ${wrong}`,
      );
      return;
    }
    this.answered(p.type, 'SUCCESS', md);
    p.observer.onSuccess?.(md);
  }

  private failure(p: Pending, md: Record<string, unknown>): void {
    const wrong = wrongFailure(md);
    if (wrong) {
      this.host.protocolError(
        `${this.host.address} answered ${p.type} with a FAILURE whose ${wrong}`,
      );
      return;
    }
    const err = BoltError.fromFailure(md);
    if (p.type !== 'RESET') this.tracker.currentFailure = err;
    this.answered(p.type, 'FAILURE', md);
    if (err.code === 'Neo.ClientError.Security.TokenExpired') this.host.tokenExpired();
    this.host.serverFailure(err, () => this.failed(p, err));
  }

  /** The observer of `p` learns of its FAILURE `err`. */
  private failed(p: Pending, err: BoltError): void {
    p.observer.onFailure?.(err);
    if (p.type === 'RESET' || p.type === 'HELLO' || p.type === 'INIT' || p.type === 'LOGON')
      this.host.destroy(err);
  }

  /** A RECORD for the request at the head: only PULL / PULL_ALL have records, and a PULL at
   *  most the `n` it asked for. Anything else is a protocol error that ends the connection. */
  private record(p: Pending, fields: unknown[]): void {
    if (this.accepts(p)) p.observer.onRecord?.(fields);
  }

  /** Whether `p` may have one more RECORD; if not, the connection ends with a protocol error. */
  private accepts(p: Pending): boolean {
    if (p.type !== 'PULL' && p.type !== 'PULL_ALL') {
      this.host.protocolError(`${this.host.address} sent a RECORD as the answer to ${p.type}`);
      return false;
    }
    if (p.limit >= 0 && ++p.records > p.limit) {
      this.host.protocolError(
        `${this.host.address} sent more than the ${p.limit} record(s) PULL asked for`,
      );
      return false;
    }
    return true;
  }

  /** The summary of the first pending request arrived. */
  private answered(
    type: Request['type'],
    outcome: 'SUCCESS' | 'FAILURE' | 'IGNORED',
    md: SuccessMetadata,
  ): void {
    this.pending.shift();
    if (this.pending.size === 0) this.host.idle();
    this.tracker.answered(type, outcome, md);
  }
}

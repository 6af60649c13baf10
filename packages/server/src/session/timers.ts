import type { ResolvedServerOptions } from '../server-options.js';
import type { BoltSession } from './bolt-session.js';
import { unrefTimer } from './clock.js';

/**
 * The session's three clocks: the deadline to authenticate, the idle timeout, and NOOP
 * keep-alives while a handler is busy. All read the server's clock, so tests can drive them.
 */
export class SessionTimers {
  private authTimer: unknown;
  private idleTimer: unknown;
  private keepAliveTimer: unknown;

  constructor(
    private readonly session: BoltSession,
    private readonly options: ResolvedServerOptions,
  ) {}

  /** Drop the client unless it is authenticated (READY) within `handshakeTimeoutMs`. Covers
   *  the Bolt handshake and the HELLO/LOGON after it, and the LOGON after a LOGOFF. */
  armAuthDeadline(what: string): void {
    const { clock, handshakeTimeoutMs } = this.options;
    const s = this.session;
    this.clearAuthDeadline();
    this.authTimer = clock.setTimeout(() => {
      if (s.ended) return;
      s.log('warn', `${what} within ${handshakeTimeoutMs} ms`);
      s.end('destroy', 'the client was too slow to authenticate');
    }, handshakeTimeoutMs);
  }

  /** The client authenticated. */
  clearAuthDeadline(): void {
    if (this.authTimer === undefined) return;
    this.options.clock.clearTimeout(this.authTimer);
    this.authTimer = undefined;
  }

  /** Close the connection once nothing was received or answered for `idleTimeoutMs` while it
   *  was not busy (no request in flight, no open result or transaction). */
  armIdle(): void {
    const { clock, idleTimeoutMs: idle } = this.options;
    if (idle <= 0) return;
    const s = this.session;
    const check = (): void => {
      if (s.ended) return;
      const busy = s.busy;
      const quiet = clock.now() - Math.max(s.lastActivity, s.lastAnswer);
      if (quiet >= idle && !busy) {
        s.log('info', `closing after ${idle} ms idle`);
        s.end('end', 'the connection was idle');
        return;
      }
      // Busy: look again a full period later (not every few ms while a long query runs).
      this.idleTimer = clock.setTimeout(check, busy ? idle : Math.max(idle - quiet, 10));
      unrefTimer(this.idleTimer);
    };
    this.idleTimer = clock.setTimeout(check, idle);
    unrefTimer(this.idleTimer);
  }

  /** While a handler is awaited: a NOOP every `keepAliveIntervalMs` (4.1+), so the client's
   *  receive timeout does not expire. */
  startKeepAlive(): void {
    const { clock, keepAliveIntervalMs: every } = this.options;
    const s = this.session;
    if (every <= 0 || !s.features?.noop || this.keepAliveTimer !== undefined) return;
    const beat = (): void => {
      if (s.ended) return;
      s.wire.writer.writeNoop();
      void s.wire.flush();
      this.keepAliveTimer = clock.setTimeout(beat, every);
      unrefTimer(this.keepAliveTimer);
    };
    this.keepAliveTimer = clock.setTimeout(beat, every);
    unrefTimer(this.keepAliveTimer);
  }

  stopKeepAlive(): void {
    if (this.keepAliveTimer === undefined) return;
    this.options.clock.clearTimeout(this.keepAliveTimer);
    this.keepAliveTimer = undefined;
  }

  /** The connection ended. */
  clear(): void {
    this.clearAuthDeadline();
    this.options.clock.clearTimeout(this.idleTimer);
    this.stopKeepAlive();
  }
}

import type { Clock } from './clock.js';

/** What a receive timer asks and tells. */
export interface RecvTimerHost {
  /** Answers still awaited. */
  outstanding(): number;
  /** The server was silent for `silentMs` while answers were outstanding. */
  onSilence(silentMs: number): void;
}

/**
 * The receive timeout of the `connection.recv_timeout_seconds` hint: while answers are
 * outstanding, a server silent for longer than `timeoutMs` is given up (`onSilence`). Each byte
 * received or written counts as activity; the timer is armed at a write and disarmed when
 * nothing is outstanding. Time is `clock`'s.
 */
export class RecvTimer {
  /** 0: no receive timeout. */
  timeoutMs = 0;
  private lastActivity = 0;
  private timer: unknown;

  constructor(
    private readonly clock: Clock,
    private readonly host: RecvTimerHost,
  ) {}

  activity(): void {
    // without a timeout nobody asks when it was (and reading the clock is not free)
    if (this.timeoutMs !== 0) this.lastActivity = this.clock.now();
  }

  arm(): void {
    if (this.timeoutMs === 0 || this.timer !== undefined || this.host.outstanding() === 0) return;
    this.timer = this.clock.setTimeout(() => this.fire(), this.timeoutMs);
  }

  disarm(): void {
    if (this.timer !== undefined) {
      this.clock.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  private fire(): void {
    this.timer = undefined;
    if (this.host.outstanding() === 0) return;
    const silent = this.clock.now() - this.lastActivity;
    if (silent >= this.timeoutMs) this.host.onSilence(silent);
    else this.timer = this.clock.setTimeout(() => this.fire(), this.timeoutMs - silent);
  }
}

import { type Clock, systemClock } from '@bolt/client/node';

/** A timer set while the time was frozen: fired by `tick()`, or handed to a real timer. */
interface FrozenTimer {
  at: number;
  seq: number;
  callback: () => void;
  /** Set once the timer was handed to the system clock (at `uninstall()`). */
  real?: unknown;
}

/**
 * The clock the backend gives every driver and auth token manager it makes, for testkit's
 * `Backend:MockTime` (`FakeTimeInstall`, `FakeTimeTick`, `FakeTimeUninstall`). It runs in real
 * time until `install()`; from then on the time stands still and moves only by `tick(ms)`, which
 * fires the timers that came due, in order. `uninstall()` lets the time run again from where the
 * ticks left it (it never goes back) and hands the timers still pending to the system clock with
 * the delay they had left. Real timers are the system clock's (`systemClock`, which caps delays
 * a timer cannot hold).
 */
export class TestkitClock implements Clock {
  /** Real time plus this is the clock's time while it runs. */
  private offset = 0;
  /** The clock's time while frozen; `undefined` while it runs. */
  private frozenAt: number | undefined;
  private timers: FrozenTimer[] = [];
  private seq = 0;

  get frozen(): boolean {
    return this.frozenAt !== undefined;
  }

  now(): number {
    return this.frozenAt ?? Date.now() + this.offset;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    if (this.frozenAt === undefined) return systemClock.setTimeout(callback, ms);
    const timer: FrozenTimer = { at: this.frozenAt + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.push(timer);
    return timer;
  }

  clearTimeout(handle: unknown): void {
    if (isFrozenTimer(handle)) {
      if (handle.real !== undefined) systemClock.clearTimeout(handle.real);
      const i = this.timers.indexOf(handle);
      if (i >= 0) this.timers.splice(i, 1);
      return;
    }
    systemClock.clearTimeout(handle);
  }

  /** Freeze the time (`FakeTimeInstall`). Freezing a frozen clock changes nothing. */
  install(): void {
    this.frozenAt ??= this.now();
  }

  /** Move the frozen time by `ms` (`FakeTimeTick`), firing each timer that comes due, earliest
   *  first, with the time set to its due time; timers those callbacks set fire too if due. */
  tick(ms: number): void {
    if (this.frozenAt === undefined)
      throw new Error('the time is not frozen: FakeTimeInstall first');
    const end = this.frozenAt + Math.max(0, ms);
    for (;;) {
      const next = this.nextDue(end);
      if (!next) break;
      this.timers.splice(this.timers.indexOf(next), 1);
      this.frozenAt = Math.max(this.frozenAt, next.at);
      next.callback();
    }
    this.frozenAt = end;
  }

  /** Let the time run again (`FakeTimeUninstall`) from where it stood. */
  uninstall(): void {
    if (this.frozenAt === undefined) return;
    const stood = this.frozenAt;
    this.offset = stood - Date.now();
    this.frozenAt = undefined;
    const pending = this.timers;
    this.timers = [];
    for (const timer of pending)
      timer.real = systemClock.setTimeout(timer.callback, Math.max(0, timer.at - stood));
  }

  private nextDue(end: number): FrozenTimer | undefined {
    let next: FrozenTimer | undefined;
    for (const t of this.timers)
      if (t.at <= end && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq)))
        next = t;
    return next;
  }
}

function isFrozenTimer(handle: unknown): handle is FrozenTimer {
  return typeof handle === 'object' && handle !== null && 'seq' in handle && 'callback' in handle;
}

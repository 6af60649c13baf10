// A clock that moves only when the test says so: pass it as the server's `clock` and call
// `advance(ms)` instead of waiting for handshake, idle, keep-alive or shutdown timeouts.
import type { Clock } from '../../src/index.js';

interface Timer {
  at: number;
  callback: () => void;
}

export class ManualClock implements Clock {
  private time = 1_000_000;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.time + Math.max(0, ms), callback });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /** Move the time forward by `ms`, firing every timer that falls due, in order, each at its
   *  own time (a timer set by a callback fires too if it falls due within the window). */
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      let next: [number, Timer] | undefined;
      for (const entry of this.timers)
        if (entry[1].at <= end && (next === undefined || entry[1].at < next[1].at)) next = entry;
      if (next === undefined) break;
      this.timers.delete(next[0]);
      this.time = Math.max(this.time, next[1].at);
      next[1].callback();
    }
    this.time = end;
  }
}

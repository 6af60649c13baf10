// A clock that moves only when the test says so: pass it as the client's or the server's
// `clock` (the `Clock` of @bolt/parser, which it matches by shape) and call `advance(ms)`
// instead of waiting for a timeout, a connection lifetime, a retry delay or a routing table's
// expiry.

interface Timer {
  at: number;
  /** The delay it was set with. */
  ms: number;
  callback: () => void;
}

type Match = (delayMs: number) => boolean;

export class ManualClock {
  private time = 1_000_000;
  private readonly timers = new Map<number, Timer>();
  private nextId = 1;
  private readonly watchers: { matches: Match; resolve: (dueIn: number) => void }[] = [];

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): number {
    const id = this.nextId++;
    const timer = { at: this.time + Math.max(0, ms), ms, callback };
    this.timers.set(id, timer);
    for (const w of [...this.watchers])
      if (w.matches(ms)) {
        this.watchers.splice(this.watchers.indexOf(w), 1);
        w.resolve(timer.at - this.time);
      }
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }

  /** Timers set and not yet fired or cleared. */
  get pending(): number {
    return this.timers.size;
  }

  /**
   * Resolves once a timer is pending whose delay (as set) `matches` (default: any), with the
   * milliseconds until it falls due: for code that sets its timer after asynchronous steps (a
   * pool's acquisition wait, a retry's back-off after the attempt failed). Pass the result to
   * `advance` to fire it.
   */
  whenTimer(matches: Match = () => true): Promise<number> {
    let earliest: Timer | undefined;
    for (const t of this.timers.values())
      if (matches(t.ms) && (earliest === undefined || t.at < earliest.at)) earliest = t;
    if (earliest !== undefined) return Promise.resolve(earliest.at - this.time);
    return new Promise((resolve) => this.watchers.push({ matches, resolve }));
  }

  /** Until `done` settles, move the time to each timer matching `matches` as soon as it is
   *  set: for code that sets its timers one after another, each after asynchronous work (a
   *  retry's back-offs). Resolves once `done` settled (whether it resolved or rejected). */
  async runUntil(done: Promise<unknown>, matches: Match = () => true): Promise<void> {
    let settled = false;
    const end = done.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (;;) {
      const dueIn = await Promise.race([this.whenTimer(matches), end]);
      if (settled) return;
      this.advance(dueIn as number);
    }
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

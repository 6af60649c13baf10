/**
 * The clock `@bolt/client` and `@bolt/server` read the time from and set their timers with
 * (connection, acquisition and receive timeouts, connection lifetimes, retry back-off, routing
 * table expiry; the server's handshake, idle, keep-alive and shutdown timers). The parser itself
 * sets no timers: this is the shape both accept, as with `Logger`. The default is
 * {@link systemClock}; a test can pass a manual clock and advance it instead of waiting for real
 * time to pass.
 */
export interface Clock {
  /** Milliseconds since some fixed point (the system clock: `Date.now()`). */
  now(): number;
  /** Call `callback` once, `ms` milliseconds from now. Returns a handle for `clearTimeout`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancel a timer set by `setTimeout` (a handle already fired or cleared is ignored). */
  clearTimeout(handle: unknown): void;
}

/** Timers hold at most 2^31 - 1 ms (about 24.8 days); Node turns a longer delay into 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The real time: `Date.now()` and the global timers. A delay beyond what a timer can hold is
 * capped to it (about 24.8 days: "never" for a connection) instead of firing at once.
 */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => setTimeout(callback, Math.min(ms, MAX_TIMER_MS)),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** Whether `clock` has the three methods of a {@link Clock} (for checking an option). */
export function isClock(clock: unknown): clock is Clock {
  const c = clock as Clock | null | undefined;
  return (
    typeof c?.now === 'function' &&
    typeof c.setTimeout === 'function' &&
    typeof c.clearTimeout === 'function'
  );
}

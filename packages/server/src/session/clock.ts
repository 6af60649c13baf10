/**
 * Where a server reads the time and sets its timers: the handshake/authentication deadline, the
 * idle timeout, NOOP keep-alives, the shutdown grace period, and the times reported in summaries
 * (`t_first`, `t_last`). The default is {@link systemClock}; a test can pass a manual clock and
 * advance it instead of waiting for real time to pass.
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

/** Let a system timer not keep the process alive on its own (a no-op for other clocks). */
export function unrefTimer(handle: unknown): void {
  (handle as { unref?: () => void } | undefined)?.unref?.();
}

// One clock shape for client and server: @bolt/parser's.
export { type Clock, isClock, systemClock } from '@bolt/parser';

/** Let a system timer not keep the process alive on its own (a no-op for other clocks). */
export function unrefTimer(handle: unknown): void {
  (handle as { unref?: () => void } | undefined)?.unref?.();
}

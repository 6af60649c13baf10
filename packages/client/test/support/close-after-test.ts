import type { ManualClock } from '@bolt/test-support';
import { onTestFinished } from 'vitest';

/** Returns `closable`, which is closed when the running test finishes; what is registered last is
 *  closed first (a driver registered after its fixture is closed before it). */
export function closeAfterTest<T extends { close(): unknown }>(closable: T): T {
  onTestFinished(async () => {
    await closable.close();
  });
  return closable;
}

/** Returns `closable` (a driver talking to a `ScriptedPeer`), which is closed when the running
 *  test finishes, with the time moved on `clock`: a scripted peer never closes its side, so the
 *  driver's close waits out its 2 s grace period, which passes on the clock instead of in real
 *  time. Closing it again after the test closed it itself is harmless. */
export function closeOnClockAfterTest<T extends { close(): Promise<unknown> }>(
  closable: T,
  clock: ManualClock,
): T {
  onTestFinished(async () => {
    await clock.runUntil(closable.close(), (ms) => ms === 2000);
  });
  return closable;
}

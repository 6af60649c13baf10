import { onTestFinished } from 'vitest';

/** Returns `closable`, which is closed when the running test finishes; what is registered last is
 *  closed first (a driver registered after its fixture is closed before it). */
export function closeAfterTest<T extends { close(): unknown }>(closable: T): T {
  onTestFinished(async () => {
    await closable.close();
  });
  return closable;
}

import { memoryNetwork } from '@bolt/net-adapters';
import { ManualClock } from '@bolt/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BoltError, Connection } from '../src/index.js';

// Node 20.0–20.2 and older browsers have no AbortSignal.any: connecting must still honour both
// the caller's signal and the connect timeout there.
describe('Connection.open without AbortSignal.any', () => {
  const original = AbortSignal.any;
  beforeEach(() => {
    // the property must be absent (not merely undefined), as on Node 20.0–20.2
    delete (AbortSignal as { any?: unknown }).any;
  });
  afterEach(() => {
    AbortSignal.any = original;
  });

  async function silentServer() {
    // a connect that never completes until its signal fires
    const net = memoryNetwork();
    const listener = await net.listener.listen({ port: 7687 }, (t) =>
      t.receive({ onData() {}, onEnd() {} }),
    );
    const module = {
      name: 'hanging',
      connect: (options: { signal?: AbortSignal }) =>
        new Promise<never>((_, reject) => {
          const signal = options.signal!;
          signal.addEventListener('abort', () => reject(signal.reason), { once: true });
        }),
    };
    return { net: { module }, listener };
  }

  it('times out', async () => {
    expect(typeof AbortSignal.any).toBe('undefined');
    const { net, listener } = await silentServer();
    const clock = new ManualClock();
    const opening = Connection.open({
      netModule: net.module,
      host: 'localhost',
      port: 7687,
      connectTimeoutMs: 50,
      signal: new AbortController().signal,
      clock,
    }).catch((e: unknown) => e);
    expect(await clock.whenTimer()).toBe(50);
    clock.advance(50);
    const error = await opening;
    expect(BoltError.isInstance(error) && error.kind).toBe('timeout');
    await listener.close();
  });

  it('is aborted by the caller', async () => {
    const { net, listener } = await silentServer();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    const error = await Connection.open({
      netModule: net.module,
      host: 'localhost',
      port: 7687,
      connectTimeoutMs: 30_000,
      signal: controller.signal,
    }).catch((e: unknown) => e);
    expect(BoltError.isInstance(error) && error.kind).toBe('aborted');
    await listener.close();
  });
});

import { ManualClock } from '@bolt/test-support';
import { describe, expect, it } from 'vitest';
import { retry } from '../src/index.js';

describe('retry', () => {
  it('backs off exponentially with jitter and stops at maxRetryTimeMs', async () => {
    const clock = new ManualClock();
    const start = clock.now();
    const times: number[] = [];
    const done = retry(
      async () => {
        times.push(clock.now() - start);
        throw new Error('transient');
      },
      () => true,
      { initialDelayMs: 20, multiplier: 2, jitter: 0.2, maxRetryTimeMs: 300, clock },
    ).catch((e) => e);
    // each back-off is a timer of the clock: the time moves to it once it is set
    await clock.runUntil(done);
    const err = await done;
    expect(err.message).toBe('transient');
    // delays of 20, 40, 80, 160 ms (each ±20 %), then the next one would pass 300 ms
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.length).toBeLessThanOrEqual(4);
    gaps.forEach((gap, i) => {
      expect(gap).toBeGreaterThanOrEqual(0.8 * 20 * 2 ** i);
      expect(gap).toBeLessThanOrEqual(1.2 * 20 * 2 ** i);
    });
    expect(times.at(-1)).toBeLessThanOrEqual(300);
  });

  it('does not retry what the predicate refuses', async () => {
    let n = 0;
    await expect(
      retry(
        async () => {
          n++;
          throw new Error('user');
        },
        () => false,
      ),
    ).rejects.toThrow('user');
    expect(n).toBe(1);
  });

  it('stops waiting when aborted', async () => {
    const clock = new ManualClock();
    const ac = new AbortController();
    const done = retry(
      async () => {
        throw new Error('t');
      },
      () => true,
      { initialDelayMs: 10_000, clock },
      ac.signal,
    ).catch((e) => e);
    await clock.whenTimer(); // waiting out the first back-off
    ac.abort();
    const err = await done;
    expect(err.kind).toBe('aborted');
    expect(clock.pending).toBe(0); // the back-off's timer is cleared
  });
});

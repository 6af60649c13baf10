import { describe, expect, it } from 'vitest';
import { retry } from '../src/index.js';

describe('retry', () => {
  it('backs off exponentially with jitter and stops at maxRetryTimeMs', async () => {
    const times: number[] = [];
    const start = Date.now();
    const err = await retry(
      async () => {
        times.push(Date.now() - start);
        throw new Error('transient');
      },
      () => true,
      { initialDelayMs: 20, multiplier: 2, jitter: 0.2, maxRetryTimeMs: 300 },
    ).catch((e) => e);
    expect(err.message).toBe('transient');
    // delays of about 20, 40, 80, 160 ms (each ±20 %), then the next one would pass 300 ms
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    expect(gaps.length).toBeGreaterThanOrEqual(3);
    expect(gaps.length).toBeLessThanOrEqual(4);
    expect(gaps[0]).toBeGreaterThanOrEqual(15);
    expect(gaps[1]).toBeGreaterThanOrEqual(31);
    expect(gaps[2]).toBeGreaterThanOrEqual(63);
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
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 30);
    const err = await retry(
      async () => {
        throw new Error('t');
      },
      () => true,
      { initialDelayMs: 10_000 },
      ac.signal,
    ).catch((e) => e);
    expect(err.kind).toBe('aborted');
  });
});

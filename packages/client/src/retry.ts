import { abortError, BoltError } from './bolt-error.js';
import { type Clock, systemClock } from './clock.js';
import type { Logger } from './logger.js';

/** How managed transactions retry. */
export interface RetryOptions {
  /** Stop retrying once this much time has passed since the first attempt. Default 30000 ms. */
  maxRetryTimeMs?: number;
  /** Delay before the first retry. Default 1000 ms. */
  initialDelayMs?: number;
  /** Each further delay is the previous one times this. Default 2. */
  multiplier?: number;
  /** Each delay is randomised by ± this fraction. Default 0.2. */
  jitter?: number;
  /** Where the time spent is read and the delays are waited. Default `systemClock`. */
  clock?: Clock;
}

/**
 * Run `work` until it succeeds, retrying errors for which `retryable` says yes (transient
 * server errors, lost connections) with exponential back-off and jitter, for at most
 * `maxRetryTimeMs`. Other errors (user errors, client errors) are thrown at once. When the
 * time is up the last error is thrown.
 */
export async function retry<T>(
  work: () => Promise<T>,
  retryable: (error: unknown) => boolean,
  options: RetryOptions = {},
  signal?: AbortSignal,
  logger?: Logger,
): Promise<T> {
  const maxTime = options.maxRetryTimeMs ?? 30_000;
  const multiplier = options.multiplier ?? 2;
  const jitter = options.jitter ?? 0.2;
  let delay = options.initialDelayMs ?? 1000;
  const clock = options.clock ?? systemClock;
  const start = clock.now();
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw abortError(signal, 'the managed transaction');
    try {
      return await work();
    } catch (e) {
      if (!retryable(e)) throw e;
      const elapsed = clock.now() - start;
      const wait = Math.max(0, delay * (1 - jitter + 2 * jitter * Math.random()));
      if (elapsed + wait > maxTime) throw e;
      logger?.warn?.(
        `attempt ${attempt} failed with a retryable error (${BoltError.isInstance(e) ? e.code : String(e)}); retrying in ${Math.round(wait)} ms`,
      );
      await sleep(clock, wait, signal);
      delay *= multiplier;
    }
  }
}

function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clock.clearTimeout(t);
      reject(abortError(signal!, 'the managed transaction'));
    };
    const t = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

import type { Request, SuccessMetadata } from '@bolt/parser';
import { abortError, BoltError } from './bolt-error.js';
import type { Clock } from './clock.js';
import { abandonedFor } from './connection-checks.js';
import type { ResponseObserver } from './connection-options.js';

/** The part of a connection {@link summaryOf} uses. */
export interface RequestSink {
  readonly address: string;
  enqueue(request: Request, observer: ResponseObserver): void;
  destroy(error?: BoltError): void;
}

/**
 * Enqueue `request` on `conn` and wait for its summary: resolves with the SUCCESS metadata,
 * rejects with the FAILURE. Waiting can be given up (`signal`, `timeoutMs` on `clock`); the answer might
 * still come then, so the connection is closed and the other outstanding requests fail with a
 * retryable connection loss.
 */
export function summaryOf(
  conn: RequestSink,
  request: Request,
  clock: Clock,
  options: { signal?: AbortSignal; timeoutMs?: number } = {},
): Promise<SuccessMetadata> {
  return new Promise((resolve, reject) => {
    const { signal, timeoutMs } = options;
    let timer: unknown;
    const cleanup = () => {
      if (timer !== undefined) clock.clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const giveUp = (err: BoltError) => {
      cleanup();
      reject(err);
      conn.destroy(abandonedFor(conn.address, request.type, err));
    };
    const onAbort = () => giveUp(abortError(signal!, `${request.type} on ${conn.address}`));
    try {
      conn.enqueue(request, {
        onSuccess: (m) => {
          cleanup();
          resolve(m);
        },
        onFailure: (e) => {
          cleanup();
          reject(e);
        },
      });
    } catch (e) {
      reject(e);
      return;
    }
    if (signal) {
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
    }
    if (timeoutMs !== undefined)
      timer = clock.setTimeout(
        () =>
          giveUp(
            new BoltError(`${request.type} on ${conn.address} timed out after ${timeoutMs} ms`, {
              kind: 'timeout',
              code: 'Neo.ClientError.Request.Timeout',
              classification: 'CLIENT_ERROR',
              retryable: false,
            }),
          ),
        timeoutMs,
      );
  });
}

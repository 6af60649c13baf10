import type { RequestType } from '@bolt/parser';
import type { WorkContext } from '../query-context.js';

/** What an awaited hook resolves to when a RESET (or the end of the connection) came first. */
export const INTERRUPTED: unique symbol = Symbol('interrupted');
export type Interrupted = typeof INTERRUPTED;

export function isThenable<T>(v: unknown): v is PromiseLike<T> {
  return (
    v !== null && typeof v === 'object' && typeof (v as { then?: unknown }).then === 'function'
  );
}

/** The session, as the interrupt logic sees it. */
export interface InterruptHost {
  /** A RESET was read and not yet processed. */
  isInterrupted(): boolean;
  /** The connection has ended. */
  readonly ended: boolean;
  /** Answer IGNORED. */
  sendIgnored(): void;
  /** Answer FAILURE for `request`. */
  fail(request: RequestType, error: unknown): void;
}

/** How {@link Interrupts.hook} answers each outcome of a hook. */
export interface HookOutcome<T> {
  /** The hook returned `value` (`async`: through a promise). Sends the answer. */
  ok(value: T, async: boolean): void | Promise<void>;
  /** The hook threw or rejected. Default: FAILURE for the request. */
  failed?(error: unknown): void;
  /** A RESET (or the end of the connection) came first and IGNORED was sent: `late` is the
   *  hook's promise, still to settle, for cleaning up what it brings. */
  abandoned?(late: PromiseLike<T>): void;
  /** The unit of work a RESET aborts while the hook is awaited. */
  work?: WorkContext;
}

/**
 * Interrupts: a RESET read from the wire (or the end of the connection) must stop the work the
 * session is awaiting at once, though the RESET itself waits its turn in the queue. Every hook
 * call goes through {@link hook}, the one place that decides between SUCCESS, FAILURE and
 * IGNORED.
 */
export class Interrupts {
  /** Bumped by every interrupt and by the end of the connection: a stream that resumes from an
   *  await under an older epoch must send nothing more. */
  epoch = 0;
  /** The work being awaited through {@link hook}, if it asked to be aborted. */
  private work: WorkContext | undefined;
  /** Wake the awaits of {@link settle}. */
  private readonly wakers = new Set<() => void>();

  constructor(private readonly host: InterruptHost) {}

  /** Abort the work being awaited (`signal.reason` becomes `reason`). */
  abortWork(reason: unknown): void {
    this.work?.abort(reason);
  }

  /** Wake every await of {@link settle}: they resolve {@link INTERRUPTED}. */
  wake(): void {
    const wakers = [...this.wakers];
    this.wakers.clear();
    for (const wake of wakers) wake();
  }

  /**
   * Call a hook that may answer synchronously or with a promise, and send its answer:
   * - a value (now or later): `ok`;
   * - a throw or rejection: `failed` (default FAILURE), or IGNORED if a RESET came meanwhile;
   * - a RESET or the end of the connection before the promise settles: IGNORED at once, and
   *   `abandoned` receives the promise.
   */
  hook<T>(
    request: RequestType,
    call: () => T | PromiseLike<T>,
    outcome: HookOutcome<T>,
  ): void | Promise<void> {
    const host = this.host;
    const failed = (e: unknown): void =>
      outcome.failed ? outcome.failed(e) : host.fail(request, e);
    let r: T | PromiseLike<T>;
    try {
      r = call();
    } catch (e) {
      failed(e);
      return;
    }
    if (!isThenable<T>(r)) return outcome.ok(r, false);
    const work = outcome.work;
    if (work !== undefined) this.work = work;
    const late = r;
    return this.settle(late).then(
      (v) => {
        if (work !== undefined) this.work = undefined;
        if (v !== INTERRUPTED) return outcome.ok(v, true);
        outcome.abandoned?.(late);
        host.sendIgnored();
      },
      (e) => {
        if (work !== undefined) this.work = undefined;
        if (host.isInterrupted()) host.sendIgnored();
        else failed(e);
      },
    );
  }

  /** Await `p`, unless a RESET (or the end of the connection) comes first. */
  private settle<T>(p: PromiseLike<T>): Promise<T | Interrupted> {
    if (this.host.isInterrupted() || this.host.ended) {
      Promise.resolve(p).catch(() => undefined);
      return Promise.resolve(INTERRUPTED);
    }
    // Not Promise.race with one long-lived interrupt promise: every race would leave a reaction
    // on it until the next RESET, a leak of two promises per awaited request.
    return new Promise<T | Interrupted>((resolve, reject) => {
      const wake = (): void => resolve(INTERRUPTED);
      this.wakers.add(wake);
      p.then(
        (v) => {
          this.wakers.delete(wake);
          resolve(v);
        },
        (e) => {
          this.wakers.delete(wake);
          reject(e);
        },
      );
    });
  }
}

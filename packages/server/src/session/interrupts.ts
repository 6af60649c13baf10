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

/**
 * One kind of hook call and how its outcomes are answered. A session creates one per kind
 * (RUN, PULL, BEGIN, ...) and passes what varies from call to call as `arg`, so a call
 * allocates no closures.
 */
export interface HookCall<T, A> {
  /** Call the handler's hook: a value, a promise of one, or a throw. */
  call(arg: A): T | PromiseLike<T>;
  /** The hook gave `value` (`async`: through a promise): send the answer. */
  ok(value: T, arg: A, async: boolean): void | Promise<void>;
  /** The hook threw or rejected. Default: FAILURE for the request. */
  failed?(error: unknown, arg: A): void;
  /** A RESET (or the end of the connection) came first and IGNORED was sent: `late` is the
   *  hook's promise, still to settle, for cleaning up what it brings. */
  abandoned?(late: PromiseLike<T>, arg: A): void;
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
   * `work` is the unit of work a RESET aborts while the hook is awaited.
   */
  hook<T, A>(
    request: RequestType,
    kind: HookCall<T, A>,
    arg: A,
    work?: WorkContext,
  ): void | Promise<void> {
    let r: T | PromiseLike<T>;
    try {
      r = kind.call(arg);
    } catch (e) {
      this.failed(request, kind, arg, e);
      return;
    }
    if (!isThenable<T>(r)) return kind.ok(r, arg, false);
    if (work !== undefined) this.work = work;
    const late = r;
    const host = this.host;
    return this.settle(late).then(
      (v) => {
        if (work !== undefined) this.work = undefined;
        if (v !== INTERRUPTED) return kind.ok(v, arg, true);
        kind.abandoned?.(late, arg);
        host.sendIgnored();
      },
      (e) => {
        if (work !== undefined) this.work = undefined;
        if (host.isInterrupted()) host.sendIgnored();
        else this.failed(request, kind, arg, e);
      },
    );
  }

  private failed<T, A>(request: RequestType, kind: HookCall<T, A>, arg: A, e: unknown): void {
    if (kind.failed) kind.failed(e, arg);
    else this.host.fail(request, e);
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
      const wake = waker(resolve);
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

/** The function that wakes one await of `settle` (made here, not inline: a closure bound to a
 *  name would be renamed at every call by a build that keeps names). */
function waker(resolve: (v: Interrupted) => void): () => void {
  return () => resolve(INTERRUPTED);
}

/** An already settled promise: `then()` on it queues a microtask, without the async resource
 *  Node's `queueMicrotask()` creates for each call. */
const SETTLED = Promise.resolve();

/**
 * Run `fn` after the microtasks queued so far and the ones they queue in turn (two hops).
 * A query is sent this late so that the result knows how it will be consumed: an `await` on
 * the result (which calls `then()` one microtask later) selects a single PULL of everything,
 * iteration selects batches.
 */
export function afterTick(fn: () => void): void {
  SETTLED.then(() => SETTLED.then(fn));
}

/** Run `fn` in a microtask (`queueMicrotask()`, cheaper: see {@link SETTLED}). */
export function microtask(fn: () => void): void {
  SETTLED.then(fn);
}

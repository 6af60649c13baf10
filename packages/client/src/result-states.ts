/**
 * The life of a result's stream, as the client sees it: what was sent for it and what it waits
 * for. `Result` keeps one {@link StreamState}, changes it only through {@link transition}, and
 * answers each question about the stream ("may the next PULL go?", "is it over?") from the
 * state alone. The main line:
 *
 *   waiting ──pull──▶ pulling ──has_more──▶ ready ──pull──▶ pulling ── … ──end──▶ done
 *
 * Every transition (what the new state sends in brackets):
 *
 *   state        event                        next state
 *   waiting      pull                         pulling [RUN + PULL, sent by `_run()`]
 *                discard                      waiting, discard (the first PULL still goes)
 *                abort                        cancelled (never sent; `_run()` fails it)
 *   pulling      has_more                     ready, or discarding [DISCARD] after a discard
 *                end                          done
 *                discard                      pulling, discard
 *                abort (no discard yet)       resetting [RESET]
 *                break (an unbounded PULL)    resetting, quiet [RESET]
 *   ready        pull                         pulling [PULL]
 *                discard                      discarding [DISCARD]
 *                abort                        resetting [RESET]
 *   discarding   has_more                     discarding [DISCARD again]
 *                end                          done
 *   resetting    end                          done (RESET's answer, or the stream's last SUCCESS)
 *                failure (interrupted)        ignored when quiet: the IGNORED a break expects
 *   any state    failure                      failed
 *
 * `abort` needs a connection that is the result's alone (an auto-commit query); otherwise it is
 * a `discard`, as it is in the states not listed. `done` and `failed` are final: every event is
 * ignored there, as is any event not listed.
 */
export type StreamState =
  /** Not sent yet (the owner has not called `_run()`). `discard`: the reader dropped the rest
   *  already; the first PULL still goes with RUN and a DISCARD follows it. */
  | { readonly at: 'waiting'; readonly discard: boolean }
  /** Aborted before it was sent: it never will be (the owner's `_run()` fails it). */
  | { readonly at: 'cancelled' }
  /** A PULL is outstanding (the first goes with RUN). `unbounded`: it asked for everything
   *  (n = -1, or PULL_ALL before Bolt 4), so it may never end; `discard`: the reader dropped
   *  the rest, a DISCARD follows when the PULL answers `has_more`. */
  | { readonly at: 'pulling'; readonly unbounded: boolean; readonly discard: boolean }
  /** The last PULL answered `has_more` and nothing is outstanding: the next PULL or a DISCARD
   *  may be sent. */
  | { readonly at: 'ready' }
  /** A DISCARD is outstanding. */
  | { readonly at: 'discarding' }
  /** RESET was sent to stop the query at once; its answer (or the stream's end) ends the result.
   *  `quiet`: the reader stopped (`break`), so the IGNORED of the interrupted PULL is expected
   *  and the result ends without an error. */
  | { readonly at: 'resetting'; readonly quiet: boolean }
  | { readonly at: 'done' }
  | { readonly at: 'failed' };

export type StreamEvent =
  /** A PULL is sent: RUN's first, or the next batch. */
  | { readonly type: 'pull'; readonly unbounded: boolean }
  /** PULL or DISCARD answered SUCCESS `{has_more: true}`. */
  | { readonly type: 'has_more' }
  /** The final SUCCESS of PULL or DISCARD, or RESET's answer: the stream is over. */
  | { readonly type: 'end' }
  /** The reader drops the rest (`consume()`, leaving an iteration, closing the session). */
  | { readonly type: 'discard' }
  /** The reader's signal fired. `resettable`: the connection is the result's alone, so RESET
   *  may stop the query (or it is not sent at all); otherwise the rest is discarded. */
  | { readonly type: 'abort'; readonly resettable: boolean }
  /** The reader left an iteration (`break`) and the connection is the result's alone. */
  | { readonly type: 'break' }
  /** A FAILURE, a lost connection or a failed start. `interrupted`: the IGNORED a RESET gave
   *  to the outstanding PULL (an `aborted` error). */
  | { readonly type: 'failure'; readonly interrupted: boolean };

export const WAITING: StreamState = { at: 'waiting', discard: false };
const WAITING_TO_DISCARD: StreamState = { at: 'waiting', discard: true };
const CANCELLED: StreamState = { at: 'cancelled' };
const READY: StreamState = { at: 'ready' };
const DISCARDING: StreamState = { at: 'discarding' };
const RESETTING: StreamState = { at: 'resetting', quiet: false };
const STOPPING: StreamState = { at: 'resetting', quiet: true };
const DONE: StreamState = { at: 'done' };
const FAILED: StreamState = { at: 'failed' };
const PULLING = [
  { at: 'pulling', unbounded: false, discard: false },
  { at: 'pulling', unbounded: false, discard: true },
  { at: 'pulling', unbounded: true, discard: false },
  { at: 'pulling', unbounded: true, discard: true },
] as const satisfies readonly StreamState[];

function pulling(unbounded: boolean, discard: boolean): StreamState {
  return PULLING[(unbounded ? 2 : 0) + (discard ? 1 : 0)];
}

/**
 * The state after `event` in `state`, or undefined when the state ignores the event (nothing
 * changes and nothing is sent). Entering `discarding` sends a DISCARD and entering `resetting`
 * a RESET, every time, also when the state was the same kind already.
 */
export function transition(state: StreamState, event: StreamEvent): StreamState | undefined {
  if (isEnded(state)) return undefined;
  switch (event.type) {
    case 'pull':
      if (state.at === 'waiting') return pulling(event.unbounded, state.discard);
      return state.at === 'ready' ? pulling(event.unbounded, false) : undefined;
    case 'has_more':
      if (state.at === 'pulling') return state.discard ? DISCARDING : READY;
      return state.at === 'discarding' ? DISCARDING : undefined;
    case 'end':
      return state.at === 'pulling' || state.at === 'discarding' || state.at === 'resetting'
        ? DONE
        : undefined;
    case 'discard':
      return discard(state);
    case 'abort':
      if (!event.resettable) return discard(state);
      if (state.at === 'waiting') return CANCELLED;
      // a discard under way is left to finish
      return state.at === 'ready' || (state.at === 'pulling' && !state.discard)
        ? RESETTING
        : undefined;
    case 'break':
      return state.at === 'pulling' && state.unbounded ? STOPPING : undefined;
    case 'failure':
      return event.interrupted && state.at === 'resetting' && state.quiet ? undefined : FAILED;
  }
}

function discard(state: StreamState): StreamState | undefined {
  switch (state.at) {
    case 'waiting':
      return state.discard ? undefined : WAITING_TO_DISCARD;
    case 'pulling':
      return state.discard ? undefined : pulling(state.unbounded, true);
    case 'ready':
      return DISCARDING;
    default:
      return undefined;
  }
}

/** The stream is over: the result has its summary, or its error. */
export function isEnded(state: StreamState): boolean {
  return state.at === 'done' || state.at === 'failed';
}

/** Nothing is outstanding and the server holds more: the next PULL (or a DISCARD) may go now. */
export function mayPull(state: StreamState): boolean {
  return state.at === 'ready';
}

/** The reader dropped the rest: records still arriving are not kept. */
export function dropsRecords(state: StreamState): boolean {
  switch (state.at) {
    case 'waiting':
    case 'pulling':
      return state.discard;
    case 'cancelled':
    case 'discarding':
    case 'resetting':
      return true;
    default:
      return false;
  }
}

/**
 * How the reader takes the records: not decided yet; all at once (collected in one list, with a
 * single PULL when the session allows); in batches as an iteration asks (`stream`); or in
 * batches but to the end (`drain`: COMMIT or the next query needs the stream over while an
 * iteration still reads the records).
 */
export type ReadMode = 'unknown' | 'all' | 'stream' | 'drain';

/** The mode after `_finish()`: the stream is read to its end, an iteration keeps its batches. */
export function toEnd(mode: ReadMode): ReadMode {
  return mode === 'stream' || mode === 'drain' ? 'drain' : 'all';
}

/** Every record is wanted now: each answer with `has_more` is followed by the next PULL. */
export function readsToEnd(mode: ReadMode): boolean {
  return mode === 'all' || mode === 'drain';
}

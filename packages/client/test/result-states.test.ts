import { describe, expect, it } from 'vitest';
import {
  dropsRecords,
  isEnded,
  mayPull,
  readsToEnd,
  type StreamEvent,
  type StreamState,
  toEnd,
  transition,
  WAITING,
} from '../src/result-states.js';

const pull = (unbounded = false): StreamEvent => ({ type: 'pull', unbounded });
const HAS_MORE: StreamEvent = { type: 'has_more' };
const END: StreamEvent = { type: 'end' };
const DISCARD: StreamEvent = { type: 'discard' };
const BREAK: StreamEvent = { type: 'break' };
const abort = (resettable: boolean): StreamEvent => ({ type: 'abort', resettable });
const FAILURE: StreamEvent = { type: 'failure', interrupted: false };
const INTERRUPTED: StreamEvent = { type: 'failure', interrupted: true };
const EVENTS: StreamEvent[] = [
  pull(false),
  pull(true),
  HAS_MORE,
  END,
  DISCARD,
  BREAK,
  abort(true),
  abort(false),
  FAILURE,
  INTERRUPTED,
];

/** The state after `events` from `from`, failing the test when one of them is ignored. */
function walk(from: StreamState, ...events: StreamEvent[]): StreamState {
  let s = from;
  for (const e of events) {
    const next = transition(s, e);
    if (!next) throw new Error(`${e.type} ignored in ${JSON.stringify(s)}`);
    s = next;
  }
  return s;
}

const PULLING = walk(WAITING, pull());
const PULLING_ALL = walk(WAITING, pull(true));
const READY = walk(PULLING, HAS_MORE);
const DISCARDING = walk(READY, DISCARD);
const RESETTING = walk(READY, abort(true));
const STOPPING = walk(PULLING_ALL, BREAK);
const DONE = walk(PULLING, END);
const FAILED = walk(PULLING, FAILURE);
const CANCELLED = walk(WAITING, abort(true));

describe('result stream states', () => {
  it('reads batch after batch: PULL only when the last one answered has_more', () => {
    expect(PULLING).toEqual({ at: 'pulling', unbounded: false, discard: false });
    expect(READY).toEqual({ at: 'ready' });
    expect(walk(READY, pull(), HAS_MORE, pull(), END)).toEqual({ at: 'done' });
    expect(mayPull(READY)).toBe(true);
    for (const s of [WAITING, CANCELLED, PULLING, DISCARDING, RESETTING, DONE, FAILED])
      expect(mayPull(s)).toBe(false);
    // no second PULL while one is outstanding, none once the stream is over
    expect(transition(PULLING, pull())).toBeUndefined();
    expect(transition(DISCARDING, pull())).toBeUndefined();
    expect(transition(RESETTING, pull())).toBeUndefined();
  });

  it('done and failed are final: every event is ignored there', () => {
    for (const s of [DONE, FAILED]) {
      expect(isEnded(s)).toBe(true);
      for (const e of EVENTS) expect(transition(s, e)).toBeUndefined();
    }
    for (const s of [WAITING, CANCELLED, PULLING, READY, DISCARDING, RESETTING, STOPPING])
      expect(isEnded(s)).toBe(false);
  });

  it('a discard waits for the PULL under way, then DISCARDs until the server has no more', () => {
    const p = walk(PULLING, DISCARD);
    expect(p).toEqual({ at: 'pulling', unbounded: false, discard: true });
    expect(dropsRecords(p)).toBe(true);
    expect(transition(p, DISCARD)).toBeUndefined();
    expect(walk(p, HAS_MORE)).toEqual({ at: 'discarding' });
    // a DISCARD answered has_more is sent again
    expect(walk(DISCARDING, HAS_MORE)).toEqual({ at: 'discarding' });
    expect(walk(DISCARDING, END)).toEqual({ at: 'done' });
    expect(walk(p, END)).toEqual({ at: 'done' });
  });

  it('a result discarded before it was sent still sends its first PULL, then DISCARDs', () => {
    const w = walk(WAITING, DISCARD);
    expect(w).toEqual({ at: 'waiting', discard: true });
    expect(walk(w, pull(), HAS_MORE)).toEqual({ at: 'discarding' });
  });

  it('an abort with the connection to itself cancels an unsent query and RESETs a running one', () => {
    expect(CANCELLED).toEqual({ at: 'cancelled' });
    expect(walk(walk(WAITING, DISCARD), abort(true))).toEqual({ at: 'cancelled' });
    expect(transition(CANCELLED, pull())).toBeUndefined();
    expect(walk(CANCELLED, FAILURE)).toEqual({ at: 'failed' });
    expect(walk(PULLING, abort(true))).toEqual({ at: 'resetting', quiet: false });
    expect(RESETTING).toEqual({ at: 'resetting', quiet: false });
    // a discard under way is left to end by itself
    expect(transition(walk(PULLING, DISCARD), abort(true))).toBeUndefined();
    expect(transition(DISCARDING, abort(true))).toBeUndefined();
    expect(transition(RESETTING, abort(true))).toBeUndefined();
  });

  it('an abort on a shared connection discards the rest', () => {
    expect(walk(WAITING, abort(false))).toEqual(walk(WAITING, DISCARD));
    expect(walk(PULLING, abort(false))).toEqual(walk(PULLING, DISCARD));
    expect(walk(READY, abort(false))).toEqual(DISCARDING);
  });

  it('RESET: the IGNORED it causes fails an abort, not a break; its answer ends both', () => {
    expect(walk(RESETTING, INTERRUPTED)).toEqual({ at: 'failed' });
    expect(transition(STOPPING, INTERRUPTED)).toBeUndefined();
    expect(walk(STOPPING, FAILURE)).toEqual({ at: 'failed' });
    expect(walk(STOPPING, END)).toEqual({ at: 'done' });
    expect(walk(RESETTING, END)).toEqual({ at: 'done' });
    // a PULL answered has_more before the server saw the RESET: still waiting for RESET's answer
    expect(transition(RESETTING, HAS_MORE)).toBeUndefined();
    expect(transition(RESETTING, DISCARD)).toBeUndefined();
    for (const s of [RESETTING, STOPPING, DISCARDING, CANCELLED])
      expect(dropsRecords(s)).toBe(true);
  });

  it('a break RESETs only an unbounded PULL (no DISCARD can follow it before it ends)', () => {
    expect(STOPPING).toEqual({ at: 'resetting', quiet: true });
    expect(walk(walk(PULLING_ALL, DISCARD), BREAK)).toEqual(STOPPING);
    for (const s of [WAITING, PULLING, READY, DISCARDING, RESETTING, STOPPING])
      expect(transition(s, BREAK)).toBeUndefined();
  });

  it('records are kept until the reader drops the rest', () => {
    for (const s of [WAITING, PULLING, PULLING_ALL, READY, DONE, FAILED])
      expect(dropsRecords(s)).toBe(false);
  });

  it('read modes: _finish() reads to the end, an iteration keeps its batches', () => {
    expect(toEnd('unknown')).toBe('all');
    expect(toEnd('all')).toBe('all');
    expect(toEnd('stream')).toBe('drain');
    expect(toEnd('drain')).toBe('drain');
    expect(readsToEnd('all')).toBe(true);
    expect(readsToEnd('drain')).toBe(true);
    expect(readsToEnd('stream')).toBe(false);
    expect(readsToEnd('unknown')).toBe(false);
  });
});

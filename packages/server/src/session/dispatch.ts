import type { Request, RequestType } from '@bolt/parser';
import type { BoltSession } from './bolt-session.js';
import { isThenable } from './interrupts.js';

type Answer = void | Promise<void>;
type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

/** PULL/DISCARD `n` as a number (-1: all; a bigint beyond the safe range counts as all). */
function toN(n: number | bigint): number {
  if (typeof n === 'bigint') return n > BigInt(Number.MAX_SAFE_INTEGER) ? -1 : Number(n);
  return n;
}

/** PULL/DISCARD `qid` (-1: the last result opened). */
function toQid(qid: number | bigint | undefined): number {
  return qid === undefined || qid === null ? -1 : Number(qid);
}

/**
 * Which part of the session answers each Bolt request, once the state machine admitted it. A
 * promise means the answer is still being worked out (an async hook, a streamed result).
 */
const HANDLERS: { [T in RequestType]: (s: BoltSession, request: RequestOf<T>) => Answer } = {
  INIT: (s, r) => s.auth.init(r.userAgent, r.authToken),
  HELLO: (s, r) => s.auth.hello(r.extra),
  LOGON: (s, r) => s.auth.logon(r.auth),
  LOGOFF: (s) => s.auth.logoff(),
  RUN: (s, r) => s.results.run(r.query, r.parameters, r.extra),
  PULL: (s, r) => s.results.pull('PULL', toN(r.extra.n), toQid(r.extra.qid)),
  DISCARD: (s, r) => s.results.pull('DISCARD', toN(r.extra.n), toQid(r.extra.qid)),
  PULL_ALL: (s) => s.results.pull('PULL_ALL', -1, -1),
  DISCARD_ALL: (s) => s.results.pull('DISCARD_ALL', -1, -1),
  BEGIN: (s, r) => s.transactions.begin(r.extra),
  COMMIT: (s) => s.transactions.commit(),
  ROLLBACK: (s) => s.transactions.rollback(),
  ACK_FAILURE: (s) => s.transactions.legacy.ackFailure(),
  RESET: (s) => s.reset(),
  GOODBYE: (s) => s.goodbye(),
  ROUTE: (s, r) => s.routing.route(r.routing, r.bookmarks, r.db, r.impUser),
  TELEMETRY: (s, r) => telemetry(s, Number(r.api)),
};

/** TELEMETRY: the hook is told, not awaited (it may be async); SUCCESS goes out at once. */
function telemetry(s: BoltSession, api: number): void {
  try {
    const r: unknown = s.handler.telemetry?.(api, s.info);
    // Typed as void, but an async hook is assignable: its rejection must not go unhandled.
    if (isThenable(r)) Promise.resolve(r).catch((e) => s.log('warn', 'telemetry hook failed', e));
  } catch (e) {
    s.log('warn', 'telemetry hook failed', e);
  }
  s.succeed('TELEMETRY', {});
}

/** Answer one admitted request. */
export function dispatch(s: BoltSession, request: Request): Answer {
  return (HANDLERS[request.type] as (s: BoltSession, r: Request) => Answer)(s, request);
}

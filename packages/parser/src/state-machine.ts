import { features } from './features.js';
import { requestInVersion, requestVersions } from './message-catalog.js';
import { ProtocolError } from './protocol-error.js';
import type { RequestType } from './request.js';
import { type BoltVersion, formatVersion } from './versions.js';

/** The server states of the Bolt server state specification (https://neo4j.com/docs/bolt/current/bolt/server-state/). CONNECTED is called NEGOTIATION from 5.1. */
export type ServerState =
  | 'DISCONNECTED'
  | 'CONNECTED'
  | 'NEGOTIATION'
  | 'AUTHENTICATION'
  | 'READY'
  | 'STREAMING'
  | 'TX_READY'
  | 'TX_STREAMING'
  | 'FAILED'
  | 'INTERRUPTED'
  | 'DEFUNCT';

/** What the server does with a request in a state. */
export type Admission = 'process' | 'ignore' | 'violation';

/** The outcome the server sent for a processed request. */
export type Outcome = 'SUCCESS' | 'FAILURE' | 'IGNORED';

/** Facts about the outcome that decide the next state. */
export interface TransitionContext {
  /** PULL/DISCARD SUCCESS had `has_more: true`. Default false. */
  hasMore?: boolean;
  /** 4.0+: results still open in the transaction after this PULL/DISCARD. Default 0. */
  openResults?: number;
}

/** The state right after the handshake: CONNECTED before 5.1, NEGOTIATION from 5.1. */
export function initialState(version: BoltVersion): ServerState {
  return features(version).hasLogon ? 'NEGOTIATION' : 'CONNECTED';
}

/**
 * Whether the server runs `request` in `state` ('process'), answers IGNORED ('ignore'), or
 * treats it as a protocol violation (FAILURE, then close: DEFUNCT). Exactly the specification's transition tables, with
 * its notes, plus the decisions on the §12.2 open questions listed in the README.
 */
export function admit(version: BoltVersion, state: ServerState, request: RequestType): Admission {
  if (!requestInVersion(request, version)) return 'violation';
  switch (state) {
    case 'DISCONNECTED':
    case 'DEFUNCT':
      return 'violation';
    case 'CONNECTED':
    case 'NEGOTIATION':
      return request === 'HELLO' || request === 'INIT' || request === 'GOODBYE'
        ? 'process'
        : 'violation';
    case 'AUTHENTICATION':
      return request === 'LOGON' || request === 'GOODBYE' ? 'process' : 'violation';
    case 'FAILED':
    case 'INTERRUPTED':
      return admitWhileFailed(state, request);
    case 'READY':
      return request === 'RUN' ||
        request === 'BEGIN' ||
        request === 'ROUTE' ||
        request === 'TELEMETRY' ||
        request === 'LOGOFF' ||
        request === 'RESET' ||
        request === 'GOODBYE'
        ? 'process'
        : 'violation';
    case 'STREAMING':
      return isPullOrDiscard(request) || request === 'RESET' || request === 'GOODBYE'
        ? 'process'
        : 'violation';
    case 'TX_READY':
      return request === 'RUN' ||
        request === 'COMMIT' ||
        request === 'ROLLBACK' ||
        request === 'RESET' ||
        request === 'GOODBYE'
        ? 'process'
        : 'violation';
    case 'TX_STREAMING':
      // v3 takes no new RUN until the open result is consumed; 4.0 lifted that (qid).
      // COMMIT/ROLLBACK with an open result: violation (consume or discard first, §12.2).
      return isPullOrDiscard(request) ||
        (request === 'RUN' && features(version).multipleResults) ||
        request === 'RESET' ||
        request === 'GOODBYE'
        ? 'process'
        : 'violation';
  }
}

/**
 * {@link admit}, throwing ProtocolError STATE_VIOLATION for a violation, with the message Neo4j
 * uses ("Message 'X' cannot be handled by a session in the Y state.") plus the version.
 */
export function admitOrThrow(
  version: BoltVersion,
  state: ServerState,
  request: RequestType,
): 'process' | 'ignore' {
  const admission = admit(version, state, request);
  if (admission !== 'violation') return admission;
  const why = requestInVersion(request, version)
    ? `cannot be handled by a session in the ${state} state`
    : `does not exist in Bolt ${formatVersion(version)} (only ${requestVersions(request)})`;
  throw new ProtocolError('STATE_VIOLATION', `Message '${request}' ${why}.`);
}

function admitWhileFailed(state: 'FAILED' | 'INTERRUPTED', request: RequestType): Admission {
  switch (request) {
    case 'RESET':
    case 'GOODBYE':
      return 'process';
    case 'ACK_FAILURE':
      return state === 'FAILED' ? 'process' : 'ignore';
    case 'INIT':
    case 'HELLO':
    case 'LOGON':
      return 'violation';
    default:
      return 'ignore';
  }
}

function isPullOrDiscard(request: RequestType): boolean {
  return (
    request === 'PULL' ||
    request === 'DISCARD' ||
    request === 'PULL_ALL' ||
    request === 'DISCARD_ALL'
  );
}

/**
 * The state after the server answered `request` in `state` with `outcome`.
 * - A violation ends in DEFUNCT, whatever the outcome.
 * - An ignored request leaves the state as it is (FAILED or INTERRUPTED).
 * - GOODBYE ends in DEFUNCT (it gets no reply; pass any outcome).
 * - A processed request answered IGNORED is impossible: the state is returned unchanged, so a
 *   client tracking a server that broke the rules can see it with {@link admit}.
 */
export function transition(
  version: BoltVersion,
  state: ServerState,
  request: RequestType,
  outcome: Outcome,
  context: TransitionContext = {},
): ServerState {
  const admission = admit(version, state, request);
  if (admission === 'violation') return 'DEFUNCT';
  if (admission === 'ignore' || request === 'GOODBYE')
    return request === 'GOODBYE' ? 'DEFUNCT' : state;
  if (outcome === 'IGNORED') return state;
  const ok = outcome === 'SUCCESS';
  switch (request) {
    case 'INIT':
    case 'HELLO':
      return ok ? (features(version).hasLogon ? 'AUTHENTICATION' : 'READY') : 'DEFUNCT';
    case 'LOGON':
      return ok ? 'READY' : 'DEFUNCT';
    case 'RESET':
    case 'ACK_FAILURE':
      return ok ? 'READY' : 'DEFUNCT';
    case 'LOGOFF':
      return ok ? 'AUTHENTICATION' : 'FAILED';
    case 'RUN':
      if (!ok) return 'FAILED';
      return state === 'READY' ? 'STREAMING' : 'TX_STREAMING';
    case 'BEGIN':
      return ok ? 'TX_READY' : 'FAILED';
    case 'COMMIT':
    case 'ROLLBACK':
    case 'ROUTE':
    case 'TELEMETRY':
      return ok ? 'READY' : 'FAILED';
    case 'PULL':
    case 'DISCARD':
    case 'PULL_ALL':
    case 'DISCARD_ALL': {
      if (!ok) return 'FAILED';
      const f = features(version);
      const more = f.pullN && context.hasMore === true;
      if (state === 'STREAMING') return more ? 'STREAMING' : 'READY';
      const open = f.multipleResults ? (context.openResults ?? 0) : 0;
      return more || open > 0 ? 'TX_STREAMING' : 'TX_READY';
    }
  }
}

/**
 * The `<INTERRUPT>` signal a RESET raises as soon as the server reads it (before the queued
 * requests are answered): every authenticated state becomes INTERRUPTED. Before authentication,
 * and once DEFUNCT, nothing changes (RESET there is a violation).
 */
export function interrupt(state: ServerState): ServerState {
  switch (state) {
    case 'READY':
    case 'STREAMING':
    case 'TX_READY':
    case 'TX_STREAMING':
    case 'FAILED':
    case 'INTERRUPTED':
      return 'INTERRUPTED';
    default:
      return state;
  }
}

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  admit,
  admitOrThrow,
  type BoltVersion,
  initialState,
  interrupt,
  type RequestType,
  type ServerState,
  SUPPORTED_VERSIONS,
  transition,
} from '../src/internal.js';

// The transition tables of the Bolt server state specification (5.1+) and its notes for older versions, written out
// row by row. A state missing from a row is a protocol violation ("viol." in the spec).
type Cell =
  | 'ign' // answered IGNORED, state unchanged
  | { S: ServerState; F: ServerState } // SUCCESS → S, FAILURE → F
  | { more: ServerState; S: ServerState; F: ServerState; open?: ServerState } // PULL/DISCARD
  | 'reset' // <INTERRUPT>, then SUCCESS → READY, FAILURE → DEFUNCT
  | 'goodbye'; // → DEFUNCT, no reply
type Row = Partial<Record<ServerState, Cell>>;
type Table = { states: ServerState[]; rows: Partial<Record<RequestType, Row>> };

const ALL_STATES: ServerState[] = [
  'DISCONNECTED',
  'CONNECTED',
  'NEGOTIATION',
  'AUTHENTICATION',
  'READY',
  'STREAMING',
  'TX_READY',
  'TX_STREAMING',
  'FAILED',
  'INTERRUPTED',
  'DEFUNCT',
];
const ALL_REQUESTS: RequestType[] = [
  'INIT',
  'HELLO',
  'LOGON',
  'LOGOFF',
  'RUN',
  'PULL',
  'PULL_ALL',
  'DISCARD',
  'DISCARD_ALL',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'RESET',
  'ACK_FAILURE',
  'GOODBYE',
  'ROUTE',
  'TELEMETRY',
];

const failedOrInterrupted: Row = { FAILED: 'ign', INTERRUPTED: 'ign' };
const live = ['READY', 'STREAMING', 'TX_READY', 'TX_STREAMING', 'FAILED', 'INTERRUPTED'] as const;
const resetRow: Row = Object.fromEntries(live.map((s) => [s, 'reset']));

function goodbyeRow(states: ServerState[]): Row {
  return Object.fromEntries(states.map((s) => [s, 'goodbye']));
}

const v51: Table = {
  states: ['NEGOTIATION', 'AUTHENTICATION', ...live],
  rows: {
    HELLO: { NEGOTIATION: { S: 'AUTHENTICATION', F: 'DEFUNCT' } },
    LOGON: { AUTHENTICATION: { S: 'READY', F: 'DEFUNCT' } },
    LOGOFF: { READY: { S: 'AUTHENTICATION', F: 'FAILED' }, ...failedOrInterrupted },
    RUN: {
      READY: { S: 'STREAMING', F: 'FAILED' },
      TX_READY: { S: 'TX_STREAMING', F: 'FAILED' },
      TX_STREAMING: { S: 'TX_STREAMING', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    PULL: {
      STREAMING: { more: 'STREAMING', S: 'READY', F: 'FAILED' },
      TX_STREAMING: { more: 'TX_STREAMING', S: 'TX_READY', open: 'TX_STREAMING', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    DISCARD: {
      STREAMING: { more: 'STREAMING', S: 'READY', F: 'FAILED' },
      TX_STREAMING: { more: 'TX_STREAMING', S: 'TX_READY', open: 'TX_STREAMING', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    BEGIN: { READY: { S: 'TX_READY', F: 'FAILED' }, ...failedOrInterrupted },
    COMMIT: { TX_READY: { S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    ROLLBACK: { TX_READY: { S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    ROUTE: { READY: { S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    TELEMETRY: { READY: { S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    RESET: resetRow,
    GOODBYE: goodbyeRow(['NEGOTIATION', 'AUTHENTICATION', ...live]),
  },
};

// 4.0 – 5.0: CONNECTED + HELLO goes straight to READY; no LOGON/LOGOFF/TELEMETRY.
const v4: Table = {
  states: ['CONNECTED', ...live],
  rows: {
    HELLO: { CONNECTED: { S: 'READY', F: 'DEFUNCT' } },
    RUN: v51.rows.RUN,
    PULL: v51.rows.PULL,
    DISCARD: v51.rows.DISCARD,
    BEGIN: v51.rows.BEGIN,
    COMMIT: v51.rows.COMMIT,
    ROLLBACK: v51.rows.ROLLBACK,
    ROUTE: v51.rows.ROUTE, // from 4.3
    RESET: resetRow,
    GOODBYE: goodbyeRow(['CONNECTED', ...live]),
  },
};

// 3: PULL_ALL/DISCARD_ALL always finish the result; no second RUN in TX_STREAMING.
const v3: Table = {
  states: ['CONNECTED', ...live],
  rows: {
    HELLO: { CONNECTED: { S: 'READY', F: 'DEFUNCT' } },
    RUN: {
      READY: { S: 'STREAMING', F: 'FAILED' },
      TX_READY: { S: 'TX_STREAMING', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    PULL_ALL: {
      STREAMING: { more: 'READY', S: 'READY', F: 'FAILED' },
      TX_STREAMING: { more: 'TX_READY', S: 'TX_READY', open: 'TX_READY', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    DISCARD_ALL: {
      STREAMING: { more: 'READY', S: 'READY', F: 'FAILED' },
      TX_STREAMING: { more: 'TX_READY', S: 'TX_READY', open: 'TX_READY', F: 'FAILED' },
      ...failedOrInterrupted,
    },
    BEGIN: v51.rows.BEGIN,
    COMMIT: v51.rows.COMMIT,
    ROLLBACK: v51.rows.ROLLBACK,
    RESET: resetRow,
    GOODBYE: goodbyeRow(['CONNECTED', ...live]),
  },
};

// 1–2: INIT, no transactions, ACK_FAILURE leaves FAILED (IGNORED while INTERRUPTED).
const v1live = ['READY', 'STREAMING', 'FAILED', 'INTERRUPTED'] as const;
const v1: Table = {
  states: ['CONNECTED', ...v1live],
  rows: {
    INIT: { CONNECTED: { S: 'READY', F: 'DEFUNCT' } },
    RUN: { READY: { S: 'STREAMING', F: 'FAILED' }, ...failedOrInterrupted },
    PULL_ALL: { STREAMING: { more: 'READY', S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    DISCARD_ALL: { STREAMING: { more: 'READY', S: 'READY', F: 'FAILED' }, ...failedOrInterrupted },
    ACK_FAILURE: { FAILED: { S: 'READY', F: 'DEFUNCT' }, INTERRUPTED: 'ign' },
    RESET: Object.fromEntries(v1live.map((s) => [s, 'reset'])),
  },
};

const families: [string, BoltVersion[], Table, RequestType[]][] = [
  [
    '1–2',
    [
      { major: 1, minor: 0 },
      { major: 2, minor: 0 },
    ],
    v1,
    ['INIT', 'RUN', 'PULL_ALL', 'DISCARD_ALL', 'ACK_FAILURE', 'RESET'],
  ],
  [
    '3',
    [{ major: 3, minor: 0 }],
    v3,
    ['HELLO', 'GOODBYE', 'RESET', 'RUN', 'BEGIN', 'COMMIT', 'ROLLBACK', 'DISCARD_ALL', 'PULL_ALL'],
  ],
  [
    '4.0–4.2',
    [0, 1, 2].map((minor) => ({ major: 4, minor })),
    v4,
    ['HELLO', 'GOODBYE', 'RESET', 'RUN', 'BEGIN', 'COMMIT', 'ROLLBACK', 'DISCARD', 'PULL'],
  ],
  [
    '4.3–5.0',
    [
      { major: 4, minor: 3 },
      { major: 4, minor: 4 },
      { major: 5, minor: 0 },
    ],
    v4,
    ['HELLO', 'GOODBYE', 'RESET', 'RUN', 'BEGIN', 'COMMIT', 'ROLLBACK', 'DISCARD', 'PULL', 'ROUTE'],
  ],
  [
    '5.1–5.3',
    [1, 2, 3].map((minor) => ({ major: 5, minor })),
    v51,
    [
      'HELLO',
      'GOODBYE',
      'RESET',
      'RUN',
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
      'DISCARD',
      'PULL',
      'ROUTE',
      'LOGON',
      'LOGOFF',
    ],
  ],
  [
    '5.4–6.1',
    [
      ...[4, 6, 7, 8].map((minor) => ({ major: 5, minor })),
      { major: 6, minor: 0 },
      { major: 6, minor: 1 },
    ],
    v51,
    [
      'HELLO',
      'GOODBYE',
      'RESET',
      'RUN',
      'BEGIN',
      'COMMIT',
      'ROLLBACK',
      'DISCARD',
      'PULL',
      'ROUTE',
      'LOGON',
      'LOGOFF',
      'TELEMETRY',
    ],
  ],
];

describe('server state machine: every (state, request) pair', () => {
  for (const [family, versions, table, present] of families) {
    for (const version of versions) {
      const name = `${version.major}.${version.minor}`;
      describe(`Bolt ${name} (family ${family})`, () => {
        it('starts in the right state', () => {
          expect(initialState(version)).toBe(table.states[0]);
        });

        for (const state of ALL_STATES) {
          for (const request of ALL_REQUESTS) {
            const cell = present.includes(request) ? table.rows[request]?.[state] : undefined;
            const reachable = table.states.includes(state);
            if (!reachable && cell === undefined) {
              // Unreachable in this version (e.g. TX_READY in v1): only DEFUNCT is checked.
              if (state !== 'DEFUNCT' && state !== 'DISCONNECTED') continue;
            }
            it(`${state} + ${request}`, () => check(version, state, request, cell));
          }
        }
      });
    }
  }
});

function check(
  version: BoltVersion,
  state: ServerState,
  request: RequestType,
  cell: Cell | undefined,
): void {
  if (cell === undefined) {
    expect(admit(version, state, request)).toBe('violation');
    for (const outcome of ['SUCCESS', 'FAILURE', 'IGNORED'] as const)
      expect(transition(version, state, request, outcome)).toBe('DEFUNCT');
    return;
  }
  if (cell === 'ign') {
    expect(admit(version, state, request)).toBe('ignore');
    expect(transition(version, state, request, 'IGNORED')).toBe(state);
    return;
  }
  expect(admit(version, state, request)).toBe('process');
  if (cell === 'goodbye') {
    expect(transition(version, state, request, 'SUCCESS')).toBe('DEFUNCT');
    return;
  }
  if (cell === 'reset') {
    const interrupted = interrupt(state);
    expect(interrupted).toBe('INTERRUPTED');
    expect(admit(version, interrupted, 'RESET')).toBe('process');
    expect(transition(version, interrupted, 'RESET', 'SUCCESS')).toBe('READY');
    expect(transition(version, interrupted, 'RESET', 'FAILURE')).toBe('DEFUNCT');
    // Without the interrupt (a server that answers RESET in order) the outcome is the same.
    expect(transition(version, state, 'RESET', 'SUCCESS')).toBe('READY');
    return;
  }
  expect(transition(version, state, request, 'SUCCESS')).toBe(cell.S);
  expect(transition(version, state, request, 'FAILURE')).toBe(cell.F);
  if ('more' in cell) {
    expect(transition(version, state, request, 'SUCCESS', { hasMore: true })).toBe(cell.more);
    expect(transition(version, state, request, 'SUCCESS', { hasMore: false })).toBe(cell.S);
    if (cell.open)
      expect(transition(version, state, request, 'SUCCESS', { openResults: 1 })).toBe(cell.open);
  }
}

describe('interrupt', () => {
  it('moves every authenticated state to INTERRUPTED and nothing else', () => {
    const expected: Record<ServerState, ServerState> = {
      DISCONNECTED: 'DISCONNECTED',
      CONNECTED: 'CONNECTED',
      NEGOTIATION: 'NEGOTIATION',
      AUTHENTICATION: 'AUTHENTICATION',
      READY: 'INTERRUPTED',
      STREAMING: 'INTERRUPTED',
      TX_READY: 'INTERRUPTED',
      TX_STREAMING: 'INTERRUPTED',
      FAILED: 'INTERRUPTED',
      INTERRUPTED: 'INTERRUPTED',
      DEFUNCT: 'DEFUNCT',
    };
    for (const s of ALL_STATES) expect(interrupt(s), s).toBe(expected[s]);
  });
});

describe('conversations', () => {
  const v58: BoltVersion = { major: 5, minor: 8 };

  /** Replays requests with outcomes, the way a server enforces and a client tracks. */
  function replay(
    version: BoltVersion,
    steps: [RequestType, 'SUCCESS' | 'FAILURE' | 'IGNORED', object?][],
  ): ServerState[] {
    let state = initialState(version);
    const seen: ServerState[] = [];
    for (const [request, outcome, context] of steps) {
      state = transition(version, state, request, outcome, context);
      seen.push(state);
    }
    return seen;
  }

  it('HELLO, LOGON, RUN, PULL, GOODBYE on 5.8', () => {
    expect(
      replay(v58, [
        ['HELLO', 'SUCCESS'],
        ['LOGON', 'SUCCESS'],
        ['RUN', 'SUCCESS'],
        ['PULL', 'SUCCESS'],
        ['GOODBYE', 'SUCCESS'],
      ]),
    ).toEqual(['AUTHENTICATION', 'READY', 'STREAMING', 'READY', 'DEFUNCT']);
  });

  it('two results in a transaction, batched PULL and DISCARD', () => {
    expect(
      replay({ major: 4, minor: 4 }, [
        ['HELLO', 'SUCCESS'],
        ['BEGIN', 'SUCCESS'],
        ['RUN', 'SUCCESS'],
        ['RUN', 'SUCCESS'],
        ['PULL', 'SUCCESS', { hasMore: true, openResults: 1 }],
        ['PULL', 'SUCCESS', { openResults: 1 }],
        ['DISCARD', 'SUCCESS', { openResults: 0 }],
        ['COMMIT', 'SUCCESS'],
      ]),
    ).toEqual([
      'READY',
      'TX_READY',
      'TX_STREAMING',
      'TX_STREAMING',
      'TX_STREAMING',
      'TX_STREAMING',
      'TX_READY',
      'READY',
    ]);
  });

  it('a FAILURE, the pipelined PULL IGNORED, RESET recovers', () => {
    expect(
      replay(v58, [
        ['HELLO', 'SUCCESS'],
        ['LOGON', 'SUCCESS'],
        ['RUN', 'FAILURE'],
        ['PULL', 'IGNORED'],
        ['RESET', 'SUCCESS'],
        ['LOGOFF', 'SUCCESS'],
        ['LOGON', 'SUCCESS'],
      ]),
    ).toEqual(['AUTHENTICATION', 'READY', 'FAILED', 'FAILED', 'READY', 'AUTHENTICATION', 'READY']);
  });

  it('Bolt 1: transactions by RUN "BEGIN", recovery by ACK_FAILURE', () => {
    expect(
      replay({ major: 1, minor: 0 }, [
        ['INIT', 'SUCCESS'],
        ['RUN', 'SUCCESS'],
        ['PULL_ALL', 'SUCCESS'],
        ['RUN', 'FAILURE'],
        ['PULL_ALL', 'IGNORED'],
        ['ACK_FAILURE', 'SUCCESS'],
      ]),
    ).toEqual(['READY', 'STREAMING', 'READY', 'FAILED', 'FAILED', 'READY']);
  });

  it('a RESET that jumps the queue: queued requests are IGNORED, then READY', () => {
    let state: ServerState = 'STREAMING';
    state = interrupt(state); // RESET read while PULL and RUN wait in the queue
    expect(admit(v58, state, 'PULL')).toBe('ignore');
    state = transition(v58, state, 'PULL', 'IGNORED');
    expect(admit(v58, state, 'RUN')).toBe('ignore');
    state = transition(v58, state, 'RUN', 'IGNORED');
    expect(state).toBe('INTERRUPTED');
    expect(transition(v58, state, 'RESET', 'SUCCESS')).toBe('READY');
  });

  it('admitOrThrow names the message and the state', () => {
    expect(admitOrThrow(v58, 'FAILED', 'RUN')).toBe('ignore');
    expect(admitOrThrow(v58, 'READY', 'RUN')).toBe('process');
    expect(() => admitOrThrow(v58, 'READY', 'PULL')).toThrow(
      "Message 'PULL' cannot be handled by a session in the READY state.",
    );
    expect(() => admitOrThrow({ major: 4, minor: 4 }, 'READY', 'LOGON')).toThrow(
      expect.objectContaining({
        code: 'STATE_VIOLATION',
        message: expect.stringContaining('5.1+'),
      }),
    );
  });

  it('LOGON on 4.4 is a violation (the message does not exist there)', () => {
    expect(admit({ major: 4, minor: 4 }, 'CONNECTED', 'LOGON')).toBe('violation');
    expect(admit({ major: 4, minor: 4 }, 'READY', 'TELEMETRY')).toBe('violation');
  });
});

describe('properties over random conversations', () => {
  const states: ServerState[] = ALL_STATES;
  it('admit and transition agree, for every version, state, request and outcome', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SUPPORTED_VERSIONS),
        fc.array(
          fc.tuple(
            fc.constantFrom(...ALL_REQUESTS),
            fc.constantFrom('SUCCESS', 'FAILURE', 'IGNORED') as fc.Arbitrary<
              'SUCCESS' | 'FAILURE' | 'IGNORED'
            >,
            fc.boolean(),
            fc.nat({ max: 3 }),
          ),
          { maxLength: 30 },
        ),
        (version, steps) => {
          let state = initialState(version);
          for (const [request, outcome, hasMore, openResults] of steps) {
            const verdict = admit(version, state, request);
            const next = transition(version, state, request, outcome, { hasMore, openResults });
            expect(states).toContain(next);
            if (verdict === 'violation') expect(next).toBe('DEFUNCT');
            if (verdict === 'ignore') expect(next).toBe(state);
            if (state === 'DEFUNCT') expect(verdict).toBe('violation');
            // Nothing leaves DEFUNCT, and only a successful RESET/ACK_FAILURE leaves FAILED.
            if (state === 'FAILED' && next !== 'FAILED' && next !== 'DEFUNCT')
              expect(['RESET', 'ACK_FAILURE']).toContain(request);
            state = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

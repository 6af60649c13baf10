// The handler the interop and memory tests share: a few fixed queries with known answers, and a
// journal of every hook call so tests can check what the server asked of the handler.
import {
  Date as BoltDate,
  DateTime,
  Duration,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  PathSegment,
  Point,
  Relationship,
  Time,
} from '@bolt/packstream';
import { BoltError, type Handler, type QueryContext, type RunResult } from '../../src/index.js';

export interface DemoState {
  /** Hook calls in order: `begin`, `run:<query>`, `commit`, `rollback`, `route`, `auth:<principal>`. */
  journal: string[];
  /** Records produced by the current `UNWIND range` generator. */
  produced: number;
  /** Generators stopped early through return(). */
  returned: number;
  /** Signals seen aborted, with their reason message. */
  aborted: string[];
  /** Contexts seen by run(), for option checks. */
  contexts: QueryContext[];
  /** Committed bookmarks handed out. */
  commits: number;
}

export const PASSWORD = 'secret';
export const BEARER = 'token-123';

const alice = new Node(1, ['Person'], { name: 'Alice' }, '4:db:1');
const bob = new Node(2, ['Person'], { name: 'Bob' }, '4:db:2');
const knows = new Relationship(10, 1, 2, 'KNOWS', { since: 2020 }, '5:db:10', '4:db:1', '4:db:2');

/** Every value type of the list, with the name of the column. */
export const VALUE_ROW: Record<string, unknown> = {
  nothing: null,
  yes: true,
  no: false,
  maxInt: 9223372036854775807n,
  minInt: -9223372036854775808n,
  small: 42,
  float: 6.02214076e23,
  text: 'héllo, wörld — 日本語 🎉',
  bytes: Uint8Array.from([0, 1, 2, 254, 255]),
  list: [1, 'two', [3]],
  map: { a: 1, b: { c: 'd' } },
  node: alice,
  relationship: knows,
  path: new Path(alice, bob, [new PathSegment(alice, knows, bob)]),
  date: new BoltDate(2024, 2, 29),
  time: new Time(12, 34, 56, 789000000, 3600),
  localTime: new LocalTime(23, 59, 59, 999999999),
  dateTimeOffset: new DateTime(2024, 3, 31, 2, 30, 0, 123, 7200),
  dateTimeZone: new DateTime(2024, 7, 1, 12, 0, 0, 0, undefined, 'Europe/Paris'),
  localDateTime: new LocalDateTime(1999, 12, 31, 23, 59, 59, 1),
  duration: new Duration(14, 3, 4, 500000000),
  point2d: new Point(7203, 1.5, -2.25),
  point3d: new Point(4979, 12.5, 56.25, 100),
};

export function demoHandler(state: DemoState = newDemoState()): Handler & { state: DemoState } {
  return {
    state,
    authenticate(token) {
      state.journal.push(`auth:${String(token.principal ?? token.scheme)}`);
      if (token.scheme === 'basic' && token.credentials === PASSWORD)
        return { username: token.principal };
      if (token.scheme === 'bearer' && token.credentials === BEARER) return { username: 'bearer' };
      if (token.scheme === 'none') return { username: 'anonymous' };
      return undefined;
    },
    run(query, parameters, context): RunResult | Promise<RunResult> {
      state.journal.push(`run:${query}`);
      state.contexts.push(context);
      context.signal.addEventListener('abort', () =>
        state.aborted.push(String((context.signal.reason as Error)?.message)),
      );
      if (query === 'RETURN 1 AS n') return { fields: ['n'], records: [[1]] };
      if (query === 'RETURN $x AS x') return { fields: ['x'], records: [[parameters.x]] };
      if (query === 'VALUES')
        return { fields: Object.keys(VALUE_ROW), records: [Object.values(VALUE_ROW)] };
      if (query === 'WHOAMI')
        return { fields: ['user'], records: [[(context.user as { username: string }).username]] };
      if (query.startsWith('UNWIND range(1, $n)')) {
        const n = Number(parameters.n);
        state.produced = 0;
        return {
          fields: ['i'],
          records: (function* () {
            try {
              for (let i = 1; i <= n; i++) {
                state.produced++;
                yield [i];
              }
            } finally {
              if (state.produced < n) state.returned++;
            }
          })(),
          summary: { type: 'r', bookmark: 'bm:range' },
        };
      }
      if (query === 'ASYNC_RANGE') {
        const n = Number(parameters.n);
        state.produced = 0;
        return {
          fields: ['i'],
          records: (async function* () {
            try {
              for (let i = 1; i <= n; i++) {
                await new Promise((r) => setImmediate(r));
                state.produced++;
                yield { i };
              }
            } finally {
              if (state.produced < n) state.returned++;
            }
          })(),
        };
      }
      if (query === 'CREATE (n)')
        return { fields: [], summary: { type: 'w', stats: { 'nodes-created': 1 } } };
      if (query === 'FAIL')
        throw new BoltError('Invalid input: FAIL', {
          code: 'Neo.ClientError.Statement.SyntaxError',
          gqlStatus: '42001',
          description: 'error: syntax error or access rule violation - invalid syntax',
        });
      if (query === 'CRASH') throw new Error('something broke');
      if (query === 'FAIL_LATE')
        return {
          fields: ['i'],
          records: (function* () {
            yield [1];
            throw new BoltError('Arithmetic error: / by zero', {
              code: 'Neo.ClientError.Statement.ArithmeticError',
            });
          })(),
        };
      if (query === 'HANG')
        return new Promise((_, reject) => {
          context.signal.addEventListener('abort', () => reject(context.signal.reason));
        });
      return { fields: ['query', 'parameters'], records: [[query, parameters]] };
    },
    begin(context) {
      state.journal.push(`begin:${context.database ?? ''}:${context.mode}`);
    },
    commit() {
      state.journal.push('commit');
      return `bm:${++state.commits}`;
    },
    rollback() {
      state.journal.push('rollback');
    },
  };
}

export function newDemoState(): DemoState {
  return { journal: [], produced: 0, returned: 0, aborted: [], contexts: [], commits: 0 };
}

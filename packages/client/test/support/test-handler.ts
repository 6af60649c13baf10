import { BoltError, type Handler, type QueryContext, type RunResult } from '@bolt/server';

/** What the test handler saw. */
export interface Seen {
  queries: { query: string; parameters: Record<string, unknown>; context: QueryContext }[];
  begins: QueryContext[];
  commits: number;
  rollbacks: number;
  /** Rows produced by generators so far (back-pressure evidence). */
  produced: number;
  /** Generators closed early (DISCARD / RESET). */
  closedEarly: number;
  auths: Record<string, unknown>[];
  bookmarkCounter: number;
}

/**
 * A tiny query language for tests:
 * - `RETURN 1 AS n` -> one row {n: 1}
 * - `ECHO` -> one row {p: parameters}
 * - `ROWS` with $n -> n rows [i, "row-i", i + 0.5] (fields i, s, f), produced lazily
 * - `FAIL_AFTER` with $n -> n rows, then a TransientError... or $code
 * - `ERROR` with $code -> throws that code at once
 * - `SLOW` with $ms -> waits, then one row
 * - `FOREVER` -> rows without end
 * - `WRITE` -> no rows, stats nodes-created 1, type 'w'
 * - anything else -> one row {query}
 */
export function testHandler(
  seen: Seen,
  hooks: {
    onRow?: (i: number) => void;
    beforeRun?: (q: string) => void;
    /** What `SLOW` waits on. Default: the real timers. */
    clock?: { setTimeout(callback: () => void, ms: number): unknown };
  } = {},
): Handler {
  const wait = (ms: number) =>
    new Promise<void>((r) => (hooks.clock ? hooks.clock.setTimeout(r, ms) : setTimeout(r, ms)));
  return {
    authenticate(token) {
      seen.auths.push({ ...token });
      if (token.credentials === 'wrong') return false;
      return { username: token.principal ?? token.scheme };
    },
    begin(ctx) {
      seen.begins.push(ctx);
    },
    commit() {
      seen.commits++;
      return `bm-${++seen.bookmarkCounter}`;
    },
    rollback() {
      seen.rollbacks++;
    },
    run(query, parameters, context): RunResult {
      seen.queries.push({ query, parameters, context });
      hooks.beforeRun?.(query);
      const bookmark = context.inTransaction ? undefined : `bm-${++seen.bookmarkCounter}`;
      if (query === 'RETURN 1 AS n')
        return { fields: ['n'], records: [[1]], summary: { bookmark } };
      if (query === 'ECHO')
        return { fields: ['p'], records: [[parameters]], summary: { bookmark } };
      if (query === 'WRITE')
        return {
          fields: [],
          summary: { type: 'w', stats: { 'nodes-created': 1, 'properties-set': 2 }, bookmark },
        };
      if (query.startsWith('ERROR')) throw new BoltError('boom', { code: String(parameters.code) });
      if (query === 'SLOW') {
        return {
          fields: ['done'],
          records: (async function* () {
            await wait(Number(parameters.ms));
            yield [true];
          })(),
          summary: { bookmark },
        };
      }
      if (query === 'ROWS' || query === 'FAIL_AFTER' || query === 'FOREVER') {
        const n = query === 'FOREVER' ? Number.POSITIVE_INFINITY : Number(parameters.n);
        const fail = query === 'FAIL_AFTER';
        const code = String(parameters.code ?? 'Neo.DatabaseError.General.UnknownError');
        const onRow = hooks.onRow;
        const records = {
          [Symbol.iterator]() {
            let i = 0;
            return {
              next(): IteratorResult<unknown[]> {
                if (i >= n) {
                  if (fail) throw new BoltError(`failed after ${n} rows`, { code });
                  return { done: true, value: undefined };
                }
                seen.produced++;
                onRow?.(i);
                const v = [i, `row-${i}`, i + 0.5];
                i++;
                return { done: false, value: v };
              },
              return(): IteratorResult<unknown[]> {
                seen.closedEarly++;
                return { done: true, value: undefined };
              },
            };
          },
        };
        return { fields: ['i', 's', 'f'], records, summary: { bookmark } };
      }
      return { fields: ['query'], records: [[query]], summary: { bookmark } };
    },
  };
}

export function newSeen(): Seen {
  return {
    queries: [],
    begins: [],
    commits: 0,
    rollbacks: 0,
    produced: 0,
    closedEarly: 0,
    auths: [],
    bookmarkCounter: 0,
  };
}

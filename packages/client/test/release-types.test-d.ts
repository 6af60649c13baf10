import { expectTypeOf } from 'vitest';
import type { QueryResult, Result, Session, Transaction } from '../src/index.js';

// Compiled by `tsc -p packages/client` (typecheck): a Result is a Promise of its QueryResult,
// as the official driver's is, so it goes wherever a Promise is expected.
declare const session: Session;
declare const tx: Transaction;
const result = session.run<{ n: number }>('RETURN 1 AS n');
expectTypeOf(result).toMatchTypeOf<Promise<QueryResult<{ n: number }>>>();
const asPromise: Promise<QueryResult> = session.run('RETURN 1');
const inTx: Promise<QueryResult> = tx.run('RETURN 1');
const all: Promise<QueryResult[]> = Promise.all([session.run('RETURN 1'), tx.run('RETURN 2')]);
expectTypeOf<Result>().toMatchTypeOf<Promise<QueryResult>>();
void asPromise;
void inTx;
void all;

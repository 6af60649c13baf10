import type { Node } from '@bolt/packstream';
import { expectTypeOf } from 'vitest';
import type { QueryResult, Record, Result, Session } from '../src/index.js';

// Compiled by `tsc -p packages/client` (typecheck): the generic record API keeps its types.
declare const session: Session;
const result = session.run<{ n: Node; age: number }>('MATCH (n) RETURN n, n.age AS age');
expectTypeOf(result).toEqualTypeOf<Result<{ n: Node; age: number }>>();

declare const qr: QueryResult<{ n: Node; age: number }>;
const rec = qr.records[0];
expectTypeOf(rec).toEqualTypeOf<Record<{ n: Node; age: number }>>();
expectTypeOf(rec.get('n')).toEqualTypeOf<Node>();
expectTypeOf(rec.get('age')).toEqualTypeOf<number>();
expectTypeOf(rec.get(0)).toEqualTypeOf<unknown>();
expectTypeOf(rec.toObject()).toEqualTypeOf<{ n: Node; age: number }>();
expectTypeOf(rec.keys).toEqualTypeOf<readonly ('n' | 'age')[]>();
// @ts-expect-error: not a column
rec.get('missing');

async function iterate() {
  for await (const r of result) expectTypeOf(r.get('n')).toEqualTypeOf<Node>();
  expectTypeOf(await result.objects()).toEqualTypeOf<{ n: Node; age: number }[]>();
  expectTypeOf(await result.column('age')).toEqualTypeOf<number[]>();
}
void iterate;

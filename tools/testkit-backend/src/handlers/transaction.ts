import { Transaction } from '@bolt/client/node';
import type { Context } from '../context.js';
import { mapToNative } from '../cypher.js';
import { BackendError } from '../errors.js';

type Data = Record<string, any>;

export function TransactionRun(ctx: Context, d: Data): void {
  const entry = ctx.tx(d.txId);
  const result = entry.tx.run(d.cypher, mapToNative(d.params) ?? {});
  if (!(entry.tx instanceof Transaction)) (entry.results ??= []).push(result);
  const id = ctx.id();
  ctx.results.set(id, { result });
  ctx.write('Result', { id, keys: null });
}

/** Commit, roll back, close: explicit transactions only (a managed transaction's work cannot
 *  end it; the client's `ManagedTransaction` has no such methods). */
function explicit(ctx: Context, txId: unknown, what: string): Transaction {
  const { tx } = ctx.tx(txId);
  if (!(tx instanceof Transaction))
    throw new BackendError(`a managed transaction cannot ${what}: the client does it`);
  return tx;
}

/**
 * `TransactionCommit`. In a managed transaction's work (testkit's tests of lazily failing
 * drivers end their work with it) there is nothing to commit, the client does that when the
 * work returns; what the test waits for is a failure of the work's queries, which a JavaScript
 * work function sees when it awaits them. So: the work's results are awaited to their end and
 * their failure reported; without one, the request is refused.
 */
export async function TransactionCommit(ctx: Context, d: Data): Promise<void> {
  const entry = ctx.tx(d.txId);
  if (!(entry.tx instanceof Transaction))
    for (const result of entry.results ?? []) await result.consume();
  await explicit(ctx, d.txId, 'commit').commit();
  ctx.write('Transaction', { id: d.txId });
}

export async function TransactionRollback(ctx: Context, d: Data): Promise<void> {
  await explicit(ctx, d.txId, 'roll back').rollback();
  ctx.write('Transaction', { id: d.txId });
}

export async function TransactionClose(ctx: Context, d: Data): Promise<void> {
  await explicit(ctx, d.txId, 'close').close();
  ctx.write('Transaction', { id: d.txId });
}

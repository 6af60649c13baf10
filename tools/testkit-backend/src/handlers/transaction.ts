import { Transaction } from '@bolt/client/node';
import type { Context } from '../context.js';
import { mapToNative } from '../cypher.js';
import { BackendError } from '../errors.js';

type Data = Record<string, any>;

export function TransactionRun(ctx: Context, d: Data): void {
  const { tx } = ctx.tx(d.txId);
  const result = tx.run(d.cypher, mapToNative(d.params) ?? {});
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

export async function TransactionCommit(ctx: Context, d: Data): Promise<void> {
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

import type { ManagedTransaction, SessionConfig, TransactionConfig } from '@bolt/client/node';
import { parseAuthToken } from '../auth.js';
import type { Context } from '../context.js';
import { mapToNative } from '../cypher.js';
import { BackendError, FrontendError } from '../errors.js';
import { notificationFilter } from './shared.js';

type Data = Record<string, any>;

export function NewSession(ctx: Context, d: Data): void {
  const { driver } = ctx.driver(d.driverId);
  const config: SessionConfig = {};
  if (d.accessMode === 'r') config.defaultAccessMode = 'READ';
  else if (d.accessMode === 'w') config.defaultAccessMode = 'WRITE';
  else throw new BackendError(`unknown access mode ${JSON.stringify(d.accessMode)}`);
  if (d.bookmarks != null) config.bookmarks = d.bookmarks;
  if (d.database != null) config.database = d.database;
  if (d.fetchSize != null) config.fetchSize = d.fetchSize;
  if (d.impersonatedUser != null) config.impersonatedUser = d.impersonatedUser;
  if (d.bookmarkManagerId != null) {
    const bm = ctx.bookmarkManagers.get(Number(d.bookmarkManagerId));
    if (!bm) throw new BackendError(`no bookmark manager ${d.bookmarkManagerId}`);
    config.bookmarkManager = bm;
  }
  if (d.authorizationToken != null) config.auth = parseAuthToken(d.authorizationToken);
  const filter = notificationFilter(d);
  if (filter) config.notificationFilter = filter;
  const id = ctx.id();
  ctx.sessions.set(id, driver.session(config));
  ctx.write('Session', { id });
}

export async function SessionClose(ctx: Context, d: Data): Promise<void> {
  await ctx.session(d.sessionId).close();
  ctx.write('Session', { id: d.sessionId });
}

/** `timeout` and `txMeta` of `SessionRun` / `SessionBeginTransaction` / managed transactions.
 *  A `timeout` of null means "the server's default" (nothing sent). */
function txConfig(d: Data): TransactionConfig {
  const config: TransactionConfig = {};
  if (d.txMeta != null) config.metadata = mapToNative(d.txMeta);
  if (d.timeout != null) config.timeout = d.timeout;
  return config;
}

/** `SessionRun` answers at once, as the client's `run()` does: the query's errors surface at
 *  the first `ResultNext` / `ResultConsume` (testkit expects this of JavaScript drivers). */
export function SessionRun(ctx: Context, d: Data): void {
  const session = ctx.session(d.sessionId);
  const result = session.run(d.cypher, mapToNative(d.params) ?? {}, txConfig(d));
  const id = ctx.id();
  ctx.results.set(id, { result });
  ctx.write('Result', { id, keys: null });
}

export async function SessionBeginTransaction(ctx: Context, d: Data): Promise<void> {
  const tx = await ctx.session(d.sessionId).beginTransaction(txConfig(d));
  const id = ctx.id();
  ctx.txs.set(id, { tx, sessionId: Number(d.sessionId) });
  ctx.write('Transaction', { id });
}

export function SessionLastBookmarks(ctx: Context, d: Data): void {
  ctx.write('Bookmarks', { bookmarks: ctx.session(d.sessionId).lastBookmarks() });
}

/**
 * `SessionReadTransaction` / `SessionWriteTransaction`: each attempt of the managed
 * transaction hands testkit a `RetryableTry` and waits for `RetryablePositive` (the work
 * succeeded) or `RetryableNegative` (it threw: a driver error by id, or the test's own error).
 */
async function managed(ctx: Context, d: Data, mode: 'READ' | 'WRITE'): Promise<void> {
  const session = ctx.session(d.sessionId);
  const sessionId = Number(d.sessionId);
  const work = (tx: ManagedTransaction) =>
    new Promise<void>((resolve, reject) => {
      const id = ctx.id();
      ctx.txs.set(id, { tx, sessionId, settle: { resolve, reject } });
      ctx.write('RetryableTry', { id });
    });
  const config = txConfig(d);
  if (mode === 'READ') await session.executeRead(work, config);
  else await session.executeWrite(work, config);
  ctx.write('RetryableDone', {});
}

export function SessionReadTransaction(ctx: Context, d: Data): Promise<void> {
  return managed(ctx, d, 'READ');
}

export function SessionWriteTransaction(ctx: Context, d: Data): Promise<void> {
  return managed(ctx, d, 'WRITE');
}

/** The attempt under way in this session's managed transaction (its work is still waiting). */
function pendingAttempt(ctx: Context, sessionId: unknown) {
  for (const entry of ctx.txs.values()) {
    const settle = entry.settle;
    if (entry.sessionId === Number(sessionId) && settle) {
      entry.settle = undefined;
      return settle;
    }
  }
  throw new BackendError(`session ${sessionId} has no managed transaction waiting`);
}

export function RetryablePositive(ctx: Context, d: Data): void {
  pendingAttempt(ctx, d.sessionId).resolve();
}

export function RetryableNegative(ctx: Context, d: Data): void {
  const settle = pendingAttempt(ctx, d.sessionId);
  const known =
    d.errorId !== '' && d.errorId != null ? ctx.errors.get(Number(d.errorId)) : undefined;
  settle.reject(known ?? new FrontendError());
}

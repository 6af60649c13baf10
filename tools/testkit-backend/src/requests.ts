import type { Context } from './context.js';
import * as driver from './handlers/driver.js';
import * as managers from './handlers/managers.js';
import * as result from './handlers/result.js';
import * as session from './handlers/session.js';
import * as testing from './handlers/testing.js';
import * as transaction from './handlers/transaction.js';

/** Handles one request: writes its response (or responses) through the context; a throw or a
 *  rejection becomes the error response. */
export type Handler = (ctx: Context, data: Record<string, any>) => void | Promise<void>;

/** Every request this backend understands, by testkit's name. */
export const HANDLERS: Readonly<Record<string, Handler>> = Object.freeze({
  ...testing,
  ...driver,
  ...session,
  ...transaction,
  ...result,
  ...managers,
});

import { formatVersion } from '@bolt/parser';
import type { AuthToken } from './auth.js';
import { BoltError, usageError } from './bolt-error.js';
import type { Connection } from './connection.js';

// Re-authentication of an open connection (Bolt 5.1+): LOGOFF then LOGON, pipelined. Used
// through Connection#switchAuth and Connection#reauth.

/** LOGOFF + LOGON ahead of whatever is sent next, without waiting (see
 *  {@link Connection.switchAuth}). */
export function switchAuth(conn: Connection, token: AuthToken): Promise<void> {
  logOff(conn);
  let settle!: { resolve(): void; reject(e: BoltError): void };
  const answered = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
  });
  answered.catch(() => {});
  try {
    conn.enqueue(
      { type: 'LOGON', auth: token },
      { onSuccess: () => settle.resolve(), onFailure: (e) => settle.reject(e) },
    );
  } catch (e) {
    conn.destroy();
    throw e;
  }
  conn.auth = token;
  conn.authExpired = false;
  return answered;
}

/** LOGOFF + LOGON pipelined, waiting for LOGON's answer (see {@link Connection.reauth}). */
export async function reauth(
  conn: Connection,
  token: AuthToken,
  options: { signal?: AbortSignal; timeoutMs?: number },
): Promise<void> {
  logOff(conn);
  try {
    await conn.request({ type: 'LOGON', auth: token }, options);
  } catch (e) {
    // LOGON not sent (the token cannot be encoded): the connection is logged off and
    // cannot serve anyone; close it.
    if (BoltError.isInstance(e) && e.kind === 'usage') conn.destroy();
    throw e;
  }
  conn.auth = token;
  conn.authExpired = false;
}

/** LOGOFF, the first half of a re-authentication; a usage BoltError before 5.1. */
function logOff(conn: Connection): void {
  if (!conn.features.hasLogon)
    throw usageError(
      `re-authentication needs Bolt 5.1+; this connection speaks ${formatVersion(conn.version)}`,
    );
  conn.enqueue({ type: 'LOGOFF' });
}

import type { AuthToken } from '../auth.js';
import type { Connection } from '../connection.js';

/**
 * The home database of each user, so that a session without a database need not ask a router
 * first. Used only while every open connection is to a server with server-side routing (Bolt
 * 5.8+ with the `ssr.enabled` hint): such a server resolves the home database itself, so a
 * guess that went stale still lands in the right database (the driver only picks servers with
 * it, and sends no database name). Otherwise each such session resolves its home database with
 * a routing table, as before 5.8.
 */
export class HomeDatabaseCache {
  /** Insertion order is use order: the first entry is the least recently used. */
  private readonly entries = new Map<string, { database: string; expiresAt: number }>();
  private withSsr = 0;
  private withoutSsr = 0;

  /**
   * @param limit most users remembered (the least recently used is dropped). Default 1000.
   */
  constructor(private readonly limit = 1000) {}

  /** Whether guesses may be used: some connection open, all of them with server-side routing. */
  get enabled(): boolean {
    return this.withSsr > 0 && this.withoutSsr === 0;
  }

  /** The home database remembered for `key`, while the cache is enabled and the entry fresh. */
  get(key: string, now: number): string | undefined {
    if (!this.enabled) return undefined;
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.entries.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    return entry.database;
  }

  /** Remember `database` as `key`'s home database until `expiresAt` (the table's expiry). */
  set(key: string, database: string, expiresAt: number): void {
    this.entries.delete(key);
    this.entries.set(key, { database, expiresAt });
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  /** Count `conn` while it is open: with or without server-side routing. */
  track(conn: Connection): void {
    const ssr = conn.features?.homeDbInSuccess === true && conn.hints['ssr.enabled'] === true;
    if (ssr) this.withSsr++;
    else this.withoutSsr++;
    conn.onClose(() => {
      if (ssr) this.withSsr--;
      else this.withoutSsr--;
    });
  }

  /** Whose home database a request asks for: the impersonated user, else the session's
   *  credentials, else the driver's (the empty key). */
  static key(request: { impersonatedUser?: string; auth?: AuthToken }): string {
    if (request.impersonatedUser !== undefined) return `user:${request.impersonatedUser}`;
    const a = request.auth;
    if (a === undefined) return '';
    return `auth:${JSON.stringify([a.scheme, a.principal ?? a.credentials ?? null, a.realm ?? null])}`;
  }
}

import type { AuthToken as WireAuthToken } from '@bolt/parser';

/** An auth token as sent on the wire (the LOGON map, or inline in HELLO/INIT before 5.1): the
 *  parser's token shape, with `scheme` required on the client side. */
export type AuthToken = WireAuthToken & { scheme: string };

/**
 * Supplies the current token, and is asked again when the server says the token expired
 * (`Neo.ClientError.Security.TokenExpired`): the driver then re-authenticates the pooled
 * connections with the new token (LOGOFF/LOGON on 5.1+, reconnect before).
 */
export interface AuthTokenProvider {
  /** Return the token to use now. Called once, then again after each expiry. */
  getToken(): AuthToken | Promise<AuthToken>;
  /** Told which token the server rejected as expired, before `getToken()` is asked again. */
  onTokenExpired?(token: AuthToken): void;
}

/** The auth helpers: `auth.basic('neo4j', 'pw')`, `auth.bearer(jwt)`, ... */
export const auth = {
  /** `{scheme: "basic", principal, credentials, realm?}` */
  basic(username: string, password: string, realm?: string): AuthToken {
    const t: AuthToken = { scheme: 'basic', principal: username, credentials: password };
    if (realm !== undefined) t.realm = realm;
    return t;
  },
  /** `{scheme: "bearer", credentials: token}` (SSO / JWT). */
  bearer(token: string): AuthToken {
    return { scheme: 'bearer', credentials: token };
  },
  /** `{scheme: "kerberos", principal: "", credentials: base64Ticket}`. */
  kerberos(base64EncodedTicket: string): AuthToken {
    return { scheme: 'kerberos', principal: '', credentials: base64EncodedTicket };
  },
  /** A custom scheme; keys that are undefined are left out. */
  custom(
    principal: string,
    credentials: string | undefined,
    realm: string | undefined,
    scheme: string,
    parameters?: Record<string, unknown>,
  ): AuthToken {
    const t: AuthToken = { scheme, principal };
    if (credentials !== undefined) t.credentials = credentials;
    if (realm !== undefined) t.realm = realm;
    if (parameters !== undefined) t.parameters = parameters;
    return t;
  },
  /** `{scheme: "none"}`: no authentication. */
  none(): AuthToken {
    return { scheme: 'none' };
  },
  /** A provider that asks `getToken` once, and again whenever the server says the token expired. */
  provider(getToken: () => AuthToken | Promise<AuthToken>): AuthTokenProvider {
    return { getToken };
  },
};

export function isAuthTokenProvider(a: unknown): a is AuthTokenProvider {
  return typeof a === 'object' && a !== null && typeof (a as any).getToken === 'function';
}

/** Same scheme and same keys/values (shallow; parameters compared as JSON). */
export function sameAuth(a: AuthToken | undefined, b: AuthToken | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const va = a[k];
    const vb = b[k];
    if (va === vb) continue;
    if (typeof va === 'object' && JSON.stringify(va) === JSON.stringify(vb)) continue;
    return false;
  }
  return true;
}

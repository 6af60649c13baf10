import type { AuthToken as WireAuthToken } from '@bolt/parser';
import { type Clock, systemClock } from './clock.js';

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
  /** A custom scheme. `credentials` and `realm` that are undefined or empty, and `parameters`
   *  that are undefined or have no keys, are left out (a server reads a missing key as empty);
   *  `principal` is always sent (servers before 4.4 require it). */
  custom(
    principal: string,
    credentials: string | undefined,
    realm: string | undefined,
    scheme: string,
    parameters?: Record<string, unknown>,
  ): AuthToken {
    const t: AuthToken = { scheme, principal };
    if (credentials) t.credentials = credentials;
    if (realm) t.realm = realm;
    if (parameters !== undefined && Object.keys(parameters).length > 0) t.parameters = parameters;
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

/**
 * Supplies the token for every connection the driver hands out, and hears about the server's
 * security errors. `getToken()` is asked at each acquisition (keep it cheap: cache inside); a
 * pooled connection holding another token is re-authenticated (LOGOFF/LOGON on 5.1+, replaced
 * before). `handleSecurityException(token, code)` is told each `Neo.ClientError.Security.*`
 * failure of a connection authenticated with the manager's token; returning true says the
 * manager did something about it (e.g. will hand out a new token), and the error becomes
 * retryable, so managed transactions try again. It may answer with a promise (a manager that
 * asks a remote service): the error reaches its reader once the promise settles (a rejection
 * counts as false), and that connection's other answers wait with it; a promise that never
 * settles holds them for good, so give such calls a timeout.
 */
export interface AuthTokenManager {
  getToken(): AuthToken | Promise<AuthToken>;
  handleSecurityException(token: AuthToken, errorCode: string): boolean | Promise<boolean>;
}

/** A token and, optionally, when it stops being valid. */
export interface ExpiringAuthToken {
  token: AuthToken;
  /** When the token expires; the manager asks for a new one from then on. */
  expiration?: Date;
}

const UNAUTHORIZED = 'Neo.ClientError.Security.Unauthorized';
const TOKEN_EXPIRED = 'Neo.ClientError.Security.TokenExpired';

/** A manager that caches what `fetch` gives until it expires or one of `renewOn` says so. */
function cachingManager(
  fetch: () => ExpiringAuthToken | Promise<ExpiringAuthToken>,
  renewOn: readonly string[],
  clock: Clock = systemClock,
): AuthTokenManager {
  let cached: ExpiringAuthToken | undefined;
  let pending: Promise<AuthToken> | undefined;
  const fresh = () =>
    cached !== undefined &&
    (cached.expiration === undefined || cached.expiration.getTime() > clock.now());
  return {
    getToken() {
      if (fresh()) return cached!.token;
      pending ??= Promise.resolve()
        .then(fetch)
        .then(
          (t) => {
            cached = t;
            pending = undefined;
            return t.token;
          },
          (e) => {
            pending = undefined;
            throw e;
          },
        );
      return pending;
    },
    handleSecurityException(token, code) {
      if (!renewOn.includes(code)) return false;
      if (cached && sameAuth(cached.token, token)) cached = undefined;
      return true;
    },
  };
}

/** The built-in {@link AuthTokenManager}s. */
export const authTokenManagers = {
  /** A fixed token: never renewed, no security error handled. */
  static(token: AuthToken): AuthTokenManager {
    return { getToken: () => token, handleSecurityException: () => false };
  },
  /** Username/password that can change: `tokenProvider` is asked once, and again after the
   *  server refuses the credentials (`Neo.ClientError.Security.Unauthorized`, then retryable). */
  basic(options: { tokenProvider: () => AuthToken | Promise<AuthToken> }): AuthTokenManager {
    return cachingManager(async () => ({ token: await options.tokenProvider() }), [UNAUTHORIZED]);
  },
  /** SSO / JWT tokens that expire: `tokenProvider` gives the token and its expiration; it is
   *  asked again once the token expired, or when the server says it did (`TokenExpired`) or
   *  refuses it (`Unauthorized`); those errors then are retryable. `clock` is what the
   *  expiration is compared with (default the system clock: `Date.now()`); give it the driver's
   *  clock when the driver runs on a manual one. */
  bearer(options: {
    tokenProvider: () => ExpiringAuthToken | Promise<ExpiringAuthToken>;
    clock?: Clock;
  }): AuthTokenManager {
    return cachingManager(options.tokenProvider, [TOKEN_EXPIRED, UNAUTHORIZED], options.clock);
  },
};

export function isAuthTokenManager(a: unknown): a is AuthTokenManager {
  return (
    isAuthTokenProvider(a) &&
    typeof (a as { handleSecurityException?: unknown }).handleSecurityException === 'function'
  );
}

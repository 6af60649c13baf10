import { type AuthToken, type AuthTokenProvider, auth } from '@bolt/client/node';
import type { Context } from './context.js';
import { BackendError } from './errors.js';

/** testkit's `AuthorizationToken` (`{name: "AuthorizationToken", data: {scheme, ...}}`, or its
 *  bare data) as a client token. Fields testkit sent as null are left out. */
export function parseAuthToken(t: unknown): AuthToken {
  const wrapped = t as { name?: string; data?: unknown };
  const d = (wrapped?.name === 'AuthorizationToken' ? wrapped.data : t) as Record<string, any>;
  if (!d || typeof d.scheme !== 'string')
    throw new BackendError(`not an AuthorizationToken: ${JSON.stringify(t)}`);
  const opt = (v: unknown) => (v === null || v === undefined ? undefined : v);
  switch (d.scheme) {
    case 'basic':
      return auth.basic(d.principal ?? '', d.credentials ?? '', opt(d.realm) as string | undefined);
    case 'bearer':
      return auth.bearer(d.credentials ?? '');
    case 'kerberos':
      return auth.kerberos(d.credentials ?? '');
    default:
      return auth.custom(
        d.principal ?? '',
        opt(d.credentials) as string | undefined,
        opt(d.realm) as string | undefined,
        d.scheme,
        opt(d.parameters) as Record<string, unknown> | undefined,
      );
  }
}

/**
 * `NewAuthTokenManager`: a provider whose every `getToken()` asks testkit
 * (`AuthTokenManagerGetAuthRequest`), and which tells testkit about an expired token
 * (`AuthTokenManagerHandleSecurityExceptionRequest`; the client does not wait for the answer).
 */
export function customAuthManager(ctx: Context, managerId: number): AuthTokenProvider {
  return {
    getToken: async () =>
      parseAuthToken(
        await ctx.ask<unknown>('AuthTokenManagerGetAuthRequest', (id) => ({
          id,
          authTokenManagerId: managerId,
        })),
      ),
    onTokenExpired: (token) => {
      ctx
        .ask('AuthTokenManagerHandleSecurityExceptionRequest', (id) => ({
          id,
          authTokenManagerId: managerId,
          auth: { name: 'AuthorizationToken', data: token },
          errorCode: 'Neo.ClientError.Security.TokenExpired',
        }))
        .catch(() => {});
    },
  };
}

/** `NewBearerAuthTokenManager` / `NewBasicAuthTokenManager`: a provider asking testkit's token
 *  provider function for a token (`...AuthTokenProviderRequest`). */
export function providerAuthManager(
  ctx: Context,
  managerId: number,
  kind: 'Basic' | 'Bearer',
): AuthTokenProvider {
  return {
    getToken: async () => {
      const answer = await ctx.ask<any>(`${kind}AuthTokenProviderRequest`, (id) =>
        kind === 'Basic'
          ? { id, basicAuthTokenManagerId: managerId }
          : { id, bearerAuthTokenManagerId: managerId },
      );
      // Bearer answers carry {auth, expiresInMs}; basic answers are the token itself.
      const token = kind === 'Bearer' ? (answer?.data?.auth ?? answer?.auth) : answer;
      return parseAuthToken(token);
    },
  };
}

import { type AuthToken, type AuthTokenManager, auth, authTokenManagers } from '@bolt/client/node';
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
 * `NewAuthTokenManager`: a manager whose every `getToken()` asks testkit
 * (`AuthTokenManagerGetAuthRequest`), and whose `handleSecurityException` asks testkit whether
 * it handles each security error (`AuthTokenManagerHandleSecurityExceptionRequest`): the client
 * waits for that answer before the error reaches its reader.
 */
export function customAuthManager(ctx: Context, managerId: number): AuthTokenManager {
  return {
    getToken: async () =>
      parseAuthToken(
        await ctx.ask<unknown>('AuthTokenManagerGetAuthRequest', (id) => ({
          id,
          authTokenManagerId: managerId,
        })),
      ),
    handleSecurityException: async (token, errorCode) =>
      (await ctx.ask<unknown>('AuthTokenManagerHandleSecurityExceptionRequest', (id) => ({
        id,
        authTokenManagerId: managerId,
        auth: { name: 'AuthorizationToken', data: token },
        errorCode,
      }))) === true,
  };
}

/** `NewBasicAuthTokenManager` / `NewBearerAuthTokenManager`: the client's built-in managers
 *  (`authTokenManagers.basic` / `.bearer`) over testkit's token provider function
 *  (`...AuthTokenProviderRequest`). */
export function providerAuthManager(
  ctx: Context,
  managerId: number,
  kind: 'Basic' | 'Bearer',
): AuthTokenManager {
  if (kind === 'Basic')
    return authTokenManagers.basic({
      tokenProvider: async () =>
        parseAuthToken(
          await ctx.ask<unknown>('BasicAuthTokenProviderRequest', (id) => ({
            id,
            basicAuthTokenManagerId: managerId,
          })),
        ),
    });
  return authTokenManagers.bearer({
    clock: ctx.clock,
    tokenProvider: async () => {
      // {name: "AuthTokenAndExpiration", data: {auth, expiresInMs}}
      const answer = await ctx.ask<any>('BearerAuthTokenProviderRequest', (id) => ({
        id,
        bearerAuthTokenManagerId: managerId,
      }));
      const d = answer?.data ?? answer;
      const ms = d?.expiresInMs;
      return {
        token: parseAuthToken(d?.auth),
        expiration:
          typeof ms === 'number' || typeof ms === 'bigint'
            ? new Date(ctx.clock.now() + Number(ms))
            : undefined,
      };
    },
  });
}

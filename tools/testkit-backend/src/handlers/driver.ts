import {
  type AuthToken,
  type AuthTokenManager,
  type BookmarkManager,
  driver as createDriver,
  type DriverConfig,
  type ExecuteQueryOptions,
} from '@bolt/client/node';
import { parseAuthToken } from '../auth.js';
import type { Context } from '../context.js';
import { mapToNative } from '../cypher.js';
import { BackendError } from '../errors.js';
import { summaryData } from '../summary.js';
import { notificationFilter, recordValues } from './shared.js';

type Data = Record<string, any>;

/** The official drivers' default batch size, which testkit's scripts expect. */
const DEFAULT_FETCH_SIZE = 1000;

/**
 * The handshake of a driver of this testkit branch's era: [5.8–5.0], [4.4–4.2], 4.1, 3.0. Its
 * stub servers model real 4.1 and 4.2 servers, which read no version ranges and so need 4.1 in
 * a slot of its own. The client's default handshake spends that slot on the manifest (6.x
 * servers), as the official 6.x drivers do, and reaches 4.1/4.2 servers at 3.0; a user talking
 * to 4.1/4.2 servers sets the same `protocolVersions` as here. This branch of testkit knows
 * neither the manifest nor 6.x.
 */
const TESTKIT_ERA_PROPOSALS = Object.freeze([
  { major: 5, minor: 8, range: 8 },
  { major: 4, minor: 4, range: 2 },
  { major: 4, minor: 1 },
  { major: 3, minor: 0 },
]);

/** `NewDriver`: a driver with testkit's settings. The client runs with `integers: 'bigint'`, so
 *  INTEGER and FLOAT stay distinguishable (testkit's CypherInt / CypherFloat). */
export function NewDriver(ctx: Context, d: Data): void {
  if (d.clientCertificate != null || d.clientCertificateProviderId != null)
    throw new BackendError('@bolt/client has no client certificate option');
  let auth: AuthToken | AuthTokenManager | undefined;
  if (d.authorizationToken != null) auth = parseAuthToken(d.authorizationToken);
  else if (d.authTokenManagerId != null) {
    auth = ctx.authManagers.get(Number(d.authTokenManagerId)) as AuthTokenManager | undefined;
    if (!auth) throw new BackendError(`no auth token manager ${d.authTokenManagerId}`);
  }
  const config: DriverConfig = {
    auth,
    integers: 'bigint',
    protocolVersions: TESTKIT_ERA_PROPOSALS,
    // every timer and time reading goes through the clock testkit can freeze (Backend:MockTime)
    clock: ctx.clock,
  };
  if (ctx.options.netModule) config.netModule = ctx.options.netModule;
  // the resolver asks testkit (ResolverResolutionRequired / ResolverResolutionCompleted)
  if (d.resolverRegistered)
    config.resolver = (address) =>
      ctx.ask<string[]>('ResolverResolutionRequired', (id) => ({ id, address }));
  // so does the domain name resolver (DomainNameResolutionRequired / ...Completed)
  if (d.domainNameResolverRegistered)
    config.domainNameResolver = (name) =>
      ctx.ask<string[]>('DomainNameResolutionRequired', (id) => ({ id, name }));
  if (d.userAgent != null) config.userAgent = d.userAgent;
  if (d.connectionTimeoutMs != null) config.connectionTimeoutMs = d.connectionTimeoutMs;
  // testkit's scripts expect the official drivers' default: every PULL asks for 1000 records.
  // Left at its default, our client fetches an awaited result (executeQuery, list()) with one
  // PULL {n: -1} instead, so the backend sets the same batch size explicitly.
  config.fetchSize = d.fetchSize ?? DEFAULT_FETCH_SIZE;
  // BEGIN answered before beginTransaction() resolves and before managed work runs, as testkit's
  // Optimization:EagerTransactionBegin expects (the backend claims it)
  config.eagerBegin = true;
  if (d.maxTxRetryTimeMs != null) config.maxTransactionRetryTimeMs = d.maxTxRetryTimeMs;
  if (d.livenessCheckTimeoutMs != null)
    config.connectionLivenessCheckTimeoutMs = d.livenessCheckTimeoutMs;
  if (d.maxConnectionPoolSize != null) config.maxConnectionPoolSize = d.maxConnectionPoolSize;
  if (d.connectionAcquisitionTimeoutMs != null)
    config.connectionAcquisitionTimeoutMs = d.connectionAcquisitionTimeoutMs;
  if (d.telemetryDisabled != null) config.telemetryDisabled = d.telemetryDisabled;
  const filter = notificationFilter(d);
  if (filter) config.notificationFilter = filter;
  if (d.encrypted === true) {
    const trusted = d.trustedCertificates;
    if (Array.isArray(trusted) && trusted.length > 0)
      throw new BackendError('custom CA files are not wired into this backend');
    config.tls = { enabled: true, trust: Array.isArray(trusted) ? 'all' : 'system' };
  }
  const driver = createDriver(d.uri, config);
  const id = ctx.id();
  ctx.drivers.set(id, { driver });
  ctx.write('Driver', { id });
}

export async function DriverClose(ctx: Context, d: Data): Promise<void> {
  await ctx.driver(d.driverId).driver.close();
  ctx.write('Driver', { id: d.driverId });
}

export async function VerifyConnectivity(ctx: Context, d: Data): Promise<void> {
  await ctx.driver(d.driverId).driver.verifyConnectivity();
  ctx.write('Driver', { id: d.driverId });
}

export async function GetServerInfo(ctx: Context, d: Data): Promise<void> {
  const info = await ctx.driver(d.driverId).driver.getServerInfo();
  ctx.write('ServerInfo', {
    address: info.address,
    agent: info.agent,
    protocolVersion: info.protocolVersion,
  });
}

export async function CheckMultiDBSupport(ctx: Context, d: Data): Promise<void> {
  const available = await ctx.driver(d.driverId).driver.supportsMultiDb();
  ctx.write('MultiDBSupport', { id: d.driverId, available });
}

export async function VerifyAuthentication(ctx: Context, d: Data): Promise<void> {
  const authenticated = await ctx.driver(d.driverId).driver.verifyAuthentication({
    auth: d.authorizationToken != null ? parseAuthToken(d.authorizationToken) : undefined,
  });
  ctx.write('DriverIsAuthenticated', { id: d.driverId, authenticated });
}

export async function CheckSessionAuthSupport(ctx: Context, d: Data): Promise<void> {
  const available = await ctx.driver(d.driverId).driver.supportsSessionAuth();
  ctx.write('SessionAuthSupport', { id: d.driverId, available });
}

export function CheckDriverIsEncrypted(ctx: Context, d: Data): void {
  ctx.write('DriverIsEncrypted', { encrypted: ctx.driver(d.driverId).driver.isEncrypted() });
}

export function GetConnectionPoolMetrics(ctx: Context, d: Data): void {
  const m = ctx.driver(d.driverId).driver.serverPoolMetrics(String(d.address));
  ctx.write('ConnectionPoolMetrics', { inUse: m.active, idle: m.idle });
}

/** The routing table the driver holds (an empty one when it holds none, as for a database it
 *  never routed for). */
export function GetRoutingTable(ctx: Context, d: Data): void {
  const t = ctx.driver(d.driverId).driver.routingTable(d.database ?? undefined);
  ctx.write('RoutingTable', {
    database: t ? t.database : (d.database ?? null),
    ttl: t ? t.ttl : 0,
    routers: t ? t.routers : [],
    readers: t ? t.readers : [],
    writers: t ? t.writers : [],
  });
}

export async function ForcedRoutingTableUpdate(ctx: Context, d: Data): Promise<void> {
  await ctx.driver(d.driverId).driver.refreshRoutingTable({
    database: d.database ?? undefined,
    bookmarks: d.bookmarks ?? undefined,
  });
  ctx.write('Driver', { id: d.driverId });
}

export async function ExecuteQuery(ctx: Context, d: Data): Promise<void> {
  const { driver } = ctx.driver(d.driverId);
  const c: Data = d.config ?? {};
  const options: ExecuteQueryOptions = {};
  if (c.routing === 'r') options.routing = 'READ';
  else if (c.routing === 'w') options.routing = 'WRITE';
  else if (c.routing != null) throw new BackendError(`unknown routing ${c.routing}`);
  if (c.database != null) options.database = c.database;
  if (c.impersonatedUser != null) options.impersonatedUser = c.impersonatedUser;
  if ('bookmarkManagerId' in c) {
    if (c.bookmarkManagerId === -1) options.bookmarkManager = null;
    else {
      const bm: BookmarkManager | undefined = ctx.bookmarkManagers.get(Number(c.bookmarkManagerId));
      if (!bm) throw new BackendError(`no bookmark manager ${c.bookmarkManagerId}`);
      options.bookmarkManager = bm;
    }
  }
  if (c.txMeta != null) options.metadata = mapToNative(c.txMeta);
  if (c.timeout != null) options.timeout = c.timeout;
  if (c.authorizationToken != null) options.auth = parseAuthToken(c.authorizationToken);
  const result = await driver.executeQuery(d.cypher, mapToNative(d.params) ?? {}, options);
  ctx.write('EagerResult', {
    keys: result.keys,
    records: result.records.map((r) => ({ values: recordValues(r) })),
    summary: summaryData(result.summary),
  });
}

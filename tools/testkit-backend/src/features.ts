/**
 * What `GetFeatures` reports: only what @bolt/client does. testkit skips the tests of a feature
 * left out here ("Needs support for ..."), so a missing entry is a gap, never a failure.
 *
 * Left out on purpose, because the client lacks them:
 * - `Feature:API:SSLClientCertificate`: no client certificates.
 * - `Feature:API:SSLConfig`: TLS settings exist, but custom CA files are not wired in here.
 * - `Feature:Bolt:5.5`: the client does not speak 5.5 (a version withdrawn by Neo4j).
 * - `Optimization:ResultListFetchAll`: with a configured fetch size, `records()` pulls in
 *   batches of it.
 * - `Detail:NumberIsNumber`: the backend runs the client with `integers: 'bigint'`, so INTEGER
 *   and FLOAT come back as different JS types.
 */
export const FEATURES: readonly string[] = Object.freeze([
  // API
  'Feature:API:BookmarkManager',
  'Feature:API:ConnectionAcquisitionTimeout',
  'Feature:API:Driver.ExecuteQuery',
  'Feature:API:Driver.ExecuteQuery:WithAuth',
  'Feature:API:Driver:GetServerInfo',
  'Feature:API:Driver.IsEncrypted',
  'Feature:API:Driver:NotificationsConfig',
  'Feature:API:Driver.SupportsSessionAuth',
  'Feature:API:Driver.VerifyAuthentication',
  'Feature:API:Driver.VerifyConnectivity',
  'Feature:API:Liveness.Check',
  'Feature:API:Result.List',
  'Feature:API:Result.Peek',
  'Feature:API:Result.Single',
  'Feature:API:Result.SingleOptional',
  'Feature:API:RetryableExceptions',
  'Feature:API:Session:AuthConfig',
  'Feature:API:Session:NotificationsConfig',
  'Feature:API:SSLSchemes',
  'Feature:API:Summary:GqlStatusObjects',
  'Feature:API:Type.Spatial',
  'Feature:API:Type.Temporal',
  // auth
  'Feature:Auth:Bearer',
  'Feature:Auth:Custom',
  'Feature:Auth:Kerberos',
  'Feature:Auth:Managed',
  // protocol versions (6.0 and 6.1 have no testkit flag on this branch)
  'Feature:Bolt:3.0',
  // 4.1 and 4.2 through the handshake of testkit's era (handlers/driver.ts, TESTKIT_ERA_PROPOSALS)
  'Feature:Bolt:4.1',
  'Feature:Bolt:4.2',
  'Feature:Bolt:4.3',
  'Feature:Bolt:4.4',
  'Feature:Bolt:5.0',
  'Feature:Bolt:5.1',
  'Feature:Bolt:5.2',
  'Feature:Bolt:5.3',
  'Feature:Bolt:5.4',
  'Feature:Bolt:5.6',
  'Feature:Bolt:5.7',
  'Feature:Bolt:Patch:UTC',
  'Feature:Impersonation',
  // an expired authorization marks the connection for re-authentication; the error is retryable
  'AuthorizationExpiredTreatment',
  // TLS versions Node's defaults accept
  'Feature:TLS:1.2',
  'Feature:TLS:1.3',
  // server hints
  'ConfHint:connection.recv_timeout_seconds',
  // optimizations
  'Optimization:ConnectionReuse',
  'Optimization:PullPipelining',
  'Optimization:ExecuteQueryPipelining',
  'Optimization:MinimalBookmarksSet',
  // HELLO and LOGON (and LOGOFF/LOGON) go out together, without a round trip between
  'Optimization:AuthPipelining',
  // defaults are left out of the messages (no `mode: "w"`, no empty `db`, no `qid` for the last
  // query)
  'Optimization:ImplicitDefaultArguments',
  // the backend's drivers run with eagerBegin: BEGIN answered before beginTransaction()
  // resolves and before managed work runs
  'Optimization:EagerTransactionBegin',
  // the pool RESETs only connections that need it (failed, interrupted, idle past the liveness
  // check), never after a clean COMMIT or a consumed result
  'Optimization:MinimalResets',
  // backend: a clock testkit can freeze and advance (every driver and bearer manager reads it)
  'Backend:MockTime',
  // backend (test-only access to the driver's routing tables)
  'Backend:RTFetch',
  'Backend:RTForceUpdate',
]);

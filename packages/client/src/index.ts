export {
  Date,
  DateTime,
  Duration,
  Float,
  float,
  LocalDateTime,
  LocalTime,
  Node,
  Path,
  PathSegment,
  Point,
  Relationship,
  Structure,
  Time,
  UnboundRelationship,
  UnsupportedType,
  Uuid,
  Vector,
} from '@bolt/packstream';
export {
  type AuthToken,
  type AuthTokenManager,
  type AuthTokenProvider,
  auth,
  authTokenManagers,
  type ExpiringAuthToken,
} from './auth.js';
export {
  BoltError,
  type BoltErrorKind,
  type ErrorClassification,
  PROTOCOL_ERROR,
  SERVICE_UNAVAILABLE,
  SESSION_EXPIRED,
} from './bolt-error.js';
export {
  type BookmarkManager,
  type BookmarkManagerOptions,
  bookmarkManager,
} from './bookmark-manager.js';
export type { TransactionConfig } from './build-tx-extra.js';
export { type Clock, systemClock } from './clock.js';
export {
  CLIENT_PRODUCT,
  CLIENT_PROPOSALS,
  Connection,
  type ConnectionOptions,
  LEGACY_PROPOSALS,
  type ResponseObserver,
} from './connection.js';
export type { DomainNameResolver } from './connection-options.js';
export type { AcquireRequest, ConnectionProvider } from './connection-provider.js';
export {
  DirectConnectionProvider,
  type DirectConnectionProviderOptions,
} from './direct-connection-provider.js';
export { Driver, type DriverConfig, driver, type ExecuteQueryOptions } from './driver.js';
export { consoleLogger, type Logger, type LogLevel } from './logger.js';
export type { NotificationFilter } from './notification-filter.js';
export type {
  GqlStatusObject,
  InputPosition,
  Notification,
  NotificationClassification,
  NotificationSeverityLevel,
} from './notifications.js';
export { type ParsedUrl, parseUrl } from './parse-url.js';
export { Pool, type PoolOptions } from './pool.js';
export { Record, type RecordShape } from './record.js';
export { Result } from './result.js';
export {
  type Plan,
  type ProfiledPlan,
  QueryStatistics,
  type QueryType,
  ResultSummary,
  type ServerInfo,
} from './result-summary.js';
export type { QueryResult, ResultObserver, WaitOptions } from './result-types.js';
export { type RetryOptions, retry } from './retry.js';
export type { AddressResolver } from './routing/rediscovery.js';
export {
  RoutingConnectionProvider,
  type RoutingConnectionProviderOptions,
} from './routing/routing-connection-provider.js';
export type { RoutingTableSnapshot } from './routing/routing-table.js';
export type { PoolMetrics } from './routing/server-pools.js';
export { type AccessMode, Session, type SessionConfig } from './session.js';
export { ManagedTransaction, Transaction } from './transaction.js';

// The value classes a handler builds results from (the same classes as @bolt/packstream's).
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
  BoltError,
  type BoltErrorOptions,
  type ErrorClassification,
  GENERAL_GQL_STATUS,
  UNKNOWN_ERROR_CODE,
} from './bolt-error.js';
export {
  type BoltCluster,
  type ClusterMember,
  type ClusterOptions,
  createCluster,
} from './cluster.js';
export type {
  AuthToken,
  ConnectionInfo,
  Handler,
  QueryContext,
  QueryFunction,
  RecordValues,
  ResultSummary,
  RouteContext,
  RoutingRole,
  RoutingTable,
  RunResult,
  RunReturn,
  TransactionOptions,
} from './handler.js';
export { consoleLogger, type Logger, type LogLevel } from './logger.js';
export { type BoltServer, createServer } from './server.js';
export type { ResolvedServerOptions, ServerOptions } from './server-options.js';
export { type Clock, systemClock } from './session/clock.js';

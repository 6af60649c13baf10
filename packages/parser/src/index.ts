export {
  BoltFeedParser,
  type BoltFeedParserOptions,
  type HandshakeInfo,
} from './bolt-feed-parser.js';
export {
  ClientHandshake,
  type ClientHandshakeOptions,
  type ClientHandshakeResult,
} from './client-handshake.js';
export { customStructs } from './custom-structs.js';
export { DEFAULT_DIAGNOSTIC_RECORD, diagnosticRecord } from './diagnostic-record.js';
export {
  classificationOf,
  classifyCode,
  defaultDescription,
  type ErrorClassification,
  type Failure,
  type FailureShape,
  failureFromMetadata,
  failureMetadata,
  GENERAL_GQL_STATUS,
  isRetryable,
  MAX_CAUSE_DEPTH,
  NO_CODE,
  UNKNOWN_ERROR_CODE,
} from './failure.js';
export { type BoltFeatures, features } from './features.js';
export { type FormatMessageOptions, formatMessage, LOG_FORMAT } from './format-message.js';
export {
  isNotificationStatus,
  notificationStatus,
  outcomeStatus,
  type ResultOutcome,
  statusesFromNotifications,
} from './gql-statuses.js';
export {
  BOLT_MAGIC,
  DEFAULT_CLIENT_PROPOSALS,
  encodeClientHandshake,
  encodeVersion,
  expandProposal,
  formatProposal,
  isManifestProposal,
  MANIFEST_NO_MATCH,
  MANIFEST_V1,
  readProposal,
  type VersionProposal,
  writeProposal,
} from './handshake-bytes.js';
export { fromHex, hex } from './hex.js';
export { consoleLogger, type Logger, type LogLevel } from './logger.js';
export {
  requestForSignature,
  requestInVersion,
  requestVersions,
  SIGNATURE,
} from './message-catalog.js';
export {
  MessageCodec,
  type MessageCodecOptions,
  type StructsFor,
} from './message-codec.js';
export { chooseFromManifest, manifestEntries, negotiate } from './negotiate.js';
export { ProtocolError, type ProtocolErrorCode } from './protocol-error.js';
export type * from './request.js';
export { REQUEST_TYPES } from './request.js';
export type * from './response.js';
export {
  looksLikeHttp,
  ServerHandshake,
  type ServerHandshakeOptions,
  type ServerHandshakeResult,
} from './server-handshake.js';
export {
  type Admission,
  admit,
  admitOrThrow,
  initialState,
  interrupt,
  type Outcome,
  type ServerState,
  type TransitionContext,
  transition,
} from './state-machine.js';
export {
  encodeVarint,
  readVarint,
  VARINT_MAX,
  VARINT_MAX_BYTES,
  type VarintRead,
} from './varint.js';
export {
  atLeast,
  type BoltVersion,
  compareVersions,
  formatVersion,
  isForbiddenVersion,
  isVersionIn,
  LATEST_VERSION,
  parseVersion,
  SUPPORTED_VERSIONS,
  sameVersion,
} from './versions.js';

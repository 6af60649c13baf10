/**
 * The public surface: handshakes, the message codec, the feed parser, typed messages, the server
 * state machine, failures and statuses, formatting and logging. Byte-level helpers (varints,
 * proposal encoding, negotiation steps, the signature table) are in `@bolt/parser/internal`.
 */
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
export { type Clock, isClock, systemClock } from './clock.js';
export { customStructs } from './custom-structs.js';
export { DEFAULT_DIAGNOSTIC_RECORD, diagnosticRecord } from './diagnostic-record.js';
export {
  classifyCode,
  type ErrorClassification,
  type Failure,
  type FailureShape,
  failureFromMetadata,
  failureMetadata,
  isRetryable,
} from './failure.js';
export { type BoltFeatures, features } from './features.js';
export { type FormatMessageOptions, formatMessage, LOG_FORMAT } from './format-message.js';
export { type ResultOutcome, statusesFromNotifications } from './gql-statuses.js';
export {
  DEFAULT_CLIENT_PROPOSALS,
  encodeClientHandshake,
  MANIFEST_V1,
  type VersionProposal,
} from './handshake-bytes.js';
export { type Introduction, openingRequests } from './hello.js';
export { fromHex, hex } from './hex.js';
export { consoleLogger, type Logger, type LogLevel } from './logger.js';
export { MessageCodec, type MessageCodecOptions, type StructsFor } from './message-codec.js';
export { ProtocolError, type ProtocolErrorCode } from './protocol-error.js';
export type * from './request.js';
export { REQUEST_TYPES } from './request.js';
export type * from './response.js';
export {
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
  type BoltVersion,
  compareVersions,
  formatVersion,
  isVersionIn,
  LATEST_VERSION,
  parseVersion,
  SUPPORTED_VERSIONS,
} from './versions.js';

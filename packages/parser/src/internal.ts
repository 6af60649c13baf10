/**
 * `@bolt/parser/internal`: the building blocks behind the public entry, for the toolkit's own
 * packages, tools and tests. Everything of the public entry is here too. These names may change
 * between minor versions.
 */

export {
  classificationOf,
  defaultDescription,
  GENERAL_GQL_STATUS,
  MAX_CAUSE_DEPTH,
  NO_CODE,
  UNKNOWN_ERROR_CODE,
} from './failure.js';
export { isMap } from './field-checks.js';
export { isNotificationStatus, notificationStatus, outcomeStatus } from './gql-statuses.js';
export {
  BOLT_MAGIC,
  encodeVersion,
  expandProposal,
  formatProposal,
  isManifestProposal,
  MANIFEST_NO_MATCH,
  readProposal,
  writeProposal,
} from './handshake-bytes.js';
export * from './index.js';
export {
  requestForSignature,
  requestInVersion,
  requestVersions,
  SIGNATURE,
} from './message-catalog.js';
export { chooseFromManifest, manifestEntries, negotiate } from './negotiate.js';
export { looksLikeHttp } from './server-handshake.js';
export {
  encodeVarint,
  readVarint,
  VARINT_MAX,
  VARINT_MAX_BYTES,
  type VarintRead,
} from './varint.js';
export { atLeast, isForbiddenVersion, sameVersion } from './versions.js';

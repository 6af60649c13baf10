import { type BoltFeatures, features } from './features.js';
import type { RequestType } from './request.js';
import type { ResponseType } from './response.js';
import { type BoltVersion, formatVersion, LATEST_VERSION, SUPPORTED_VERSIONS } from './versions.js';

/** Message signatures (struct tags), as in the Bolt message specification: https://neo4j.com/docs/bolt/current/bolt/message/ */
export const SIGNATURE = Object.freeze({
  INIT: 0x01,
  HELLO: 0x01,
  GOODBYE: 0x02,
  ACK_FAILURE: 0x0e,
  RESET: 0x0f,
  RUN: 0x10,
  BEGIN: 0x11,
  COMMIT: 0x12,
  ROLLBACK: 0x13,
  DISCARD_ALL: 0x2f,
  DISCARD: 0x2f,
  PULL_ALL: 0x3f,
  PULL: 0x3f,
  TELEMETRY: 0x54,
  ROUTE: 0x66,
  LOGON: 0x6a,
  LOGOFF: 0x6b,
  SUCCESS: 0x70,
  RECORD: 0x71,
  IGNORED: 0x7e,
  FAILURE: 0x7f,
} as const satisfies Record<RequestType | ResponseType, number>);

/** Whether each request exists in a version, as a row of {@link features} (which messages each version has). */
const EXISTS: Record<RequestType, (f: BoltFeatures) => boolean> = {
  INIT: (f) => !f.hasHello,
  HELLO: (f) => f.hasHello,
  GOODBYE: (f) => f.goodbye,
  ACK_FAILURE: (f) => f.ackFailure,
  RESET: () => true,
  RUN: () => true,
  BEGIN: (f) => f.explicitTx,
  COMMIT: (f) => f.explicitTx,
  ROLLBACK: (f) => f.explicitTx,
  DISCARD_ALL: (f) => !f.pullN,
  PULL_ALL: (f) => !f.pullN,
  DISCARD: (f) => f.pullN,
  PULL: (f) => f.pullN,
  TELEMETRY: (f) => f.telemetry,
  ROUTE: (f) => f.hasRoute,
  LOGON: (f) => f.hasLogon,
  LOGOFF: (f) => f.hasLogon,
};

/** True when the request exists in `version`. */
export function requestInVersion(type: RequestType, version: BoltVersion): boolean {
  return EXISTS[type](features(version));
}

/** `"1.0–2.0"`, `"5.1+"`: the supported versions that have a request, for error messages. */
export function requestVersions(type: RequestType): string {
  const having = SUPPORTED_VERSIONS.filter((v) => requestInVersion(type, v));
  const newest = having[0];
  const oldest = having[having.length - 1];
  return newest === LATEST_VERSION
    ? `${formatVersion(oldest)}+`
    : `${formatVersion(oldest)}–${formatVersion(newest)}`;
}

/** The request of `version` with this signature, or undefined when none has it. */
export function requestForSignature(tag: number, version: BoltVersion): RequestType | undefined {
  switch (tag) {
    case 0x01:
      return features(version).hasHello ? 'HELLO' : 'INIT';
    case 0x2f:
      return features(version).pullN ? 'DISCARD' : 'DISCARD_ALL';
    case 0x3f:
      return features(version).pullN ? 'PULL' : 'PULL_ALL';
    default:
      return REQUEST_BY_TAG.get(tag);
  }
}

const REQUEST_BY_TAG = new Map<number, RequestType>([
  [0x02, 'GOODBYE'],
  [0x0e, 'ACK_FAILURE'],
  [0x0f, 'RESET'],
  [0x10, 'RUN'],
  [0x11, 'BEGIN'],
  [0x12, 'COMMIT'],
  [0x13, 'ROLLBACK'],
  [0x54, 'TELEMETRY'],
  [0x66, 'ROUTE'],
  [0x6a, 'LOGON'],
  [0x6b, 'LOGOFF'],
]);

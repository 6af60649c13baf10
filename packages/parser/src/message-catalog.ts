import type { RequestType } from './request.js';
import type { ResponseType } from './response.js';
import { atLeast, type BoltVersion } from './versions.js';

/** Message signatures (struct tags), BOLT.md §6.1. */
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

/** [first version, last version or undefined] per request (BOLT.md §6.2). */
const SPAN: Record<RequestType, readonly [BoltVersion, BoltVersion | undefined]> = {
  INIT: [v(1), v(2)],
  HELLO: [v(3), undefined],
  GOODBYE: [v(3), undefined],
  ACK_FAILURE: [v(1), v(2)],
  RESET: [v(1), undefined],
  RUN: [v(1), undefined],
  BEGIN: [v(3), undefined],
  COMMIT: [v(3), undefined],
  ROLLBACK: [v(3), undefined],
  DISCARD_ALL: [v(1), v(3)],
  PULL_ALL: [v(1), v(3)],
  DISCARD: [v(4), undefined],
  PULL: [v(4), undefined],
  TELEMETRY: [v(5, 4), undefined],
  ROUTE: [v(4, 3), undefined],
  LOGON: [v(5, 1), undefined],
  LOGOFF: [v(5, 1), undefined],
};

function v(major: number, minor = 0): BoltVersion {
  return { major, minor };
}

/** True when the request exists in `version`. */
export function requestInVersion(type: RequestType, version: BoltVersion): boolean {
  const [from, to] = SPAN[type];
  if (!atLeast(version, from.major, from.minor)) return false;
  return to === undefined || !atLeast(version, to.major, to.minor + 1);
}

/** `"1–2"`, `"5.1+"`: where a request exists, for error messages. */
export function requestVersions(type: RequestType): string {
  const [from, to] = SPAN[type];
  const f = `${from.major}.${from.minor}`;
  return to ? `${f}–${to.major}.${to.minor}` : `${f}+`;
}

/** The request of `version` with this signature, or undefined when none has it. */
export function requestForSignature(tag: number, version: BoltVersion): RequestType | undefined {
  switch (tag) {
    case 0x01:
      return atLeast(version, 3) ? 'HELLO' : 'INIT';
    case 0x2f:
      return atLeast(version, 4) ? 'DISCARD' : 'DISCARD_ALL';
    case 0x3f:
      return atLeast(version, 4) ? 'PULL' : 'PULL_ALL';
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

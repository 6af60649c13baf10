import { features as featuresOf } from './features.js';
import {
  badField,
  isInteger,
  mapField,
  optInteger,
  optMap,
  optString,
  optStringList,
  stringField,
  stringList,
  toWireInteger,
} from './field-checks.js';
import { requestVersions, SIGNATURE } from './message-catalog.js';
import { ProtocolError } from './protocol-error.js';
import type {
  HelloExtra,
  PullExtra,
  Request,
  RequestType,
  RouteRequest,
  TxExtra,
} from './request.js';
import { type BoltVersion, formatVersion } from './versions.js';

// Request <-> (signature, fields) for one version, with the checks of the Bolt message specification (https://neo4j.com/docs/bolt/current/bolt/message/).
// Encoding is strict (keys the version does not have are refused, so a client never sends
// what the server cannot read); decoding checks types but lets unknown or newer keys through.

/** How many fields each request has on the wire in `version`. */
export function requestFieldCount(type: RequestType, version: BoltVersion): number {
  switch (type) {
    case 'INIT':
      return 2;
    case 'RUN':
      return featuresOf(version).runExtra ? 3 : 2;
    case 'ROUTE':
      return 3;
    case 'HELLO':
    case 'LOGON':
    case 'BEGIN':
    case 'PULL':
    case 'DISCARD':
    case 'TELEMETRY':
      return 1;
    default:
      return 0;
  }
}

const AUTH_KEYS = ['scheme', 'principal', 'credentials', 'realm', 'parameters'];

function needs(where: string, v: unknown, version: BoltVersion, ok: boolean, since: string): void {
  if (v === undefined || v === null || ok) return;
  throw new ProtocolError(
    'BAD_FIELD',
    `${where} is not part of Bolt ${formatVersion(version)} (it exists in ${since})`,
  );
}

function checkNotificationKeys(
  where: string,
  extra: Record<string, unknown>,
  version: BoltVersion,
  strict: boolean,
): void {
  // the usual case, checked without making the keys' names
  if (
    extra.notifications_minimum_severity === undefined &&
    extra.notifications_disabled_categories === undefined &&
    extra.notifications_disabled_classifications === undefined
  )
    return;
  optString(`${where}.notifications_minimum_severity`, extra.notifications_minimum_severity);
  optStringList(
    `${where}.notifications_disabled_categories`,
    extra.notifications_disabled_categories,
  );
  optStringList(
    `${where}.notifications_disabled_classifications`,
    extra.notifications_disabled_classifications,
  );
  if (!strict) return;
  const f = featuresOf(version);
  needs(
    `${where}.notifications_minimum_severity`,
    extra.notifications_minimum_severity,
    version,
    f.notifFilter,
    '5.2+',
  );
  needs(
    `${where}.notifications_disabled_categories`,
    extra.notifications_disabled_categories,
    version,
    f.notifFilter && !f.notifKeyClassifications,
    '5.2–5.4; use notifications_disabled_classifications from 5.6',
  );
  needs(
    `${where}.notifications_disabled_classifications`,
    extra.notifications_disabled_classifications,
    version,
    f.notifKeyClassifications,
    '5.6+; use notifications_disabled_categories before',
  );
}

export function checkHelloExtra(extra: unknown, version: BoltVersion, strict: boolean): HelloExtra {
  const e = mapField('HELLO extra', extra);
  // Clients must send user_agent; a server accepts a HELLO without it (drivers omit an empty one).
  if (strict) stringField('HELLO extra.user_agent', e.user_agent);
  else optString('HELLO extra.user_agent', e.user_agent, false);
  const f = featuresOf(version);
  if (e.bolt_agent !== undefined && e.bolt_agent !== null) {
    const agent = mapField('HELLO extra.bolt_agent', e.bolt_agent);
    stringField('HELLO extra.bolt_agent.product', agent.product);
  }
  optMap('HELLO extra.routing', e.routing, true);
  optStringList('HELLO extra.patch_bolt', e.patch_bolt, false);
  checkNotificationKeys('HELLO extra', e, version, strict);
  if (strict) {
    if (f.boltAgent && (e.bolt_agent === undefined || e.bolt_agent === null))
      throw new ProtocolError(
        'BAD_FIELD',
        `HELLO extra.bolt_agent is mandatory from Bolt 5.3 (negotiated ${formatVersion(version)})`,
      );
    needs('HELLO extra.bolt_agent', e.bolt_agent, version, f.boltAgent, '5.3+');
    needs('HELLO extra.routing', e.routing, version, f.routingInHello, '4.1+');
    needs('HELLO extra.patch_bolt', e.patch_bolt, version, f.utcPatch, '4.3–4.4');
    if (f.hasLogon)
      for (const k of AUTH_KEYS)
        if (e[k] !== undefined)
          throw new ProtocolError(
            'BAD_FIELD',
            `HELLO extra.${k}: from Bolt 5.1 authentication goes in LOGON, not HELLO`,
          );
  }
  return e as HelloExtra;
}

export function checkTxExtra(
  where: string,
  extra: unknown,
  version: BoltVersion,
  strict: boolean,
): TxExtra {
  const e = mapField(where, extra);
  // each key's name is made only when the key is there (most maps are nearly empty)
  if (e.bookmarks !== undefined) optStringList(`${where}.bookmarks`, e.bookmarks);
  if (e.tx_timeout !== undefined && e.tx_timeout !== null)
    optInteger(`${where}.tx_timeout`, e.tx_timeout);
  if (e.tx_metadata !== undefined) optMap(`${where}.tx_metadata`, e.tx_metadata, true);
  if (e.mode !== undefined && e.mode !== null && e.mode !== 'r' && e.mode !== 'w')
    throw badField(`${where}.mode`, '"r" or "w"', e.mode);
  if (e.db !== undefined) optString(`${where}.db`, e.db);
  if (e.imp_user !== undefined) optString(`${where}.imp_user`, e.imp_user);
  checkNotificationKeys(where, e, version, strict);
  if (strict && (e.db != null || e.imp_user != null)) {
    const f = featuresOf(version);
    needs(`${where}.db`, e.db, version, f.db, '4.0+');
    needs(`${where}.imp_user`, e.imp_user, version, f.impUser, '4.4+');
  }
  return e as TxExtra;
}

export function checkPullExtra(where: string, extra: unknown): PullExtra {
  const e = mapField(where, extra);
  if (!isInteger(e.n)) throw badField(`${where}.n`, 'an integer (−1 for all)', e.n);
  if (!(e.n === -1 || e.n === -1n || e.n > 0))
    throw badField(`${where}.n`, 'a positive integer or −1', e.n);
  if (e.qid !== undefined) {
    if (!isInteger(e.qid)) throw badField(`${where}.qid`, 'an integer (−1 for the last)', e.qid);
    if (e.qid < -1) throw badField(`${where}.qid`, 'an integer ≥ −1', e.qid);
  }
  return e as PullExtra;
}

function checkRoute(msg: RouteRequest, version: BoltVersion, strict: boolean): void {
  mapField('ROUTE routing', msg.routing);
  stringList('ROUTE bookmarks', msg.bookmarks);
  optString('ROUTE db', msg.db);
  optString('ROUTE imp_user', msg.impUser);
  if (strict) needs('ROUTE imp_user', msg.impUser, version, featuresOf(version).impUser, '4.4+');
}

/** The fields of `msg` on the wire in `version`. `intsAsBigint` forces protocol integers to INT. */
export function requestToFields(
  msg: Request,
  version: BoltVersion,
  intsAsBigint: boolean,
): readonly unknown[] {
  switch (msg.type) {
    case 'INIT':
      return [
        stringField('INIT user_agent', msg.userAgent),
        mapField('INIT auth_token', msg.authToken),
      ];
    case 'HELLO':
      return [checkHelloExtra(msg.extra, version, true)];
    case 'LOGON':
      return [mapField('LOGON auth', msg.auth)];
    case 'RUN': {
      stringField('RUN query', msg.query);
      if (!(msg.parameters instanceof Map)) mapField('RUN parameters', msg.parameters);
      if (!featuresOf(version).runExtra) {
        if (msg.extra !== undefined) {
          const extra = mapField('RUN extra', msg.extra);
          for (const k of Object.keys(extra))
            if (extra[k] !== undefined)
              throw new ProtocolError(
                'BAD_FIELD',
                `RUN extra.${k}: Bolt ${formatVersion(version)} RUN has no extra map (3+)`,
              );
        }
        return [msg.query, msg.parameters];
      }
      const extra = checkTxExtra('RUN extra', msg.extra ?? {}, version, true);
      return [msg.query, msg.parameters, intsAsBigint ? txIntegers(extra) : extra];
    }
    case 'BEGIN': {
      const extra = checkTxExtra('BEGIN extra', msg.extra, version, true);
      return [intsAsBigint ? txIntegers(extra) : extra];
    }
    case 'PULL':
    case 'DISCARD': {
      const extra = checkPullExtra(msg.type === 'PULL' ? 'PULL extra' : 'DISCARD extra', msg.extra);
      if (!intsAsBigint) return [extra];
      const out: Record<string, unknown> = { ...extra, n: BigInt(extra.n) };
      if (extra.qid !== undefined) out.qid = BigInt(extra.qid);
      return [out];
    }
    case 'ROUTE': {
      checkRoute(msg, version, true);
      if (!featuresOf(version).routeExtraMap) return [msg.routing, msg.bookmarks, msg.db ?? null];
      const extra: Record<string, unknown> = {};
      if (msg.db !== undefined) extra.db = msg.db;
      if (msg.impUser !== undefined) extra.imp_user = msg.impUser;
      return [msg.routing, msg.bookmarks, extra];
    }
    case 'TELEMETRY':
      return [toWireInteger('TELEMETRY api', msg.api)];
    default:
      return NO_FIELDS;
  }
}

const NO_FIELDS: readonly unknown[] = Object.freeze([]);

function txIntegers(extra: TxExtra): TxExtra {
  if (typeof extra.tx_timeout !== 'number') return extra;
  return { ...extra, tx_timeout: BigInt(extra.tx_timeout) };
}

/** The signature of a request (the same for INIT/HELLO, PULL_ALL/PULL, DISCARD_ALL/DISCARD). */
export function requestSignature(type: RequestType): number {
  return SIGNATURE[type];
}

/** Builds the request object from decoded fields (field count already checked). */
export function fieldsToRequest(
  type: RequestType,
  fields: unknown[],
  version: BoltVersion,
  toInt: (v: number | bigint) => number | bigint,
): Request {
  switch (type) {
    case 'INIT':
      return {
        type,
        userAgent: stringField('INIT user_agent', fields[0]),
        authToken: mapField('INIT auth_token', fields[1]),
      };
    case 'HELLO':
      return { type, extra: checkHelloExtra(fields[0], version, false) };
    case 'LOGON':
      return { type, auth: mapField('LOGON auth', fields[0]) };
    case 'RUN':
      return {
        type,
        query: stringField('RUN query', fields[0]),
        parameters: mapField('RUN parameters', fields[1]),
        extra: fields.length > 2 ? checkTxExtra('RUN extra', fields[2], version, false) : {},
      };
    case 'BEGIN':
      return { type, extra: checkTxExtra('BEGIN extra', fields[0], version, false) };
    case 'PULL':
    case 'DISCARD': {
      // These were decoded with bigint integers: a JS number here was a FLOAT on the wire.
      const raw = mapField(`${type} extra`, fields[0]);
      if (typeof raw.n === 'number') throw badField(`${type} extra.n`, 'an INT', raw.n);
      if (typeof raw.qid === 'number') throw badField(`${type} extra.qid`, 'an INT', raw.qid);
      const extra = checkPullExtra(`${type} extra`, raw);
      extra.n = toInt(extra.n);
      if (extra.qid !== undefined) extra.qid = toInt(extra.qid);
      return { type, extra };
    }
    case 'ROUTE': {
      const routing = mapField('ROUTE routing', fields[0]);
      const bookmarks = stringList('ROUTE bookmarks', fields[1]);
      if (!featuresOf(version).routeExtraMap) {
        const db = fields[2];
        optString('ROUTE db', db);
        return { type, routing, bookmarks, db: (db as string | null | undefined) ?? null };
      }
      const extra = mapField('ROUTE extra', fields[2]);
      const msg: RouteRequest = { type, routing, bookmarks };
      if ('db' in extra) msg.db = extra.db as string | null;
      if ('imp_user' in extra) msg.impUser = extra.imp_user as string | null;
      checkRoute(msg, version, false);
      return msg;
    }
    case 'TELEMETRY': {
      const api = fields[0]; // decoded with bigint integers: a number was a FLOAT
      if (typeof api !== 'bigint') throw badField('TELEMETRY api', 'an INT', api);
      return { type, api: toInt(api) };
    }
    default:
      return constantRequest(type);
  }
}

const CONSTANT: Partial<Record<RequestType, Request>> = Object.freeze(
  Object.fromEntries(
    (
      [
        'GOODBYE',
        'ACK_FAILURE',
        'RESET',
        'COMMIT',
        'ROLLBACK',
        'PULL_ALL',
        'DISCARD_ALL',
        'LOGOFF',
      ] as const
    ).map((type) => [type, Object.freeze({ type })]),
  ),
);
function constantRequest(type: RequestType): Request {
  return CONSTANT[type] as Request;
}

/** `"LOGON exists in Bolt 5.1+, not in 4.4"`. */
export function notInVersion(type: RequestType, version: BoltVersion): ProtocolError {
  return new ProtocolError(
    'MESSAGE_NOT_IN_VERSION',
    `${type} exists in Bolt ${requestVersions(type)}, not in the negotiated ${formatVersion(version)}`,
  );
}

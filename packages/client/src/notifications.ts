/**
 * Notifications (what servers up to 5.4 send) and GQL status objects (what 5.6+ servers send),
 * each derived from the other for the versions that lack it, with the official drivers' rules:
 * raw values kept as sent, severities and classifications also given as a known value or
 * `'UNKNOWN'`.
 */
import {
  diagnosticRecord,
  isMap,
  isNotificationStatus,
  outcomeStatus,
  type ResultOutcome,
  type SuccessMetadata,
  statusesFromNotifications,
} from '@bolt/parser/internal';

export interface InputPosition {
  offset: number;
  line: number;
  column: number;
}

export type NotificationSeverityLevel = 'WARNING' | 'INFORMATION' | 'UNKNOWN';

/** The classifications (categories) Neo4j defines; anything else reads as `'UNKNOWN'`. */
export type NotificationClassification =
  | 'HINT'
  | 'UNRECOGNIZED'
  | 'UNSUPPORTED'
  | 'PERFORMANCE'
  | 'TOPOLOGY'
  | 'SECURITY'
  | 'DEPRECATION'
  | 'GENERIC'
  | 'SCHEMA'
  | 'UNKNOWN';

const CLASSIFICATIONS = new Set<string>([
  'HINT',
  'UNRECOGNIZED',
  'UNSUPPORTED',
  'PERFORMANCE',
  'TOPOLOGY',
  'SECURITY',
  'DEPRECATION',
  'GENERIC',
  'SCHEMA',
]);

/** A notification (what servers up to 5.4 send; derived from GQL statuses on 5.6+). */
export interface Notification {
  code: string;
  title: string;
  description: string;
  /** The severity as the server sent it (`'UNKNOWN'` when it sent none). */
  severity: string;
  /** `'WARNING'`, `'INFORMATION'`, or `'UNKNOWN'` for anything else. */
  severityLevel: NotificationSeverityLevel;
  /** The severity as the server sent it; undefined when it sent none. */
  rawSeverityLevel: string | undefined;
  /** One of the known classifications, or `'UNKNOWN'` for anything else. */
  category: NotificationClassification;
  /** The category as the server sent it; undefined when it sent none. */
  rawCategory: string | undefined;
  /** Same as `category` (the name 5.6+ servers use). */
  classification: NotificationClassification;
  /** Same as `rawCategory`. */
  rawClassification: string | undefined;
  position?: InputPosition;
}

/** A GQL status object (what 5.6+ servers send; synthesised from notifications before). */
export interface GqlStatusObject {
  gqlStatus: string;
  statusDescription: string;
  /** Whether it is a notification (warning/information) rather than an outcome. */
  isNotification: boolean;
  /** `'WARNING'`, `'INFORMATION'`, or `'UNKNOWN'` (from the diagnostic record's `_severity`). */
  severity: NotificationSeverityLevel;
  /** `_severity` as sent; undefined when absent. */
  rawSeverity: string | undefined;
  /** One of the known classifications or `'UNKNOWN'` (from `_classification`). */
  classification: NotificationClassification;
  /** `_classification` as sent; undefined when absent. */
  rawClassification: string | undefined;
  position?: InputPosition;
  /** As sent, with `OPERATION`, `OPERATION_CODE` and `CURRENT_SCHEMA` filled in when absent. */
  diagnosticRecord: Record<string, unknown>;
}

function severityLevel(raw: unknown): NotificationSeverityLevel {
  return raw === 'WARNING' || raw === 'INFORMATION' ? raw : 'UNKNOWN';
}

function classification(raw: unknown): NotificationClassification {
  return typeof raw === 'string' && CLASSIFICATIONS.has(raw)
    ? (raw as NotificationClassification)
    : 'UNKNOWN';
}

function rawString(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A value a summary shows as text: a string as it is, a number or boolean written out; `d`
 *  for nothing, and for a list, map or structure (no text a server should send there). */
export function textOf(v: unknown, d: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean') return String(v);
  return d;
}

/** A value a summary shows as a number: `d` for nothing, NaN for what is no number (a list, a
 *  map, a structure). */
export function numberOf(v: unknown, d: number): number {
  if (v === undefined || v === null) return d;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint' || typeof v === 'string' || typeof v === 'boolean') return Number(v);
  return Number.NaN;
}

/** The entries of a list that are maps: what a summary can read (the rest is skipped, as
 *  `@bolt/parser`'s `statusesFromNotifications` skips it). The list itself when every entry is
 *  one (every summary of a 5.6+ server has statuses: no copy per query). */
export function mapsIn(list: readonly unknown[]): readonly Record<string, unknown>[] {
  return list.every(isMap) ? (list as readonly Record<string, unknown>[]) : list.filter(isMap);
}

function toPosition(p: unknown): InputPosition | undefined {
  if (!isMap(p)) return undefined;
  return {
    offset: numberOf(p.offset, 0),
    line: numberOf(p.line, 0),
    column: numberOf(p.column, 0),
  };
}

/** A notification of a pre-5.6 summary. */
export function toNotification(n: Record<string, unknown>): Notification {
  return notification({
    code: textOf(n.code, ''),
    title: n.title,
    description: n.description,
    severity: n.severity,
    category: n.category,
    position: n.position,
  });
}

/** The one shape both summary generations map to: raw wire fields in, a `Notification` out. */
function notification(f: {
  code: string;
  title: unknown;
  description: unknown;
  severity: unknown;
  category: unknown;
  position: unknown;
}): Notification {
  const cat = classification(f.category);
  const rawCat = rawString(f.category);
  const out: Notification = {
    code: f.code,
    title: textOf(f.title, ''),
    description: textOf(f.description, ''),
    severity: textOf(f.severity, 'UNKNOWN'),
    severityLevel: severityLevel(f.severity),
    rawSeverityLevel: rawString(f.severity),
    category: cat,
    rawCategory: rawCat,
    classification: cat,
    rawClassification: rawCat,
  };
  const pos = toPosition(f.position);
  if (pos) out.position = pos;
  return out;
}

/** A GQL status object of a 5.6+ summary; a notification when it has a `neo4j_code`, unless
 *  `isNotification` says otherwise. */
export function toGqlStatus(
  s: Record<string, unknown>,
  isNotification: boolean = typeof s.neo4j_code === 'string',
): GqlStatusObject {
  const sent = s.diagnostic_record;
  const diag = diagnosticRecord(isMap(sent) ? sent : undefined);
  const out: GqlStatusObject = {
    gqlStatus: textOf(s.gql_status, ''),
    statusDescription: textOf(s.status_description, ''),
    isNotification,
    severity: severityLevel(diag._severity),
    rawSeverity: rawString(diag._severity),
    classification: classification(diag._classification),
    rawClassification: rawString(diag._classification),
    diagnosticRecord: diag,
  };
  const pos = toPosition(diag._position);
  if (pos) out.position = pos;
  return out;
}

/** The notification a 5.6+ status stands for (statuses with a `neo4j_code`). */
export function statusToNotification(s: Record<string, unknown>): Notification {
  const diag: Record<string, unknown> = isMap(s.diagnostic_record) ? s.diagnostic_record : {};
  return notification({
    code: textOf(s.neo4j_code, ''),
    title: s.title,
    description: s.description ?? s.status_description,
    severity: diag._severity,
    category: diag._classification,
    position: diag._position,
  });
}

/**
 * Servers before 5.6: the GQL statuses a 5.6 server would have sent, by `@bolt/parser`'s
 * `statusesFromNotifications` (the rule our server uses to write them): one outcome (`00000`
 * with records, `02000` no data, `02N42` when that is unknown because the records were
 * discarded unseen, `00001` for a query without result columns) plus each notification as a
 * `01N42` warning or `03N42` information, in GQL order.
 */
export function polyfillStatuses(
  rawNotifications: readonly unknown[],
  hasRecords: boolean | undefined,
  metadata: SuccessMetadata,
): GqlStatusObject[] {
  const outcome = {
    hadRecords: hasRecords,
    omitted: Array.isArray(metadata.fields) && metadata.fields.length === 0,
  };
  // most summaries have no notification: the outcome alone, with nothing to order
  if (rawNotifications.length === 0) return [outcomeGqlStatus(outcome)];
  return statusesFromNotifications(rawNotifications, outcome).map((s) =>
    toGqlStatus(s, isNotificationStatus(s.gql_status)),
  );
}

/** `toGqlStatus(outcomeStatus(outcome), false)`, made without the copies: an outcome status has
 *  the default diagnostic record alone (no severity, classification or position). */
function outcomeGqlStatus(outcome: ResultOutcome): GqlStatusObject {
  const s = outcomeStatus(outcome);
  return {
    gqlStatus: s.gql_status,
    statusDescription: s.status_description,
    isNotification: false,
    severity: 'UNKNOWN',
    rawSeverity: undefined,
    classification: 'UNKNOWN',
    rawClassification: undefined,
    diagnosticRecord: s.diagnostic_record ?? diagnosticRecord(),
  };
}

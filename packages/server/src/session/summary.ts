import type { BoltFeatures } from '@bolt/parser';
import type { ResultSummary } from '../handler.js';

/** ResultSummary keys with a meaning of their own (see summaryMetadata). */
const SUMMARY_KEYS = new Set([
  'type',
  'stats',
  'bookmark',
  'db',
  'notifications',
  'statuses',
  'plan',
  'profile',
]);

const DEFAULT_DIAGNOSTICS = { OPERATION: '', OPERATION_CODE: '0', CURRENT_SCHEMA: '/' };

/** What the final SUCCESS of a result reports besides the handler's summary. */
export interface SummaryFacts {
  /** Milliseconds from the request to the end of the result (`t_last`). */
  elapsed: number;
  /** Records sent or discarded. */
  records: number;
  /** The result belongs to an explicit transaction (its bookmark comes with COMMIT). */
  inTransaction: boolean;
  /** The database the result ran in, when no summary says otherwise. */
  database: string;
}

/** The metadata of a result's final SUCCESS, shaped for the version. */
export function summaryMetadata(
  f: BoltFeatures,
  s: ResultSummary,
  facts: SummaryFacts,
): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  // Keys the handler adds beyond the known ones go out as they are.
  for (const k in s) if (!SUMMARY_KEYS.has(k) && s[k] !== undefined) meta[k] = s[k];
  if (s.bookmark !== undefined && !facts.inTransaction) meta.bookmark = s.bookmark;
  meta.type = s.type ?? 'r';
  if (f.explicitTx) meta.t_last = facts.elapsed;
  else meta.result_consumed_after = facts.elapsed;
  if (f.db) meta.db = s.db ?? facts.database;
  const stats = s.stats;
  if (stats !== undefined && Object.keys(stats).length > 0) meta.stats = stats;
  if (s.plan !== undefined) meta.plan = s.plan;
  if (s.profile !== undefined) meta.profile = s.profile;
  // 5.6+: statuses replace notifications. With nothing to report, the outcome status
  // (00000 / 02000) is left out and drivers supply it, as they do for older servers.
  const notifications = s.notifications;
  if (f.statuses) {
    if (s.statuses !== undefined) meta.statuses = s.statuses;
    else if (notifications !== undefined && notifications.length > 0)
      meta.statuses = deriveStatuses(notifications, facts.records > 0);
  } else if (notifications !== undefined && notifications.length > 0)
    meta.notifications = notifications;
  return meta;
}

/** 5.6+ summaries: the outcome status first, then one status per legacy notification. */
function deriveStatuses(
  notifications: Record<string, unknown>[],
  hadRecords: boolean,
): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [
    hadRecords
      ? {
          gql_status: '00000',
          status_description: 'note: successful completion',
          diagnostic_record: DEFAULT_DIAGNOSTICS,
        }
      : {
          gql_status: '02000',
          status_description: 'note: no data',
          diagnostic_record: DEFAULT_DIAGNOSTICS,
        },
  ];
  for (const n of notifications) {
    const warning = n.severity === 'WARNING';
    const record: Record<string, unknown> = { ...DEFAULT_DIAGNOSTICS };
    if (n.severity !== undefined) record._severity = n.severity;
    if (n.category !== undefined) record._classification = n.category;
    if (n.position !== undefined) record._position = n.position;
    const status: Record<string, unknown> = {
      gql_status: warning ? '01N42' : '03N42',
      status_description: `${warning ? 'warn' : 'info'}: ${String(n.description ?? n.title ?? '')}`,
      diagnostic_record: record,
    };
    if (n.code !== undefined) status.neo4j_code = n.code;
    if (n.title !== undefined) status.title = n.title;
    if (n.description !== undefined) status.description = n.description;
    out.push(status);
  }
  return out;
}

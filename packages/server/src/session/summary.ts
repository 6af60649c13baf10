import {
  type BoltFeatures,
  type GqlStatus,
  type Notification,
  type PlanNode,
  type SuccessMetadata,
  statusesFromNotifications,
} from '@bolt/parser';
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

/** What the final SUCCESS of a result reports besides the handler's summary. */
export interface SummaryFacts {
  /** Milliseconds from the request to the end of the result (`t_last`). */
  elapsed: number;
  /** Records sent or discarded. */
  records: number;
  /** The query has no result columns (its outcome status is `00001`, omitted result). */
  omitted: boolean;
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
): SuccessMetadata {
  const meta: SuccessMetadata = {};
  // Keys the handler adds beyond the known ones go out as they are.
  for (const k in s) if (!SUMMARY_KEYS.has(k) && s[k] !== undefined) meta[k] = s[k];
  if (s.bookmark !== undefined && !facts.inTransaction) meta.bookmark = s.bookmark;
  meta.type = s.type ?? 'r';
  if (f.explicitTx) meta.t_last = facts.elapsed;
  else meta.result_consumed_after = facts.elapsed;
  if (f.db) meta.db = s.db ?? facts.database;
  const stats = s.stats;
  if (stats !== undefined && Object.keys(stats).length > 0) meta.stats = stats;
  // The handler's plan, notifications and statuses go out as given: their shape is its word.
  if (s.plan !== undefined) meta.plan = s.plan as PlanNode;
  if (s.profile !== undefined) meta.profile = s.profile as PlanNode;
  // 5.6+: statuses replace notifications, derived as a client derives them from an older
  // server's notifications. With nothing to report, the outcome status is left out and drivers
  // supply it, as they do for older servers.
  const notifications = s.notifications;
  if (f.statuses) {
    if (s.statuses !== undefined) meta.statuses = s.statuses as GqlStatus[];
    else if (notifications !== undefined && notifications.length > 0)
      meta.statuses = statusesFromNotifications(notifications, {
        hadRecords: facts.records > 0,
        omitted: facts.omitted,
      });
  } else if (notifications !== undefined && notifications.length > 0)
    meta.notifications = notifications as Notification[];
  return meta;
}

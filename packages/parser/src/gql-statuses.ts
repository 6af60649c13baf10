import { diagnosticRecord } from './diagnostic-record.js';
import type { GqlStatus, Notification } from './response.js';

/**
 * Notifications (Bolt up to 5.4) as the GQL statuses that replaced them (5.6+), with one rule
 * for both ends: a server answering a 5.6+ client with a handler's notifications sends what a
 * client reading an older server derives from the same notifications. The rule is the official
 * drivers': one outcome status, then each notification as `01N42` (a warning) or `03N42`
 * (anything else) whose description is the notification's, ordered as GQL ranks them: no data,
 * warnings, success, informations.
 */

/** What a result's outcome status says. */
export interface ResultOutcome {
  /** At least one record was streamed (`00000` successful completion); undefined when that is
   *  unknown because the records were discarded unseen (`02N42`). */
  hadRecords: boolean | undefined;
  /** The query had no result columns (`00001` omitted result, when there were no records). */
  omitted: boolean;
}

/** The outcome status of a result: `00000`, `00001`, `02000` or `02N42`. */
export function outcomeStatus(outcome: ResultOutcome): GqlStatus {
  if (outcome.omitted) return status('00001', 'note: successful completion - omitted result');
  if (outcome.hadRecords === true) return status('00000', 'note: successful completion');
  if (outcome.hadRecords === false) return status('02000', 'note: no data');
  return status('02N42', 'note: no data - unknown subcondition');
}

/** Whether a status is a notification (`01N42`/`03N42` and any other `01`/`03` status) rather
 *  than a result's outcome. */
export function isNotificationStatus(gqlStatus: string): boolean {
  return gqlStatus.startsWith('01') || gqlStatus.startsWith('03');
}

/** The status a notification stands for. Keys the notification lacks are left out. */
export function notificationStatus(n: Partial<Notification>): GqlStatus {
  const warning = n.severity === 'WARNING';
  const record = diagnosticRecord();
  if (n.severity !== undefined) record._severity = n.severity;
  if (n.category !== undefined) record._classification = n.category;
  if (n.position !== undefined) record._position = n.position;
  const out: GqlStatus = {
    gql_status: warning ? '01N42' : '03N42',
    status_description:
      typeof n.description === 'string'
        ? n.description
        : warning
          ? 'warn: unknown warning'
          : 'info: unknown notification',
  };
  if (n.code !== undefined) out.neo4j_code = n.code;
  if (n.title !== undefined) out.title = n.title;
  if (n.description !== undefined) out.description = n.description;
  out.diagnostic_record = record;
  return out;
}

/** The statuses a 5.6+ summary has for a result with these notifications (anything that is
 *  not a map is skipped): the outcome and one status per notification, in GQL order. */
export function statusesFromNotifications(
  notifications: readonly unknown[],
  outcome: ResultOutcome,
): GqlStatus[] {
  const out = [outcomeStatus(outcome)];
  for (const n of notifications)
    if (typeof n === 'object' && n !== null && !Array.isArray(n))
      out.push(notificationStatus(n as Partial<Notification>));
  // a stable sort: statuses of one rank keep the server's order
  return out.sort((a, b) => rank(a.gql_status) - rank(b.gql_status));
}

function rank(gqlStatus: string): number {
  if (gqlStatus.startsWith('02')) return 0;
  if (gqlStatus.startsWith('01')) return 1;
  if (gqlStatus.startsWith('00')) return 2;
  return 3;
}

function status(gqlStatus: string, description: string): GqlStatus {
  return {
    gql_status: gqlStatus,
    status_description: description,
    diagnostic_record: diagnosticRecord(),
  };
}

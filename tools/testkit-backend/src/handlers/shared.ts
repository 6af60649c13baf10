import type { Record as BoltRecord, DriverConfig } from '@bolt/client/node';
import { type CypherValue, toCypher } from '../cypher.js';

/** A record's values as testkit values. */
export function recordValues(r: BoltRecord<any>): CypherValue[] {
  return r.fields.map(toCypher);
}

/** Notification settings of `NewDriver` / `NewSession` / `ExecuteQuery`, if any were given. */
export function notificationFilter(d: Record<string, any>): DriverConfig['notificationFilter'] {
  if (!('notificationsMinSeverity' in d) && !('notificationsDisabledCategories' in d))
    return undefined;
  return {
    minimumSeverityLevel: d.notificationsMinSeverity ?? undefined,
    disabledClassifications: d.notificationsDisabledCategories ?? undefined,
  };
}

import type { BoltFeatures } from '@bolt/parser';

/** Notification filter (5.2+): in HELLO (driver-wide) or BEGIN/RUN (per session). */
export interface NotificationFilter {
  /** `'OFF'`, `'WARNING'` or `'INFORMATION'`. Default: the server's setting. */
  minimumSeverityLevel?: 'OFF' | 'WARNING' | 'INFORMATION';
  /** Categories (5.2–5.4) / classifications (5.6+) not to report, e.g. `['HINT', 'DEPRECATION']`.
   *  Default: none disabled. */
  disabledClassifications?: string[];
}

/** Extra keys for a notification filter, in the version's spelling. */
export function notificationExtra(
  filter: NotificationFilter,
  f: BoltFeatures,
): Record<string, unknown> {
  const extra: Record<string, unknown> = {};
  if (filter.minimumSeverityLevel !== undefined)
    extra.notifications_minimum_severity = filter.minimumSeverityLevel;
  if (filter.disabledClassifications !== undefined)
    extra[
      f.notifKeyClassifications
        ? 'notifications_disabled_classifications'
        : 'notifications_disabled_categories'
    ] = filter.disabledClassifications;
  return extra;
}

/** Whether the filter asks for anything. */
export function hasFilter(filter: NotificationFilter | undefined): boolean {
  return (
    !!filter &&
    (filter.minimumSeverityLevel !== undefined || filter.disabledClassifications !== undefined)
  );
}

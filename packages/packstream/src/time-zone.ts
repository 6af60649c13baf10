// Time-zone offsets through Intl (the only tz database a portable JS package has).
import { daysFromCivil } from './civil';

// Intl.DateTimeFormat construction is costly; formatters are immutable, so one per zone id is
// memoised. Bounded: the cache is dropped when it grows past MAX_ZONES.
const MAX_ZONES = 512;
const formatters = new Map<string, Intl.DateTimeFormat | null>();

function formatter(zone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(zone);
  if (f !== undefined) return f;
  try {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    f = null;
  }
  if (formatters.size >= MAX_ZONES) formatters.clear();
  formatters.set(zone, f);
  return f;
}

/**
 * The UTC offset in seconds of `zone` at the instant `epochSeconds` (UTC), or undefined when the
 * zone is unknown to Intl or the instant is outside the JS Date range.
 */
export function offsetAtInstant(zone: string, epochSeconds: number): number | undefined {
  const f = formatter(zone);
  if (f === null || !Number.isFinite(epochSeconds) || Math.abs(epochSeconds) > 8.64e12) {
    return undefined;
  }
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  let bc = false;
  for (const p of f.formatToParts(new globalThis.Date(epochSeconds * 1000))) {
    switch (p.type) {
      case 'year':
        year = Number(p.value);
        break;
      case 'month':
        month = Number(p.value);
        break;
      case 'day':
        day = Number(p.value);
        break;
      case 'hour':
        hour = Number(p.value);
        break;
      case 'minute':
        minute = Number(p.value);
        break;
      case 'second':
        second = Number(p.value);
        break;
      case 'era':
        bc = p.value === 'BC' || p.value === 'B';
        break;
    }
  }
  if (bc) year = 1 - year;
  const local = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  const offset = local - epochSeconds;
  return Number.isFinite(offset) ? offset : undefined;
}

/**
 * The offset of `zone` for a local wall-clock time (`localSeconds` = local time as if UTC).
 * Like Temporal's "compatible" disambiguation: in a DST overlap the earlier instant (the
 * offset before the transition) wins; in a gap, the offset before the gap is used.
 * Undefined when the zone is unknown to Intl or the time is outside the JS Date range.
 */
export function offsetForLocal(zone: string, localSeconds: number): number | undefined {
  const before = offsetAtInstant(zone, localSeconds - 86400);
  const after = offsetAtInstant(zone, localSeconds + 86400);
  if (before === undefined || after === undefined) return undefined;
  if (before === after) return before;
  if (offsetAtInstant(zone, localSeconds - before) === before) return before;
  if (offsetAtInstant(zone, localSeconds - after) === after) return after;
  return before;
}

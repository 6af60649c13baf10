// Proleptic Gregorian calendar arithmetic (Howard Hinnant's days_from_civil / civil_from_days).
// Internal helpers for the temporal types; exact for every safe-integer day count.

/** Days since 1970-01-01 of a civil date (month 1–12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** The civil date [year, month 1–12, day 1–31] of a day count since 1970-01-01. */
export function civilFromDays(days: number): [number, number, number] {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return [year, month, day];
}

/** Split epoch seconds (number or bigint) into [days, secondOfDay 0–86399], exactly. */
export function splitEpochSeconds(seconds: number | bigint): [number, number] {
  if (typeof seconds === 'bigint') {
    let days = seconds / 86400n;
    let sod = seconds % 86400n;
    if (sod < 0n) {
      sod += 86400n;
      days -= 1n;
    }
    return [Number(days), Number(sod)];
  }
  const days = Math.floor(seconds / 86400);
  return [days, seconds - days * 86400];
}

/** days * 86400 + secondOfDay, as a number when safe and a bigint beyond. */
export function joinEpochSeconds(days: number, secondOfDay: number): number | bigint {
  const v = days * 86400 + secondOfDay;
  return Number.isSafeInteger(v) ? v : BigInt(days) * 86400n + BigInt(secondOfDay);
}

/** The wall-clock fields of epoch seconds taken as UTC: year, month, day, hour, minute, second. */
export type WallClock = [number, number, number, number, number, number];

/** {@link WallClock} fields of local epoch seconds (number or bigint). */
export function wallClockOf(seconds: number | bigint): WallClock {
  const [days, sod] = splitEpochSeconds(seconds);
  const [y, m, d] = civilFromDays(days);
  return [y, m, d, Math.floor(sod / 3600), Math.floor((sod % 3600) / 60), sod % 60];
}

/** {@link WallClock} fields of a JS Date in the host's local time. */
export function wallClockOfDate(d: globalThis.Date): WallClock {
  return [
    d.getFullYear(),
    d.getMonth() + 1,
    d.getDate(),
    d.getHours(),
    d.getMinutes(),
    d.getSeconds(),
  ];
}

/** Wall-clock fields as epoch seconds taken as UTC (number when safe, else bigint). */
export function epochSecondsOf(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): number | bigint {
  return joinEpochSeconds(daysFromCivil(year, month, day), hour * 3600 + minute * 60 + second);
}

export function pad(n: number, width: number): string {
  const s = String(Math.abs(n));
  return (n < 0 ? '-' : '') + (s.length >= width ? s : '0'.repeat(width - s.length) + s);
}

/** ISO 8601 year: 4 digits for 0000–9999, otherwise a sign and at least 6 digits. */
export function isoYear(year: number): string {
  if (year >= 0 && year <= 9999) return pad(year, 4);
  const s = String(Math.abs(year));
  return (year < 0 ? '-' : '+') + (s.length >= 6 ? s : '0'.repeat(6 - s.length) + s);
}

/** ".123456789" with trailing zeros removed, or "" for 0. */
export function isoFraction(nanosecond: number): string {
  if (nanosecond === 0) return '';
  return `.${pad(nanosecond, 9).replace(/0+$/, '')}`;
}

/** "Z", or "+01:00" / "-05:30" / "+00:09:21" for offsets with seconds. */
export function isoOffset(offsetSeconds: number): string {
  if (offsetSeconds === 0) return 'Z';
  const sign = offsetSeconds < 0 ? '-' : '+';
  const a = Math.abs(offsetSeconds);
  const h = Math.floor(a / 3600);
  const m = Math.floor((a % 3600) / 60);
  const s = a % 60;
  return `${sign}${pad(h, 2)}:${pad(m, 2)}${s ? `:${pad(s, 2)}` : ''}`;
}

export function isoTime(hour: number, minute: number, second: number, nanosecond: number): string {
  return `${pad(hour, 2)}:${pad(minute, 2)}:${pad(second, 2)}${isoFraction(nanosecond)}`;
}

import {
  daysFromCivil,
  epochSecondsOf,
  isoOffset,
  isoTime,
  isoYear,
  joinEpochSeconds,
  pad,
  wallClockOf,
  wallClockOfDate,
} from './civil';
import { offsetForLocal } from './time-zone';

/**
 * A date and time in a zone (Cypher `ZONED DATETIME`), held as LOCAL wall-clock fields plus
 * either a fixed UTC offset, or an IANA zone id (then `timeZoneOffsetSeconds`, when known, is
 * the zone's offset at that local time — decoding fills it, and encoding uses it, so a value
 * that was read re-encodes exactly even in a DST overlap).
 */
export class DateTime {
  constructor(
    public year: number,
    public month: number,
    public day: number,
    public hour: number,
    public minute: number,
    public second: number,
    public nanosecond: number,
    public timeZoneOffsetSeconds?: number,
    public timeZoneId?: string,
  ) {}

  /** Local wall-clock seconds since the epoch, as if UTC. */
  toLocalEpochSeconds(): number | bigint {
    return epochSecondsOf(this.year, this.month, this.day, this.hour, this.minute, this.second);
  }

  /**
   * True UTC seconds since the epoch. Uses `timeZoneOffsetSeconds` when set; otherwise looks the
   * zone's offset up through Intl (ambiguous local times resolve to the earlier instant).
   * Undefined if neither is available.
   */
  toEpochSeconds(): number | bigint | undefined {
    const days = daysFromCivil(this.year, this.month, this.day);
    const sod = this.hour * 3600 + this.minute * 60 + this.second;
    let offset = this.timeZoneOffsetSeconds;
    if (offset === undefined && this.timeZoneId !== undefined) {
      offset = offsetForLocal(this.timeZoneId, days * 86400 + sod);
    }
    if (offset === undefined) return undefined;
    return joinEpochSeconds(days, sod - offset);
  }

  /** Build from local wall-clock epoch seconds. */
  static fromLocalEpochSeconds(
    seconds: number | bigint,
    nanosecond: number,
    timeZoneOffsetSeconds?: number,
    timeZoneId?: string,
  ): DateTime {
    return new DateTime(...wallClockOf(seconds), nanosecond, timeZoneOffsetSeconds, timeZoneId);
  }

  /** The instant of a JS Date, in the host's local offset at that instant. */
  static fromStandardDate(d: globalThis.Date): DateTime {
    return new DateTime(
      ...wallClockOfDate(d),
      d.getMilliseconds() * 1e6,
      -d.getTimezoneOffset() * 60,
    );
  }

  toString(): string {
    const base = `${isoYear(this.year)}-${pad(this.month, 2)}-${pad(this.day, 2)}T${isoTime(this.hour, this.minute, this.second, this.nanosecond)}`;
    const off =
      this.timeZoneOffsetSeconds === undefined ? '' : isoOffset(this.timeZoneOffsetSeconds);
    return this.timeZoneId === undefined ? base + off : `${base}${off}[${this.timeZoneId}]`;
  }
}

import { epochSecondsOf, isoTime, isoYear, pad, wallClockOf, wallClockOfDate } from './civil';

/** A date and time without zone (Cypher `LOCAL DATETIME`). */
export class LocalDateTime {
  constructor(
    public year: number,
    public month: number,
    public day: number,
    public hour: number,
    public minute: number,
    public second: number,
    public nanosecond: number,
  ) {}

  /** Wall-clock seconds since the epoch, as if UTC (number when safe, else bigint). */
  toEpochSeconds(): number | bigint {
    return epochSecondsOf(this.year, this.month, this.day, this.hour, this.minute, this.second);
  }

  static fromEpochSeconds(seconds: number | bigint, nanosecond: number): LocalDateTime {
    return new LocalDateTime(...wallClockOf(seconds), nanosecond);
  }

  /** The local wall-clock fields of a JS Date. */
  static fromStandardDate(d: globalThis.Date): LocalDateTime {
    return new LocalDateTime(...wallClockOfDate(d), d.getMilliseconds() * 1e6);
  }

  toString(): string {
    return `${isoYear(this.year)}-${pad(this.month, 2)}-${pad(this.day, 2)}T${isoTime(this.hour, this.minute, this.second, this.nanosecond)}`;
  }
}

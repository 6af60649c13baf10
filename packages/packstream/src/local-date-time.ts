import {
  civilFromDays,
  daysFromCivil,
  isoTime,
  isoYear,
  joinEpochSeconds,
  pad,
  splitEpochSeconds,
} from './civil';

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
    return joinEpochSeconds(
      daysFromCivil(this.year, this.month, this.day),
      this.hour * 3600 + this.minute * 60 + this.second,
    );
  }

  static fromEpochSeconds(seconds: number | bigint, nanosecond: number): LocalDateTime {
    const [days, sod] = splitEpochSeconds(seconds);
    const [y, m, d] = civilFromDays(days);
    return new LocalDateTime(
      y,
      m,
      d,
      Math.floor(sod / 3600),
      Math.floor((sod % 3600) / 60),
      sod % 60,
      nanosecond,
    );
  }

  /** The local wall-clock fields of a JS Date. */
  static fromStandardDate(d: globalThis.Date): LocalDateTime {
    return new LocalDateTime(
      d.getFullYear(),
      d.getMonth() + 1,
      d.getDate(),
      d.getHours(),
      d.getMinutes(),
      d.getSeconds(),
      d.getMilliseconds() * 1e6,
    );
  }

  toString(): string {
    return `${isoYear(this.year)}-${pad(this.month, 2)}-${pad(this.day, 2)}T${isoTime(this.hour, this.minute, this.second, this.nanosecond)}`;
  }
}

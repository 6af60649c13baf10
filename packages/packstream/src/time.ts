import { isoOffset, isoTime } from './civil';

/** A time of day with a UTC offset (Cypher `ZONED TIME`). */
export class Time {
  constructor(
    public hour: number,
    public minute: number,
    public second: number,
    public nanosecond: number,
    public timeZoneOffsetSeconds: number,
  ) {}

  /** Nanoseconds since local midnight (the wire form). */
  toNanoOfDay(): number {
    return (this.hour * 3600 + this.minute * 60 + this.second) * 1e9 + this.nanosecond;
  }

  toString(): string {
    return `${isoTime(this.hour, this.minute, this.second, this.nanosecond)}${isoOffset(this.timeZoneOffsetSeconds)}`;
  }
}

import { isoTime } from './civil';

/** A time of day without zone (Cypher `LOCAL TIME`). */
export class LocalTime {
  constructor(
    public hour: number,
    public minute: number,
    public second: number,
    public nanosecond: number,
  ) {}

  /** Nanoseconds since midnight (the wire form). */
  toNanoOfDay(): number {
    return (this.hour * 3600 + this.minute * 60 + this.second) * 1e9 + this.nanosecond;
  }

  static fromNanoOfDay(nanos: number): LocalTime {
    const ns = nanos % 1e9;
    const s = (nanos - ns) / 1e9;
    return new LocalTime(Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60, ns);
  }

  toString(): string {
    return isoTime(this.hour, this.minute, this.second, this.nanosecond);
  }
}

/**
 * A Cypher `DURATION`: months, days, seconds and nanoseconds kept apart (a month is not a fixed
 * number of days). Each may be negative; each is a number, or a bigint beyond 2^53.
 */
export class Duration {
  constructor(
    public months: number | bigint,
    public days: number | bigint,
    public seconds: number | bigint,
    public nanoseconds: number | bigint,
  ) {}

  /** ISO 8601, e.g. `P14M3DT4.5S`. */
  toString(): string {
    const total = BigInt(this.seconds) * 1_000_000_000n + BigInt(this.nanoseconds);
    const neg = total < 0n;
    const abs = neg ? -total : total;
    const whole = abs / 1_000_000_000n;
    const frac = abs % 1_000_000_000n;
    const secs = `${neg ? '-' : ''}${whole}${frac ? `.${frac.toString().padStart(9, '0').replace(/0+$/, '')}` : ''}`;
    return `P${this.months}M${this.days}DT${secs}S`;
  }
}

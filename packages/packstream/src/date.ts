import { civilFromDays, daysFromCivil, isoYear, pad } from './civil';

/** A calendar date without time or zone (Cypher `DATE`). Month 1–12. */
// biome-ignore lint/suspicious/noShadowRestrictedNames: the Bolt type keeps its Cypher name; the global is globalThis.Date
export class Date {
  constructor(
    public year: number,
    public month: number,
    public day: number,
  ) {}

  /** Days since 1970-01-01 (the wire form). */
  toEpochDays(): number {
    return daysFromCivil(this.year, this.month, this.day);
  }

  static fromEpochDays(days: number): Date {
    const [y, m, d] = civilFromDays(days);
    return new Date(y, m, d);
  }

  /** The local calendar date of a JS Date. */
  static fromStandardDate(d: globalThis.Date): Date {
    return new Date(d.getFullYear(), d.getMonth() + 1, d.getDate());
  }

  toString(): string {
    return `${isoYear(this.year)}-${pad(this.month, 2)}-${pad(this.day, 2)}`;
  }
}

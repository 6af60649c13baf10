/** Callers waiting for one condition (a transport's `drained()`): settled all at once. */
export class Waiters {
  private list: { resolve(): void; reject(error: Error): void }[] = [];

  get size(): number {
    return this.list.length;
  }

  wait(): Promise<void> {
    return new Promise((resolve, reject) => this.list.push({ resolve, reject }));
  }

  resolveAll(): void {
    if (this.list.length === 0) return;
    const list = this.list;
    this.list = [];
    for (const w of list) w.resolve();
  }

  rejectAll(error: Error): void {
    if (this.list.length === 0) return;
    const list = this.list;
    this.list = [];
    for (const w of list) w.reject(error);
  }
}

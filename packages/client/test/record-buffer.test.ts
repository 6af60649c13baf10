import { describe, expect, it } from 'vitest';
import { RecordBuffer } from '../src/record-buffer.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

describe('RecordBuffer', () => {
  // a result read whole collects its records in blocks of 1,024 and joins them once: the counts
  // below land inside a block, on a block's end, and across several blocks
  for (const n of [0, 1, 1023, 1024, 1025, 2048, 5000]) {
    it(`gives back ${n} collected records in the order they came, as one array`, () => {
      const b = new RecordBuffer<number>();
      for (const i of range(0, n)) b.collect(i);
      const all = b.takeAll();
      expect(all).toEqual(range(0, n));
      expect(Array.isArray(all)).toBe(true);
      expect(b.takeAll()).toBe(all);
    });
  }

  it('gives the queued records first, then the collected ones', () => {
    const b = new RecordBuffer<number>();
    for (const i of range(0, 3)) b.push(i);
    expect(b.shift()).toBe(0);
    for (const i of range(3, 2003)) b.collect(i);
    expect(b.queued).toBe(2);
    expect(b.takeAll()).toEqual(range(1, 2003));
    expect(b.queued).toBe(0);
  });

  it('after a take, a later take holds the earlier records and the new ones, in order', () => {
    const b = new RecordBuffer<number>();
    for (const i of range(0, 1500)) b.collect(i);
    const first = b.takeAll();
    expect(first).toEqual(range(0, 1500));
    for (const i of range(1500, 4000)) b.collect(i);
    const second = b.takeAll();
    expect(second).toEqual(range(0, 4000));
    expect(first).toEqual(range(0, 1500));
    expect(b.takeAll()).toBe(second);
  });
});

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

  // the iteration's queue is a ring: records go in at the tail and out at the head, across the
  // end of its slots and back to the start
  it('queues records in order across the end of its slots, growing while wrapped', () => {
    const b = new RecordBuffer<number>();
    const out: number[] = [];
    let next = 0;
    // in 7, out 5, many times: the head walks round the slots and the queue grows to hold the
    // backlog while its records wrap around
    for (let round = 0; round < 200; round++) {
      for (let i = 0; i < 7; i++) b.push(next++);
      for (let i = 0; i < 5; i++) out.push(b.shift()!);
    }
    expect(b.queued).toBe(400);
    while (b.queued > 0) out.push(b.shift()!);
    expect(out).toEqual(range(0, next));
    expect(b.shift()).toBeUndefined();
  });

  it('puts a record back at the head, also when the head is the first slot', () => {
    const b = new RecordBuffer<number>();
    b.push(1);
    b.push(2);
    expect(b.shift()).toBe(1);
    b.unshift(1);
    b.unshift(0);
    expect(b.queued).toBe(3);
    expect([b.shift(), b.shift(), b.shift(), b.shift()]).toEqual([0, 1, 2, undefined]);
    const full = new RecordBuffer<number>();
    for (const i of range(1, 17)) full.push(i);
    full.unshift(0);
    expect(full.takeAll()).toEqual(range(0, 17));
  });

  it('takes wrapped queued records oldest first, and forgets cleared ones', () => {
    const b = new RecordBuffer<number>();
    for (const i of range(0, 12)) b.push(i);
    for (let i = 0; i < 10; i++) b.shift();
    for (const i of range(12, 22)) b.push(i);
    expect(b.takeAll()).toEqual(range(10, 22));
    for (const i of range(0, 5)) b.push(i);
    b.clear();
    expect(b.queued).toBe(0);
    expect(b.shift()).toBeUndefined();
    b.push(7);
    expect(b.takeAll()).toEqual([...range(10, 22), 7]);
  });

  it('keeps its slots while records flow through: no new list per batch', () => {
    const b = new RecordBuffer<number>();
    expect(b.capacity).toBe(0);
    b.push(0);
    expect(b.capacity).toBe(16);
    for (let i = 1; i < 100_000; i++) {
      b.push(i);
      if (i % 3 === 0) while (b.queued > 0) b.shift();
    }
    expect(b.capacity).toBe(16);
    for (const i of range(0, 1000)) b.push(i);
    expect(b.capacity).toBe(1024);
    for (let round = 0; round < 50; round++) {
      while (b.queued > 0) b.shift();
      for (const i of range(0, 1000)) b.push(i);
    }
    expect(b.capacity).toBe(1024);
  });

  it('lets the slots of a drained backlog go, and those of a cleared queue', () => {
    const b = new RecordBuffer<number>();
    for (const i of range(0, 100_000)) b.push(i);
    expect(b.capacity).toBe(131_072);
    for (let i = 0; i < 99_999; i++) b.shift();
    expect(b.capacity).toBe(131_072);
    expect(b.shift()).toBe(99_999);
    expect(b.capacity).toBe(0);
    expect(b.shift()).toBeUndefined();
    // a queue no bigger than a batch keeps its slots when drained
    for (const i of range(0, 60_000)) b.push(i);
    while (b.queued > 0) b.shift();
    expect(b.capacity).toBe(65_536);
    b.push(1);
    b.clear();
    expect(b.capacity).toBe(0);
    expect(b.queued).toBe(0);
    b.push(2);
    expect(b.takeAll()).toEqual([2]);
  });
});

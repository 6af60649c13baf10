import { describe, expect, it } from 'vitest';
import { PendingQueue } from '../src/pending-queue.js';

const observer = {};

describe('PendingQueue', () => {
  it('answers in the order the requests were sent, and is empty when all were answered', () => {
    const q = new PendingQueue();
    expect(q.size).toBe(0);
    expect(q.first).toBeUndefined();
    q.push('RUN', observer, -1);
    q.push('PULL', observer, 1000);
    expect(q.size).toBe(2);
    expect(q.first).toEqual({ type: 'RUN', observer, limit: -1, records: 0 });
    q.shift();
    expect(q.first).toEqual({ type: 'PULL', observer, limit: 1000, records: 0 });
    q.shift();
    expect(q.size).toBe(0);
    expect(q.first).toBeUndefined();
  });

  it('reuses its slots once emptied, and keeps no request it was done with', () => {
    const q = new PendingQueue();
    for (let round = 0; round < 3; round++) {
      q.push('RUN', observer, -1);
      q.push('PULL', observer, -1);
      q.shift();
      q.push('RESET', observer, -1);
      expect(q.size).toBe(2);
      expect(q.first?.type).toBe('PULL');
      q.shift();
      expect(q.first?.type).toBe('RESET');
      q.shift();
      expect(q.size).toBe(0);
    }
    // nothing answered stays referenced (an observer holds its result)
    const slots = (q as unknown as { items: unknown[] }).items;
    expect(slots.every((p) => p === undefined)).toBe(true);
  });

  it('stays in order across the compaction of a long run of answers', () => {
    const q = new PendingQueue();
    for (let i = 0; i < 3000; i++) q.push('PULL', observer, i);
    for (let i = 0; i < 2000; i++) {
      expect(q.first?.limit).toBe(i);
      q.shift();
      q.push('PULL', observer, 3000 + i);
    }
    expect(q.size).toBe(3000);
    for (let i = 2000; i < 5000; i++) {
      expect(q.first?.limit).toBe(i);
      q.shift();
    }
    expect(q.size).toBe(0);
  });

  it('drain() hands out what is waiting, in order, and empties the queue', () => {
    const q = new PendingQueue();
    q.push('RUN', observer, -1);
    q.push('PULL', observer, -1);
    q.push('RESET', observer, -1);
    q.shift();
    expect(q.drain().map((p) => p.type)).toEqual(['PULL', 'RESET']);
    expect(q.size).toBe(0);
    expect(q.first).toBeUndefined();
    q.push('GOODBYE', observer, -1);
    expect(q.first?.type).toBe('GOODBYE');
  });
});

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, type Driver, driver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, type Seen, testHandler } from './support/test-handler.js';

// A 1,000,000-row stream read through the async iterator keeps client memory bounded: the
// server never runs more than two batches ahead of the consumer, and the heap does not grow
// with the number of rows (1M records held at once would need well over 100 MB).
describe('a 1,000,000-row stream', () => {
  let fx: Fixture;
  let d: Driver;
  let seen: Seen;
  beforeAll(async () => {
    seen = newSeen();
    fx = await memoryServer(testHandler(seen));
    d = driver(fx.url, {
      auth: auth.basic('neo4j', 'pw'),
      netModule: fx.netModule,
      fetchSize: 1000,
    });
  });
  afterAll(async () => {
    await d.close();
    await fx.close();
  });

  it('is consumed with bounded memory', async () => {
    const s = d.session();
    const before = process.memoryUsage().heapUsed;
    let peak = before;
    let maxAhead = 0;
    let count = 0;
    let sum = 0;
    for await (const r of s.run<{ i: number; s: string; f: number }>('ROWS', { n: 1_000_000 })) {
      sum += r.get('i');
      count++;
      if (count % 10_000 === 0) {
        peak = Math.max(peak, process.memoryUsage().heapUsed);
        maxAhead = Math.max(maxAhead, seen.produced - count);
      }
    }
    expect(count).toBe(1_000_000);
    expect(sum).toBe((999_999 * 1_000_000) / 2);
    expect(maxAhead).toBeLessThanOrEqual(2 * 1000);
    expect(peak - before).toBeLessThan(64 * 1024 * 1024);
    await s.close();
  }, 120_000);
});

// A session hands each query the one before it (the next waits for it to end), and must not keep
// it: a long-lived session running queries one after the other would hold every result it ever
// gave out.
describe('a session running queries one after the other', () => {
  let fx: Fixture;
  let d: Driver;
  beforeAll(async () => {
    fx = await memoryServer(testHandler(newSeen()));
    d = driver(fx.url, { auth: auth.basic('neo4j', 'pw'), netModule: fx.netModule });
  });
  afterAll(async () => {
    await d.close();
    await fx.close();
  });

  it('does not keep its earlier results alive', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const s = d.session();
    let first: WeakRef<object> | undefined;
    for (let i = 0; i < 5; i++) {
      const result = s.run('RETURN 1 AS n');
      first ??= new WeakRef(result);
      const { records } = await result;
      expect(records[0].get('n')).toBe(1);
    }
    // a WeakRef target lives to the end of the job that created it
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(first?.deref()).toBeUndefined();
    await s.close();
  });
});

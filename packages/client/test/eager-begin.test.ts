import { BoltError as ServerError } from '@bolt/server';
import { ManualClock } from '@bolt/test-support';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Driver, driver } from '../src/index.js';
import { type Fixture, memoryServer } from './support/bolt-fixture.js';
import { newSeen, testHandler } from './support/test-handler.js';

// eagerBegin: BEGIN's answer is awaited before beginTransaction() resolves and before a managed
// transaction's work runs; without it BEGIN is pipelined and its failure reported by the
// first query.
let fx: Fixture | undefined;
let drv: Driver | undefined;
let clock: ManualClock;
beforeEach(() => {
  clock = new ManualClock();
});
afterEach(async () => {
  await drv?.close();
  drv = undefined;
  await fx?.close();
  fx = undefined;
});

/** A server whose BEGIN fails with `code` for the first `failures` transactions. */
async function setup(code: string, failures: number, eagerBegin?: boolean) {
  const seen = newSeen();
  const h = testHandler(seen);
  const begin = h.begin!;
  let failed = 0;
  h.begin = (ctx, ...rest) => {
    if (failed < failures) {
      failed++;
      throw new ServerError('no transaction for you', { code });
    }
    return begin.call(h, ctx, ...rest);
  };
  fx = await memoryServer(h);
  drv = driver(fx.url, { netModule: fx.netModule, eagerBegin, clock });
  return { seen, d: drv };
}

describe('eagerBegin', () => {
  it('beginTransaction() rejects with the failure of BEGIN; the session goes on', async () => {
    const { d } = await setup('Neo.ClientError.Database.DatabaseNotFound', 1, true);
    const session = d.session();
    const err = await session.beginTransaction().catch((e) => e);
    expect(err.code).toBe('Neo.ClientError.Database.DatabaseNotFound');
    const tx = await session.beginTransaction();
    expect((await tx.run('RETURN 1 AS n')).records[0]!.get('n')).toBe(1);
    await tx.commit();
    await session.close();
    expect(d.poolMetrics.active).toBe(0);
  });

  it('without it, beginTransaction() resolves and the first query reports the failure', async () => {
    const { d } = await setup('Neo.ClientError.Database.DatabaseNotFound', 1);
    const session = d.session();
    const tx = await session.beginTransaction();
    const err = await Promise.resolve(tx.run('RETURN 1 AS n')).catch((e) => e);
    expect(err.code).toBe('Neo.ClientError.Database.DatabaseNotFound');
    await session.close();
  });

  it('a managed transaction’s work does not run when BEGIN fails; a transient failure is retried', async () => {
    const { d, seen } = await setup('Neo.TransientError.General.TransientThing', 1, true);
    let calls = 0;
    const work = d.session().executeRead(async (tx) => {
      calls++;
      return (await tx.run('RETURN 1 AS n')).records[0]!.get('n');
    });
    await clock.runUntil(work, (ms) => ms <= 1200); // the back-off (1 s ± 20 %), on the clock
    const n = await work;
    expect(n).toBe(1);
    expect(calls).toBe(1);
    expect(seen.commits).toBe(1);
  });

  it('a session may turn it on for itself', async () => {
    const { d } = await setup('Neo.ClientError.Database.DatabaseNotFound', 1);
    const session = d.session({ eagerBegin: true });
    const err = await session.beginTransaction().catch((e) => e);
    expect(err.code).toBe('Neo.ClientError.Database.DatabaseNotFound');
    await session.close();
  });
});

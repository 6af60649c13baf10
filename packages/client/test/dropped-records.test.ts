import { describe, expect, it } from 'vitest';
import type { BoltError, Result } from '../src/index.js';
import { memoryDriver } from './support/memory-driver.js';
import { newSeen, testHandler } from './support/test-handler.js';

// Records that were dropped unread (consume(), or the transaction or session ended while the
// stream was open) cannot be read afterwards: every way of reading fails with a usage error
// instead of answering "no more records" (testkit: iteration/test_result_scope).

async function setup(fetchSize = 10) {
  return (await memoryDriver(testHandler(newSeen()), {}, { fetchSize })).d;
}

/** Every way of reading records, each expected to fail with a usage error saying `why`. */
async function expectUnreadable(result: Result, why: RegExp) {
  const failures: unknown[] = [];
  const reads: (() => Promise<unknown>)[] = [
    () => result[Symbol.asyncIterator]().next(),
    () => result.peek(),
    () => result.records(),
    () => result.single(),
    async () => {
      await result;
    },
  ];
  for (const read of reads)
    failures.push(
      await read().then(
        () => 'read something',
        (e: BoltError) => e,
      ),
    );
  for (const f of failures)
    expect(f).toMatchObject({ kind: 'usage', message: expect.stringMatching(why) });
}

describe('records dropped unread', () => {
  it('after consume(): reading fails; keys(), summary() and consume() still answer', async () => {
    const d = await setup();
    const s = d.session();
    const result = s.run('ROWS', { n: 100 });
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    const summary = await result.consume();
    await expectUnreadable(result, /consume\(\)/);
    expect(await it.next().catch((e: BoltError) => e.kind)).toBe('usage');
    await expect(result.consume()).resolves.toBe(summary);
    await expect(result.summary()).resolves.toBe(summary);
    await expect(result.keys()).resolves.toEqual(['i', 's', 'f']);
    // the session goes on
    expect((await s.run('RETURN 1 AS n')).records[0].get('n')).toBe(1);
    await s.close();
  });

  it('after consume() of a result read whole: the records handed out stay, reading again fails', async () => {
    const d = await setup();
    const s = d.session();
    const result = s.run('ROWS', { n: 3 });
    const { records } = await result;
    await result.consume();
    expect(records.map((r) => r.get('i'))).toEqual([0, 1, 2]);
    await expectUnreadable(result, /consume\(\)/);
    await s.close();
  });

  it('a failed result reports its failure, consumed or not', async () => {
    const d = await setup();
    const s = d.session();
    const result = s.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' });
    await expect(result.consume()).rejects.toMatchObject({ kind: 'server', message: 'boom' });
    await expect(result.records()).rejects.toMatchObject({ kind: 'server', message: 'boom' });
    await expect(result.peek()).rejects.toMatchObject({ kind: 'server', message: 'boom' });
    await s.close();
  });

  for (const end of ['rollback', 'close'] as const)
    it(`a transaction's ${end}() with a result open: reading that result fails`, async () => {
      const d = await setup();
      const s = d.session();
      const tx = await s.beginTransaction();
      const open = tx.run('ROWS', { n: 100 });
      const it = open[Symbol.asyncIterator]();
      expect((await it.next()).value.get('i')).toBe(0);
      // read to its end before the transaction ends: its records stay readable
      const ended = tx.run('ROWS', { n: 3 });
      await ended.summary();
      await tx[end]();
      await expectUnreadable(open, /transaction was rolled back or closed/);
      expect(await it.next().catch((e: BoltError) => e.kind)).toBe('usage');
      expect((await ended.records()).map((r) => r.get('i'))).toEqual([0, 1, 2]);
      await s.close();
    });

  it("a transaction's commit() reads open results to the end: their records stay readable", async () => {
    const d = await setup();
    const s = d.session();
    const tx = await s.beginTransaction();
    const result = tx.run('ROWS', { n: 25 });
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    await tx.commit();
    const rest: unknown[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value.get('i'));
    expect(rest).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    await s.close();
  });

  it('a session closed with its result open: reading that result fails', async () => {
    const d = await setup();
    const s = d.session();
    const result = s.run('ROWS', { n: 100 });
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    await s.close();
    await expectUnreadable(result, /session was closed/);
    await expect(result.summary()).resolves.toMatchObject({ query: { text: 'ROWS' } });
  });
});

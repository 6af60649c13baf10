import { describe, expect, it } from 'vitest';
import { memoryDriver } from './support/memory-driver.js';
import { newSeen, testHandler } from './support/test-handler.js';

// The paths of result-states.ts that end a stream early, seen from the wire and from the user.

async function setup(versions: { major: number; minor: number }[], fetchSize?: number) {
  const seen = newSeen();
  const lines: string[] = [];
  const { d } = await memoryDriver(
    testHandler(seen),
    { versions },
    { fetchSize, logger: { debug: (m) => lines.push(m) } },
  );
  return { seen, lines, d };
}

const sent = (lines: string[], what: string) =>
  lines.filter((l) => l.startsWith(`C: ${what}`)).length;

describe('result lifecycle', () => {
  for (const [label, versions, fetchSize] of [
    ['Bolt 5.8, one unbounded PULL', [{ major: 5, minor: 8 }], -1],
    ['Bolt 3.0, PULL_ALL', [{ major: 3, minor: 0 }], 100],
  ] as const) {
    it(`${label}: a break RESETs and the result ends without an error`, async () => {
      const { d, lines } = await setup([...versions], fetchSize);
      const s = d.session();
      const result = s.run('FOREVER');
      let n = 0;
      for await (const _ of result) if (++n === 5) break;
      // the IGNORED of the interrupted PULL is expected: no error reaches the user
      const summary = await result.consume();
      expect(summary.query.text).toBe('FOREVER');
      await expect(result.summary()).resolves.toBe(summary);
      expect(sent(lines, 'RESET')).toBe(1);
      expect(sent(lines, 'DISCARD')).toBe(0);
      await s.close();
    });
  }

  it('consume() during a PULL waits for it, then sends one DISCARD', async () => {
    const { d, lines, seen } = await setup([{ major: 5, minor: 8 }], 10);
    const s = d.session();
    const result = s.run('ROWS', { n: 1000 });
    const summary = await result.consume();
    expect(summary.query.text).toBe('ROWS');
    expect(sent(lines, 'PULL')).toBe(1);
    expect(sent(lines, 'DISCARD')).toBe(1);
    expect(sent(lines, 'RESET')).toBe(0);
    expect(seen.closedEarly).toBe(1);
    await s.close();
  });

  it('an iteration left between batches DISCARDs; records read stay read', async () => {
    const { d, lines } = await setup([{ major: 5, minor: 8 }], 10);
    const s = d.session();
    const result = s.run('ROWS', { n: 1000 });
    const seenRows: number[] = [];
    for await (const r of result) {
      seenRows.push(r.get('i') as number);
      if (seenRows.length === 25) break;
    }
    expect(seenRows).toEqual(Array.from({ length: 25 }, (_, i) => i));
    // nothing more is handed out after the break
    expect(await result.peek()).toBeUndefined();
    await result.consume();
    expect(sent(lines, 'DISCARD')).toBe(1);
    expect(sent(lines, 'RESET')).toBe(0);
    // consumed: reading fails from then on
    await expect(result.peek()).rejects.toMatchObject({ kind: 'usage' });
    await s.close();
  });

  it('summary() during an iteration reads to the end and keeps the rest for the iterator', async () => {
    const { d, lines } = await setup([{ major: 5, minor: 8 }], 10);
    const s = d.session();
    const result = s.run('ROWS', { n: 95 });
    const it = result[Symbol.asyncIterator]();
    expect((await it.next()).value.get('i')).toBe(0);
    const summary = await result.summary();
    expect(summary.query.text).toBe('ROWS');
    let rest = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) rest++;
    expect(rest).toBe(94);
    expect(sent(lines, 'DISCARD')).toBe(0);
    await s.close();
  });

  it('await gives one answer, awaited before the stream ended or after, and again', async () => {
    const { d } = await setup([{ major: 5, minor: 8 }]);
    const s = d.session();
    const result = s.run('ROWS', { n: 3 });
    const early = await result; // settled as the stream ends
    const late = await result; // settled at once
    expect(early.records.map((r) => r.get('i'))).toEqual([0, 1, 2]);
    expect(late.records).toBe(early.records);
    expect(late.summary).toBe(early.summary);
    expect(early.summary).toBe(await result.summary());
    expect(early.keys).toEqual(['i', 's', 'f']);
    expect(Object.keys(early)).toEqual(['records', 'summary', 'keys']);
    // a failure rejects both ways too
    const failed = s.run('ERROR', { code: 'Neo.ClientError.Statement.SyntaxError' });
    const first = await failed.then(
      () => undefined,
      (e) => e,
    );
    expect(first?.code).toBe('Neo.ClientError.Statement.SyntaxError');
    await expect(failed).rejects.toBe(first);
    await s.close();
  });
});
